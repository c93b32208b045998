"""Rows of a consultation (政务咨询) list: when each letter came and how it was answered.

Three layouts, tried in this order:

1. a grid with a header row (``<table>`` with ``th`` or a first row of
   labels, or a ``ul``/``div`` whose first row holds the labels): the
   columns labelled 来信时间/留言时间/提问时间/咨询时间 (submitted),
   回复时间/答复时间/办结时间 (replied) and 状态 (status) are read by position;
2. rows whose text carries the labels: ``留言时间：2026-11-02 回复时间：...``;
3. list rows with a status word and a date (the date is the submission).

Status: 已回复/已答复/已办结 (and kin) is "replied"; 未回复/待回复/办理中/
未答复 (and kin) is "unreplied"; a row with a reply date and no word is
"replied"; otherwise None.  Dates are ISO strings.
"""
from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urljoin

from lxml.html import HtmlElement

from pucha.events import Letter

from .dates import iter_dates, find_date, fold
from .dom import base_href, clean, walk

_T = r"\s*(?:时\s*间|時\s*間|日\s*期)"
_SUBMIT_RE = re.compile(r"(?:来信|來信|留言|提问|提問|咨询|諮詢|提交|写信|寫信|发信|發信|信件|投诉|投訴|建言|提出)" + _T)
_REPLY_RE = re.compile(r"(?:回复|回覆|回復|答复|答覆|答復|办结|辦結|处理|處理|反馈|反饋)" + _T)
_STATUS_LABEL_RE = re.compile(r"(?:办理|辦理|处理|處理|回复|回覆|答复|答覆)?\s*状\s*态|狀\s*態")
_TITLE_LABEL_RE = re.compile(r"标\s*题|標\s*題|主\s*题|主\s*題|信件|留言内容|事\s*由|内\s*容")
# Simplified, Traditional and the mixed forms sites really write (已答復).
_REPLY_WORD = r"(?:回|答)(?:复|覆|復)"
_UNREPLIED_RE = re.compile(r"(?:未|待)" + _REPLY_WORD + r"|(?:办|辦|处|處)理中|未(?:办|辦)(?:结|結)|"
                           r"(?:待|未)(?:处|處)理|未受理")
_REPLIED_RE = re.compile(r"已" + _REPLY_WORD + r"|已(?:办|辦)(?:结|結)|已(?:处|處)理|已反(?:馈|饋)|已(?:办|辦)理")
_LABELLED_DATE_RE = re.compile(r"[\s:：]*")


def _status(text: str, replied: str | None) -> str | None:
    if _UNREPLIED_RE.search(text):
        return "unreplied"
    if _REPLIED_RE.search(text) or replied:
        return "replied"
    return None


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


def _title_link(row: HtmlElement) -> HtmlElement | None:
    best, best_len = None, 0
    for a in row.iter("a"):
        href = (a.get("href") or "").strip()
        n = len(clean(a.text_content()))
        if n > best_len and href:
            best, best_len = a, n
    return best


def _cells(row: HtmlElement) -> list[HtmlElement]:
    return [c for c in row if isinstance(c.tag, str)]


def _grid_rows(doc: HtmlElement) -> list[tuple[list[str], list[list[HtmlElement]], list[HtmlElement]]]:
    """(header labels, rows' cells, row elements) of every grid with a labelled header row."""
    grids = []
    for container in doc.iter("table", "ul", "ol", "div", "dl", "tbody"):
        rows = list(container.iter("tr")) if container.tag == "table" else _cells(container)
        if len(rows) < 2:
            continue
        for i, row in enumerate(rows[:3]):
            labels = [clean(c.text_content()) for c in _cells(row)]
            if any(_SUBMIT_RE.search(t) or _REPLY_RE.search(t) for t in labels if len(t) <= 12):
                body = rows[i + 1:]
                grids.append((labels, [_cells(r) for r in body], body))
                break
    # A table's rows also show up under its tbody: keep the outermost reading.
    seen: set = set()
    out = []
    for labels, cells, body in grids:
        if body and body[0] in seen:
            continue
        seen.update(body)
        out.append((labels, cells, body))
    return out


def _from_grid(labels, rows_cells, rows, base, as_of) -> list[Letter]:
    def col(pred) -> int | None:
        for i, t in enumerate(labels):
            if len(t) <= 12 and pred(t):
                return i
        return None

    c_sub = col(_SUBMIT_RE.search)
    c_rep = col(_REPLY_RE.search)
    c_sta = col(_STATUS_LABEL_RE.search)
    c_tit = col(_TITLE_LABEL_RE.search)
    letters = []
    for cells, row in zip(rows_cells, rows):
        texts = [clean(c.text_content()) for c in cells]
        if not any(texts):
            continue
        a = _title_link(row)
        title = clean(a.text_content()) if a is not None else (
            texts[c_tit] if c_tit is not None and c_tit < len(texts) else "")
        if not title:
            continue
        sub = find_date(texts[c_sub], as_of) if c_sub is not None and c_sub < len(texts) else None
        rep = find_date(texts[c_rep], as_of) if c_rep is not None and c_rep < len(texts) else None
        status_text = texts[c_sta] if c_sta is not None and c_sta < len(texts) else " ".join(texts)
        if rep is None and c_sta is not None and _REPLIED_RE.search(fold(status_text)):
            rep = find_date(status_text, as_of)  # 已回复（2026-09-07）: the reply date sits in the status
        href = a.get("href").strip() if a is not None else ""
        letters.append(Letter(title, urljoin(base, href) if href else None, _iso(sub), _iso(rep),
                              _status(status_text, _iso(rep))))
    return letters


def _labelled_date(text: str, label_re: re.Pattern[str], as_of) -> dt.date | None:
    m = label_re.search(text)
    if not m:
        return None
    gap = _LABELLED_DATE_RE.match(text, m.end())
    return find_date(text[gap.end():gap.end() + 30], as_of)


def _from_labelled_rows(doc: HtmlElement, base: str, as_of) -> list[Letter]:
    """Rows found by climbing from each 留言时间-style label to the element holding a link."""
    letters: list[Letter] = []
    rows_seen: set = set()
    for seg in walk(doc).segments:
        if not _SUBMIT_RE.search(seg.text):
            continue
        node = seg.owner
        while node is not None and _title_link(node) is None:
            node = node.getparent()
        if node is None or node in rows_seen:
            continue
        text = fold(clean(node.text_content()))
        if len(_SUBMIT_RE.findall(text)) != 1:
            continue  # climbed past the row into the list
        rows_seen.add(node)
        a = _title_link(node)
        sub = _labelled_date(text, _SUBMIT_RE, as_of)
        rep = _labelled_date(text, _REPLY_RE, as_of)
        letters.append(Letter(clean(a.text_content()), urljoin(base, a.get("href").strip()),
                              _iso(sub), _iso(rep), _status(text, _iso(rep))))
    return letters


def _from_status_rows(doc: HtmlElement, base: str, as_of) -> list[Letter]:
    """Innermost rows (li, tr, dd, div) that hold a link and a status word."""
    found: list[tuple[HtmlElement, str]] = []
    for row in doc.iter("li", "tr", "dd", "div", "p"):
        if len(row) > 12:
            continue
        text = fold(clean(row.text_content()))
        if len(text) <= 300 and (_REPLIED_RE.search(text) or _UNREPLIED_RE.search(text)) \
                and _title_link(row) is not None:
            found.append((row, text))
    outer = {anc for row, _ in found for anc in row.iterancestors()}
    letters = []
    for row, text in found:
        if row in outer:
            continue
        a = _title_link(row)
        dates = [d for d, _ in iter_dates(text, as_of)] if _REPLIED_RE.search(text) else []
        # "… 2026-06-04 已回复 2026-09-07": the first date is the letter's, a later one the reply's.
        sub = dates[0] if dates else find_date(text, as_of)
        rep = dates[-1] if len(dates) >= 2 else None
        letters.append(Letter(clean(a.text_content()), urljoin(base, a.get("href").strip()),
                              _iso(sub), _iso(rep), _status(text, _iso(rep))))
    return letters


def letters(doc: HtmlElement, base_url: str, as_of: dt.date | None) -> list[Letter]:
    """The letters of a consultation list page (see the module doc for the layouts)."""
    base = base_href(doc, base_url)
    out: list[Letter] = []
    for labels, cells, rows in _grid_rows(doc):
        out.extend(_from_grid(labels, cells, rows, base, as_of))
    if out:
        return out
    out = _from_labelled_rows(doc, base, as_of)
    if out:
        return out
    return _from_status_rows(doc, base, as_of)
