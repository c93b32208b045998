"""The entries of a list page or homepage: (title, link, date shown beside it).

How a row is found, whatever its tags (li, tr, dl/dt/dd, div, p): start at
each date written outside a link and climb to the nearest element that also
holds a link while still holding only that one date; that element is the
row, its longest link the entry.  A date in a cell of its own (``<dt><a>
</dt><dd>date</dd>``) pairs with the sibling just before it.  A date inside
the link counts when it stands apart from the title (its own element, or the
end of the link text), so a title that merely mentions a date is not dated
by it.  Rows sharing a parent form one list; the parent's other children of
the same tag with a link and no date are that list's undated entries.

Dates followed by 星期X are the banner's date of the day and never a row's.
Rows inside navigation, header and footer blocks are not entries.  When a
page has no dated row at all, a block of two or more sibling rows of one
link each with title-like text (not navigation) is returned undated, so an
undated column is told apart from an empty one.
"""
from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_right
from collections import defaultdict
from urllib.parse import urljoin

from lxml.html import HtmlElement

from pucha.events import Item

from .dates import WEEKDAY_AFTER_RE, fold, iter_dates, resolve_month_day
from .dom import base_href, clean, is_chrome, walk

_BARE_DATE_RE = re.compile(r"[\s\[\]()【】〔〕:：|·-]*")
# A text node that is nothing but a year-less date: <span>11-20</span>.
_BARE_MD_LINE_RE = re.compile(r"(?m)^[ \t]*(\d{1,2})[-/](\d{1,2})[ \t]*$")
_TIME_RE = re.compile(r"^\s*\d{1,2}:\d{2}(?::\d{2})?|\d{1,2}:\d{2}(?::\d{2})?\s*$")
_EMPTY_NOTICE_RE = re.compile(
    r"(?:暂无|暫無|没有|沒有)\s*(?:相关|相關|符合条件的|符合條件的|任何)?\s*"
    r"(?:信息|資訊|信息公开|数据|數據|資料|内容|內容|记录|記錄|文章|稿件|消息)"
)
_NON_LINK_HREF_RE = re.compile(r"^\s*(?:javascript:|#|mailto:|tel:)", re.I)
_ROW_TAGS = frozenset({"li", "tr", "dt", "dd", "div", "p", "span", "td", "article", "section"})
_MAX_ROW_LINKS = 3


class _Index:
    """Per-element counts of dates (outside links) and of text links, and the link texts."""

    def __init__(self, doc: HtmlElement, as_of: dt.date | None):
        w = walk(doc)
        segs, starts = w.segments, w.starts
        self.link_text: dict[HtmlElement, list[str]] = defaultdict(list)
        for seg in segs:
            if seg.link is not None:
                self.link_text[seg.link].append(seg.text)
        # One scan of the whole text (fast, in C), mapped back to segments by offset.
        self.dates: list[tuple[dt.date, HtmlElement, HtmlElement | None, bool]] = []
        joined = fold(w.joined)
        hits = [(mt.start(), mt.end(), got) for got, mt in iter_dates(joined, as_of, folded=True)
                if not WEEKDAY_AFTER_RE.match(joined, mt.end())]
        for mt in _BARE_MD_LINE_RE.finditer(joined):
            got = resolve_month_day(int(mt.group(1)), int(mt.group(2)), as_of)
            if got is not None:
                hits.append((mt.start(1), mt.end(2), got))
        hits.sort(key=lambda h: h[0])
        for start, end, got in _period_starts(joined, hits):
            i = bisect_right(starts, start) - 1
            seg = segs[i]
            if end > starts[i] + len(seg.text):
                continue  # spans two text nodes: not one written date
            text = joined[starts[i]:starts[i] + len(seg.text)]
            a, b = start - starts[i], end - starts[i]
            own = not _BARE_DATE_RE.sub("", text[:a] + _TIME_RE.sub("", text[b:]))
            self.dates.append((got, seg.owner, seg.link, own))
        self.n_dates: dict[HtmlElement, int] = defaultdict(int)
        for _, owner, link, _ in self.dates:
            if link is None:
                for anc in _self_and_ancestors(owner):
                    self.n_dates[anc] += 1
        self.n_links: dict[HtmlElement, int] = defaultdict(int)
        for a, parts in self.link_text.items():
            if "".join(parts).strip() and not _NON_LINK_HREF_RE.match(a.get("href") or ""):
                for anc in _self_and_ancestors(a):
                    self.n_links[anc] += 1

    def title_link(self, row: HtmlElement) -> HtmlElement | None:
        best, best_len = None, 0
        for a in row.iter("a"):
            if self.n_links.get(a):
                n = len(clean("".join(self.link_text[a])))
                if n > best_len:
                    best, best_len = a, n
        return best


# Between the two dates of a period: 2026年3月1日至2026年3月21日, 2026.03.01-2026.03.21, 3月1日—3月21日,
# or an end label when start and end are labelled apart (开始：2026-03-01 截止：2026-03-21).
_PERIOD_JOIN_RE = re.compile(r"\s*(?:至|到|[-‐‑–—―－~～]|(?:截止|截至|结束|終止|终止|結束)(?:时间|日期|時間)?\s*[:：]?)\s*$")
_PERIOD_GAP = 12  # characters at most between the two dates


def _period_starts(joined: str, hits: list) -> list:
    """A period is one activity dated by its start (SPEC §5): the date that ends it is dropped."""
    out: list = []
    for hit in hits:
        prev = out[-1] if out else None
        if prev is not None and hit[0] >= prev[1] and hit[0] - prev[1] <= _PERIOD_GAP \
                and _PERIOD_JOIN_RE.match(joined[prev[1]:hit[0]]):
            continue
        out.append(hit)
    return out


def _self_and_ancestors(el: HtmlElement):
    yield el
    yield from el.iterancestors()


class _Row:
    __slots__ = ("el", "group", "link", "date", "order")

    def __init__(self, el, group, link, date, order):
        self.el, self.group, self.link, self.date, self.order = el, group, link, date, order


def _find_rows(ix: _Index) -> list[_Row]:
    rows: dict[HtmlElement, _Row] = {}
    chrome_cache: dict = {}
    for order, (date, owner, link, own) in enumerate(ix.dates):
        if link is None:
            row_el, group, title_a = _climb(ix, owner)
        else:
            row_el, group, title_a = _in_link_row(ix, link, own)
        if row_el is None or title_a is None or row_el in rows:
            continue
        if ix.n_links.get(row_el, 0) > _MAX_ROW_LINKS or is_chrome(row_el, cache=chrome_cache):
            continue
        rows[row_el] = _Row(row_el, group, title_a, date, order)
    return sorted(rows.values(), key=lambda r: r.order)


def _climb(ix: _Index, owner: HtmlElement):
    """Row, list element and title link for a date written outside any link."""
    prev, node = None, owner
    while node is not None:
        nd = ix.n_dates.get(node, 0)
        if nd > 1:
            # The date's own cell holds no link: pair it with the sibling before it.
            sib = prev.getprevious() if prev is not None else None
            while sib is not None and not isinstance(sib.tag, str):
                sib = sib.getprevious()
            if sib is not None and ix.n_links.get(sib) and not ix.n_dates.get(sib):
                return sib, node, ix.title_link(sib)
            return None, None, None
        if ix.n_links.get(node):
            return node, node.getparent(), ix.title_link(node)
        prev, node = node, node.getparent()
    return None, None, None


def _in_link_row(ix: _Index, link: HtmlElement, own: bool):
    """Row for a date written inside a link, when it stands apart from the title."""
    if not own and not _date_ends_link(ix, link):
        return None, None, None
    row = link
    parent = link.getparent()
    while parent is not None and ix.n_links.get(parent) == 1 and not ix.n_dates.get(parent):
        row, parent = parent, parent.getparent()
    if ix.n_dates.get(row):  # a date beside the link wins; _climb takes that one
        return None, None, None
    return row, parent, link


def _date_ends_link(ix: _Index, link: HtmlElement) -> bool:
    text = fold(clean("".join(ix.link_text[link]))).rstrip(" )]】")
    last = None
    for _, mt in iter_dates(text, dt.date.max, folded=True):
        last = mt
    return last is not None and not text[last.end():].strip()


def _title(ix: _Index, a: HtmlElement) -> str:
    """The link text as displayed, less a date standing at its start or end."""
    text = clean("".join(p for p in ix.link_text[a] if not _only_date(p)))
    folded = fold(text)
    hits = [mt for _, mt in iter_dates(folded, dt.date.max, folded=True)]
    if hits:
        last, first = hits[-1], hits[0]
        if not _BARE_DATE_RE.sub("", _TIME_RE.sub("", folded[last.end():])):
            text = text[:last.start()]
        elif not _BARE_DATE_RE.sub("", folded[:first.start()]):
            text = text[first.end():]
        text = clean(_TIME_RE.sub("", text).strip(" []()【】［］（）|-:：\u3000"))
    return text or (a.get("title") or "").strip()


def _only_date(part: str) -> bool:
    """Whether a text node of a link is nothing but a date (its own <span>)."""
    folded = fold(part)
    if _BARE_MD_LINE_RE.fullmatch(folded.strip()):
        return True
    for _, mt in iter_dates(folded, dt.date.max, folded=True):
        rest = folded[:mt.start()] + _TIME_RE.sub("", folded[mt.end():])
        return not _BARE_DATE_RE.sub("", rest)
    return False


def _undated_siblings(ix: _Index, rows: list[_Row], seen: set) -> dict[HtmlElement, list[HtmlElement]]:
    extra: dict[HtmlElement, list[HtmlElement]] = defaultdict(list)
    by_group: dict[HtmlElement, set[str]] = defaultdict(set)
    for r in rows:
        if r.group is not None and r.el.getparent() is r.group:
            by_group[r.group].add(r.el.tag)
    for group, tags in by_group.items():
        for child in group:
            if child.tag in tags and child not in seen and ix.n_links.get(child) \
                    and not ix.n_dates.get(child) and ix.n_links.get(child, 0) <= _MAX_ROW_LINKS:
                extra[group].append(child)
    return extra


def _undated_lists(doc: HtmlElement, ix: _Index) -> list[tuple[HtmlElement, HtmlElement]]:
    """(row, link) of blocks of title-like undated entries, for a page with no dated row."""
    found: list[tuple[HtmlElement, HtmlElement]] = []
    taken: set = set()
    for container in doc.iter("ul", "ol", "table", "tbody", "dl", "div"):
        if container in taken or ix.n_links.get(container, 0) < 2:
            continue
        by_tag: dict[str, list[tuple[HtmlElement, HtmlElement]]] = defaultdict(list)
        for child in container:
            if isinstance(child.tag, str) and child.tag in _ROW_TAGS and 1 <= ix.n_links.get(child, 0) <= 2:
                a = ix.title_link(child)
                if a is not None:
                    by_tag[child.tag].append((child, a))
        for entries in by_tag.values():
            if len(entries) < 2 or is_chrome(container):
                continue
            lengths = sorted(len(clean("".join(ix.link_text[a]))) for _, a in entries)
            if lengths[len(lengths) // 2] >= 8:
                found.extend(entries)
                taken.update(container.iterdescendants())
    return found


def list_items(doc: HtmlElement, base_url: str, as_of: dt.date | None,
               main_only: bool = False) -> list[Item]:
    """The entries of the page's lists, dated where a date is shown (see module doc).

    ``main_only`` keeps only the largest list and the lists built like it
    (a column page's own list, split or not, without its sidebars).
    """
    ix = _Index(doc, as_of)
    base = base_href(doc, base_url)
    rows = _find_rows(ix)
    if rows:
        seen = {r.el for r in rows}
        extra = _undated_siblings(ix, rows, seen)
        if main_only:
            rows, extra = _main(rows, extra)
        entries: list[tuple[HtmlElement, HtmlElement, dt.date | None]] = [
            (r.el, r.link, r.date) for r in rows]
        for group_rows in extra.values():
            entries.extend((el, ix.title_link(el), None) for el in group_rows)
    else:
        extra = {}
        entries = [(row, a, None) for row, a in _undated_lists(doc, ix)]
    if len(entries) > 1 and (not rows or any(extra.values())):
        position = {el: i for i, el in enumerate(doc.iter())}
        entries.sort(key=lambda e: position.get(e[0], 0))
    items = []
    for _, a, date in entries:
        if a is None:
            continue
        href = (a.get("href") or "").strip()
        url = urljoin(base, href) if href and not _NON_LINK_HREF_RE.match(href) else None
        items.append(Item(_title(ix, a), url, date.isoformat() if date else None))
    return items


def _signature(el: HtmlElement | None) -> tuple:
    if el is None:
        return (None,)
    return (el.tag, (el.get("class") or "").strip())


def _main(rows: list[_Row], extra: dict) -> tuple[list[_Row], dict]:
    sizes: dict = defaultdict(int)
    for r in rows:
        sizes[r.group] += 1
    for g, more in extra.items():
        sizes[g] += len(more)
    biggest = max(sizes, key=lambda g: sizes[g])
    row_tags = {r.el.tag for r in rows if r.group is biggest}
    sig = _signature(biggest)
    keep = {g for g in sizes if g is biggest or (
        _signature(g) == sig and {r.el.tag for r in rows if r.group is g} <= row_tags)}
    return [r for r in rows if r.group in keep], {g: v for g, v in extra.items() if g in keep}


def is_empty_notice(doc: HtmlElement) -> bool:
    """Whether the page says its list is empty (暂无信息, 暂无数据, 没有记录, 暫無資訊 ...)."""
    for seg in walk(doc).segments:
        text = seg.text.strip()
        if 2 <= len(text) <= 40 and _EMPTY_NOTICE_RE.search(text):
            return True
    return False
