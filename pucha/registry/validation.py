"""The rules for each field of 附件3 and 附件4, and the checks that apply them.

Every field is required and "无" is the value for nothing (附件1: 表单所有信息项
均为必填项，如确无内容请填写"无").  Where "无" is allowed is our reading of
the notice and the forms' purpose:

- 部门/地区, 网站名称, 网站类型, 首页网址, 网站主管单位, 办公地址: never "无" --
  they identify the site and who answers for it (填写说明 (一)-(六));
- ICP备案编号: "无" allowed: a sub-site without its own number enters its
  main site's (填写说明 (三)), and some sites (intranet-facing, overseas
  hosting) have none at all;
- 负责人/联系人 姓名 and 负责人职务: never "无" -- each site has both persons;
- 电子邮箱: never "无": the 网站标识码 and 校验码 are mailed to both persons
  (附件1 二(四)), so both addresses must work;
- 办公电话 and 手机: either may be "无", not both: each person must be
  reachable by telephone;
- 栏目名称 and 栏目地址 (附件4): "无" together, meaning the site has no column
  of that category; 首页网址 and 内容类别 never.

Checks return the value to store (cleaned) or raise ``Invalid`` with a
message in Chinese; the importer adds the place.
"""
from __future__ import annotations

import ipaddress
import re
import unicodedata
from urllib.parse import urlsplit

from pucha.registry import headers
from pucha.registry.numbers import Doubt, check_icp, check_mobile, check_office_phone
from pucha.registry.problems import Invalid

NONE = "无"


def clean(value: str) -> str:
    # NFKC turns full-width digits, letters, ＠ and － into their ASCII forms.
    return unicodedata.normalize("NFKC", value).strip()


def quoted(value: str) -> str:
    return f"\"{value}\""


# Bidi embeddings/overrides/isolates and marks: 主任\u202etxt.exe shows as 主任exe.txt.
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


# Unicode's control characters (category Cc) are exactly U+0000-U+001F and U+007F-U+009F: one
# regular expression instead of a category lookup per character (a national file has ~40 million).
_LINE_BAD = re.compile("[\x00-\x1f\x7f-\x9f" + "".join(sorted(_BIDI)) + "]")
_TEXT_BAD = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # Cc but tab and line feed
_SPACE = re.compile(r"\s")


def check_line(value: str, max_length: int) -> str:
    """A single-line value (names, addresses, every field of 附件3): no line
    breaks, tabs, other control characters or bidi controls; then check_text."""
    found = _LINE_BAD.search(value)
    if found is not None:
        bad = found.group()
        what = "换行符" if bad in "\r\n" else "方向控制字符" if bad in _BIDI else "控制字符"
        raise Invalid(f"含有{what}（U+{ord(bad):04X}），应为单行文字")
    return check_text(value, max_length)


def check_text(value: str, max_length: int) -> str:
    if _TEXT_BAD.search(value):
        raise Invalid(f"{quoted(value)} 含有控制字符")
    if len(value) > max_length:
        raise Invalid(f"太长（{len(value)} 个字符，最多 {max_length} 个）")
    return value


_EMAIL = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$")
_LIST_SEP = re.compile(r"[、;；,，/]")


def _items(value: str) -> list[str]:
    items = [i.strip() for i in _LIST_SEP.split(value)]
    if any(not i for i in items):
        raise Invalid(f"{quoted(value)} 中有空项（多个号码或地址之间只用一个“、”或“;”分隔）")
    return items


def check_email(value: str) -> str:
    value = clean(value)
    for item in _items(value):
        if not _EMAIL.match(item) or ".." in item:
            raise Invalid(f"{quoted(item)} 不是有效的电子邮箱")
    return value


_LABEL = re.compile(r"^(?!-)[\w-]{1,63}(?<!-)$")


def check_url(value: str) -> str:
    """An absolute http(s) URL with a host; returned as written (stripped)."""
    value = clean(value)
    if _SPACE.search(value):  # str.isspace's spaces, which \s matches in a str pattern
        raise Invalid(f"{quoted(value)} 不是有效的网址（网址中不能有空格）")
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        raise Invalid(f"{quoted(value)} 不是有效的网址（主机或端口无效）") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise Invalid(f"{quoted(value)} 不是有效的网址（应以 http:// 或 https:// 开头）")
    host = parts.hostname or ""
    if not host:
        raise Invalid(f"{quoted(value)} 不是有效的网址（缺少主机名）")
    if port == 0:
        raise Invalid(f"{quoted(value)} 不是有效的网址（端口无效）")
    # Only a host ending in a digit or holding a ":" can be an IP address: asking ipaddress about
    # every host name (1.5 million column URLs in a national file) cost more than the rest of the check.
    if host[-1].isdigit() or ":" in host:
        try:
            ipaddress.ip_address(host)
            return value
        except ValueError:
            pass
    if not all(_LABEL.match(label) for label in host.rstrip(".").split(".")):
        raise Invalid(f"{quoted(value)} 不是有效的网址（主机名 {quoted(host)} 无效）") from None
    return value


def check_site_type(value: str) -> str:
    found = headers.site_type(value)
    if found is None:
        raise Invalid(f"{quoted(value)} 不是有效的网站类型（应为 门户网站、部门网站 或 其他）")
    return found


def check_category(value: str) -> str:
    from pucha.categories import CATEGORIES

    found = headers.category(value)
    if found is None:
        raise Invalid(f"{quoted(value)} 不是有效的内容类别（应为 {'、'.join(CATEGORIES)} 之一）")
    return found


def split_list(value: str) -> list[str]:
    """A `;`/`；` list of 附件4 (several columns of one category in one row)."""
    items = [i.strip() for i in re.split(r"[;；]", value)]
    while len(items) > 1 and not items[-1]:
        items.pop()  # a trailing separator is a habit, not an empty item
    for n, item in enumerate(items, 1):
        if not item:
            raise Invalid(f"{quoted(value)} 的第{n}项为空（各项之间用一个“;”分隔）")
    return items


# field -> (check, may be "无", longest value stored)
SITE_RULES = {
    "region": (None, False, 200),
    "name": (None, False, 200),
    "site_type": (check_site_type, False, 20),
    "icp": (check_icp, True, 100),
    "homepage": (check_url, False, 1000),
    "sponsor": (None, False, 200),
    "address": (None, False, 500),
    "leader_name": (None, False, 100),
    "leader_title": (None, False, 100),
    "leader_phone": (check_office_phone, True, 200),
    "leader_mobile": (check_mobile, True, 200),
    "leader_email": (check_email, False, 300),
    "contact_name": (None, False, 100),
    "contact_phone": (check_office_phone, True, 200),
    "contact_mobile": (check_mobile, True, 200),
    "contact_email": (check_email, False, 300),
}
# Each person needs one telephone at least: (office, mobile) pairs.
PHONE_PAIRS = (("leader_phone", "leader_mobile"), ("contact_phone", "contact_mobile"))


_DOUBTED = (check_icp, check_office_phone, check_mobile)


def check_field(field: str, value: str, doubt: Doubt | None = None) -> str:
    """The cleaned value of a site field, or Invalid; ``doubt`` hears what is accepted but doubtful."""
    check, none_allowed, max_length = SITE_RULES[field]
    value = value.strip()
    if not value:
        raise Invalid("必填，不能为空" + ("（确无内容请填“无”）" if none_allowed else ""))
    if headers.is_none_value(value):
        if not none_allowed:
            raise Invalid("必填，不能填“无”")
        return NONE
    value = check_line(value, max_length)
    if check in _DOUBTED:
        return check(value, doubt)
    return check(value) if check else value
