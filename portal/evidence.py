"""Evidence of a scorecard as people read it: the URLs as links, the
observations under Chinese labels, stale columns as a small table with
their newest dates.  Templates call ``describe`` through a filter."""
from __future__ import annotations

from typing import Any

# Keys of the scorers' evidence (scorers/rules_2015) and what a reader calls them.
LABELS: dict[str, str] = {
    "status": "HTTP 状态", "error": "错误", "probes": "探测次数", "failed": "失败次数",
    "failed_percent": "失败比例(%)", "newest_date": "最新信息日期", "items": "信息条数",
    "column": "栏目", "category": "内容类别", "window": "时限", "points": "扣分", "count": "数量",
    "test": "判定条款", "missing": "缺少要素", "system": "系统", "title": "标题", "submitted": "提交时间",
    "answered": "答复时间", "activities": "活动次数", "needed": "应有次数", "opened": "能否打开",
    "activities_within_window": "时限内活动", "navigation_homepage": "导航型首页", "dated_items": "有日期的信息",
    "recent_items": "时限内信息", "sources": "链接所在页面", "problem": "问题", "what": "问题类型", "term": "词语",
    "context": "上下文", "suggestion": "建议", "confirmed_by": "确认人", "reviewer": "复核人", "note": "说明",
    "prominent": "首页链接", "failures": "失败的探测", "linked_from": "链接所在页面", "slot": "轮次", "elapsed_ms": "耗时(毫秒)", "id": "编号", "rule": "指标",
}
WINDOWS = {"14d": "14 天", "6m": "6 个月", "1y": "1 年", "3m": "3 个月"}
VALUES = {True: "是", False: "否", None: "—", "none_registered": "未开设", "not opened": "无法打开"}
_SKIP = ("url", "urls", "columns", "at")


def _text(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return VALUES[value]
    if isinstance(value, str):
        return WINDOWS.get(value, VALUES.get(value, value))
    if isinstance(value, (list, tuple)):
        return "、".join(_text(v) for v in value)
    if isinstance(value, dict):
        return "；".join(f"{LABELS.get(k, k)}：{_text(v)}" for k, v in value.items())
    return str(value)


def describe(item: dict[str, Any]) -> dict[str, Any]:
    """One evidence item: {"urls": [...], "facts": [(label, text)], "columns": [column evidence]}."""
    urls = [item["url"]] if item.get("url") else []
    urls += [u for u in item.get("urls", ()) if u not in urls and not item.get("columns")]
    facts = [(LABELS.get(k, k), _text(v)) for k, v in item.items() if k not in _SKIP]
    columns = [{"url": c.get("url", ""), "column": c.get("column", ""), "category": c.get("category", ""),
                "newest_date": c.get("newest_date") or "（无信息）", "items": c.get("items", ""),
                "error": c.get("error", "")} for c in item.get("columns", ())]
    return {"urls": [u for u in urls if isinstance(u, str)], "facts": facts, "columns": columns}


def safe_href(url: str) -> str:
    """Only http(s) evidence becomes a link: a page's own href could be javascript:."""
    return url if url.startswith(("http://", "https://")) else "#"
