"""The scorecard table for a terminal (rich), with the rules' Chinese titles."""
from __future__ import annotations

import io
from typing import Any

from rich.console import Console
from rich.table import Table

from pucha.rulebook import load_rulebook

VERDICT = {"pass": "合格", "fail": "不合格"}


def render_table(report: dict[str, Any], width: int | None = None) -> str:
    book = load_rulebook(report["rulebook"])
    titles = book.titles
    t = Table(title=f"全国政府网站普查 评分结果（监测时间点 {report['as_of']}，评分表 {book.id}）",
              show_lines=False, expand=False)
    for col, kw in (("地区", {}), ("网站名称", {}), ("首页网址", {"overflow": "fold"}), ("结论", {}),
                    ("单项否决", {}), ("扣分", {"justify": "right"}), ("扣分项", {})):
        t.add_column(col, **kw)
    passed = 0
    for s in report["sites"]:
        passed += s["verdict"] == "pass"
        vetoes = "、".join(titles.get(v["rule"], v["rule"]) for v in s["vetoes"]) or "—"
        deds = "；".join(f"{titles.get(d['rule'], d['rule'])} {d['points']:g}" for d in s["deductions"]) or "—"
        style = "red" if s["verdict"] == "fail" else "green"
        t.add_row(s["region"], s["name"], s["home_url"], f"[{style}]{VERDICT[s['verdict']]}[/]",
                  vetoes, f"{s['total_deduction']:.1f}", deds)
    buf = io.StringIO()
    console = Console(file=buf, width=width or 160, force_terminal=False, color_system=None)
    console.print(t)
    n = len(report["sites"])
    console.print(f"共 {n} 个网站：合格 {passed}，不合格 {n - passed}。")
    return buf.getvalue()
