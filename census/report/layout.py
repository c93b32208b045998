"""Sheets as a census office prints and signs them: a title, the 监测时间点
and the unit above the table, a bold header repeated on every printed page,
a totals line, the signature lines of 附件3 (单位负责人/审核人/填报人/
联系电话/填报日期) below, A4 landscape fitted to the page width.

    sheet = PrintSheet(ws, title, as_of=..., unit=..., made=...)
    sheet.table(head, rows, totals=[...])
    sheet.sign()
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Sequence

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from pucha import localtime

SIGNATURES = ("单位负责人：", "审核人：", "填报人：", "联系电话：", "填报日期：")
_THIN = Side(style="thin", color="999999")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_FILL = PatternFill("solid", fgColor="EEF0F4")


def made_at(moment: dt.datetime | None = None) -> str:
    """When the workbook was made, in Beijing time (the office's date, not UTC's)."""
    return localtime.local(moment or localtime.now_utc()).strftime("%Y-%m-%d %H:%M")


class PrintSheet:
    def __init__(self, ws: Worksheet, title: str, *, as_of: str, unit: str, made: str | None = None) -> None:
        self.ws, self.title = ws, title
        self.width = 1
        ws.append([title])
        ws.append([f"监测时间点：{as_of}"])
        ws.append([f"单位：{unit}"])
        ws.append([f"制表时间：{made or made_at()}（北京时间）"])
        ws["A1"].font = Font(bold=True, size=16)
        self.head_row = 0

    def table(self, head: Sequence[str], rows: Sequence[Sequence[Any]], totals: Sequence[Any] | None = None,
              widths: Sequence[int] | None = None) -> None:
        ws = self.ws
        self.width = max(self.width, len(head))
        ws.append([])
        ws.append(list(head))
        self.head_row = ws.max_row
        for cell in ws[self.head_row]:
            cell.font, cell.fill, cell.border = Font(bold=True), _HEAD_FILL, _BOX
            cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        for row in rows:
            ws.append(list(row))
            for cell in ws[ws.max_row]:
                cell.border = _BOX
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        if totals is not None:
            ws.append(list(totals))
            for cell in ws[ws.max_row]:
                cell.font, cell.border = Font(bold=True), _BOX
        for i in range(1, len(head) + 1):
            ws.column_dimensions[get_column_letter(i)].width = (widths[i - 1] if widths and i <= len(widths)
                                                                else 14)
        # Print: every page repeats the header row; the title spans the table.
        ws.print_title_rows = f"{self.head_row}:{self.head_row}"
        ws.freeze_panes = ws.cell(self.head_row + 1, 1)

    def sign(self) -> None:
        ws = self.ws
        ws.append([])
        ws.append([])
        first, second = SIGNATURES[:3], SIGNATURES[3:]
        step = max(self.width // 3, 2)
        for group in (first, second):
            row = [""] * max(self.width, step * len(group))
            for i, text in enumerate(group):
                row[i * step] = text
            ws.append(row)
        self.finish()

    def finish(self) -> None:
        ws = self.ws
        last = get_column_letter(max(self.width, 1))
        for r in range(1, 5):
            ws.merge_cells(f"A{r}:{last}{r}")
        ws["A1"].alignment = Alignment(horizontal="center")
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.horizontalCentered = True
        ws.oddFooter.center.text = "第 &P 页，共 &N 页"
