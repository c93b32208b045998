"""Lists filled by script (SPEC §5): the HTML holds no entries, a script fetches them from the site.

Many real column pages arrive with an empty list box and an inline script
that asks an endpoint for the entries (jQuery's ``$.ajax``/``$.getJSON``,
``fetch``, ``XMLHttpRequest``; gov.cn's own pushinfo lists are JSONP).  Where
the script names a same-site URL literally, the crawler calls it as the page
would (GET) and reads the entries from the JSON answer; Hanweb's POST
dataproxy is crawler.understand.dataproxy.  Where no URL can be read out of
the script, or where the script writes the entries from data of its own, the
list is ``unreadable`` (SPEC §8): not empty, but for a person, unless a
browser renders it (crawler.render).
"""
from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any, Iterator
from urllib.parse import urljoin, urlsplit

from lxml.html import HtmlElement

from pucha.events import Item

from .dates import parse_date

_LOADS_RE = re.compile(r"\$\.(?:ajax|get|post|getJSON)\s*\(|\.load\s*\(|\bfetch\s*\(|XMLHttpRequest|axios\.\w+\s*\(",
                       re.I)
# A script writing list rows into the page from data it holds or computes: a writing call
# (document.write, innerHTML, insertAdjacentHTML, jQuery's .html/.append, appendChild) and the markup
# of a row (<li>, <tr>, <dd>, or such an element created).  Only asked of a column page whose HTML shows
# no entries: such a list can be read only from a browser's DOM (crawler.render).  TRS's pagination
# script (document.write of a 下一页 link) writes no row, so an empty TRS column stays empty.
_WRITES_RE = re.compile(r"document\.write(?:ln)?\s*\(|\.innerHTML\s*\+?=|\.insertAdjacentHTML\s*\(|"
                        r"\.(?:html|append|appendChild)\s*\(", re.I)
_ROW_RE = re.compile(r"<(?:li|tr|dd)\b|createElement\s*\(\s*['\"](?:li|tr|dd)['\"]", re.I)
# A literal URL handed to the call: url: "...", $.getJSON("..."), fetch('...').
_URL_RE = re.compile(r"""(?:\burl\s*:\s*|\$\.(?:get|getJSON)\s*\(\s*|\bfetch\s*\(\s*|axios\.get\s*\(\s*)"""
                     r"""(['"])([^'"\s]+)\1""", re.I)
_JSONP_RE = re.compile(r"^\s*[\w$.]+\s*\(\s*(.*?)\s*\)\s*;?\s*$", re.S)

TITLE_KEYS = ("title", "doctitle", "infotitle", "articletitle", "name", "subject", "bt", "wztitle")
URL_KEYS = ("url", "link", "href", "docurl", "docpuburl", "infourl", "detailurl", "linkurl", "path")
DATE_KEYS = ("pubdate", "publishdate", "publishtime", "pubtime", "pubtimestr", "releasetime", "docreltime",
             "fbsj", "fbrq", "date", "time", "createtime", "createdate", "showtime", "rq", "cwrq")
MAX_ENDPOINTS = 2


def loads_by_script(doc: HtmlElement) -> bool:
    """True when an inline script of the page asks the site for data or writes markup into the page (it
    may be filling the list)."""
    return any(_LOADS_RE.search(code) or (_WRITES_RE.search(code) and _ROW_RE.search(code))
               for code in (s.text or "" for s in doc.iter("script")))


def script_endpoints(doc: HtmlElement, page_url: str) -> list[str]:
    """Same-site URLs the page's inline scripts fetch literally, in page order (at most MAX_ENDPOINTS)."""
    host = urlsplit(page_url).netloc
    out: list[str] = []
    for s in doc.iter("script"):
        code = s.text or ""
        if not _LOADS_RE.search(code):
            continue
        for m in _URL_RE.finditer(code):
            url = urljoin(page_url, m.group(2))
            if urlsplit(url).scheme in ("http", "https") and urlsplit(url).netloc == host and url not in out:
                out.append(url)
    return out[:MAX_ENDPOINTS]


def json_items(text: str, base_url: str, as_of: dt.date | None) -> list[Item] | None:
    """The entries of a JSON (or JSONP) answer: the largest array of objects with a title; None when the
    answer is not JSON or holds no such array (the list could not be read)."""
    data = _load(text)
    if data is None:
        return None
    best: list[dict] = []
    for arr in _arrays(data):
        rows = [r for r in arr if isinstance(r, dict) and _pick(r, TITLE_KEYS)]
        if len(rows) > len(best):
            best = rows
    if not best:
        return None
    items = []
    for r in best:
        title = re.sub(r"<[^>]+>", "", str(_pick(r, TITLE_KEYS))).strip()
        url = _pick(r, URL_KEYS)
        date = _date(_pick(r, DATE_KEYS), as_of)
        items.append(Item(title[:200], urljoin(base_url, str(url)) if url else None,
                          date.isoformat() if date else None))
    return items


def _load(text: str) -> Any:
    for candidate in (text, *(m.group(1) for m in [_JSONP_RE.match(text)] if m)):
        try:
            return json.loads(candidate)
        except (ValueError, TypeError):
            continue
    return None


def _arrays(data: Any, depth: int = 0) -> Iterator[list]:
    if depth > 6:
        return
    if isinstance(data, list):
        yield data
        for x in data[:50]:
            yield from _arrays(x, depth + 1)
    elif isinstance(data, dict):
        for v in data.values():
            yield from _arrays(v, depth + 1)


def _pick(row: dict, keys: tuple[str, ...]) -> Any:
    folded = {str(k).lower().replace("_", ""): v for k, v in row.items()}
    for k in keys:
        v = folded.get(k)
        if v not in (None, ""):
            return v
    return None


def _date(value: Any, as_of: dt.date | None) -> dt.date | None:
    if isinstance(value, (int, float)) and value > 10**11:  # epoch milliseconds, as Java back ends send
        return dt.datetime.fromtimestamp(value / 1000, dt.timezone(dt.timedelta(hours=8))).date()
    return parse_date(str(value), as_of) if value is not None else None
