"""Evidence as people read it, one place for the portal page and the
workbooks: the scorers' keys (scorers/rules_2015) under Chinese labels,
values in words (是/否, 14 天), stale columns with their newest dates."""
from __future__ import annotations

from typing import Any

LABELS: dict[str, str] = {
    "status": "HTTP 状态", "error": "错误", "probes": "探测次数", "failed": "失败次数",
    "failed_percent": "失败比例(%)", "newest_date": "最新信息日期", "items": "信息条数",
    "column": "栏目", "category": "内容类别", "window": "时限", "points": "扣分", "count": "数量",
    "test": "判定条款", "missing": "缺少要素", "system": "系统", "title": "标题", "submitted": "提交时间",
    "answered": "答复时间", "activities": "活动次数", "needed": "应有次数", "opened": "能否打开",
    "activities_within_window": "时限内活动", "navigation_homepage": "导航型首页", "dated_items": "有日期的信息",
    "recent_items": "时限内信息", "sources": "链接所在页面", "problem": "问题", "what": "问题类型", "term": "词语",
    "context": "上下文", "suggestion": "建议", "confirmed_by": "确认人", "reviewer": "复核人", "note": "说明",
    "prominent": "首页链接", "failures": "失败的探测", "linked_from": "链接所在页面", "slot": "轮次",
    "elapsed_ms": "耗时(毫秒)", "id": "编号", "rule": "指标",
}
WINDOWS = {"14d": "14 天", "6m": "6 个月", "1y": "1 年", "3m": "3 个月"}
VALUES = {True: "是", False: "否", None: "—", "none_registered": "未开设", "not opened": "无法打开"}
SKIP = ("url", "urls", "columns", "at")
# 附件2's 一级指标 of each rule family (the rule id's prefix).
GROUPS = {"veto": "单项否决", "availability": "网站可用性", "updates": "信息更新情况", "accuracy": "信息更新情况",
          "interaction": "互动回应情况", "service": "服务实用情况"}


def value_text(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return VALUES[value]
    if isinstance(value, str):
        return WINDOWS.get(value, VALUES.get(value, value))
    if isinstance(value, (list, tuple)):
        return "、".join(value_text(v) for v in value)
    if isinstance(value, dict):
        return "；".join(f"{LABELS.get(k, k)}：{value_text(v)}" for k, v in value.items())
    return str(value)


def facts(item: dict[str, Any]) -> list[tuple[str, str]]:
    return [(LABELS.get(k, k), value_text(v)) for k, v in item.items() if k not in SKIP]


def evidence_text(item: dict[str, Any]) -> str:
    """One evidence item as a sentence for a cell: what was seen, then the stale columns."""
    parts = [f"{label}：{text}" for label, text in facts(item)]
    for c in item.get("columns", ()):
        parts.append(f"栏目“{c.get('column', '')}”（{c.get('url', '')}）最新信息日期 "
                     f"{c.get('newest_date') or '（无信息）'}，信息 {c.get('items', 0)} 条")
    return "；".join(parts)[:32000]


def group_of(rule_id: str) -> str:
    return GROUPS.get(rule_id.split(".", 1)[0], "")
