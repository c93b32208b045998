"""Every link of a page, as the link-availability rule counts them (CONTRACT §4).

``a[href]``, ``img[src]``, ``iframe[src]``, ``script[src]`` and
``link[href]``; not ``javascript:``, ``mailto:``, ``tel:``, ``data:`` or a
bare ``#fragment``; resolved against ``<base href>``; fragments cut (they
name a place in the same target); query strings kept; each target once per
page, with the tag it was first seen in.
"""
from __future__ import annotations

from urllib.parse import urldefrag, urljoin

from lxml.html import HtmlElement

from .dom import base_href

_ATTR = {"a": "href", "img": "src", "iframe": "src", "script": "src", "link": "href"}
_SKIP_SCHEMES = ("javascript:", "mailto:", "tel:", "data:", "about:", "#", "vbscript:", "sms:")
# Characters browsers strip from inside a URL (a newline in a long href).
_STRIP = str.maketrans("", "", "\n\r\t")


def extract_links(doc: HtmlElement, base_url: str) -> list[tuple[str, str]]:
    """(absolute target, tag) of every link of the page, first tag seen per target."""
    base = base_href(doc, base_url)
    seen: set[str] = set()
    out: list[tuple[str, str]] = []
    for el in doc.iter("a", "img", "iframe", "script", "link"):
        raw = el.get(_ATTR[el.tag])
        if raw is None:
            continue
        href = raw.translate(_STRIP).strip()
        if not href or href.lower().startswith(_SKIP_SCHEMES):
            continue
        try:
            url = urldefrag(urljoin(base, href))[0]
        except ValueError:  # e.g. an invalid IPv6 literal: not a link any browser follows
            continue
        if not url.lower().startswith(("http://", "https://")) or url in seen:
            continue
        seen.add(url)
        out.append((url, el.tag))
    return out
