"""Ground truth on hand-built profiles equals what the readings give by hand."""
from __future__ import annotations

import random
from datetime import date

from dateutil.relativedelta import relativedelta

from pucha import categories as C
from pucha_fleet.builder import Builder, healthy
from pucha_fleet.designed import DESIGNED
from pucha_fleet.profiles import HomeList, ItemSpec
from pucha_fleet.site import Net, Site
from pucha_fleet.truth import compute, within

NET = Net({i: f"http://127.31.0.{i + 1}:8000" for i in range(60)}, "http://127.31.250.1:8001", "http://127.31.251.1:8002")


def build(as_of: date = date(2026, 11, 26), **kw) -> Builder:
    return Builder(kw.pop("index", 0), as_of, random.Random(0), **kw)


def truth(b: Builder, rounds: int = 20) -> dict:
    return compute(Site(b.p, b.as_of, NET), rounds)


def designed_truth(purpose: str, rounds: int = 20) -> dict:
    for i, (text, fn, family, enc, decl, site_type) in enumerate(DESIGNED):
        if text.startswith(purpose):
            b = build(index=i, family=family, encoding=enc, declaration=decl, site_type=site_type)
            fn(b, rounds)
            return truth(b, rounds)
    raise LookupError(purpose)


def test_windows_are_closed_calendar_intervals():
    as_of = date(2027, 3, 31)
    assert within(date(2027, 2, 28), as_of, relativedelta(months=1))  # 3-31 minus a month is 2-28
    assert not within(date(2027, 2, 27), as_of, relativedelta(months=1))
    assert within(as_of, as_of, relativedelta(days=14)) and not within(date(2027, 4, 1), as_of, relativedelta(days=14))
    assert not within(None, as_of, relativedelta(years=1))


def test_healthy_site_passes_clean():
    t = truth(healthy(build()))
    assert (t["verdict"], t["vetoes"], t["deductions"], t["total_deduction"]) == ("pass", [], {}, 0.0)


def test_probe_fractions():
    for rounds, failures, vetoed, points in ((20, 1, True, None), (21, 1, False, 20.0), (40, 2, True, None),
                                             (40, 1, False, 10.0), (101, 1, False, None), (19, 0, False, None)):
        b = healthy(build())
        b.p.probe_failures = {r: "503" for r in range(1, failures + 1)}
        t = truth(b, rounds)
        assert ("veto.unreachable" in t["vetoes"]) is vetoed, (rounds, failures)
        assert t["deductions"].get("availability.homepage") == points, (rounds, failures)
    b = healthy(build())
    b.p.probe_failures = {25: "hang"}  # a round the sweep never reaches
    assert truth(b, 20)["facts"]["probes"]["failed"] == 0


def test_homepage_boundaries():
    assert designed_truth("homepage: newest item exactly 14 days old")["deductions"] == {"updates.homepage": 5.0}
    t = designed_truth("homepage: newest item 15 days old")
    assert t["vetoes"] == ["veto.not_updated"] and t["deductions"] == {"updates.columns": 3.0}
    t = designed_truth("homepage: 9 distinct")
    assert t["facts"]["homepage"]["within_14_days"] == 9 and t["deductions"] == {"updates.homepage": 5.0}
    assert designed_truth("homepage: 10 fresh")["deductions"] == {}


def test_navigation_homepage_counts_second_level_items_and_links():
    t = designed_truth("navigation homepage, 3 fresh")
    assert t["facts"]["homepage"]["within_14_days"] == 3
    assert t["deductions"] == {"updates.homepage": 5.0, "availability.links": 1.1}  # second-level 1 + deeper 0.1
    assert designed_truth("navigation homepage, nothing fresh")["vetoes"] == ["veto.not_updated"]


def test_calendar_month_boundaries():
    # 政策文件 6 months and a day: 4; 规划计划 a year and a day: 5; the exact boundaries cost nothing.
    t = designed_truth("calendar months")
    assert t["deductions"] == {"updates.columns": 9.0} and t["vetoes"] == []


def test_year_less_dates_across_new_year():
    b = healthy(build(as_of=date(2027, 1, 5)))
    b.p.column("xwdt").items = [ItemSpec(b.new_id(), "年末工作", date(2026, 12, 22))]
    b.p.column("xwdt").date_form = "yearless"
    b.p.home_lists = [HomeList("要闻", "xwdt", [b.p.column("xwdt").items[0].id])]
    t = truth(b)
    assert t["facts"]["homepage"]["within_14_days"] == 1  # 12-22 read as 2026-12-22, 14 days before 2027-01-05
    assert t["deductions"] == {"updates.homepage": 5.0}


def test_survey_and_interview_thresholds_by_site_type():
    assert designed_truth("portal: 5 surveys")["deductions"] == {"interaction.survey": 3.0}
    assert designed_truth("department: 3 surveys")["deductions"] == {"interaction.interview": 3.0}
    assert designed_truth("no interaction columns")["deductions"] == {"interaction.consultation": 5.0, "interaction.survey": 5.0}
    b = healthy(build())
    b.p.column("dczj").opens = "404"
    assert truth(b)["deductions"]["interaction.survey"] == 5.0


def test_forty_passes_and_forty_point_one_fails():
    t = designed_truth("total deduction exactly 40.0")
    assert (t["total_deduction"], t["verdict"]) == (40.0, "pass")
    assert t["deductions"] == {"availability.links": 4.0, "interaction.consultation": 5.0, "interaction.survey": 5.0,
                               "service.guide": 8.0, "service.online_systems": 6.0, "updates.columns": 12.0}
    t = designed_truth("total deduction 40.1")
    assert (t["total_deduction"], t["verdict"], t["vetoes"]) == (40.1, "fail", [])


def test_stale_column_vetoes_on_both_sides():
    t = designed_truth("5 stale")
    assert t["vetoes"] == ["veto.stale_columns"] and t["deductions"] == {"updates.columns": 18.0}
    assert designed_truth("4 stale")["vetoes"] == []
    assert designed_truth("10 list columns")["vetoes"] == ["veto.stale_columns"]
    assert designed_truth("9 list columns")["vetoes"] == []
    t = designed_truth("5 empty")
    assert t["vetoes"] == ["veto.stale_columns"] and t["deductions"] == {"availability.links": 2.0}  # 404 and 500 in the menu
    assert designed_truth("4 empty")["vetoes"] == []


def test_letters():
    assert designed_truth("letter answered 3 months and a day")["vetoes"] == ["veto.no_response"]
    assert designed_truth("letters answered in time")["vetoes"] == []
    assert designed_truth("letter unanswered 3 months and a day")["vetoes"] == ["veto.no_response"]
    t = designed_truth("no letter within a year")
    assert t["vetoes"] == [] and t["deductions"] == {"interaction.consultation": 5.0}


def test_guides_attachments_and_links():
    t = designed_truth("guides")
    # para guide missing 2 (4) + table guide with an empty 联系电话 (2); a 404 and an empty file (2);
    # the 404 file and the dead guide are broken links from deeper pages (0.1 each).
    assert t["deductions"] == {"service.guide": 6.0, "service.attachments": 2.0, "availability.links": 0.2}
    assert len(t["facts"]["guides"]) == 5  # the dead guide is not scored as a guide


def test_traps_and_soft_404():
    t = designed_truth("traps")
    assert t["deductions"] == {"availability.links": 0.3}  # loop + hang + external 404, all below the homepage
    soft, *serious = sorted(t["needs_review"], key=lambda r: r["rule"])
    assert soft["rule"] == "availability.links" and soft["url"].startswith(t["home_url"] + "notice/")
    # Two lexicon terms on the about page: two candidates for a person, no points.
    assert serious == [{"rule": "veto.serious_error", "url": t["home_url"] + "about.html"}] * 2
    assert designed_truth("online systems")["deductions"] == {"service.online_systems": 3.0}


def test_vetoed_site_keeps_its_deductions():
    b = healthy(build())
    b.p.probe_failures = {1: "reset"}
    b.p.column("ghjh").items = []
    t = truth(b)
    assert t["vetoes"] == ["veto.unreachable"] and t["deductions"] == {"updates.columns": 5.0} and t["verdict"] == "fail"
