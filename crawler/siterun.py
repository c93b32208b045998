"""The sites of a crawl and the URL keys they are deduplicated by."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urlsplit

from w3lib.url import canonicalize_url

from pucha.registry.records import SiteRecord


@lru_cache(maxsize=65536)
def url_key(url: str) -> str:
    # Cached: a site's menu links recur on every one of its pages (bench/README.md's profile: ~6 %).
    return canonicalize_url(url, keep_fragments=False)


def host_of(url: str) -> str:
    return (urlsplit(url).netloc or "").lower()


@dataclass
class SiteRun:
    """A registered site as the crawl sees it: the record and its host (its mutable state is in the ledger)."""

    site: SiteRecord
    host: str = field(default="")

    def __post_init__(self) -> None:
        self.host = host_of(self.site.home_url)

    @property
    def home(self) -> str:
        return self.site.home_url

    def same_site(self, url: str) -> bool:
        return host_of(url) == self.host
