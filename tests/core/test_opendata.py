"""`pucha export open-data`: the registry's public facts and one 监测时间点's
results as CSV (UTF-8 with BOM) and JSON Lines, a data dictionary, a manifest;
a clear error when there is nothing to export."""
from __future__ import annotations

import csv
import json

from census.cli import main
from pucha.db import ensure_db, session_scope
from pucha.registry.changes import add_site
from pucha.settings import load
from core.test_report import AS_OF, HOME, home, scan  # noqa: F401  (fixture)


def _register(name: str, homepage: str) -> None:
    values = {"region": "测试省", "name": name, "site_type": "政府门户网站", "icp": "无", "homepage": homepage,
              "sponsor": "测试省人民政府办公厅", "address": "测试路1号", "leader_name": "张三", "leader_title": "主任",
              "leader_phone": "010-66001234", "leader_mobile": "13800138000", "leader_email": "z@gov.test",
              "contact_name": "李四", "contact_phone": "010-66005678", "contact_mobile": "无",
              "contact_email": "l@gov.test"}
    ensure_db(load().database_url)
    with session_scope(load().database_url) as s:
        add_site(s, values, [], "测试")


def test_export_open_data_writes_csv_jsonl_and_dictionary(home, capsys):
    scan(home)
    _register("测试市人民政府", HOME)
    out = home / "open" / AS_OF
    assert main(["export", "open-data", "--as-of", AS_OF, "-o", str(out)]) == 0
    assert "1 sites, 1 results" in capsys.readouterr().out
    assert (out / "sites.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # Excel reads it as UTF-8
    sites = list(csv.DictReader((out / "sites.csv").open(encoding="utf-8-sig")))
    assert sites[0]["name"] == "测试市人民政府" and "leader_phone" not in sites[0] and "address" not in sites[0]
    results = [json.loads(line) for line in (out / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    assert results[0]["home_url"] == HOME and results[0]["as_of"] == AS_OF
    assert "availability.links=" in results[0]["deductions"]
    same = list(csv.DictReader((out / "results.csv").open(encoding="utf-8-sig")))
    assert same[0]["verdict"] == results[0]["verdict"] and float(same[0]["total_deduction"]) == results[0]["total_deduction"]
    dictionary = list(csv.DictReader((out / "dictionary.csv").open(encoding="utf-8-sig")))
    fields = {(d["文件"], d["字段"]) for d in dictionary}
    assert {("sites", k) for k in sites[0]} | {("results", k) for k in results[0]} <= fields  # every column explained
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["as_of"] == AS_OF and "+08:00" in manifest["made_at"]


def test_export_open_data_without_results_says_what_to_do(home, capsys):
    assert main(["export", "open-data", "--as-of", "2026-01-01", "-o", str(home / "x")]) == 2
    assert "pucha sweep --as-of 2026-01-01" in capsys.readouterr().err
