"""`pucha report`: scorecards as JSON (SPEC §3), an Excel workbook, or a terminal table."""
from __future__ import annotations

from .build import build_report
from .table import render_table
from .xlsx import write_xlsx

__all__ = ["build_report", "render_table", "write_xlsx"]
