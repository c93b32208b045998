"""Service guides (办事指南): which of the eight elements a guide fills, its files, its forms.

An element is filled when one of its labels stands as a label -- a table
cell or ``<dt>`` of its own, a heading line, or the start of a ``标签：内容``
line -- and content follows before the next label.  Content that is only
"无", "暂无", "空", "略", "/" or "-" is not content: each of the eight is
something every real service has (a basis, conditions, materials, a place, hours,
a phone, a procedure), so "无" there means the guide leaves it out.

The synonyms below were gathered from the 办事指南 templates of provincial
government service platforms (国家政务服务平台's 事项名称/设定依据/受理条件/
申请材料/办理地点/办理时间/咨询方式/办理流程 and the older county templates'
wording); each Simplified label also matches in Traditional characters.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

from typing import NamedTuple

from lxml.html import HtmlElement

from pucha.rulebook import guide_elements as _rulebook_elements

from .dom import base_href, clean, walk

# The element names are the rulebook's (service.guide); the labels sites give them are this reader's.
GUIDE_ELEMENTS: tuple[str, ...] = _rulebook_elements()

SYNONYMS: dict[str, tuple[str, ...]] = {
    "事项名称": ("事项名称", "服务名称", "服务事项", "办理事项", "审批事项", "许可事项", "项目名称",
             "业务名称", "事项"),
    "设定依据": ("设定依据", "法律依据", "办理依据", "政策依据", "实施依据", "审批依据", "法定依据",
             "受理依据", "许可依据", "依据"),
    "申请条件": ("申请条件", "受理条件", "办理条件", "申办条件", "申报条件", "许可条件", "准予许可的条件",
             "申请人条件", "受理标准"),
    "办理材料": ("办理材料", "申请材料", "所需材料", "提交材料", "申报材料", "申请材料目录", "材料目录",
             "需提交材料", "所需资料", "申请资料", "提交资料", "材料清单"),
    "办理地点": ("办理地点", "受理地点", "办公地址", "办理地址", "受理地址", "办事地点", "服务地点",
             "受理窗口", "办理窗口", "窗口地址", "地点"),
    "办理时间": ("办理时间", "受理时间", "办公时间", "工作时间", "服务时间", "窗口办公时间", "受理时段"),
    "联系电话": ("联系电话", "咨询电话", "联系方式", "咨询方式", "办公电话", "服务电话", "咨询途径",
             "联系咨询"),
    "办理流程": ("办理流程", "办理程序", "办事流程", "办理步骤", "审批流程", "审批程序", "服务流程",
             "受理程序", "办理环节", "工作流程", "流程"),
}
if set(SYNONYMS) != set(GUIDE_ELEMENTS):  # a rulebook naming an element this reader has no labels for
    raise RuntimeError(f"guide labels known for {sorted(SYNONYMS)}, the rulebook wants {sorted(GUIDE_ELEMENTS)}")

# Labels of other parts of a guide: they end the content of the label before them.
OTHER_LABELS: tuple[str, ...] = (
    "收费标准", "收费依据", "是否收费", "办理时限", "承诺时限", "法定时限", "承诺期限", "法定期限",
    "办理结果", "结果名称", "结果送达", "送达方式", "监督投诉", "投诉电话", "监督电话", "常见问题",
    "备注", "实施主体", "实施机构", "受理机构", "办理机构", "责任部门", "决定机构", "事项类型",
    "服务对象", "办件类型", "权力来源", "行使层级", "数量限制", "中介服务", "网上办理", "基本信息",
)

_TRAD = str.maketrans({
    "项": "項", "称": "稱", "设": "設", "据": "據", "请": "請", "条": "條", "办": "辦", "时": "時",
    "间": "間", "联": "聯", "系": "繫", "话": "話", "询": "詢", "电": "電", "务": "務", "审": "審",
    "点": "點", "处": "處", "资": "資", "录": "錄", "实": "實", "许": "許", "环": "環", "节": "節",
    "报": "報", "单": "單", "业": "業", "径": "徑", "标": "標", "准": "準", "结": "結", "责": "責",
    "门": "門", "决": "決", "机": "機", "构": "構", "费": "費", "达": "達", "诉": "訴", "监": "監",
    "问": "問", "题": "題", "备": "備", "注": "註", "类": "類", "权": "權", "级": "級", "数": "數",
    "网": "網", "清": "清", "单": "單", "质": "質", "见": "見", "规": "規", "对": "對", "象": "象",
})

_FILE_EXTS = frozenset({"doc", "docx", "xls", "xlsx", "pdf", "zip", "rar", "7z", "wps", "et", "dps",
                        "txt", "ofd", "ppt", "pptx", "csv", "tif", "tiff", "gz", "tar", "odt", "ods",
                        "ceb", "cebx", "xml", "rtf"})
_EMPTY_CONTENT = frozenset({"", "无", "無", "暂无", "暫無", "空", "略", "/", "-", "—", "--", "——",
                            "无内容", "無內容", "待补充", "待補充"})
_FORM_RE = re.compile(r"《([^《》\n]{1,60}?表(?:格)?)》")


_CANON: dict[str, str] = {}
for _cat, _syns in SYNONYMS.items():
    for _s in _syns:
        for _v in (_s, _s.translate(_TRAD), _s.replace("联系", "聯絡").translate(_TRAD)):
            _CANON[_v] = _cat
_OTHER = {o for lb in OTHER_LABELS for o in (lb, lb.translate(_TRAD))}
_LABELS = set(_CANON) | _OTHER
_LENGTHS = sorted({len(x) for x in _LABELS}, reverse=True)
# Numbering before a label: 一、 (二) 3. 【
_NUMBERING_RE = re.compile(r"^(?:[(（【\[]?[一二三四五六七八九十\d]{1,3}[)）】\]、.．]|【)")
_SPACE_CHARS = frozenset(" \t\u2002\u3000\xa0\r")
_SPACES_RE = re.compile(r"\s+")
_PUNCT_RE = re.compile(r"[\s:：;；,，.。、]+")


class _Mark(NamedTuple):
    label: str
    start: int  # offset of the label in the text
    end: int  # offset just after the label (and its colon)
    colon: bool


def _marks(text: str) -> list[_Mark]:
    """Lines that begin with a known label (a dict lookup per line: this runs on every guide)."""
    marks = []
    pos = 0
    for line in text.split("\n"):
        line_start, pos = pos, pos + len(line) + 1
        head = _SPACES_RE.sub("", line[:40])
        if not head:
            continue
        numbering = _NUMBERING_RE.match(head)
        skip = numbering.end() if numbering else 0
        label = next((head[skip:skip + n] for n in _LENGTHS if head[skip:skip + n] in _LABELS), None)
        if label is None:
            continue
        # Map "skip + len(label)" non-space characters back to an offset in the line.
        need, i, first = skip + len(label), 0, None
        while need and i < len(line):
            if line[i] not in _SPACE_CHARS:
                if first is None and need == len(label):
                    first = i
                need -= 1
            i += 1
        first = first if first is not None else i - len(label)
        rest = line[i:].lstrip(" \t\u2002\u3000\xa0】")
        colon = rest[:1] in (":", "：")
        if not colon and rest.strip():
            continue  # a label stands alone (cell, dt, heading) or is followed by a colon
        marks.append(_Mark(label, line_start + first, line_start + len(line) - len(rest) + (1 if colon else 0), colon))
    return marks


def _category(label: str) -> str | None:
    return _CANON.get(_SPACES_RE.sub("", label))


def guide_elements(doc: HtmlElement) -> set[str]:
    """The element categories (names from GUIDE_ELEMENTS) the guide fills with content."""
    w = walk(doc)
    text = w.joined
    marks = _marks(text)
    found: set[str] = set()
    for i, m in enumerate(marks):
        cat = _category(m.label)
        if cat is None or cat in found:
            continue
        owner = w.segments[bisect_right(w.starts, m.start) - 1].owner
        content = _cell_content(owner, m.label)
        if content is None:  # not a cell or dt: the text up to the next label
            end = marks[i + 1].start if i + 1 < len(marks) else min(len(text), m.end + 500)
            content = text[m.end:end]
        if _PUNCT_RE.sub("", content).strip() not in _EMPTY_CONTENT:
            found.add(cat)
    return found


def _cell_content(owner: HtmlElement, label: str) -> str | None:
    """The content of a label written as a table cell or ``<dt>``: the cells after it."""
    cell = owner
    for _ in range(3):
        if cell is None or cell.tag in ("td", "th", "dt"):
            break
        cell = cell.getparent()
    if cell is None or cell.tag not in ("td", "th", "dt"):
        return None
    if _PUNCT_RE.sub("", clean(cell.text_content())) != _PUNCT_RE.sub("", clean(label)):
        return None  # the cell says more than the label: the text reading handles it
    parts = []
    for sib in cell.itersiblings():
        if not isinstance(sib.tag, str):
            continue
        if sib.tag == "dt" or (sib.tag in ("td", "th") and _is_label(sib)):
            break
        parts.append(sib.text_content())
    if cell.tag in ("td", "th") and not parts and cell.getnext() is None:
        return None  # a label row above its content (vertical layout): read the text
    return " ".join(parts)


def _is_label(cell: HtmlElement) -> bool:
    t = _PUNCT_RE.sub("", clean(cell.text_content()))
    return t in _CANON or t in _OTHER


def file_links(doc: HtmlElement, base_url: str) -> list[str]:
    """Absolute URLs of the attachments linked from the page (by extension of the URL path)."""
    base = base_href(doc, base_url)
    out: list[str] = []
    for a in doc.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.lower().startswith(("javascript:", "mailto:", "tel:", "#")):
            continue
        url = urldefrag(urljoin(base, href))[0]
        path = unquote(urlsplit(url).path)
        ext = path.rsplit(".", 1)[-1].lower() if "." in path.rsplit("/", 1)[-1] else ""
        if ext in _FILE_EXTS and url not in out:
            out.append(url)
    return out


def forms_mentioned(doc: HtmlElement) -> list[str]:
    """Forms (《…表》) the text names that the page does not offer for download.

    A form is offered when a link's text names it, or when a file link sits
    in the same block as the mention (申请表 <a href="x.doc">下载</a>)."""
    linked = " ".join(clean(a.text_content()) for a in doc.iter("a"))
    out: list[str] = []
    for seg in walk(doc).segments:
        for m in _FORM_RE.finditer(seg.text):
            name = f"《{m.group(1).strip()}》"
            if name in out or m.group(1).strip() in linked or _file_link_near(seg.owner):
                continue
            out.append(name)
    return out


def _file_link_near(el: HtmlElement) -> bool:
    """A file link in the mention's own element, or in its small enclosing cell or row."""
    blocks = [el]
    parent = el.getparent()
    if parent is not None and parent.tag in ("td", "li", "dd", "p", "span", "div", "tr") and len(parent) <= 6:
        blocks.append(parent)
    for node in blocks:
        for a in node.iter("a"):
            path = urlsplit((a.get("href") or "").strip()).path
            last = path.rsplit("/", 1)[-1]
            if "." in last and last.rsplit(".", 1)[-1].lower() in _FILE_EXTS:
                return True
    return False
