"""The fleet's registry as pucha imports it: a SPEC §1 workbook and two CSV files.

Every one of the 16 site fields is filled validly (phones, mobiles, emails,
ICP numbers); several columns of one category share a row, joined by ``;``
(or ``；``), and a category the site lacks gets a row of 无, as in 附件4.
"""
from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import Workbook

from pucha.categories import CATEGORIES
from pucha.registry.headers import COLUMN_FORM_HEADERS, SITE_FORM_HEADERS
from pucha_fleet.site import Site

SITE_HEADERS = SITE_FORM_HEADERS  # 附件3 and 附件4 as the registry reads them (pucha.registry.headers)
COLUMN_HEADERS = COLUMN_FORM_HEADERS
SURNAMES = "王李张刘陈杨黄赵周吴徐孙马朱胡郭何林罗高"
GIVEN = ("伟", "芳", "敏", "静", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "霞", "平", "刚")


def site_row(site: Site) -> list[str]:
    p, i = site.p, site.p.index
    area = f"0{571 + i % 300}"
    domain = f"site{i + 1}.example.gov.cn"
    return [
        p.region, p.name, p.site_type, site.icp, site.url("/"), site.sponsor, f"{p.region}人民路{i + 1}号",
        SURNAMES[i % 20] + GIVEN[i % 16], "副主任", f"{area}-8{i % 10}{(i * 7919) % 1000000:06d}",
        f"139{(i * 104729) % 100000000:08d}", f"fzr{i + 1}@{domain}",
        SURNAMES[(i + 7) % 20] + GIVEN[(i + 3) % 16], f"{area}-8{(i + 3) % 10}{(i * 6007) % 1000000:06d}",
        f"138{(i * 15485863) % 100000000:08d}", f"webmaster@{domain}",
    ]


def column_rows(site: Site) -> list[list[str]]:
    rows = []
    sep = "；" if site.p.index % 3 == 0 else ";"
    for category in CATEGORIES:
        cols = site.p.columns_of(category)
        if not cols:
            rows.append([site.url("/"), category, "无", "无"])
        else:
            rows.append([site.url("/"), category, sep.join(c.name for c in cols), sep.join(site.column_url(c) for c in cols)])
    return rows


def write_registry(sites: list[Site], out_dir: Path) -> dict[str, Path]:
    """registry.xlsx (UTF-8 throughout), sites.csv (UTF-8 with BOM) and columns.csv (GB18030)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    site_rows = [site_row(s) for s in sites]
    col_rows = [r for s in sites for r in column_rows(s)]
    wb = Workbook()
    ws = wb.active
    ws.title = "网站基本信息"
    ws.append(list(SITE_HEADERS))
    for r in site_rows:
        ws.append(r)
    wc = wb.create_sheet("栏目基本信息")
    wc.append(list(COLUMN_HEADERS))
    for r in col_rows:
        wc.append(r)
    paths = {"xlsx": out_dir / "registry.xlsx", "sites_csv": out_dir / "sites.csv", "columns_csv": out_dir / "columns.csv"}
    wb.save(paths["xlsx"])
    with open(paths["sites_csv"], "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(SITE_HEADERS)
        w.writerows(site_rows)
    with open(paths["columns_csv"], "w", encoding="gb18030", newline="") as f:
        w = csv.writer(f)
        w.writerow(COLUMN_HEADERS)
        w.writerows(col_rows)
    return paths
