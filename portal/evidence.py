"""Evidence of a scorecard as people read it: the URLs as links, the
observations under Chinese labels, stale columns as a small table with
their newest dates.  Templates call ``describe`` through a filter."""
from __future__ import annotations

from typing import Any

from census.report.evidence import facts


def describe(item: dict[str, Any]) -> dict[str, Any]:
    """One evidence item: {"urls": [...], "facts": [(label, text)], "columns": [column evidence]}."""
    urls = [item["url"]] if item.get("url") else []
    urls += [u for u in item.get("urls", ()) if u not in urls and not item.get("columns")]
    columns = [{"url": c.get("url", ""), "column": c.get("column", ""), "category": c.get("category", ""),
                "newest_date": c.get("newest_date") or "（无信息）", "items": c.get("items", ""),
                "error": c.get("error", "")} for c in item.get("columns", ())]
    return {"urls": [u for u in urls if isinstance(u, str)], "facts": facts(item), "columns": columns}


def safe_href(url: str) -> str:
    """Only http(s) evidence becomes a link: a page's own href could be javascript:."""
    return url if url.startswith(("http://", "https://")) else "#"
