"""The fleet's registry files: SPEC §1 shape, and pucha's own importer takes all three forms."""
from __future__ import annotations

import csv

import openpyxl
import pytest

from pucha.categories import CATEGORIES
from pucha.db import dispose_engine
from pucha_fleet.export import COLUMN_HEADERS, SITE_HEADERS
from pucha.registry.importer import import_registry
from pucha.registry.loader import load_sites


def test_workbook_has_both_sheets_filled(fleet):
    wb = openpyxl.load_workbook(fleet.registry_xlsx, read_only=True)
    assert wb.sheetnames == ["网站基本信息", "栏目基本信息"]
    sites = list(wb["网站基本信息"].iter_rows(values_only=True))
    assert sites[0] == SITE_HEADERS and len(SITE_HEADERS) == 16
    assert len(sites) - 1 == len(fleet.sites)
    assert all(all(str(v).strip() for v in row) for row in sites[1:])
    columns = list(wb["栏目基本信息"].iter_rows(values_only=True))
    assert columns[0] == COLUMN_HEADERS
    assert len(columns) - 1 == len(fleet.sites) * len(CATEGORIES)  # one row per category, 无 where none
    assert any(r[2] == "无" and r[3] == "无" for r in columns[1:])
    assert any(";" in r[3] for r in columns[1:]) and any("；" in r[3] for r in columns[1:])


def test_csv_files_are_utf8_bom_and_gb18030(fleet):
    raw = fleet.sites_csv.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    cols = fleet.columns_csv.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        cols.decode("utf-8")
    rows = list(csv.reader(cols.decode("gb18030").splitlines()))
    assert tuple(rows[0]) == COLUMN_HEADERS and len(rows) - 1 == len(fleet.sites) * len(CATEGORIES)


@pytest.mark.parametrize("form", ["xlsx", "csv"])
def test_pucha_imports_the_fleet_registry(fleet, tmp_path, form):
    url = f"sqlite:///{tmp_path / 'registry.sqlite3'}"
    try:
        if form == "xlsx":
            result = import_registry(fleet.registry_xlsx, url=url)
        else:
            result = import_registry(fleet.sites_csv, fleet.columns_csv, url=url)
        assert result.added == len(fleet.sites)
        records = load_sites(url)
        truth_homes = [t["home_url"] for t in fleet.truth["sites"]]
        assert [r.home_url for r in records] == truth_homes
        by_home = {r.home_url: r for r in records}
        for t in fleet.truth["sites"]:
            registered = {c.url for c in by_home[t["home_url"]].columns}
            assert {c["url"] for c in t["facts"]["columns"]} <= registered
    finally:
        dispose_engine(url)
