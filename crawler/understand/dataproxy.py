"""Hanweb (大汉) lists whose items a script fetches from ``dataproxy.jsp``.

A Hanweb column page carries its list as ``<script type="text/xml">
<datastore><nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?
page=1&webid=..&columnid=..&unitid=..">]]></nextgroup><recordset><record>
<![CDATA[<li>...</li>]]></record>...`` and a call like ``$('#id').jpage({
perPage: 15, totalRecord: 85, ...})``.  The browser's jpage.js then POSTs
the nextgroup's parameters to ``dataproxy.jsp?startrecord=1&endrecord=45&
perpage=15`` (one group of ``groupSize`` pages, 3 by default) and gets XML
back: ``<totalrecord>``, and ``<record>`` elements wrapping the ``<li>``
items in CDATA.

:func:`dataproxy_calls` finds those calls on a page and builds the request
the page would send; :func:`parse_dataproxy` turns the answer (or the inline
datastore) into HTML that :func:`~crawler.understand.lists.list_items` reads.
``startrecord``/``endrecord``/``perpage`` go in the query string, as jpage.js
sends them, and again in the form data (servers read either; the values
agree).  ``col=1`` and ``appid=1`` are added when the page does not name
them: jpage.js always sends them.
"""
from __future__ import annotations

import html as htmllib
import re
from dataclasses import dataclass, field, replace
from urllib.parse import parse_qsl, urlencode, urljoin

from lxml.html import HtmlElement

from .dom import base_href

_PROXY_RE = re.compile(r"""([\w./:-]*dataproxy\.jsp)(\?[^"'<>\s\\]*)?""", re.I)
_PARAM_KEYS = ("col", "appid", "webid", "path", "columnid", "sourcecontenttype", "unitid",
               "webname", "permissiontype", "keywordcount", "infotype")
_PARAM_RE = re.compile(
    r"""["']?\b(col|appid|webid|path|columnid|sourceContentType|unitid|webname|permissiontype"""
    r"""|keyWordCount|infotype)\b["']?\s*[:=]\s*["']?([^"',}&\s<>]*)""", re.I)
_PERPAGE_RE = re.compile(r"""\bper_?page["']?\s*[:=]\s*["']?(\d+)""", re.I)
_GROUP_RE = re.compile(r"""\bgroupSize["']?\s*[:=]\s*["']?(\d+)""", re.I)
_TOTAL_RE = re.compile(r"""\btotal_?Record["']?\s*[:=]\s*["']?(\d+)""", re.I)
_TOTAL_XML_RE = re.compile(r"<totalrecord>\s*(\d+)\s*</totalrecord>", re.I)
_RECORD_RE = re.compile(r"<record[^>]*>(.*?)</record>", re.S | re.I)
_CDATA_RE = re.compile(r"<!\[CDATA\[(.*?)\]\]>", re.S)
_WINDOW = 3000  # characters around the proxy URL where the page's parameters sit

DEFAULT_PERPAGE = 15
DEFAULT_GROUP = 3


@dataclass(frozen=True)
class DataProxyCall:
    """One POST the page's script would send to fetch list items."""

    url: str  # absolute, with startrecord/endrecord/perpage in the query
    formdata: dict[str, str] = field(default_factory=dict)
    startrecord: int = 1
    endrecord: int = DEFAULT_PERPAGE * DEFAULT_GROUP
    perpage: int = DEFAULT_PERPAGE
    total: int | None = None  # totalRecord when the page states it

    def rest(self, total: int, limit: int = 50) -> list["DataProxyCall"]:
        """The further calls that fetch records endrecord+1 .. total (at most ``limit``)."""
        span = self.endrecord - self.startrecord + 1
        calls = []
        start = self.endrecord + 1
        while start <= total and len(calls) < limit:
            calls.append(self.window(start, min(start + span - 1, total)))
            start += span
        return calls

    def window(self, start: int, end: int) -> "DataProxyCall":
        base = self.url.split("?", 1)[0]
        q = {"startrecord": str(start), "endrecord": str(end), "perpage": str(self.perpage)}
        return replace(self, url=f"{base}?{urlencode(q)}", formdata={**self.formdata, **q},
                       startrecord=start, endrecord=end)


def dataproxy_calls(doc: HtmlElement, page_url: str, html_text: str) -> list[DataProxyCall]:
    """The dataproxy.jsp requests the page's scripts would make (empty for other pages)."""
    if "dataproxy.jsp" not in html_text.lower():
        return []
    base = base_href(doc, page_url)
    calls: list[DataProxyCall] = []
    seen: set[tuple] = set()
    for m in _PROXY_RE.finditer(html_text):
        params: dict[str, str] = {}
        lo, hi = max(0, m.start() - _WINDOW), m.end() + _WINDOW
        window = html_text[lo:hi]
        for pm in _PARAM_RE.finditer(window):
            params.setdefault(_key(pm.group(1)), htmllib.unescape(pm.group(2)))
        if m.group(2):  # the URL's own query wins over nearby script values
            for k, v in parse_qsl(htmllib.unescape(m.group(2)[1:]), keep_blank_values=True):
                if k.lower() in _PARAM_KEYS:
                    params[_key(k)] = v
        if "columnid" not in params and "unitid" not in params:
            continue
        params.setdefault("col", "1")
        params.setdefault("appid", "1")
        perpage = _int(_PERPAGE_RE.search(window), DEFAULT_PERPAGE)
        group = _int(_GROUP_RE.search(window), DEFAULT_GROUP)
        total_m = _TOTAL_RE.search(window) or _TOTAL_XML_RE.search(window)
        total = int(total_m.group(1)) if total_m else None
        key = (m.group(1), params.get("columnid"), params.get("unitid"))
        if key in seen:
            continue
        seen.add(key)
        end = perpage * group
        if total is not None:
            end = max(1, min(end, total))
        call = DataProxyCall(url=urljoin(base, m.group(1)), formdata=params, perpage=perpage,
                             total=total)
        calls.append(call.window(1, end))
    return calls


def _key(name: str) -> str:
    # Hanweb spells it sourceContentType / keyWordCount; keep those, lower-case the rest.
    low = name.lower()
    return {"sourcecontenttype": "sourceContentType", "keywordcount": "keyWordCount"}.get(low, low)


def _int(m: re.Match[str] | None, default: int) -> int:
    n = int(m.group(1)) if m else 0
    return n if n > 0 else default


def parse_dataproxy(xml_text: str) -> tuple[str, int | None]:
    """(HTML of the records' items, totalrecord) of a dataproxy.jsp answer or inline datastore.

    The items are wrapped in ``<ul>`` (or ``<table>`` for ``<tr>`` rows) so
    that they parse as one list."""
    parts = []
    for rec in _RECORD_RE.findall(xml_text):
        cdata = _CDATA_RE.findall(rec)
        parts.append("".join(cdata) if cdata else htmllib.unescape(rec))
    total_m = _TOTAL_XML_RE.search(xml_text)
    total = int(total_m.group(1)) if total_m else None
    body = "\n".join(p.strip() for p in parts)
    if not body:
        return "", total
    first = body.lstrip()[:4].lower()
    if first.startswith("<tr"):
        return f"<table>{body}</table>", total
    if first.startswith("<li"):
        return f"<ul>{body}</ul>", total
    return f"<div>{body}</div>", total
