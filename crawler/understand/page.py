"""The one entry point the crawler calls per page: decode, parse once, read everything."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from lxml.html import HtmlElement

from pucha.events import Item, Letter

from .article import pub_date
from .dataproxy import DataProxyCall, dataproxy_calls, parse_dataproxy
from .decode import decode
from .dom import clean, parse
from .guides import file_links, forms_mentioned, guide_elements
from .interaction import letters
from .lexicon import TermHit, text_findings
from .links import extract_links
from .lists import is_empty_notice, list_items
from .pagination import next_pages
from .scripted import loads_by_script, script_endpoints
from .soft404 import is_soft404

# Hanweb pages carry their first records inline, in a <script type="text/xml"> datastore.
_DATASTORE_RE = re.compile(r"<datastore>.*?</datastore>", re.S | re.I)


@dataclass
class PageView:
    """What the crawler needs from one page; role-specific fields are empty otherwise."""

    url: str
    encoding: str
    title: str = ""
    links: list[tuple[str, str]] = field(default_factory=list)  # (absolute target, tag)
    items: list[Item] = field(default_factory=list)
    empty_notice: bool = False
    next_pages: list[str] = field(default_factory=list)
    dataproxy: list[DataProxyCall] = field(default_factory=list)
    script_filled: bool = False  # role "column": no entries in the HTML, a script loads them
    script_endpoints: list[str] = field(default_factory=list)  # the URLs it loads them from, where literal
    pub_date: dt.date | None = None
    letters: list[Letter] = field(default_factory=list)  # role "consultation"
    guide_elements: set[str] = field(default_factory=set)  # role "guide"
    file_links: list[str] = field(default_factory=list)  # role "guide"
    forms_mentioned: list[str] = field(default_factory=list)  # role "guide"
    soft404: bool = False
    findings: list[TermHit] = field(default_factory=list)  # candidates for 严重错误


def understand(body: bytes, url: str, content_type: str | None, as_of: dt.date,
               role: str = "page") -> PageView:
    """Read one fetched page.  ``role``: home, column, page, guide, consultation, system.

    A column page's items are its main list only (``list_items(main_only=True)``);
    other roles get every list of the page.
    """
    text, encoding = decode(body, content_type)
    doc = parse(text)
    view = PageView(url=url, encoding=encoding, title=_title(doc))
    view.links = extract_links(doc, url)
    view.soft404 = is_soft404(doc)
    view.items = list_items(doc, url, as_of, main_only=(role == "column"))
    view.empty_notice = is_empty_notice(doc)
    view.next_pages = next_pages(doc, url, text)
    view.dataproxy = dataproxy_calls(doc, url, text)
    view.pub_date = pub_date(doc, text)
    view.findings = text_findings(doc)
    if role == "consultation":
        view.letters = letters(doc, url, as_of)
    elif role == "guide":
        view.guide_elements = guide_elements(doc)
        view.file_links = file_links(doc, url)
        view.forms_mentioned = forms_mentioned(doc)
    # Last: it parses the datastore as a second document (Hanweb pages only).
    view.items.extend(_inline_datastore_items(text, url, as_of))
    if role == "column" and not view.items and not view.dataproxy and not view.empty_notice:
        view.script_filled = loads_by_script(doc)
        view.script_endpoints = script_endpoints(doc, url) if view.script_filled else []
    return view


def _title(doc: HtmlElement) -> str:
    for t in doc.iter("title"):
        return clean(t.text_content())
    return ""


def _inline_datastore_items(text: str, url: str, as_of: dt.date) -> list[Item]:
    if "<datastore" not in text and "<DATASTORE" not in text:
        return []
    items: list[Item] = []
    for block in _DATASTORE_RE.findall(text):
        html, _ = parse_dataproxy(block)
        if html:
            items.extend(list_items(parse(html), url, as_of))
    return items


def dataproxy_items(xml_text: str, url: str, as_of: dt.date) -> tuple[list[Item], int | None]:
    """The items of a dataproxy.jsp answer and its totalrecord (for the crawler's follow-up)."""
    html, total = parse_dataproxy(xml_text)
    return (list_items(parse(html), url, as_of) if html else []), total
