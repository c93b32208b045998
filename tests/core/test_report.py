"""The embedded store, `pucha report` in its three formats, and reviewer decisions."""
from __future__ import annotations

import json
import time

import pytest
import time_machine
from openpyxl import load_workbook

from census.cli import main
from pucha.events import Item, Links, LinkCheck, ListItems, Probe, TextFinding
from pucha.registry.records import SiteRecord
from pucha.store.base import SweepInfo
from pucha.store.embedded import EmbeddedStore
from scorers.scoring import SiteScorer

HOME = "http://gov.test/"
AS_OF = "2026-11-26"


@pytest.fixture
def home(tmp_path, monkeypatch):
    for k in list(__import__("os").environ):
        if k.startswith("PUCHA_"):
            monkeypatch.delenv(k)
    monkeypatch.setenv("PUCHA_HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def scan(home, sweep="s1", broken=1, started=None):
    from datetime import date

    store = EmbeddedStore(home / "results.sqlite3")
    store.begin_sweep(SweepInfo(sweep, AS_OF, started or time.time()))
    bad = [f"{HOME}bad{i}.html" for i in range(broken)]
    events = [Probe(sweep, HOME, str(i), HOME, ok=True) for i in range(20)]
    events += [ListItems(sweep, HOME, HOME, HOME, "home", items=(Item("新闻", f"{HOME}n.html", "2026-11-25"),)),
               Links(sweep, HOME, HOME, targets=tuple(bad) + (f"{HOME}soft.html",), tags=("a",) * (broken + 1)),
               LinkCheck(sweep, HOME, f"{HOME}soft.html", ok=True, status=200, soft404=True),
               TextFinding(sweep, HOME, f"{HOME}n.html", "中华人民共合国", "misspelt_name", suggestion="中华人民共和国")]
    events += [LinkCheck(sweep, HOME, u, ok=False, status=404, error="http") for u in bad]
    store.write_events(events)
    store.write_events(list(reversed(events)))  # duplicates are harmless
    site = SiteRecord(HOME, "测试市人民政府", "测试省", "门户网站")
    SiteScorer(store, sweep, {HOME: site}, date.fromisoformat(AS_OF)).score_and_store(HOME)
    store.finish_sweep(sweep)
    return store


def report_json(capsys) -> dict:
    assert main(["report", "--as-of", AS_OF, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_json_report_follows_the_contract(home, capsys):
    scan(home)
    rep = report_json(capsys)
    assert rep["rulebook"] == "2015" and rep["as_of"] == AS_OF
    (s,) = rep["sites"]
    assert set(s) >= {"home_url", "name", "region", "site_code", "verdict", "vetoes", "deductions",
                      "total_deduction", "needs_review"}
    links = next(d for d in s["deductions"] if d["rule"] == "availability.links")
    assert links["points"] == 1.0 and links["evidence"][0]["url"] == f"{HOME}bad0.html"
    assert links["evidence"][0]["status"] == 404
    assert {c["what"] for c in s["needs_review"]} == {"soft404", "misspelt_name"}
    assert s["verdict"] == "pass" and s["vetoes"] == []
    assert s["total_deduction"] == 16.0  # links 1 + homepage items 5 + no consultation 5 + no survey 5


def test_newest_sweep_wins_and_history_is_kept(home, capsys):
    scan(home, "old", broken=3, started=1.0)
    store = scan(home, "new", broken=1, started=2.0)
    rep = report_json(capsys)
    assert rep["sites"][0]["sweep"] == "new"
    assert [c["sweep"] for c in store.site_history(HOME)] == ["old", "new"]


def test_table_and_xlsx(home, capsys):
    scan(home)
    assert main(["report", "--as-of", AS_OF, "--format", "table"]) == 0
    out = capsys.readouterr().out
    assert "测试市人民政府" in out and "链接可用性" in out and "共 1 个网站" in out
    path = home / "r.xlsx"
    assert main(["report", "--as-of", AS_OF, "--format", "xlsx", "-o", str(path)]) == 0
    wb = load_workbook(path)
    assert wb.sheetnames == ["网站评分", "问题证据"]
    rows = [[c.value for c in r] for r in wb["网站评分"].iter_rows()]
    assert rows[0][0] == "全国政府网站普查评分结果" and rows[1][0] == f"监测时间点：{AS_OF}"
    head = next(r for r in rows if r[0] == "部门/地区")
    assert head[:8] == ["部门/地区", "网站名称", "首页网址", "网站标识码", "网站类型", "结论", "单项否决", "扣分合计"]
    assert "链接可用性（availability.links）" in head
    ev_rows = list(wb["问题证据"].iter_rows(values_only=True))
    assert any(r[4] == "链接可用性" and r[6] == f"{HOME}bad0.html" for r in ev_rows)


def test_report_without_scorecards_says_what_to_do(home, capsys):
    assert main(["report", "--as-of", AS_OF]) == 2
    assert "pucha sweep --as-of 2026-11-26" in capsys.readouterr().err


# The sweep's day, and instants days to a year after it, at both sides of
# midnight in Beijing (UTC+8) and in UTC: no calendar date or hour may change
# which report a decision counts in.
CLOCKS = ["2026-11-26T10:00:00+08:00", "2026-12-03T10:00:00+08:00", "2027-11-26T10:00:00+08:00",
          "2026-12-03T23:30:00+08:00", "2026-12-04T00:30:00+08:00",
          "2026-12-03T23:30:00+00:00", "2026-12-04T00:30:00+00:00"]


@pytest.mark.parametrize("clock", CLOCKS)
def test_reviewer_decisions_count_in_the_next_report(home, capsys, clock):
    with time_machine.travel(clock, tick=True):
        _decide_and_report(home, capsys)


def _decide_and_report(home, capsys):
    scan(home)
    rep = report_json(capsys)
    cands = {c["what"]: c["id"] for c in rep["sites"][0]["needs_review"]}
    base_links = next(d["points"] for d in rep["sites"][0]["deductions"] if d["rule"] == "availability.links")
    assert main(["review", "confirm", cands["soft404"], "--site", HOME, "--reviewer", "李四"]) == 0
    assert main(["review", "deduct", "--rule", "accuracy.basic_info", "--count", "2", "--site", HOME,
                 "--reviewer", "李四", "--note", "负责人电话有误"]) == 0
    capsys.readouterr()
    s = report_json(capsys)["sites"][0]
    pts = {d["rule"]: d["points"] for d in s["deductions"]}
    assert pts["availability.links"] == base_links + 1  # the soft 404 was linked from the homepage
    assert pts["accuracy.basic_info"] == 2
    assert "veto.serious_error" not in {v["rule"] for v in s["vetoes"]}
    assert main(["review", "confirm", cands["misspelt_name"], "--site", HOME, "--reviewer", "王五"]) == 0
    capsys.readouterr()
    s = report_json(capsys)["sites"][0]
    assert "veto.serious_error" in {v["rule"] for v in s["vetoes"]} and s["verdict"] == "fail"
    # Withdrawing the manual deduction and rejecting a candidate.
    assert main(["review", "deduct", "--rule", "accuracy.basic_info", "--count", "0", "--site", HOME,
                 "--reviewer", "李四"]) == 0
    assert main(["review", "reject", cands["misspelt_name"], "--site", HOME, "--reviewer", "王五"]) == 0
    capsys.readouterr()
    s = report_json(capsys)["sites"][0]
    assert "accuracy.basic_info" not in {d["rule"] for d in s["deductions"]}
    assert "veto.serious_error" not in {v["rule"] for v in s["vetoes"]}


@pytest.mark.parametrize("clock", ["2026-12-03T23:30:00+08:00", "2026-12-04T00:30:00+00:00"])
def test_the_command_names_the_report_it_changed(home, capsys, clock):
    with time_machine.travel(clock, tick=True):
        scan(home)
        cand = report_json(capsys)["sites"][0]["needs_review"][0]["id"]
        assert main(["review", "confirm", cand, "--site", HOME, "--reviewer", "李四"]) == 0
        assert f"counts in the report of {AS_OF} and every later one" in capsys.readouterr().out
        assert main(["review", "deduct", "--rule", "accuracy.basic_info", "--count", "1", "--site", HOME,
                     "--reviewer", "李四"]) == 0
        assert f"counts in the report of {AS_OF}" in capsys.readouterr().out


def test_an_explicit_as_of_still_chooses_the_report(home, capsys):
    with time_machine.travel("2026-12-03T10:00:00+08:00", tick=True):
        scan(home)
        assert main(["review", "deduct", "--rule", "accuracy.basic_info", "--count", "2", "--site", HOME,
                     "--reviewer", "李四", "--as-of", "2026-12-01"]) == 0
        assert "counts in the report of 2026-12-01" in capsys.readouterr().out
        s = report_json(capsys)["sites"][0]  # the 11-26 report comes before the decision's
        assert "accuracy.basic_info" not in {d["rule"] for d in s["deductions"]}


def test_census_today_is_beijing_today():
    from pucha import localtime

    with time_machine.travel("2026-12-03T23:30:00+00:00", tick=False):
        assert localtime.today().isoformat() == "2026-12-04"
    with time_machine.travel("2026-12-04T00:30:00+08:00", tick=False):
        assert localtime.today().isoformat() == "2026-12-04"
    with time_machine.travel("2026-12-03T15:59:59+00:00", tick=False):
        assert localtime.today().isoformat() == "2026-12-03"


def test_review_refuses_what_it_cannot_record(home, capsys):
    scan(home)
    assert main(["review", "confirm", "nope", "--site", HOME, "--reviewer", "x"]) == 2
    assert "没有待确认问题 nope" in capsys.readouterr().err
    assert main(["review", "deduct", "--rule", "availability.links", "--count", "1", "--site", HOME,
                 "--reviewer", "x"]) == 2
    assert "人工扣分只能用于" in capsys.readouterr().err
