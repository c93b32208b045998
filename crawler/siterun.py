"""Per-site bookkeeping of one sweep: what was scheduled, what is still out, what was emitted.

A site is done when nothing of it is in flight (pages, checks it waits on,
probe rounds); the spider then emits SiteDone with the counts.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from w3lib.url import canonicalize_url

from pucha.registry.records import SiteRecord


def url_key(url: str) -> str:
    return canonicalize_url(url, keep_fragments=False)


def host_of(url: str) -> str:
    return (urlsplit(url).netloc or "").lower()


@dataclass
class SiteRun:
    site: SiteRecord
    host: str = ""
    seen: set[str] = field(default_factory=set)  # url keys scheduled for crawl
    pages: int = 0  # crawl requests scheduled
    outstanding: int = 0  # requests and checks still owed to this site
    probes_left: int = 0
    home_crawled: bool = False
    done: bool = False
    emitted: Counter = field(default_factory=Counter)
    event_ids: set[str] = field(default_factory=set)
    checks_wanted: set[str] = field(default_factory=set)  # targets this site asked to check

    def __post_init__(self) -> None:
        self.host = host_of(self.site.home_url)

    def same_site(self, url: str) -> bool:
        return host_of(url) == self.host

    def finished(self) -> bool:
        return not self.done and self.outstanding <= 0 and self.probes_left <= 0
