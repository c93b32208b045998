"""The report as a workbook an office prints and signs (layout.PrintSheet):
a sheet of sites with 附件2's indicators as columns in the table's own
order, and a sheet of evidence in words (URL, what was seen)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook

from pucha.rulebook import load_rulebook

from .evidence import evidence_text, group_of
from .layout import PrintSheet
from .table import VERDICT

SITE_HEAD = ["部门/地区", "网站名称", "首页网址", "网站标识码", "网站类型", "结论", "单项否决", "扣分合计"]
EVIDENCE_HEAD = ["部门/地区", "网站名称", "首页网址", "一级指标", "二级指标", "扣分", "网址", "存在的问题"]


def write_xlsx(report: dict[str, Any], path: str | Path, unit: str = "全国政府网站普查办公室") -> None:
    Path(path).write_bytes(report_bytes(report, unit))


def report_bytes(report: dict[str, Any], unit: str = "全国政府网站普查办公室") -> bytes:
    import io

    book = load_rulebook(report["rulebook"])
    as_of = report["as_of"]
    wb = Workbook()
    ws = wb.active
    ws.title = "网站评分"
    sheet = PrintSheet(ws, "全国政府网站普查评分结果", as_of=as_of, unit=unit)
    # 附件2's order: the five vetoes, then the deductions and the manual indicators.
    head = SITE_HEAD + [f"{r.title}（{r.id}）" for r in book.rules]
    rows, vetoed = [], {r.id: 0 for r in book.rules}
    points_sum = {r.id: 0.0 for r in book.rules}
    passed = 0
    for s in report["sites"]:
        vetoes = {v["rule"] for v in s["vetoes"]}
        pts = {d["rule"]: d["points"] for d in s["deductions"]}
        passed += s["verdict"] == "pass"
        cells = []
        for r in book.rules:
            if r.is_veto:
                cells.append("否决" if r.id in vetoes else "")
                vetoed[r.id] += r.id in vetoes
            else:
                cells.append(pts.get(r.id, 0))
                points_sum[r.id] += pts.get(r.id, 0)
        rows.append([s["region"], s["name"], s["home_url"], s["site_code"] or "", s.get("site_type", ""),
                     VERDICT[s["verdict"]], "、".join(book.titles.get(v, v) for v in sorted(vetoes)),
                     s["total_deduction"]] + cells)
    n = len(report["sites"])
    totals = [f"合计：{n} 个网站", "", "", "", "", f"合格 {passed}，不合格 {n - passed}", "",
              round(sum(s["total_deduction"] for s in report["sites"]), 1)]
    totals += [f"{vetoed[r.id]} 个" if r.is_veto else round(points_sum[r.id], 1) for r in book.rules]
    sheet.table(head, rows, totals, widths=[14, 22, 28, 12, 10, 8, 16, 8])
    sheet.sign()

    ev = wb.create_sheet("问题证据")
    esheet = PrintSheet(ev, "全国政府网站普查问题证据", as_of=as_of, unit=unit)
    erows = []
    for s in report["sites"]:
        who = [s["region"], s["name"], s["home_url"]]
        for v in s["vetoes"]:
            for e in v["evidence"]:
                erows.append(who + ["单项否决", book.titles.get(v["rule"], v["rule"]), "", e.get("url") or "",
                                    evidence_text(e)])
        for d in s["deductions"]:
            for e in d["evidence"]:
                erows.append(who + [group_of(d["rule"]), book.titles.get(d["rule"], d["rule"]),
                                    e.get("points", d["points"]), e.get("url") or "", evidence_text(e)])
        for c in s["needs_review"]:
            erows.append(who + ["待人工确认", book.titles.get(c["rule"], c["rule"]), "", c.get("url", ""),
                                evidence_text(c)])
    esheet.table(EVIDENCE_HEAD, erows, [f"合计：{len(erows)} 条"], widths=[14, 22, 28, 12, 14, 6, 36, 60])
    esheet.sign()
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
