"""The further pages of a list: links, TRS paging scripts, page numbers.

Sources, all merged and de-duplicated (never the page itself):

- links named 下一页/下一頁/下页/末页/尾页/最后一页 (and their Traditional forms);
- links with a page number as text inside a pager block (an element whose
  class/id says page/pager/fenye, or whose text says 共N页/上一页/首页);
- links whose query carries a page parameter (``page``, ``pageNum``,
  ``pageNo``, ``pageIndex``, ``curPage``, ``currentPage``) with a number;
- TRS scripts: ``createPageHTML(N, cur, "index", "html")`` or
  ``var countPage = N``: pages 2..N are ``index_1.html`` .. ``index_{N-1}.html``
  in the list's own directory.

When a pager shows only some page numbers but links the last page, the pages
between are filled in from the URL pattern (the last number in the URL
varies), as the pager would show them one by one.  At most ``MAX_PAGES``
URLs are returned; the crawler caps further with PUCHA_MAX_LIST_PAGES.
"""
from __future__ import annotations

import re
from collections import defaultdict
from urllib.parse import urldefrag, urljoin

from lxml.html import HtmlElement

from .dom import base_href, clean

MAX_PAGES = 500

_NEXT_WORDS = frozenset({"下一页", "下一頁", "下页", "下頁", "末页", "末頁", "尾页", "尾頁", "最后一页",
                         "最後一頁", "最后页", "最後頁", "后页", "後頁", "下一页>", "下一页>>", "尾页>>",
                         "next", "last", ">", ">>", "»", "›"})
_NEXT_RE = re.compile(r"^[\s<>«»›‹\[\]]*(下一?[页頁]|[末尾][页頁]|最[后後]一?[页頁]|[后後][页頁])[\s<>«»›‹\[\]]*$")
_PAGER_ATTR_RE = re.compile(r"pag|fenye|fy\b|pg", re.I)
_PAGER_TEXT_RE = re.compile(r"共\s*\d+\s*[页頁]|上一[页頁]|下一[页頁]|首[页頁]|[尾末][页頁]")
_PAGE_PARAM_RE = re.compile(
    r"([?&](?:page|pagenum|pageno|pageindex|curpage|currentpage|pagenumber|pn)=)(\d+)", re.I)
_CREATE_PAGE_RE = re.compile(
    r"createPageHTML\(\s*['\"]?(\d+)['\"]?\s*,\s*['\"]?(\d+)['\"]?\s*"
    r"(?:,\s*['\"]([\w.-]+)['\"]\s*,\s*['\"](\w+)['\"])?")
_COUNT_PAGE_RE = re.compile(r"\bvar\s+countPage\s*=\s*['\"]?(\d+)")
_CURRENT_PAGE_RE = re.compile(r"\bvar\s+currentPage\s*=\s*['\"]?(\d+)")
# The last run of digits in a URL (before its extension or at the end of the query).
_LAST_NUMBER_RE = re.compile(r"^(.*?)(\d+)(\D*)$")


def _is_next_text(text: str) -> bool:
    t = text.strip().lower()
    return t in _NEXT_WORDS or bool(_NEXT_RE.match(t))


def _pager_blocks(doc: HtmlElement) -> list[HtmlElement]:
    blocks = []
    for el in doc.iter("div", "p", "td", "span", "ul", "nav"):
        cls, ident = el.get("class"), el.get("id")
        if (cls or ident) and _PAGER_ATTR_RE.search(f"{cls} {ident}") and len(el) < 60:
            blocks.append(el)
    return blocks


def next_pages(doc: HtmlElement, page_url: str, html_text: str) -> list[str]:
    """Absolute URLs of the list's further pages (see the module doc), in page order."""
    base = base_href(doc, page_url)
    own = urldefrag(page_url)[0]
    found: list[str] = []

    def add(href: str | None) -> None:
        if not href:
            return
        href = href.strip()
        if not href or href.lower().startswith(("javascript:", "#", "mailto:", "tel:")):
            return
        url = urldefrag(urljoin(base, href))[0]
        if url != own and url not in found:
            found.append(url)

    pager_parents: list[HtmlElement] = []
    for a in doc.iter("a"):
        text = clean(a.text_content() if len(a) else (a.text or ""))
        if len(text) > 12:
            continue  # no next-page word or page number is this long
        title = a.get("title")
        if _is_next_text(text) or (title and _is_next_text(title)):
            add(a.get("href"))
            parent = a.getparent()
            if parent is not None and parent not in pager_parents:
                pager_parents.append(parent)
        elif (text.isdigit() or not text) and _PAGE_PARAM_RE.search(a.get("href") or ""):
            add(a.get("href"))
    # Page numbers inside a pager block (by class/id, or beside a 下一页 link).
    for block in _pager_blocks(doc) + pager_parents:
        for a in block.iter("a"):
            if clean(a.text_content()).isdigit():
                add(a.get("href"))
    found.extend(u for u in _trs_script_pages(html_text, page_url) if u not in found and u != own)
    return _fill_gaps(found, own)[:MAX_PAGES]


def _trs_script_pages(html_text: str, page_url: str) -> list[str]:
    # The substring tests first: a regex opening with \b has no literal prefix to skip by, and
    # scanning a 100 KB page for "var countPage" took 20 ms, a fifth of understand() (bench_understand).
    m = _CREATE_PAGE_RE.search(html_text) if "createPageHTML" in html_text else None
    if m:
        count, name, ext = int(m.group(1)), m.group(3) or "index", m.group(4) or "html"
    else:
        m = _COUNT_PAGE_RE.search(html_text) if "countPage" in html_text else None
        if not m:
            return []
        count, name, ext = int(m.group(1)), "index", "html"
        # The page's own name (index.shtml, default.htm) gives the series' name and extension.
        last = page_url.rsplit("/", 1)[-1].split("?", 1)[0]
        stem = re.match(r"^([A-Za-z]+)(?:_\d+)?\.(s?html?)$", last)
        if stem:
            name, ext = stem.group(1), stem.group(2)
    count = min(count, MAX_PAGES + 1)
    return [urljoin(page_url, f"{name}_{i}.{ext}") for i in range(1, count)]


def _fill_gaps(urls: list[str], own: str) -> list[str]:
    """Add the pages a pager skips over between the numbers it shows and its last page."""
    groups: dict[tuple[str, str], set[int]] = defaultdict(set)
    for u in urls:
        m = _PAGE_PARAM_RE.search(u)
        if m:
            groups[(u[:m.end(1)], u[m.end():])].add(int(m.group(2)))
            continue
        m = _LAST_NUMBER_RE.match(u)
        if m and len(m.group(2)) <= 4:
            groups[(m.group(1), m.group(3))].add(int(m.group(2)))
    out = list(urls)
    for (head, tail), numbers in groups.items():
        if len(numbers) < 2:
            continue
        lo, hi = min(numbers), max(numbers)
        for n in range(lo + 1, min(hi, lo + MAX_PAGES)):
            u = f"{head}{n}{tail}"
            if n not in numbers and u != own and u not in out:
                out.append(u)

    def page_no(u: str) -> int:
        m = _PAGE_PARAM_RE.search(u) or _LAST_NUMBER_RE.match(u)
        return int(m.group(2)) if m and m.group(2).isdigit() else 0

    return sorted(out, key=page_no)


# Hanweb's script-fetched lists are pagination too; they live in their own module.
from .dataproxy import DataProxyCall, dataproxy_calls, parse_dataproxy  # noqa: E402,F401
