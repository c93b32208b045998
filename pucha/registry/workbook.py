"""Writing registration workbooks (SPEC §1): the reverse of the import.

The portal's 生成文件 and the tests write with ``write_workbook``; what it
writes ``import_registry`` reads back unchanged.  Columns are written one a
row, in their registered order, so that order survives the round trip.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from pucha.db import ensure_db, session_scope
from pucha.registry import headers
from pucha.registry.loader import normalise_url
from pucha.registry.model import FORM_FIELDS, Site

COLUMN_FIELDS = ("homepage", "category", "name", "url")


def write_workbook(sites: list[dict[str, Any]], path: str | Path) -> Path:
    """Write ``sites`` as a workbook with sheets 网站基本信息 and 栏目基本信息.

    Each site is a dict with the keys of ``pucha.registry.model.FORM_FIELDS``
    (``home_url`` is accepted for ``homepage``) and ``columns``: a list of
    dicts (or records) with category, name, url.  A site without columns
    gets no column row.  Raises ValueError naming the site and the key missing.
    """
    from openpyxl import Workbook

    workbook = Workbook()
    site_sheet = workbook.active
    site_sheet.title = headers.SITES_SHEET
    site_sheet.append([headers.label(headers.SITE_HEADERS, f) for f in FORM_FIELDS])
    column_sheet = workbook.create_sheet(headers.COLUMNS_SHEET)
    column_sheet.append([headers.label(headers.COLUMN_HEADERS, f) for f in COLUMN_FIELDS])
    for n, site in enumerate(sites, 1):
        row = [_value(site, f, n) for f in FORM_FIELDS]
        site_sheet.append(row)
        homepage = row[FORM_FIELDS.index("homepage")]
        for column in site.get("columns") or ():
            column_sheet.append([homepage, *(_value(column, f, n) for f in COLUMN_FIELDS[1:])])
    for sheet in (site_sheet, column_sheet):
        for cells in sheet.iter_cols(min_row=1, max_row=1):
            sheet.column_dimensions[cells[0].column_letter].width = 18
        sheet.freeze_panes = "A2"
    path = Path(path)
    workbook.save(path)
    return path


def _value(item: Mapping[str, Any] | Any, field: str, n: int) -> str:
    if isinstance(item, Mapping):
        if field in item:
            value = item[field]
        elif field == "homepage" and "home_url" in item:
            value = item["home_url"]
        else:
            raise ValueError(f"第{n}个网站缺少“{field}”")
    else:
        value = getattr(item, field)
    return "" if value is None else str(value)


def export_sites(url: str | None = None, homes: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """The registered sites as ``write_workbook`` takes them (all, or those of ``homes``)."""
    ensure_db(url)
    with session_scope(url) as session:
        query = select(Site).options(selectinload(Site.columns)).order_by(Site.id)
        if homes is not None:
            query = query.where(Site.home_url.in_([normalise_url(h) for h in homes]))
        return [{**s.form_values(), "columns": [c.as_dict() for c in s.columns]}
                for s in session.scalars(query)]
