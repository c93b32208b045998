"""The parsed page and the one walk over its text that the readers share.

``parse`` turns text into an lxml tree (one parse per page).  ``walk``
lists the page's visible text as segments (each text node with the element
that owns it and the link it sits in), skipping scripts, styles and form
controls but keeping hidden elements (hidden tab panels are real content).
The walk is cached for the last document seen, so the readers of one page
share it without passing it around.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

import lxml.etree
import lxml.html
from lxml.html import HtmlElement

# Subtrees whose text nobody reads on the page.
SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "select", "option", "textarea",
                       "head", "title", "object", "iframe", "svg", "button"})

_EMPTY_DOC = "<html><head></head><body></body></html>"


def parse(text: str) -> HtmlElement:
    """The document tree of ``text``; an empty or unparsable page gives an empty tree."""
    text = text.replace("\x00", "")
    if not text.strip():
        return lxml.html.document_fromstring(_EMPTY_DOC)
    try:
        return lxml.html.document_fromstring(text)
    except ValueError:  # a str that carries an <?xml encoding=...?> declaration
        return lxml.html.document_fromstring(
            text.encode("utf-8"), parser=lxml.html.HTMLParser(encoding="utf-8"))
    except lxml.etree.ParserError:
        return lxml.html.document_fromstring(_EMPTY_DOC)


class Segment(NamedTuple):
    text: str
    owner: HtmlElement  # the element whose .text (or child's .tail) this is
    link: HtmlElement | None  # the a[href] it sits in, if any


@dataclass
class Walk:
    segments: list[Segment]
    joined: str  # segments' text joined by "\n"
    starts: list[int]  # offset of each segment in joined


_last: tuple[HtmlElement, Walk] | None = None


def walk(doc: HtmlElement) -> Walk:
    """The visible text segments of ``doc`` in document order (cached for the last doc)."""
    global _last
    cached = _last
    if cached is not None and cached[0] is doc:
        return cached[1]
    segs: list[Segment] = []
    links: list[HtmlElement] = []  # the a[href] elements we are inside, innermost last
    events = lxml.etree.iterwalk(doc, events=("start", "end", "comment", "pi"))
    for event, el in events:
        if event == "start":
            tag = el.tag
            if tag in SKIP_TAGS:
                events.skip_subtree()  # its "end" still comes, and takes the tail
                continue
            if tag == "a" and el.get("href") is not None:
                links.append(el)
            if el.text and el.text.strip():
                segs.append(Segment(el.text, el, links[-1] if links else None))
            continue
        if event == "end" and links and links[-1] is el:
            links.pop()
        tail = el.tail
        if tail and el is not doc and tail.strip():
            segs.append(Segment(tail, el.getparent(), links[-1] if links else None))
    starts: list[int] = []
    pos = 0
    for s in segs:
        starts.append(pos)
        pos += len(s.text) + 1
    result = Walk(segs, "\n".join(s.text for s in segs), starts)
    _last = (doc, result)
    return result


def body_text(doc: HtmlElement) -> str:
    return walk(doc).joined


_WS_RE = re.compile(r"\s+")


def clean(text: str) -> str:
    """Whitespace collapsed and stripped, as a reader sees the text."""
    return _WS_RE.sub(" ", text).strip()


# Blocks that are page chrome, never a list: by tag, or by a class/id token.
_CHROME_TAGS = frozenset({"header", "footer", "nav"})
_CHROME_TOKENS = frozenset({
    "nav", "navbar", "navigation", "menu", "menus", "submenu", "header", "head", "footer", "foot",
    "bottom", "banner", "crumb", "crumbs", "breadcrumb", "position", "location", "copyright",
    "topbar", "daohang", "dh", "yqlj", "friendlink", "friendlinks", "links", "weizhi", "dqwz",
})
_TOKEN_SPLIT_RE = re.compile(r"[^a-z]+")


def is_chrome(el: HtmlElement, cache: dict | None = None) -> bool:
    """Whether ``el`` or an ancestor is navigation, header or footer.

    ``cache`` (element -> answer) saves climbing the same ancestors again
    when many rows of one page are asked about."""
    path = []
    node: HtmlElement | None = el
    answer = False
    while node is not None:
        if cache is not None and node in cache:
            answer = cache[node]
            break
        path.append(node)
        if _chrome_itself(node):
            answer = True
            break
        node = node.getparent()
    if cache is not None:
        for n in path:
            cache[n] = answer
    return answer


def _chrome_itself(node: HtmlElement) -> bool:
    tag = node.tag
    if not isinstance(tag, str):
        return False
    if tag in _CHROME_TAGS:
        return True
    attrs = (node.get("class") or "") + " " + (node.get("id") or "")
    if attrs.strip():
        for tok in _TOKEN_SPLIT_RE.split(attrs.lower()):
            if tok in _CHROME_TOKENS:
                return True
    return False


def base_href(doc: HtmlElement, url: str) -> str:
    """The URL relative links resolve against: ``<base href>`` if the page has one."""
    from urllib.parse import urljoin

    for b in doc.iter("base"):
        href = (b.get("href") or "").strip()
        if href:
            return urljoin(url, href)
    return url
