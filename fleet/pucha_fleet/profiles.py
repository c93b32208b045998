"""What a fleet site is: plain dataclasses, independent of any address.

A profile says everything the server renders and everything the ground truth
needs, so the truth is computed from the profile and never from the pages.
Addresses (which loopback host and port a site gets) are decided when the
fleet is served; links to other hosts are named symbolically here (see
``LinkSpec.kind``) and resolved by ``pucha_fleet.site``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

FAMILIES = ("trs", "hanweb", "table", "modern")
ENCODINGS = ("utf-8", "gbk", "gb2312", "gb18030")
DECLARATIONS = ("header", "meta", "http-equiv", "none")

# How a list shows its dates (SPEC §5); "yearless" is (11-20).
DATE_FORMS = ("iso", "slash", "dot", "cn", "cn_nopad", "bracket", "yearless")

# Pagination of a column, by family: TRS writes the page count in a script,
# Hanweb loads the items from its data proxy, old sites use ?page=N, modern
# ones link 下一页.
PAGINATIONS = ("trs_create", "trs_count", "dataproxy", "query", "next")

# Kinds of link a page may carry that the truth must know about.
BROKEN_KINDS = ("internal404", "external404", "nohost", "hang", "loop", "image404")
LINK_KINDS = BROKEN_KINDS + ("soft404", "calendar", "bigpage", "external_ok")

PROBE_FAILURES = ("503", "hang", "reset")


@dataclass
class ItemSpec:
    """One entry of a list: an article (or activity, or guide) with the date shown beside it."""

    id: int
    title: str
    date: date | None  # None: shown without a date (counts as not updated)
    pinned: bool = False  # 置顶: shown before newer items


@dataclass
class LetterSpec:
    """One 政务咨询 letter: asked on ``submitted``, answered on ``replied`` or described by ``status``."""

    id: int
    title: str
    submitted: date
    replied: date | None = None
    status: str | None = None  # "replied" | "unreplied" | "processing" | None (the row says nothing)


@dataclass
class AttachmentSpec:
    name: str  # shown text, e.g. 申请表
    ext: str  # doc, xls, pdf, ...
    state: str = "ok"  # ok | 404 | empty


@dataclass
class GuideSpec:
    """A 办事指南 page: which element categories it shows, under which label, and its files."""

    id: int
    title: str
    layout: str  # table (th/td) | dl (dt/dd) | para (标签：内容)
    # element category (pucha_fleet.guides.ELEMENTS) -> (label shown, content; "" = empty label)
    elements: dict[str, tuple[str, str]]
    attachments: list[AttachmentSpec] = field(default_factory=list)
    opens: bool = True  # False: the guide page answers 404
    date: date | None = None  # date shown beside it in the guide column's list


@dataclass
class ColumnSpec:
    key: str  # unique within the site; the URL slug
    num: int  # numeric id (Hanweb colN, columnid)
    category: str  # pucha.categories
    name: str
    pagination: str = "none"
    date_form: str = "iso"
    with_time: bool = False
    per_page: int = 15
    items: list[ItemSpec] = field(default_factory=list)
    letters: list[LetterSpec] = field(default_factory=list)  # 政务咨询类
    letter_style: str = "dates"  # dates (回复时间 column) | status (状态 column)
    guides: list[GuideSpec] = field(default_factory=list)  # 办事指南类
    opens: str = "ok"  # ok | 404 | 500: the registered list page cannot be opened
    empty_text: str | None = None  # 暂无信息 ... shown when there is no item; None: an empty list
    system_state: str = "ok"  # 在线申报查询系统 only: ok | 404 | 503 | nohost
    registered_with_slash: bool = False  # TRS: register /key/ rather than /key/index.html

    @property
    def n_entries(self) -> int:
        return len(self.items) + len(self.letters) + len(self.guides)


@dataclass
class HomeList:
    """A list block of the homepage: items of a column, shown again."""

    title: str
    column: str  # column key
    item_ids: list[int]


@dataclass
class LinkSpec:
    """A link planted on a page.

    ``place``: "home", "about", "column:KEY" (the column's first list page),
    "article:ID" (an article page), "guide:ID".  ``ref`` makes the target
    distinct (two specs with the same kind and ref are the same target)."""

    kind: str  # LINK_KINDS
    place: str
    ref: str


@dataclass
class Profile:
    index: int  # position in the fleet; decides the loopback address
    name: str
    region: str
    site_type: str  # 门户网站 | 部门网站 | 其他
    family: str
    encoding: str
    declaration: str
    traditional: bool = False  # labels in Traditional characters (下一頁, 發佈時間)
    home_kind: str = "normal"  # normal | navigation
    home_lists: list[HomeList] = field(default_factory=list)
    home_date_form: str = "iso"
    list_dates: str = "shown"  # shown | articles: lists show no dates, each article its own (SPEC §4)
    columns: list[ColumnSpec] = field(default_factory=list)
    probe_failures: dict[int, str] = field(default_factory=dict)  # round (1-based) -> PROBE_FAILURES
    links: list[LinkSpec] = field(default_factory=list)
    malformed_articles: list[int] = field(default_factory=list)  # article ids rendered as broken HTML
    robots: str | None = None  # None: /robots.txt is 404; "plain" | "delay"
    text_errors: list[str] = field(default_factory=list)  # lexicon terms written on /about.html (严重错误 candidates)
    purpose: str = "random"  # why the site exists (hand-designed sites say which boundary)

    def column(self, key: str) -> ColumnSpec:
        for c in self.columns:
            if c.key == key:
                return c
        raise KeyError(f"site {self.index}: no column {key!r}")

    def columns_of(self, category: str) -> list[ColumnSpec]:
        return [c for c in self.columns if c.category == category]
