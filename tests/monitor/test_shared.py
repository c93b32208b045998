"""Three `pucha monitor` processes share the sites through the real Redis; one is SIGKILLed mid-run.

Its shards' leases expire and the others take them over from their
checkpoints: every slot from a site's first probe to its last is in the
store exactly once, and the homepages saw at most a few repeats (the probes
the dead process had made but not yet written).
"""
from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import date, timedelta

import pytest

from pucha import localtime
from census.monitor.checkpoint import Checkpoint
from census.monitor.clock import SystemClock
from census.monitor.schedule import first_slot_from, next_slot
from census.monitor.shards import checkpoint_name, key_prefix, shard_of
from pucha.registry.importer import import_registry
from pucha.store import open_store

from .conftest import make_settings
from .simfleet import Plan, SimFleet

PER_DAY = 28800  # a site's slots 3 s apart
SHARDS = 6
LEASE = 2.0
SITES = 12


class FleetThread:
    """The SimFleet on the real clock, in a thread of its own (the monitors are other processes)."""

    def __init__(self, plans):
        self.fleet = SimFleet(plans, localtime.today() - timedelta(days=1), SystemClock())
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_until_complete(self.fleet.__aenter__())
        self.ready.set()
        self.loop.run_forever()
        self.loop.run_until_complete(self.fleet.__aexit__(None, None, None))

    def __enter__(self) -> SimFleet:
        self.thread.start()
        assert self.ready.wait(10)
        return self.fleet

    def __exit__(self, *exc) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


@pytest.fixture
def shared(tmp_path):
    settings = make_settings(tmp_path, PUCHA_REDIS_URL="redis://127.0.0.1:6379/0")
    import redis

    client = redis.Redis.from_url(settings.redis_url)
    try:
        client.ping()
    except redis.ConnectionError as exc:
        pytest.fail(f"Redis at {settings.redis_url} does not answer ({exc}); .ci/run starts redis-server")
    prefix = key_prefix(settings)  # this test's own: a digest of its own registry database
    yield settings, client, prefix
    keys = list(client.scan_iter(match=prefix + "*"))
    if keys:
        client.delete(*keys)


def _env(settings) -> dict:
    return {**os.environ, "PUCHA_HOME": str(settings.home), "PUCHA_CONFIG": "", "PUCHA_PROBE_TIMEOUT": "1",
            "PUCHA_REDIS_URL": settings.redis_url, "PUCHA_MONITOR_SHARDS": str(SHARDS),
            "PUCHA_MONITOR_LEASE": str(LEASE), "PUCHA_LOG_LEVEL": "INFO"}


@pytest.mark.services
@pytest.mark.slow
def test_killed_monitor_process_shards_are_taken_over_nothing_lost_or_doubled(tmp_path, shared):
    settings, client, prefix = shared
    plans = [Plan(f"s{i}", "北京市" if i % 2 else "上海市", items=[(0, 0, f"新闻{i}")]) for i in range(SITES)]
    with FleetThread(plans) as fleet:
        import_registry(*fleet.write_registry(tmp_path), url=settings.database_url)
        homes = {fleet.home(p.key): p.key for p in plans}
        assert len({shard_of(h, SHARDS) for h in homes}) >= 4  # the sites really are spread
        t0 = time.time()
        procs = [subprocess.Popen([sys.executable, "-m", "census", "monitor", "--probes-per-day", str(PER_DAY)],
                                  env=_env(settings), cwd=tmp_path, stderr=subprocess.PIPE, text=True)
                 for _ in range(3)]
        try:
            # The victim must hold shards when it dies: wait until all three share them, and a little more.
            deadline = time.time() + 60
            while time.time() < deadline:
                owners = Counter(client.get(f"{prefix}lease:{k}") for k in range(SHARDS))
                if len(owners) == 3 and None not in owners:
                    break
                assert all(p.poll() is None for p in procs), [p.communicate()[1] for p in procs if p.poll()]
                time.sleep(0.5)
            assert len(owners) == 3 and None not in owners, owners
            time.sleep(3)
            procs[0].kill()
            killed_at = time.time()
            time.sleep(14)
        finally:
            for p in procs[1:]:
                p.send_signal(signal.SIGTERM)
            errs = [p.communicate(timeout=60)[1] for p in procs]
        stopped = time.time()
        requests = dict(fleet.requests)

    assert procs[0].returncode == -signal.SIGKILL
    for p, err in zip(procs[1:], errs[1:]):
        assert p.returncode == 0, err
        assert "已停止" in err
    victim = {int(k) for k in re.findall(r"shard (\d+) of \d+ taken", errs[0])}
    assert victim, errs[0]
    taken_after = [int(k) for err in errs[1:] for k in re.findall(r"shard (\d+) of \d+ taken", err)]
    assert victim <= set(taken_after), (victim, taken_after)  # the survivors took the dead one's shards

    store = open_store(settings)
    probes = [e for info in store.sweeps() for e in store.events(info.sweep) if e.kind == "probe"]
    by_site: dict[str, list] = {}
    for p in probes:
        by_site.setdefault(p.site, []).append(p)
    assert set(by_site) == set(homes)
    for home, mine in by_site.items():
        slots = sorted(mine, key=lambda p: _order(p.slot))
        # Contiguous: every slot between the site's first and last probe is stored, once.
        expected, s = [], first_slot_from(home, _due(home, slots[0].slot), PER_DAY)
        while _order(s.name) <= _order(slots[-1].slot):
            expected.append(s.name)
            s = next_slot(s, PER_DAY)
        assert [p.slot for p in slots] == expected, home
        # ...and it spans the run: from the start to the stop, through the kill.
        # (every shard was held 3 s before the kill, and its slots are 3 s apart)
        first, last = _due(home, slots[0].slot), _due(home, slots[-1].slot)
        assert first < killed_at and last > stopped - 8, (home, first - killed_at, stopped - last)
    # The homepages saw each stored probe, plus only what the dead process had not written yet.
    extra = sum(requests.values()) - len(probes)
    assert 0 <= extra <= 8, (extra, requests, Counter(p.site for p in probes))
    # One checkpoint per shard with sites, each past the kill.
    for k in {shard_of(h, SHARDS) for h in homes}:
        pos = Checkpoint(settings.database_url, checkpoint_name(k, SHARDS)).load()
        assert pos is not None and pos.watermark > killed_at + LEASE, k


def _order(slot_name: str) -> tuple[str, int]:
    return slot_name[:10], int(slot_name[11:])


def _due(home: str, slot_name: str) -> float:
    """The due time of a named slot (its day's schedule)."""
    from census.monitor.schedule import slot_due

    return slot_due(home, date.fromisoformat(slot_name[:10]), int(slot_name[11:]), PER_DAY)
