"""Dates as Chinese government pages write them.

Regular expressions do the work (compiled once: this runs on every text node
of every crawled page); ``dateparser`` is only a last resort in
:func:`parse_date` for a short string the patterns do not know.

Forms read (after full-width digits and punctuation are folded to ASCII):

- ``2026-11-20``, ``2026/11/20``, ``2026.11.20``, ``2026年11月20日``,
  ``2026年1月5日``, ``二〇二六年十一月二十日``; any of them in ``[...]``,
  ``(...)``, ``【...】`` and followed or not by a time (``09:30``,
  ``09:30:00``, or ``-23:59:59`` as in ``2007-08-20-23:59:59``);
- without a year: ``11月20日`` anywhere, ``11-20`` / ``11/20`` in brackets or
  standing alone.  A year-less date is the latest such date not after
  ``as_of`` (as_of 2027-01-03 reads ``12-30`` as 2026-12-30); without
  ``as_of`` it cannot be placed and is skipped.

Impossible dates (2026-02-30) are not dates: they are skipped, never raised.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Iterator

from pucha import localtime

# Full-width forms (U+FF01..U+FF5E) fold to ASCII one to one, as does the
# ideographic space; the text keeps its length, so match offsets stay valid.
_FOLD = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_FOLD[0x3000] = 0x20
_FOLD[0xA0] = 0x20


_last_fold: tuple[str, str] = ("", "")


def fold(text: str) -> str:
    """Full-width digits, letters and punctuation to ASCII, same length."""
    # The lists and the publication date both fold the page's whole text (dom.walk's joined
    # string, one object per page); translating CJK text by a dict costs about 1 ms per 50 KB.
    global _last_fold
    last = _last_fold
    if last[0] is text:
        return last[1]
    folded = text.translate(_FOLD)
    if len(text) > 4096:
        _last_fold = (text, folded)
    return folded


_CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "O": 0, "o": 0, "一": 1, "二": 2, "三": 3, "四": 4,
              "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}

# One pattern, alternatives named so a single scan finds every form in order.
_DATE_RE = re.compile(
    r"(?<![\d.])"
    r"(?:"
    # 2026-11-20, 2026/11/20, 2026.11.20 (one separator throughout)
    r"(?P<y>(?:19|20)\d\d)\s?(?P<sep>[-/.])\s?(?P<m>\d{1,2})\s?(?P=sep)\s?(?P<d>\d{1,2})(?![\d])"
    r"|"
    # 2026年11月20日 (日 may be missing at the end of a cell)
    r"(?P<yc>(?:19|20)\d\d)\s*年\s*(?P<mc>\d{1,2})\s*月\s*(?P<dc>\d{1,2})(?!\d)\s*日?"
    r"|"
    # 二〇二六年十一月二十日 (成文日期 of official documents)
    r"(?P<yz>[〇○零一二三四五六七八九]{4})\s*年\s*(?P<mz>[一二三四五六七八九十]{1,2})\s*月"
    r"\s*(?P<dz>[一二三四五六七八九十]{1,3})\s*日"
    r"|"
    # 11月20日 without a year (not the tail of a dated form: no 年 or digit before)
    r"(?<![年\d])(?P<mn>\d{1,2})\s*月\s*(?P<dn>\d{1,2})\s*日"
    r"|"
    # (11-20), [11-20], 【11/20】
    r"(?<=[\[(【〔])\s*(?P<mb>\d{1,2})[-/](?P<db>\d{1,2})\s*(?=[\])】〕])"
    r")"
)

# A string that is nothing but a year-less date: "11-20", "(11-20)", "11/20".
_BARE_MD_RE = re.compile(r"\s*[\[(【]?\s*(\d{1,2})[-/](\d{1,2})\s*[\])】]?\s*")

# What may follow a date in a string that is "just a date": a time, brackets.
_TIME_TAIL_RE = re.compile(
    r"\s*(?:[-T ]?\s*\d{1,2}:\d{2}(?::\d{2}(?:[.:]\d+)?)?)?\s*(?:星期.|周.)?\s*[\])】〕]?\s*$"
)
_HEAD_RE = re.compile(r"^\s*[\[(【〔]?\s*")

# "2026年11月20日 星期五": the banner's date of the day, never a content date.
WEEKDAY_AFTER_RE = re.compile(r"\s*(?:星期|禮拜|礼拜|周)[一二三四五六日天]")


def _cn_number(s: str) -> int:
    if all(c in _CN_DIGITS for c in s):  # 二〇二六: digit by digit
        n = 0
        for c in s:
            n = n * 10 + _CN_DIGITS[c]
        return n
    # 十, 十一, 二十, 二十一, 三十
    tens, _, units = s.partition("十")
    if "十" not in s:
        return _CN_DIGITS.get(s, 0)
    return (_CN_DIGITS.get(tens, 0) if tens else 1) * 10 + (_CN_DIGITS.get(units, 0) if units else 0)


def _make(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def resolve_month_day(m: int, d: int, as_of: dt.date | None) -> dt.date | None:
    """The latest date with this month and day not after ``as_of``."""
    if as_of is None:
        return None
    # Up to 8 years back so that 02-29 finds its leap year.
    for y in range(as_of.year, as_of.year - 8, -1):
        got = _make(y, m, d)
        if got is not None and got <= as_of:
            return got
    return None


def _from_match(mt: re.Match[str], as_of: dt.date | None) -> tuple[dt.date | None, bool]:
    """(date, has_year) of one match of _DATE_RE."""
    g = mt.group
    if g("y"):
        return _make(int(g("y")), int(g("m")), int(g("d"))), True
    if g("yc"):
        return _make(int(g("yc")), int(g("mc")), int(g("dc"))), True
    if g("yz"):
        return _make(_cn_number(g("yz")), _cn_number(g("mz")), _cn_number(g("dz"))), True
    if g("mn"):
        return resolve_month_day(int(g("mn")), int(g("dn")), as_of), False
    return resolve_month_day(int(g("mb")), int(g("db")), as_of), False


def iter_dates(text: str, as_of: dt.date | None = None, *, folded: bool = False,
               year_required: bool = False) -> Iterator[tuple[dt.date, re.Match[str]]]:
    """Every valid date in ``text`` with its match (offsets index ``text``)."""
    s = text if folded else fold(text)
    for mt in _DATE_RE.finditer(s):
        got, has_year = _from_match(mt, as_of)
        if got is None or (year_required and not has_year):
            continue
        yield got, mt


def find_date(text: str, as_of: dt.date | None = None) -> dt.date | None:
    """The first date written anywhere in ``text`` (None when there is none)."""
    for got, _ in iter_dates(text, as_of):
        return got
    return None


def parse_date(text: str, as_of: dt.date | None = None) -> dt.date | None:
    """``text`` read as one date (with an optional time and brackets), else None.

    Falls back to ``dateparser`` only for a short string the patterns above
    do not read (it is slow, and it misreads dates embedded in sentences).
    """
    if not text:
        return None
    s = fold(text).strip()
    head = _HEAD_RE.match(s)
    start = head.end() if head else 0
    mt = _DATE_RE.match(s, start)
    if mt is not None:
        got, _ = _from_match(mt, as_of)
        if _TIME_TAIL_RE.match(s, mt.end()) is not None:
            return got
        return None if got is None else _dateparser(s, as_of)
    bare = _BARE_MD_RE.fullmatch(s)
    if bare is not None:
        return resolve_month_day(int(bare.group(1)), int(bare.group(2)), as_of)
    return _dateparser(s, as_of)


def _dateparser(s: str, as_of: dt.date | None) -> dt.date | None:
    if len(s) > 40 or not any(c.isdigit() for c in s):
        return None
    import dateparser  # deferred: importing it costs ~0.3 s

    settings = {"PREFER_DAY_OF_MONTH": "first", "REQUIRE_PARTS": ["day", "month", "year"]}
    if as_of is not None:
        settings["RELATIVE_BASE"] = dt.datetime.combine(as_of, dt.time())
    try:
        got = dateparser.parse(s, languages=["zh", "en"], settings=settings)
    except (ValueError, OverflowError):
        return None
    # dateparser reads almost anything as some date (2019-2021年 as year 5): keep plausible ones.
    if got is None or not 1990 <= got.year <= (as_of or localtime.today()).year + 1:
        return None
    return got.date()
