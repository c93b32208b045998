"""An article's publication date, in the order SPEC §5 sets.

1. A visible publication label (发布时间, 发布日期, 发表时间, 發佈時間 ...; or
   a bare 日期/时间 standing as a field label) with a date after it; else an
   unlabelled date in the byline just under the title -- a date standing on
   its own or beside 来源/作者, not inside a sentence.
2. The 信息公开 table's 生成日期.
3. ``<meta name="PubDate">``, ``firstpublishedtime``, ``publishdate`` and kin.
4. Only where none of these exists: the document's own date (发文日期,
   成文日期, 印发日期, 签发日期).

Never: body datelines (新华社上海11月30日电), related items' dates, the
banner's date of the day (followed by 星期X), dates in header, navigation or
footer blocks, ``Maketime``.
"""
from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_right

from lxml.html import HtmlElement

from .dates import WEEKDAY_AFTER_RE, _DATE_RE, _from_match, fold, parse_date
from .dom import clean, is_chrome, walk

_DATE_WORD = r"(?:日\s*期|时\s*间|時\s*間)"
_CJK = r"\u3400-\u9fff"
# Publication labels; a bare 日期/时间 only when no Chinese character precedes it
# (so 成文日期, 生成日期, 会议时间 are not publication labels).
_PUB_LABEL_RE = re.compile(
    r"(?:发布|發佈|發布|发表|發表|发稿|發稿|公布|公佈|刊发|刊發|上网|上網|公开|公開)\s*"
    + _DATE_WORD + r"|(?<![" + _CJK + r"])" + _DATE_WORD
    + r"|(?:发布|發佈|發布)于|(?:發佈|發布)於")
_GENERATED_LABEL_RE = re.compile(r"生成\s*" + _DATE_WORD)
_DOC_LABEL_RE = re.compile(r"(?:发文|發文|成文|印发|印發|签发|簽發)\s*" + _DATE_WORD)
_GAP_RE = re.compile(r"[\s:：\]】|）)\[【（(]{0,24}")
_META_NAMES = ("pubdate", "firstpublishedtime", "publishdate", "publishtime", "publish_time",
               "article:published_time", "og:published_time", "og:release_date", "dc.date.issued",
               "dcterms.issued")
_BYLINE_RE = re.compile(r"来源|來源|作者|编辑|編輯|责任编辑|責任編輯|浏览|瀏覽|点击|點擊|字号|字號|阅读|閱讀|"
                        r"发布者|發佈者|信息来源|稿源|次数|打印|分享|\d+")
# A byline field's value ("来源：温州市第2区人民政府门户网站") says nothing about whether the line is prose.
_BYLINE_FIELD_RE = re.compile(r"(?:信息来源|来源|來源|作者|责任编辑|責任編輯|编辑|編輯|稿源|发布者|發佈者|发布机构|發佈機構)"
                              r"\s*[:：]\s*[^\s|｜]+")
_BYLINE_WORDS_RE = re.compile(r"来源|來源|作者|编辑|編輯|稿源|发布者|發佈者")
_TIME_AFTER_RE = re.compile(r"[\sT-]{0,3}\d{1,2}:\d{2}")
_CLOCK_RE = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?")
_PUNCT_RE = re.compile(r"[\s:：|/()（）\[\]【】·,，.。-]")
_TITLE_SPLIT_RE = re.compile(r"\s*(?:[_|｜]| - | – | — |－)\s*")
_TAG_RE = re.compile(r"<[^>]*>")
_BYLINE_WINDOW = 160  # characters after the title where a byline date may sit


def pub_date(doc: HtmlElement, html_text: str = "") -> dt.date | None:
    """The publication date of an article page, or None when the page gives none."""
    w = walk(doc)
    text = fold(w.joined)
    found = _labelled(doc, text, _PUB_LABEL_RE) or _byline(doc, text)
    if found:
        return found
    found = _labelled(doc, text, _GENERATED_LABEL_RE)
    if found:
        return found
    found = _meta_date(doc)
    if found:
        return found
    return _labelled(doc, text, _DOC_LABEL_RE)


def _owner(doc: HtmlElement, pos: int) -> HtmlElement:
    w = walk(doc)
    return w.segments[max(0, bisect_right(w.starts, pos) - 1)].owner


def _labelled(doc: HtmlElement, text: str, label_re: re.Pattern[str]) -> dt.date | None:
    chrome_cache: dict = {}
    for lm in label_re.finditer(text):
        gap = _GAP_RE.match(text, lm.end())
        mt = _DATE_RE.match(text, gap.end())
        if mt is None:
            continue
        got, has_year = _from_match(mt, None)
        if got is None or not has_year or WEEKDAY_AFTER_RE.match(text, mt.end()):
            continue
        if is_chrome(_owner(doc, mt.start()), cache=chrome_cache):
            continue
        return got
    return None


def _title_candidates(doc: HtmlElement) -> list[str]:
    out = []
    for m in doc.iter("meta"):
        if (m.get("name") or "").lower() in ("articletitle", "title"):
            t = clean(_TAG_RE.sub("", m.get("content") or ""))
            if t:
                out.append(t)
    for h in doc.iter("h1"):
        t = clean(h.text_content())
        if t:
            out.append(t)
            break
    for t in doc.iter("title"):
        parts = [p for p in _TITLE_SPLIT_RE.split(clean(t.text_content())) if p]
        if parts:
            out.append(max(parts, key=len))
        break
    return out


def _byline(doc: HtmlElement, text: str) -> dt.date | None:
    """A date standing alone right under the title: a timestamp, or a date beside 来源/作者.

    A date with neither is more likely the document's own date under the
    issuing bodies (a signature), and a date beside a link is a related item's."""
    for title in _title_candidates(doc):
        key = fold(title)[:12]
        if len(key) < 4:
            continue
        pos = text.find(key)
        while pos >= 0:
            start = pos + len(key)
            end = start + len(title) + _BYLINE_WINDOW
            for mt in _DATE_RE.finditer(text, start, end):
                got, has_year = _from_match(mt, None)
                if got is None or not has_year or WEEKDAY_AFTER_RE.match(text, mt.end()):
                    continue
                timed = _TIME_AFTER_RE.match(text, mt.end()) is not None
                # 来源/作者 before the date, or right after it ("2025-06-01 来源：人事处").
                signed = mt.group("y") is not None and (
                    _BYLINE_WORDS_RE.search(text, max(0, mt.start() - 40), mt.start()) is not None
                    or _BYLINE_WORDS_RE.search(text, mt.end(), mt.end() + 12) is not None)
                if (timed or signed) and _standalone(text, mt) and not _beside_link(doc, mt.start()):
                    return got
            pos = text.find(key, pos + 1)
    return None


def _beside_link(doc: HtmlElement, pos: int) -> bool:
    """Whether the text at ``pos`` is in, or just after, a title-like link (a list item)."""
    w = walk(doc)
    i = max(0, bisect_right(w.starts, pos) - 1)
    for seg in w.segments[max(0, i - 1):i + 1]:
        if seg.link is not None and len(clean(seg.link.text_content())) >= 6:
            return True
    return False


def _standalone(text: str, mt: re.Match[str]) -> bool:
    """Whether a date stands apart from prose: its line says little else."""
    line_start = text.rfind("\n", 0, mt.start()) + 1
    line_end = text.find("\n", mt.end())
    line = text[line_start:mt.start()] + " " + text[mt.end():line_end if line_end >= 0 else None]
    if _DOC_LABEL_RE.search(line) or _GENERATED_LABEL_RE.search(line):
        return False
    rest = _BYLINE_RE.sub("", _CLOCK_RE.sub("", _BYLINE_FIELD_RE.sub("", line)))
    return len(_PUNCT_RE.sub("", rest)) <= 12


def _meta_date(doc: HtmlElement) -> dt.date | None:
    by_name: dict[str, str] = {}
    for m in doc.iter("meta"):
        name = (m.get("name") or m.get("property") or m.get("itemprop") or "").strip().lower()
        if name in _META_NAMES and name not in by_name:
            by_name[name] = m.get("content") or ""
    for name in _META_NAMES:
        if name in by_name:
            got = parse_date(by_name[name])
            if got is not None:
                return got
    return None
