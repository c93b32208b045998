"""A monitor killed mid-run (its task cancelled: no final write, no final checkpoint) loses no probe,
and the store holds one probe per slot however often a slot was re-probed."""
from __future__ import annotations

import asyncio
from datetime import date, timedelta

from census.monitor.clock import DAY, SimulatedClock, day_end, day_start
from census.monitor.run import build_monitor
from census.monitor.schedule import monitor_sweep_id
from pucha.registry.importer import import_registry
from pucha.store import open_store

from .conftest import make_settings
from .simfleet import Plan, SimFleet

START = date(2026, 12, 30)  # the two days straddle a month: two monitoring sweeps
PER_DAY = 24


async def _crash_and_resume(settings, tmp_path):
    clock = SimulatedClock(day_start(START))
    plans = [Plan("x", "北京市", fail_rate=0.1, items=[(0, 0, "甲")]), Plan("y", "北京市", items=[(1, 1, "乙")])]
    async with SimFleet(plans, START, clock) as fleet:
        import_registry(*fleet.write_registry(tmp_path), url=settings.database_url)
        store = open_store(settings)
        end = day_end(START + timedelta(days=2))
        kills = []
        for stop_at in (0.7, 1.3, 1.4):  # three deaths, the last two close together
            monitor = build_monitor(settings, store, clock, PER_DAY)
            task = asyncio.create_task(monitor.run(until=end))
            while clock.now() < day_start(START) + stop_at * DAY and not task.done():
                await asyncio.sleep(0)
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            kills.append(monitor.stats.probes)
        final = build_monitor(settings, store, clock, PER_DAY)
        await final.run(until=end)
        return fleet, store, kills, final


def test_killed_monitor_loses_and_doubles_nothing(tmp_path):
    settings = make_settings(tmp_path)
    fleet, store, kills, final = asyncio.run(_crash_and_resume(settings, tmp_path))
    assert all(kills), kills  # each run did probe before it died
    slots = {(fleet.home(k), s.name) for k, p in fleet.plans.items()
             for s in fleet.slots(p, START, START + timedelta(days=2), PER_DAY)}
    probes = [e for sweep in (monitor_sweep_id(START), monitor_sweep_id(START + timedelta(days=2)))
              for e in store.events(sweep) if e.kind == "probe"]
    assert len(probes) == len(slots) == 2 * 3 * PER_DAY
    assert {(p.site, p.slot) for p in probes} == slots
    # Only what was in flight or unwritten at a death was asked for again.
    extra = sum(fleet.requests.values()) - len(slots)
    assert 0 <= extra <= 3 * 2, fleet.requests
    assert final.stats.days_closed >= 1
    assert {c["home_url"] for c in store.scorecards((START + timedelta(days=2)).isoformat())} == \
        {fleet.home(k) for k in fleet.plans}
