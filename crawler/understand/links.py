"""Every link of a page, as the link-availability rule counts them (SPEC §4).

``a[href]``, ``img[src]``, ``iframe[src]``, ``script[src]`` and
``link[href]``; not ``javascript:``, ``mailto:``, ``tel:``, ``data:`` or a
bare ``#fragment``; resolved against ``<base href>``; fragments cut (they
name a place in the same target); query strings kept; each target once per
page, with the tag it was first seen in.
"""
from __future__ import annotations

from urllib.parse import urldefrag, urljoin, urlsplit

from lxml.html import HtmlElement

from .dom import base_href

_ATTR = {"a": "href", "img": "src", "iframe": "src", "script": "src", "link": "href"}
_SKIP_SCHEMES = ("javascript:", "mailto:", "tel:", "data:", "about:", "#", "vbscript:", "sms:")
# Characters browsers strip from inside a URL (a newline in a long href).
_STRIP = str.maketrans("", "", "\n\r\t")


class Joiner:
    """urljoin + urldefrag against one base, fast for the common shapes of href.

    A page has hundreds of links and urljoin is the costliest step of reading
    them; absolute and root-relative hrefs without dot segments need no
    parsing, the rest go through urljoin (cached per href)."""

    def __init__(self, base: str):
        self.base = base
        parts = urlsplit(base)
        self.origin = f"{parts.scheme}://{parts.netloc}"
        self.scheme = parts.scheme
        self.cache: dict[str, str | None] = {}

    def __call__(self, href: str) -> str | None:
        got = self.cache.get(href, _MISSING)
        if got is not _MISSING:
            return got  # type: ignore[return-value]
        url: str | None
        simple = "/." not in href and " " not in href and "\\" not in href
        if simple and href.startswith(("http://", "https://")):
            url = href
        elif simple and href.startswith("/") and not href.startswith("//"):
            url = self.origin + href
        else:
            try:
                url = urljoin(self.base, href)
            except ValueError:  # e.g. an invalid IPv6 literal: no browser follows it
                url = None
        if url is not None and "#" in url:
            url = urldefrag(url)[0]
        self.cache[href] = url
        return url


_MISSING = object()


def extract_links(doc: HtmlElement, base_url: str) -> list[tuple[str, str]]:
    """(absolute target, tag) of every link of the page, first tag seen per target."""
    join = Joiner(base_href(doc, base_url))
    seen: set[str] = set()
    out: list[tuple[str, str]] = []
    for el in doc.iter("a", "img", "iframe", "script", "link"):
        raw = el.get(_ATTR[el.tag])
        if raw is None:
            continue
        href = raw.translate(_STRIP).strip() if "\n" in raw or "\t" in raw or "\r" in raw else raw.strip()
        if not href or href.lower().startswith(_SKIP_SCHEMES):
            continue
        url = join(href)
        if url is None or url in seen or not url.lower().startswith(("http://", "https://")):
            continue
        seen.add(url)
        out.append((url, el.tag))
    return out
