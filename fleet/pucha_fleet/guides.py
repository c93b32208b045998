"""The eight element categories of a 办事指南 (附件2) and the labels sites use for them.

The first label of each category is the notice's own word; the others are
synonyms real guides use (SPEC §4: 申请材料 for 办理材料, 咨询电话 for
联系电话, 受理地点 for 办理地点, ...)."""
from __future__ import annotations

from pucha.rulebook import guide_elements

ELEMENTS: tuple[str, ...] = guide_elements()  # the rulebook's service.guide elements

LABELS: dict[str, tuple[str, ...]] = {
    "事项名称": ("事项名称", "项目名称"),
    "设定依据": ("设定依据", "法律依据"),
    "申请条件": ("申请条件", "受理条件"),
    "办理材料": ("办理材料", "申请材料"),
    "办理地点": ("办理地点", "受理地点"),
    "办理时间": ("办理时间", "受理时间"),
    "联系电话": ("联系电话", "咨询电话"),
    "办理流程": ("办理流程", "办理程序"),
}


def content(element: str, title: str, salt: int) -> str:
    """Plausible content for an element of the guide ``title``."""
    return {
        "事项名称": title.removesuffix("办事指南"),
        "设定依据": "《中华人民共和国行政许可法》第二十九条",
        "申请条件": "申请人应当具有完全民事行为能力，材料齐全、符合法定形式",
        "办理材料": "1.申请表；2.身份证明复印件；3.其他相关证明材料",
        "办理地点": f"市民服务中心{1 + salt % 3}楼{10 + salt % 20}号窗口",
        "办理时间": "工作日上午9:00-12:00，下午13:30-17:00",
        "联系电话": f"0571-8{salt % 10}{(salt * 7) % 1000000:06d}",
        "办理流程": "申请、受理、审查、决定、送达",
    }[element]
