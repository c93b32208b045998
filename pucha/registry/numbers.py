"""ICP numbers and telephone numbers as offices really write them in 附件3 (SPEC §1).

Checked against what real sites and forms show (public repositories, see
tests/registry/test_registry_numbers.py for the sources): ``蜀ICP备 12005138号-1``
with a space, ``黔ICP备2021008357号.`` with a full stop, ``京ICP证150437号``,
``京ICP备15003716号-3 | 京ICP证150437号`` (two numbers in one place),
``(010) 5719-5865``, ``(027-81299699）``, ``0571-85022088，转分机号 83789993#``,
``186-0064-0235``, ``(020)87682434　87137500``.

A check returns the value to store or raises ``Invalid`` for what cannot be a
number at all.  What is a number but doubtful -- a province's everyday short
name where the record office uses another (川 for 蜀), a public-security filing
number in the ICP field, a local number without its area code, a mobile in the
office field -- is accepted and told to ``doubt``, so the import report lists
it for a person to check instead of refusing the whole file.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Callable

from pucha.registry.headers import fold
from pucha.registry.problems import Invalid

Doubt = Callable[[str], None]


def _q(value: str) -> str:
    return f"\"{value}\""  # as the registry's other messages quote a value

# The record offices' short names (工业和信息化部 ICP/IP地址/域名信息备案管理系统), Simplified;
# fold() turns the Traditional ones (滬 遼 閩 贛 魯 粵 瓊 陝 隴 寧 晉 蘇) into these.
RECORD_OFFICES = "京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝蜀黔滇藏陕陇青宁新"
# Everyday short names that are not the record office's: accepted, flagged.
EVERYDAY = {"川": "蜀", "贵": "黔", "云": "滇", "甘": "陇"}
_TRAD = str.maketrans("滬遼閩贛魯粵瓊陝隴寧晉蘇貴雲證", "沪辽闽赣鲁粤琼陕陇宁晋苏贵云证")

_ICP = re.compile(r"^(?P<office>.)ICP(?P<kind>备|证)(?P<num>(?:B2-)?\d{4,12})(?P<hao>号)?(?:-(?P<n>\d{1,4}))?$")
_GONGAN = re.compile(r"^.公网安备\d{10,16}号?$")
_LABEL = re.compile(r"^(?:网站)?(?:ICP)?(?:备案|備案|证|證|证书|證書)?(?:编号|編號|号|號)?[:：]", re.IGNORECASE)
_ICP_SEP = re.compile(r"[、;；,，/|]|\s{1,}(?=.ICP)")


def check_icp(value: str, doubt: Doubt | None = None) -> str:
    doubt = doubt or (lambda _msg: None)
    text = unicodedata.normalize("NFKC", value).strip()
    parts = [p for p in _ICP_SEP.split(text) if p.strip()]
    if len(parts) > 1:
        doubt(f"填了 {len(parts)} 个编号（{text}），请确认本网站的ICP备案编号")
    for part in parts:
        _one_icp(part, doubt)
    return value.strip()


def _one_icp(part: str, doubt: Doubt) -> None:
    compact = _LABEL.sub("", re.sub(r"\s+", "", part)).rstrip("。.")
    folded = fold(compact).translate(_TRAD)
    if _GONGAN.match(folded):
        doubt(f"{_q(part)} 是公安机关备案号，不是ICP备案编号（如 京ICP备05060933号）")
        return
    m = _ICP.match(folded)
    if not m:
        raise Invalid(f"{_q(part)} 不是有效的ICP备案编号（如 京ICP备05060933号、蜀ICP备12005138号-1、"
                         f"京ICP证030173号；没有请填“无”）")
    office = m.group("office")
    if office in EVERYDAY:
        doubt(f"{_q(part)}：备案管理机构的简称是“{EVERYDAY[office]}”，不是“{office}”，请核对")
    elif office not in RECORD_OFFICES:
        raise Invalid(f"{_q(part)} 不是有效的ICP备案编号：开头应为省级备案管理机构简称（{' '.join(RECORD_OFFICES)}）")
    if not m.group("hao"):
        doubt(f"{_q(part)} 缺少“号”字，请核对")
    if m.group("num").startswith("B2-"):
        doubt(f"{_q(part)} 是增值电信业务经营许可证号，请确认本网站的ICP备案编号")


# --- telephones --------------------------------------------------------------------------------

_SEP = re.compile(r"[、;；,，/]|或")
_DASHES = str.maketrans({"—": "-", "–": "-", "−": "-", "‐": "-", "－": "-", "～": "-"})
_EXT = re.compile(r"(?:转分机号?|转|分机号?|ext\.?|x)(\d{1,8})#?$", re.IGNORECASE)
_AREA = re.compile(r"^\(?(0\d{2,3})\)?-?(.*)$")
_LOCAL = re.compile(r"^[1-9]\d{6,7}$")
_BARE_LOCAL = re.compile(r"^[1-9]\d{2,3}-?\d{4}$")  # 87682434, 8768-2434: a number without its area code
_MOBILE = re.compile(r"^(?:\+?86)?(1[3-9]\d{9})$")
_SERVICE = re.compile(r"^(?:400|800)\d{7}$")


def _normal(value: str) -> str:
    value = unicodedata.normalize("NFKC", value).translate(_DASHES).strip()
    return re.sub(r"[,，]\s*(?=转)", "", value)  # "0571-85022088，转分机号 83789993": one number


def _pieces(value: str) -> list[str]:
    items = [i.strip() for i in _SEP.split(value)]
    if any(not i for i in items):
        raise Invalid(f"{_q(value)} 中有空项（多个号码之间只用一个“、”“/”或“;”分隔）")
    return items


def _office(item: str, doubt: Doubt) -> bool:
    """True when ``item`` is one office number (area code, number, extension)."""
    s = re.sub(r"\s+", "", item).rstrip("#")
    if s.startswith("(") and s.endswith(")") and s.count("(") == 1:
        s = s[1:-1]  # "(027-81299699)": the whole number in brackets
    ext = _EXT.search(s)
    main = s[:ext.start()].rstrip("-") if ext else s
    m = _AREA.match(main)
    if m and m.group(2):
        rest = m.group(2)
        if not ext and "-" in rest:  # 0731-8888888-123: a trailing group is the extension
            head, _, tail = rest.rpartition("-")
            if _LOCAL.match(head.replace("-", "")) and len(tail) <= 6:
                rest = head
        if _LOCAL.match(rest.replace("-", "")):
            return True
    digits = main.replace("-", "").replace("(", "").replace(")", "")
    if _BARE_LOCAL.match(main):
        doubt(f"{_q(item)} 没有区号，请补上区号（如 010-12345678）")
        return True
    if _MOBILE.match(digits):
        doubt(f"{_q(item)} 是手机号码，办公电话应为含区号的固定电话")
        return True
    if _SERVICE.match(digits):
        doubt(f"{_q(item)} 是服务热线，办公电话应为含区号的固定电话")
        return True
    return False


def check_office_phone(value: str, doubt: Doubt | None = None) -> str:
    doubt = doubt or (lambda _msg: None)
    value = _normal(value)
    for item in _pieces(value):
        if _office(item, doubt):
            continue
        # "(020)87682434 87137500": numbers apart by spaces only
        words = item.split()
        if len(words) > 1 and all(_office(w, doubt) for w in words):
            continue
        raise Invalid(f"{_q(item)} 不是有效的办公电话（应含区号，如 010-12345678、0731-8888888-123、(010)12345678）")
    return value


def check_mobile(value: str, doubt: Doubt | None = None) -> str:
    doubt = doubt or (lambda _msg: None)
    value = _normal(value)
    for item in _pieces(value):
        digits = re.sub(r"[\s\-()]+", "", item)
        if _MOBILE.match(digits):
            continue
        words = item.split()
        if len(words) > 1 and all(_MOBILE.match(w.replace("-", "")) for w in words):
            continue
        if _office(item, lambda _msg: None):
            doubt(f"{_q(item)} 是固定电话，手机栏应为 11 位手机号码")
            continue
        raise Invalid(f"{_q(item)} 不是有效的手机号码（应为 11 位，如 13812345678、138-1234-5678）")
    return value
