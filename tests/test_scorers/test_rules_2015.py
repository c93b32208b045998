"""Every rule of SPEC §4, on both sides of each boundary."""
from __future__ import annotations

from datetime import date

import pytest

from pucha import categories as C
from scorers.windows import window_start

from .builders import (AS_OF, HOME, attachment, check, column, d, guide, healthy, home_items, letters, links,
                       probes, rules, score, site, system, vetoes)

FULL = ("事项名称", "设定依据", "申请条件", "办理材料", "办理地点", "办理时间", "联系电话", "办理流程")


# --- probes -----------------------------------------------------------------------------------

@pytest.mark.parametrize("total,failed,veto,points", [
    (20, 1, True, 0),          # exactly 5 %
    (10000, 499, False, 20),   # 4.99 %: floor(4.99) = 4 -> 20 points
    (21, 1, False, 20),        # 4.76 %
    (100, 5, True, 0),
    (101, 1, False, 0),        # 0.99 %
    (100, 1, False, 5),
    (20, 0, False, 0),
])
def test_probe_failure_boundaries(total, failed, veto, points):
    card = score(site(), probes(total, failed) + [home_items(*[d(0)] * 10)])
    assert ("veto.unreachable" in vetoes(card)) is veto
    assert rules(card).get("availability.homepage", 0) == points


# --- homepage updates ----------------------------------------------------------------------------

def test_homepage_item_14_days_old_counts_15_does_not():
    assert "veto.not_updated" not in vetoes(score(site(), probes(20, 0) + [home_items(d(14))]))
    card = score(site(), probes(20, 0) + [home_items(d(15), d(30))])
    assert "veto.not_updated" in vetoes(card)
    assert card.vetoes[0].evidence[0]["newest_date"] == d(15)


def test_item_after_as_of_is_not_within_the_window():
    assert "veto.not_updated" in vetoes(score(site(), probes(20, 0) + [home_items(d(-1))]))


@pytest.mark.parametrize("n,points", [(1, 5), (9, 5), (10, 0)])
def test_homepage_few_updates(n, points):
    card = score(site(), probes(20, 0) + [home_items(*[d(3)] * n)])
    assert rules(card).get("updates.homepage", 0) == points
    assert "veto.not_updated" not in vetoes(card)


def test_navigation_homepage_uses_second_level_pages():
    nav = home_items(None, None)  # links without dates: a navigation entry
    sec = [f"{HOME}col{i}/" for i in range(2)]
    from pucha.events import Page
    fetched = [Page("t", HOME, f"{HOME}a/{i}.html", ok=True) for i in range(2)]  # the crawl follows them
    events = probes(20, 0) + [nav, links(HOME, *sec)] + fetched
    assert "veto.not_updated" in vetoes(score(site(), events))
    from pucha.events import Item, ListItems
    events.append(ListItems("t", HOME, sec[0], sec[0], "second_level",
                            items=tuple(Item(f"x{i}", f"{sec[0]}{i}.html", d(2)) for i in range(12))))
    card = score(site(), events)
    assert "veto.not_updated" not in vetoes(card)
    assert "updates.homepage" not in rules(card)
    # A page the homepage does not link to is not second-level.
    other = ListItems("t", HOME, f"{HOME}deep/", f"{HOME}deep/", "second_level", items=(Item("y", None, d(1)),))
    assert "veto.not_updated" in vetoes(score(site(), probes(20, 0) + [nav, links(HOME, *sec), other] + fetched))


# --- columns -----------------------------------------------------------------------------------------

def test_news_column_14_days():
    s = site((C.NEWS, f"{HOME}dt/"))
    assert "updates.columns" not in rules(score(s, healthy() + [column(f"{HOME}dt/", d(14))]))
    assert rules(score(s, healthy() + [column(f"{HOME}dt/", d(15))]))["updates.columns"] == 3


def test_notice_column_calendar_months():
    as_of = date(2027, 3, 31)
    s = site((C.NOTICES, f"{HOME}tz/"))
    assert window_start(as_of, "6m") == date(2026, 9, 30)
    assert window_start(as_of, "1m") == date(2027, 2, 28)
    assert window_start(date(2026, 3, 1), "2m") == date(2026, 1, 1)  # the notice's own example
    base = probes(20, 0) + [home_items(*["2027-03-30"] * 10)]
    assert "updates.columns" not in rules(score(s, base + [column(f"{HOME}tz/", "2026-09-30")], as_of))
    assert rules(score(s, base + [column(f"{HOME}tz/", "2026-09-29")], as_of))["updates.columns"] == 4


def test_year_window_across_new_year():
    as_of = date(2027, 1, 3)
    s = site((C.PERSONNEL, f"{HOME}rs/"), (C.PLANS, f"{HOME}gh/"))
    events = probes(20, 0) + [home_items(*["2027-01-02"] * 10), column(f"{HOME}rs/", "2026-01-03"),
                              column(f"{HOME}gh/", "2026-01-02")]
    card = score(s, events, as_of)
    assert rules(card)["updates.columns"] == 5  # only 规划计划 is a year and a day old


def test_undated_items_do_not_update_but_make_a_column_non_empty():
    s = site(*[(C.DISCLOSURE_OTHER, f"{HOME}c{i}/") for i in range(5)])
    events = healthy() + [column(f"{HOME}c{i}/", None) for i in range(5)]
    card = score(s, events)
    assert "veto.stale_columns" not in vetoes(card)
    card = score(s, healthy() + [column(f"{HOME}c{i}/") for i in range(5)])
    assert "veto.stale_columns" in vetoes(card)
    assert card.vetoes[0].evidence[0]["test"] == "c"


def test_stale_columns_a_counts_news_and_notices_together():
    cols = [(C.NEWS, f"{HOME}n{i}/") for i in range(3)] + [(C.POLICIES, f"{HOME}p{i}/") for i in range(2)]
    stale = [column(u, d(20)) for _, u in cols[:3]] + [column(u, d(200)) for _, u in cols[3:]]
    card = score(site(*cols), healthy() + stale)
    assert "veto.stale_columns" in vetoes(card)
    card = score(site(*cols), healthy() + stale[:4] + [column(cols[4][1], d(100))])
    assert "veto.stale_columns" not in vetoes(card)  # 4 stale
    assert rules(card)["updates.columns"] == 3 * 3 + 4


def test_stale_columns_b_ten_year_old_list_columns():
    cols = [(C.OTHER, f"{HOME}o{i}/") for i in range(10)]
    old = [column(u, d(400)) for _, u in cols]
    assert "veto.stale_columns" in vetoes(score(site(*cols), healthy() + old))
    assert "veto.stale_columns" not in vetoes(score(site(*cols), healthy() + old[:9] + [column(cols[9][1], d(300))]))


def test_unopenable_column_counts_as_empty_and_interaction_columns_are_not_list_columns():
    cols = [(C.GUIDES, f"{HOME}g{i}/") for i in range(4)] + [(C.SURVEY, f"{HOME}s/")]
    events = healthy() + [column(f"{HOME}g{i}/", opened=False) for i in range(4)] + [column(f"{HOME}s/")]
    assert "veto.stale_columns" not in vetoes(score(site(*cols), events))
    cols.append((C.PLANS, f"{HOME}gh/"))
    events.append(column(f"{HOME}gh/", opened=False))
    assert "veto.stale_columns" in vetoes(score(site(*cols), events))


def test_pagination_items_count_for_their_column():
    s = site((C.NEWS, f"{HOME}dt/"))
    events = healthy() + [column(f"{HOME}dt/", d(40)), column(f"{HOME}dt/", d(2), page_no=2)]
    assert "updates.columns" not in rules(score(s, events))


# --- interaction -----------------------------------------------------------------------------------------

def test_consultation_reply_three_months_boundary():
    url = f"{HOME}zx/"
    s = site((C.CONSULTATION, url))
    sub = "2026-06-10"
    ok = score(s, healthy() + [letters(url, (sub, "2026-09-10", "replied"))])
    assert "veto.no_response" not in vetoes(ok)
    late = score(s, healthy() + [letters(url, (sub, "2026-09-11", "replied"))])
    assert "veto.no_response" in vetoes(late)


def test_unanswered_letter_older_than_three_months():
    url = f"{HOME}zx/"
    s = site((C.CONSULTATION, url))
    assert "veto.no_response" not in vetoes(score(s, healthy() + [letters(url, ("2026-08-26", None, "unreplied"))]))
    assert "veto.no_response" in vetoes(score(s, healthy() + [letters(url, ("2026-08-25", None, "unreplied"))]))
    # Older than a year: outside the window.
    assert "veto.no_response" not in vetoes(score(s, healthy() + [letters(url, ("2025-11-25", None, None))]))


def test_consultation_points():
    url = f"{HOME}zx/"
    assert rules(score(site(), healthy()))["interaction.consultation"] == 5
    s = site((C.CONSULTATION, url))
    assert rules(score(s, healthy() + [letters(url, ("2025-11-25", "2025-11-30", None))]))["interaction.consultation"] == 5
    assert "interaction.consultation" not in rules(score(s, healthy() + [letters(url, ("2025-11-26", "2025-11-30", None))]))


@pytest.mark.parametrize("site_type,count,points", [
    ("门户网站", 5, 3), ("门户网站", 6, 0), ("部门网站", 2, 3), ("部门网站", 3, 0), ("其他", 0, 5)])
def test_survey_thresholds_by_site_type(site_type, count, points):
    url = f"{HOME}dc/"
    s = site((C.SURVEY, url), site_type=site_type)
    card = score(s, healthy() + [column(url, *[d(30)] * count, d(400))])
    assert rules(card).get("interaction.survey", 0) == points


def test_survey_none_and_interview_none():
    card = score(site(), healthy())
    assert rules(card)["interaction.survey"] == 5
    assert "interaction.interview" not in rules(card)
    url = f"{HOME}ft/"
    card = score(site((C.INTERVIEW, url)), healthy() + [column(url, d(10), opened=False)])
    assert rules(card)["interaction.interview"] == 5


# --- links -----------------------------------------------------------------------------------------------

def test_links_homepage_one_point_other_pages_a_tenth():
    page = f"{HOME}a/1.html"
    events = healthy() + [links(HOME, f"{HOME}x.html", f"{HOME}ok.html", page),
                          links(page, f"{HOME}y.html", f"{HOME}x.html", "http://ext.test/gone"),
                          check(f"{HOME}x.html", False, 404), check(f"{HOME}ok.html", True, 200),
                          check(page, True, 200), check(f"{HOME}y.html", False, 500),
                          check("http://ext.test/gone", False)]
    card = score(site(), events)
    assert rules(card)["availability.links"] == 1.2


def test_soft_404_is_a_candidate_not_points():
    events = healthy() + [links(HOME, f"{HOME}soft.html"), check(f"{HOME}soft.html", True, 200, soft404=True)]
    card = score(site(), events)
    assert "availability.links" not in rules(card)
    assert [c["what"] for c in card.needs_review] == ["soft404"]


def test_navigation_homepage_second_level_links_cost_a_point():
    sec = f"{HOME}col/"
    events = probes(20, 0) + [home_items(None), links(HOME, sec), links(sec, f"{HOME}bad.html"),
                              check(sec, True, 200), check(f"{HOME}bad.html", False, 404)]
    assert rules(score(site(), events))["availability.links"] == 1


def test_forty_passes_forty_point_one_fails():
    bad = [f"{HOME}bad{i}.html" for i in range(40)]
    base = healthy() + [links(HOME, *bad)] + [check(u, False, 404) for u in bad]
    # Keep consultation and survey out of the sum.
    s = site((C.SURVEY, f"{HOME}zx/"), (C.CONSULTATION, f"{HOME}zx2/"))
    base.append(letters(f"{HOME}zx2/", (d(5), d(4), "replied")))
    base.append(column(f"{HOME}zx/", *[d(2)] * 6))
    card = score(s, base)
    assert card.total_deduction == 40.0 and card.verdict == "pass", card.to_dict()["deductions"]
    page = f"{HOME}p.html"
    card = score(s, base + [links(page, f"{HOME}worse.html"), check(f"{HOME}worse.html", False, 404)])
    assert card.total_deduction == 40.1 and card.verdict == "fail"


def test_vetoed_site_still_lists_its_deductions():
    card = score(site(), probes(20, 5) + [home_items(d(1))])
    assert "veto.unreachable" in vetoes(card)
    out = card.to_dict()
    assert out["verdict"] == "fail"
    assert {x["rule"] for x in out["deductions"]} >= {"updates.homepage", "interaction.consultation"}


# --- service -----------------------------------------------------------------------------------------------

def test_guides_attachments_and_systems():
    col = f"{HOME}bszn/"
    s = site((C.GUIDES, col), (C.ONLINE_SYSTEMS, f"{HOME}sys1/"), (C.ONLINE_SYSTEMS, f"{HOME}sys2/"))
    g1, g2 = f"{HOME}bszn/1.html", f"{HOME}bszn/2.html"
    events = healthy() + [column(col, d(3)), guide(g1, col, FULL), guide(g2, col, FULL[:5]),
                          attachment(g1, f"{HOME}f/a.doc", True), attachment(g1, f"{HOME}f/b.pdf", False, "http"),
                          attachment(g2, f"{HOME}f/b.pdf", False, "http"), attachment(g2, f"{HOME}f/c.xls", False, "empty"),
                          system(f"{HOME}sys1/", True), system(f"{HOME}sys2/", False)]
    r = rules(score(s, events))
    assert r["service.guide"] == 6
    assert r["service.attachments"] == 2
    assert r["service.online_systems"] == 3
