"""The report as an Excel workbook: a sheet of sites and a sheet of evidence, Chinese headers."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from pucha.rulebook import load_rulebook

from .table import VERDICT


def write_xlsx(report: dict[str, Any], path: str | Path) -> None:
    book = load_rulebook(report["rulebook"])
    rules = [r for r in book.rules if r.kind != "veto"]
    wb = Workbook()
    ws = wb.active
    ws.title = "网站评分"
    head = ["部门/地区", "网站名称", "首页网址", "网站标识码", "网站类型", "结论", "单项否决", "扣分合计"]
    head += [f"{r.title}（{r.id}）" for r in rules]
    ws.append(head)
    for s in report["sites"]:
        pts = {d["rule"]: d["points"] for d in s["deductions"]}
        ws.append([s["region"], s["name"], s["home_url"], s["site_code"] or "", s.get("site_type", ""),
                   VERDICT[s["verdict"]], "、".join(book.titles.get(v["rule"], v["rule"]) for v in s["vetoes"]),
                   s["total_deduction"]] + [pts.get(r.id, 0) for r in rules])
    ev = wb.create_sheet("问题证据")
    ev.append(["部门/地区", "网站名称", "首页网址", "类别", "指标", "扣分", "网址", "情况"])
    for s in report["sites"]:
        for v in s["vetoes"]:
            for e in v["evidence"]:
                ev.append([s["region"], s["name"], s["home_url"], "单项否决", book.titles.get(v["rule"], v["rule"]),
                           "", _url(e), _describe(e)])
        for d in s["deductions"]:
            for e in d["evidence"]:
                ev.append([s["region"], s["name"], s["home_url"], "扣分", book.titles.get(d["rule"], d["rule"]),
                           e.get("points", d["points"]), _url(e), _describe(e)])
        for c in s["needs_review"]:
            ev.append([s["region"], s["name"], s["home_url"], "待人工确认", book.titles.get(c["rule"], c["rule"]),
                       "", c.get("url", ""), _describe(c)])
    for sheet in (ws, ev):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.freeze_panes = "A2"
    wb.save(path)


def _url(e: dict) -> str:
    return e.get("url") or ""


def _describe(e: dict) -> str:
    return json.dumps({k: v for k, v in e.items() if k != "url"}, ensure_ascii=False)[:32000]
