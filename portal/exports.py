"""Excel exports of the portal's tables and of the 通报.  The result tables
print as an office signs them (census.report.layout.PrintSheet: title,
监测时间点, unit, totals, signature lines, A4 landscape)."""
from __future__ import annotations

import io
from typing import Any, Iterable, Sequence
from urllib.parse import quote

from fastapi.responses import Response
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font

from census.report.layout import PrintSheet

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def printable(value: Any) -> Any:
    """Text without the control characters a workbook cannot hold (openpyxl
    raises on them: a 500 for an export whose title carries a query parameter)."""
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def neutral(value: Any) -> Any:
    """A text cell as text: one starting like a formula (= + - @, tab, CR)
    gets a leading apostrophe, so no spreadsheet evaluates what a form said;
    control characters a workbook cannot hold are dropped."""
    value = printable(value)
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def workbook(sheets: Iterable[tuple[str, Sequence[str], Iterable[Sequence[Any]]]]) -> bytes:
    """One sheet per (title, header, rows)."""
    wb = Workbook()
    wb.remove(wb.active)
    for title, head, rows in sheets:
        ws = wb.create_sheet(title[:31])
        ws.append(list(head))
        for row in rows:
            ws.append([neutral(v) for v in row])
        for cell in ws[1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.freeze_panes = "A2"
        for i, _ in enumerate(head, 1):
            ws.column_dimensions[ws.cell(1, i).column_letter].width = 16
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def download(data: bytes, filename: str, media_type: str = XLSX) -> Response:
    # RFC 5987: the Chinese file name survives every browser.
    return Response(data, media_type=media_type,
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"})


def print_workbook(sheets: Iterable[tuple[str, str, Sequence[str], Iterable[Sequence[Any]], Sequence[Any]]],
                   as_of: str, unit: str) -> bytes:
    """One printable sheet per (sheet name, title, header, rows, totals)."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, title, head, rows, totals in sheets:
        sheet = PrintSheet(wb.create_sheet(name[:31]), printable(title), as_of=printable(as_of), unit=printable(unit))
        sheet.table(head, [[neutral(v) for v in row] for row in rows],
                    None if totals is None else [neutral(v) for v in totals], widths=[28, 14])
        sheet.sign()
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


ROLLUP_HEAD = ["单位", "单位类别", "网站数", "合格", "不合格", "合格率(%)", "平均扣分"]


def rollup_sheet(table, titles: dict[str, str]) -> tuple[str, str, list[str], list[list[Any]], list[Any]]:
    """The unit tree (portal.rollups.RollupTable), indented by level; the root's line is the total."""
    rules = table.rules
    head = ROLLUP_HEAD + [f"单项否决：{titles.get(rule, rule)}" for rule in rules]

    def line(r, name: str) -> list[Any]:
        return [name, r.kind_name, r.sites, r.passed, r.failed, r.pass_rate if r.pass_rate is not None else "—",
                r.mean_deduction] + [r.vetoes.get(rule, 0) for rule in rules]

    body = [line(r, "　" * (r.depth - 1) + r.name) for r in table.rows if r is not table.root]
    return "各单位评分结果", f"全国政府网站普查评分结果汇总（{table.root.name}）", head, body, \
        line(table.root, "合计")


REGION_HEAD = ["部门/地区", "网站数", "合格", "不合格", "平均扣分"]


def region_sheet(rows: list, titles: dict[str, str]) -> tuple[str, list[str], list[list[Any]]]:
    rules = sorted({rule for r in rows for rule in r.vetoes})
    head = REGION_HEAD + [f"单项否决：{titles.get(rule, rule)}" for rule in rules]
    body = [[r.region, r.sites, r.passed, r.failed, r.average_deduction] + [r.vetoes.get(rule, 0) for rule in rules]
            for r in rows]
    return "各地区评分结果", head, body


SITE_HEAD = ["部门/地区", "网站名称", "首页网址", "网站标识码", "结论", "单项否决", "扣分合计"]


def site_sheet(cards: list[dict], titles: dict[str, str]) -> tuple[str, list[str], list[list[Any]]]:
    body = [[c["region"], c["name"], c["home_url"], c.get("site_code") or "", "合格" if c["verdict"] == "pass" else "不合格",
             "、".join(titles.get(v["rule"], v["rule"]) for v in c["vetoes"]), c["total_deduction"]] for c in cards]
    return "网站评分结果", SITE_HEAD, body


def tongbao_workbook(doc: dict[str, Any]) -> bytes:
    from portal.tongbao import REGION_HEAD as TB_HEAD, region_rows_for_xlsx

    problems = [[p.title, p.rule, p.kind, p.sites, "；".join(f"{e['name']}（{e['url']}）" for e in p.examples)]
                for p in doc["problems"]]
    late = [[d.unit.name, d.phase_name, d.what, d.deadline.isoformat(), d.status(doc["today"]), d.detail]
            for d in doc["late"]]
    wrong = [[w["unit"].name, len(w["drift"]), "；".join(w["drift"]), w["returned"]] for w in doc["wrong"]]
    return workbook([
        ("总体情况", TB_HEAD, region_rows_for_xlsx(doc)),
        ("常见问题", ["问题", "指标编号", "类别", "涉及网站数", "典型案例"], problems),
        ("逾期单位", ["单位", "阶段", "应报送事项", "截止日期", "状态", "情况"], late),
        ("数据有误单位", ["单位", "登记信息与实际不符的网站数", "情况", "登记被退回次数"], wrong),
    ])
