"""The vocabulary of the registration forms: sheet names, headers, categories
and site types, in Simplified or Traditional Chinese.

Forms arrive from the mainland and from offices that type in Traditional
script (the notice itself circulates in both), so every label is folded to
one Simplified spelling before it is matched.  The folding is deliberately
small: it covers the closed vocabulary of 附件3/附件4, not free text; values
such as site names are stored as written.
"""
from __future__ import annotations

import re
import unicodedata

from pucha.categories import CATEGORIES, SITE_TYPES

SITES_SHEET = "网站基本信息"
COLUMNS_SHEET = "栏目基本信息"

# Traditional -> Simplified for the characters of the forms' vocabulary.
_T2S = str.maketrans(
    "網稱類別編號備頁負責電話郵聯繫係職務辦單區門戶內資訊欄設機構態規劃計開諮詢調徵訪談應線報統無寫說説審業動査",
    "网称类别编号备页负责电话邮联系系职务办单区门户内资讯栏设机构态规划计开咨询调征访谈应线报统无写说说审业动查",
)
# Words that differ beyond characters: Taiwan/Hong Kong usage in the notice's
# Traditional edition (資訊 for 信息, 線上 for 在线), and 其它 for 其他.
_WORDS = (("资讯", "信息"), ("线上", "在线"), ("网上", "在线"), ("其它", "其他"))
# Decoration that does not change a label's meaning: spaces and line breaks
# (附件3 breaks headers over lines), required-field stars, "(系统)" of 附件4.
_NOISE = re.compile(r"[\s*＊:：]|[（(]系统[)）]")
_PUNCT = re.compile(r"[\s()（）、,，。.·\-—_/／]")


def fold(text: str) -> str:
    """A label folded to the form's Simplified spelling, without decoration."""
    text = unicodedata.normalize("NFKC", text).translate(_T2S)
    for old, new in _WORDS:
        text = text.replace(old, new)
    return _NOISE.sub("", text).upper()


# field -> the header as written in the contract, then other spellings seen.
SITE_HEADERS: dict[str, tuple[str, ...]] = {
    "region": ("部门/地区", "部门地区", "地区/部门"),
    "name": ("网站名称",),
    "site_type": ("网站类型", "类型"),
    "icp": ("ICP备案编号", "ICP备案号", "备案编号", "ICP备案"),
    "homepage": ("首页网址", "首页地址", "网站首页网址", "网站网址", "网址"),
    "sponsor": ("网站主管单位", "主管单位"),
    "address": ("办公地址",),
    "leader_name": ("负责人姓名",),
    "leader_title": ("负责人职务",),
    "leader_phone": ("负责人办公电话",),
    "leader_mobile": ("负责人手机", "负责人手机号码"),
    "leader_email": ("负责人电子邮箱", "负责人邮箱", "负责人电子邮件"),
    "contact_name": ("联系人姓名",),
    "contact_phone": ("联系人办公电话",),
    "contact_mobile": ("联系人手机", "联系人手机号码"),
    "contact_email": ("联系人电子邮箱", "联系人邮箱", "联系人电子邮件"),
}
COLUMN_HEADERS: dict[str, tuple[str, ...]] = {
    "homepage": ("首页网址", "网站首页网址", "网站网址"),
    "category": ("内容类别", "类别"),
    "name": ("栏目名称",),
    "url": ("栏目地址", "栏目网址", "栏目链接"),
}
# 附件3's two-row header: 负责人 and 联系人 span these sub-columns.
GROUPS = ("负责人", "联系人")
SUB_HEADERS = ("姓名", "职务", "办公电话", "手机", "电子邮箱", "邮箱", "手机号码", "电子邮件")


def label(fields: dict[str, tuple[str, ...]], field: str) -> str:
    """The header of ``field`` as messages and written workbooks show it."""
    return fields[field][0]


# The forms' headers in their order, as a workbook writer (the fleet's, the portal's) writes them.
SITE_FORM_HEADERS: tuple[str, ...] = tuple(label(SITE_HEADERS, f) for f in SITE_HEADERS)
COLUMN_FORM_HEADERS: tuple[str, ...] = tuple(label(COLUMN_HEADERS, f) for f in COLUMN_HEADERS)


def header_key(text: str) -> str:
    """What a header is matched by: folded, without punctuation."""
    return _PUNCT.sub("", fold(text))


def header_index(fields: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Header key -> field."""
    return {header_key(spelling): field for field, spellings in fields.items() for spelling in spellings}


def sheet_kind(name: str) -> str | None:
    """Which sheet a workbook's sheet name is: SITES_SHEET, COLUMNS_SHEET or None.

    Accepts the contract's names and the forms' titles (政府网站基本信息表,
    政府网站栏目(系统)基本信息表), in either script.
    """
    folded = fold(name).removeprefix("政府").removesuffix("表")
    if folded == SITES_SHEET:
        return SITES_SHEET
    if folded in (COLUMNS_SHEET, "网站" + COLUMNS_SHEET):
        return COLUMNS_SHEET
    return None


_CATEGORY_ALIASES = {
    "信息公开类其他": "信息公开其他",
    "互动回应类其他": "互动回应其他",
    "在线申报查询": "在线申报查询系统",
    "在线系统": "在线申报查询系统",
}
_CATEGORIES = {_PUNCT.sub("", fold(c)): c for c in CATEGORIES}
_CATEGORIES.update({_PUNCT.sub("", fold(k)): v for k, v in _CATEGORY_ALIASES.items()})
_SITE_TYPES = {fold(t): t for t in SITE_TYPES}


def category(value: str) -> str | None:
    """The category of pucha.categories a form value names, or None."""
    return _CATEGORIES.get(_PUNCT.sub("", fold(value)))


def site_type(value: str) -> str | None:
    return _SITE_TYPES.get(fold(value))


def is_none_value(value: str) -> bool:
    """"无" (or 無): the form's way of saying there is nothing."""
    # ASCII never folds to 无; most cells (URLs, numbers, addresses of mail) are ASCII.
    return not value.isascii() and fold(value) == "无"


# Lines under the table of a printed 附件3 (signatures, instructions): the
# data ends where one of these starts a row.
FOOTERS = ("单位负责人", "填写说明", "填表说明", "审核人", "填报人")


def is_footer(first_cell: str) -> bool:
    folded = fold(first_cell)
    return any(folded.startswith(f) for f in FOOTERS)
