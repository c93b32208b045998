"""A simulated week of monitoring over a small fleet (an injected clock), restarted mid-week.

Done when (issue 7): the scorecards match the ground truth for every day's
as_of, and restarting the monitor mid-week neither loses nor repeats probes.
"""
from __future__ import annotations

import asyncio
import functools
import json
import os
import subprocess
import sys
from collections import Counter
from datetime import date, timedelta

import pytest

from census.monitor import trends
from census.monitor.alerts import recent_alerts
from census.monitor.clock import DAY, SimulatedClock, day_end, day_start
from census.monitor.lies import WHAT
from census.monitor.monitor_db import monitor_engine
from census.monitor.run import build_monitor
from census.monitor.schedule import monitor_sweep_id
from pucha.registry.importer import import_registry
from pucha.store import open_store

from .conftest import make_settings
from .simfleet import Plan, SimFleet

START = date(2026, 11, 16)
DAYS = 7
PER_DAY = 20
TOLERANCE = 2


def plans() -> list[Plan]:
    daily2 = [(d, d, f"动态{d}{x}") for d in range(DAYS) for x in "ab"]
    return [
        Plan("a", "北京市", items=[(-1, -1, "旧闻")] + daily2),
        Plan("b", "北京市", fail_rate=0.035, items=[(-20, -20, "旧闻"), (2, 2, "新闻")]),
        Plan("c", "上海市", fail_rate=0.08, mode="hang", items=[(-3, -3, "旧闻"), (1, 1, "新闻"), (4, -3, "回溯")]),
        Plan("d", "上海市", outage_days=(3,), mode="loop", items=[(-2, -2, "旧闻"), (5, 5, "新闻")]),
        Plan("e", "上海市", items=[(-10, -10, "最后一条")]),
        Plan("f", "北京市", fail_rate=0.02, items=[(d, d, f"日报{d}") for d in range(DAYS)]),
    ]


def _card_outcome(card: dict) -> tuple[set, dict]:
    vetoes = {v["rule"] for v in card["vetoes"]}
    points = {d["rule"]: d["tenths"] / 10 for d in card["deductions"] if d["tenths"]}
    return vetoes, points


async def _week(settings, tmp_path):
    clock = SimulatedClock(day_start(START))
    async with SimFleet(plans(), START, clock) as fleet:
        sites_csv, cols_csv = fleet.write_registry(tmp_path)
        import_registry(sites_csv, cols_csv, url=settings.database_url)
        store = open_store(settings)
        mid = day_start(START) + 3.5 * DAY
        first = build_monitor(settings, store, clock, PER_DAY)
        stats1 = await first.run(until=mid)
        assert clock.now() < mid and first.stats.days_closed == 3
        second = build_monitor(settings, store, clock, PER_DAY)  # a new process: only the checkpoint carries over
        stats2 = await second.run(until=day_end(START + timedelta(days=DAYS - 1)))
        return fleet, store, stats1, stats2, second


def test_simulated_week_matches_truth_and_restart_loses_nothing(tmp_path, smtp):
    settings = make_settings(tmp_path, PUCHA_SMTP_HOST="127.0.0.1", PUCHA_SMTP_PORT=str(smtp.port))
    fleet, store, stats1, stats2, second = asyncio.run(_week(settings, tmp_path))

    # Every slot of the week probed exactly once: in the store, and as seen by the homepages.
    expected = {(fleet.home(k), s.name): s.due for k in fleet.plans
                for s in fleet.slots(fleet.plans[k], START, START + timedelta(days=DAYS - 1), PER_DAY)}
    probes = [e for e in store.events(monitor_sweep_id(START)) if e.kind == "probe"]
    assert len(probes) == len(expected) == len(fleet.plans) * PER_DAY * DAYS
    assert {(p.site, p.slot) for p in probes} == set(expected)
    assert stats1.probes + stats2.probes == len(expected)
    assert fleet.requests == {k: PER_DAY * DAYS for k in fleet.plans}
    assert all(p.at == expected[(p.site, p.slot)] for p in probes)  # each at its slot
    # ...spread over the day: each site's slots about 72 minutes apart, never bunched on the hour.
    for k in fleet.plans:
        times = sorted(p.at for p in probes if p.site == fleet.home(k))
        gaps = [b - a for a, b in zip(times, times[1:])]
        assert 0.7 * DAY / PER_DAY < min(gaps) and max(gaps) < 1.3 * DAY / PER_DAY
    assert len({round(p.at % 3600) for p in probes}) > len(probes) // 2
    # Failures are recorded with their scan status.
    errors = Counter(p.error for p in probes if not p.ok)
    assert errors["http"] and errors["timeout"] and errors["redirects"], errors

    # The scorecard of every day's as_of agrees with the truth.
    seen_outcomes: set[str] = set()
    for offset in range(DAYS):
        as_of = START + timedelta(days=offset)
        cards = {c["home_url"]: c for c in store.scorecards(as_of.isoformat())}
        assert set(cards) == {fleet.home(k) for k in fleet.plans}
        for key in fleet.plans:
            card, truth = cards[fleet.home(key)], fleet.truth(key, as_of, PER_DAY)
            vetoes, points = _card_outcome(card)
            seen_outcomes |= truth["vetoes"] | set(truth["points"])
            assert vetoes == truth["vetoes"], (key, as_of)
            # No columns are registered: 政务咨询 and 调查征集 are missing (5 each), as for any such site.
            assert points == {**truth["points"], "interaction.consultation": 5.0, "interaction.survey": 5.0}, (key, as_of)
            unreachable = [v for v in card["vetoes"] if v["rule"] == "veto.unreachable"]
            if unreachable:
                assert unreachable[0]["evidence"][0]["probes"] == truth["probes"]
                assert unreachable[0]["evidence"][0]["failed"] == truth["failed"]
            lies = {c["url"] for c in card["needs_review"] if c["what"] == WHAT}
            assert lies == fleet.lies(key, as_of, TOLERANCE), (key, as_of)
    assert seen_outcomes == {"veto.unreachable", "veto.not_updated", "availability.homepage", "updates.homepage"}
    assert fleet.lies("c", START + timedelta(days=4), TOLERANCE)  # the check is exercised

    # Alerts: one per crossing (a veto that did not hold the day before), each mailed to both addresses.
    crossings = []
    for key in fleet.plans:
        before: set = set()
        for offset in range(DAYS):
            now = fleet.truth(key, START + timedelta(days=offset), PER_DAY)["vetoes"]
            crossings += [(fleet.home(key), rule, (START + timedelta(days=offset)).isoformat()) for rule in now - before]
            before = now
    engine = monitor_engine(settings.database_url)
    rows = recent_alerts(engine)
    assert sorted((r["site"], r["rule"], r["day"]) for r in rows) == sorted(crossings)
    assert ("http://127.0.0.1:%d/d/" % fleet.port, "veto.unreachable", "2026-11-19") in crossings
    assert ("http://127.0.0.1:%d/e/" % fleet.port, "veto.not_updated", "2026-11-21") in crossings
    # veto.unreachable is told as the failures make it certain, not when the day closes: d's outage
    # day fails from its first probe, and its 4th failure is 5% of the 80 probes the window can hold.
    d_alert = next(r for r in rows if r["site"] == fleet.home("d") and r["rule"] == "veto.unreachable")
    assert day_start(date(2026, 11, 19)) < d_alert["detected"] < day_start(date(2026, 11, 19)) + 5 * 3600
    not_updated = [r for r in rows if r["rule"] == "veto.not_updated"]
    assert not_updated and all(r["detected"] == day_end(date.fromisoformat(r["day"])) for r in not_updated)
    assert all(r["mail"] == "sent" for r in rows)
    assert len(smtp.messages) == len(rows)
    to, msg = smtp.messages[0]
    assert len(to) == 2 and "单项否决" in msg["Subject"] and "请尽快整改" in msg.get_content()

    # Trends: a row per site and day; the regions' sums.
    last = START + timedelta(days=DAYS - 1)
    a_rows = trends.site_trends(engine, fleet.home("a"), START, last)
    assert [r["probes"] for r in a_rows] == [PER_DAY] * DAYS
    assert [r["new_items"] for r in a_rows] == [3] + [2] * (DAYS - 1)  # the first day also sees the old item
    assert [r["availability"] for r in a_rows] == [100.0] * DAYS
    d_rows = trends.site_trends(engine, fleet.home("d"), START, last)
    assert d_rows[3]["failed"] == PER_DAY and d_rows[3]["availability"] == 0.0
    regions = trends.region_trends(engine, START, last)
    sh = [r for r in regions if r["region"] == "上海市"]
    assert [r["sites"] for r in sh] == [3] * DAYS
    truth_failed = sum(1 for p in probes if not p.ok and p.site in {fleet.home(k) for k in "cde"})
    assert sum(r["failed"] for r in sh) == truth_failed
    text = trends.render_trends(trends.trends_document(engine, last, days=DAYS))
    assert "上海市" in text and "可用率" in text

    # The command line shows them: the trends, and the day's scorecards from the monitoring window.
    env = {**os.environ, "PUCHA_HOME": str(settings.home), "PUCHA_CONFIG": ""}
    run = functools.partial(subprocess.run, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    out = run([sys.executable, "-m", "census", "report", "--trends", "--as-of", last.isoformat(), "--format", "json",
               "--region", "上海市"])
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["first_day"] == (last - timedelta(days=13)).isoformat()
    assert [r["failed"] for r in doc["sites"][fleet.home("d")]] == [r["failed"] for r in d_rows]
    out = run([sys.executable, "-m", "census", "report", "--as-of", last.isoformat(), "--format", "json"])
    assert out.returncode == 0, out.stderr
    report = {s["home_url"]: s for s in json.loads(out.stdout)["sites"]}
    assert {v["rule"] for v in report[fleet.home("d")]["vetoes"]} == fleet.truth("d", last, PER_DAY)["vetoes"]
    out = run([sys.executable, "-m", "census", "report", "--trends", "--as-of", last.isoformat(), "--format", "xlsx"])
    assert out.returncode == 2 and "--trends" in out.stderr
