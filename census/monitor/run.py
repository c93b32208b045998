"""``pucha monitor``: the long-running monitor, embedded on one machine.

It reads the registry, resumes from its checkpoint, probes until SIGTERM or
SIGINT (then finishes the probes in flight, stores them and saves its
position), re-reads the registry every hour, and closes each day as it ends.
"""
from __future__ import annotations

import asyncio
import logging
import signal
import sys
from typing import Callable, Sequence

from pucha.logjson import use_json_logs
from pucha.registry.loader import load_sites
from pucha.registry.records import SiteRecord
from pucha.settings import Settings
from pucha.store import open_store

from . import alerts
from .checkpoint import Checkpoint
from .clock import Clock, SystemClock, day_of
from .daily import MONITORED_STATUSES, DayCloser
from .lies import DATE_TOLERANCE_DAYS
from .limits import limits
from .monitor_db import monitor_engine
from .scheduler import Monitor, MonitorStats
from .shards import ShardedMonitor, ShardedStats, ShardLeases, checkpoint_name, key_prefix, new_owner, shard_of
from .watch import FailureWindow, seed_from_daily

REGISTRY_REFRESH = 3600.0  # seconds between re-reads of the registry


def monitored_sites(settings: Settings, keep: Callable[[str], bool] | None = None) -> list[SiteRecord]:
    return [s for s in load_sites(settings.database_url)
            if s.status in MONITORED_STATUSES and (keep is None or keep(s.home_url))]


def build_monitor(settings: Settings, store, clock: Clock, probes_per_day: int | None = None,
                  tolerance_days: int = DATE_TOLERANCE_DAYS, concurrency: int = 512,
                  checkpoint_name: str = "monitor", keep: Callable[[str], bool] | None = None,
                  sites: Sequence[SiteRecord] | None = None) -> Monitor:
    """A Monitor over the registered sites (those ``keep`` accepts) with the settings' timeouts, its
    checkpoint, its failed-probe window (alerts as probes arrive) and day closing."""
    if sites is None:
        sites = monitored_sites(settings, keep)
    checkpoint = Checkpoint(settings.database_url, checkpoint_name)
    engine = monitor_engine(settings.database_url)
    probes_per_day = probes_per_day or limits(settings.rulebook).per_day
    watch = FailureWindow(probes_per_day, resumed=checkpoint.load() is not None, rules=limits(settings.rulebook))
    seed_from_daily(watch, engine, day_of(clock.now()), {s.home_url for s in sites})
    monitor = Monitor(sites, store, checkpoint, clock,
                      per_day=probes_per_day, timeout=settings.probe_timeout, max_redirects=settings.max_redirects,
                      user_agent=settings.user_agent, concurrency=concurrency,
                      on_day=DayCloser(settings, store, tolerance_days, keep), watch=watch)
    monitor.on_crossings = lambda batch: alerts.record_crossings(engine, settings, batch, monitor.sites)
    return monitor


async def _serve(settings: Settings, monitor: "Monitor | ShardedMonitor") -> "MonitorStats | ShardedStats":
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, monitor.stop)

    async def refresh() -> None:
        while True:
            await asyncio.sleep(REGISTRY_REFRESH)
            monitor.set_sites(await asyncio.to_thread(monitored_sites, settings))

    refresher = asyncio.create_task(refresh())
    try:
        return await monitor.run()
    finally:
        refresher.cancel()


def sharded_monitor(settings: Settings, store, clock: Clock, probes_per_day: int | None = None,
                    tolerance_days: int = DATE_TOLERANCE_DAYS, concurrency: int = 512,
                    owner: str | None = None) -> ShardedMonitor:
    """This process's part of the monitoring shared through Redis (PUCHA_REDIS_URL; shards.py)."""
    import redis

    client = redis.Redis.from_url(settings.redis_url, socket_timeout=10)
    leases = ShardLeases(client, key_prefix(settings), owner or new_owner(), settings.monitor_lease)

    def make(k: int, n: int) -> Monitor:
        def keep(home: str) -> bool:
            return shard_of(home, n) == k

        return build_monitor(settings, store, clock, probes_per_day, tolerance_days, concurrency,
                             checkpoint_name=checkpoint_name(k, n), keep=keep)

    return ShardedMonitor(leases, settings.monitor_shards, make, settings.monitor_lease, clock)


def run_monitor(settings: Settings, probes_per_day: int | None = None) -> int:
    """Run the monitor until interrupted; 0 on a clean stop, 2 on bad arguments or an empty registry.

    Embedded, one Monitor probes every site; with PUCHA_REDIS_URL this process takes its share of
    the shards the other monitor processes of this registry leave (shards.py).
    """
    least = limits(settings.rulebook).per_day
    probes_per_day = least if probes_per_day is None else probes_per_day
    if probes_per_day < least:
        print(f"pucha monitor: --probes-per-day 为 {probes_per_day}，附件2 要求每天至少 {least} 次", file=sys.stderr)
        return 2
    if settings.monitor_shards < 1 or settings.monitor_lease <= 0:
        print(f"pucha monitor: PUCHA_MONITOR_SHARDS 须为正整数（{settings.monitor_shards}），"
              f"PUCHA_MONITOR_LEASE 须大于 0（{settings.monitor_lease}）", file=sys.stderr)
        return 2
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    use_json_logs(settings.log_format == "json")
    store = open_store(settings)
    retried = alerts.deliver(monitor_engine(settings.database_url), settings)  # owed by an earlier run
    if retried:
        print(f"pucha monitor: 重发上次未发出的提醒 {len(retried)} 条", file=sys.stderr)
    sites = monitored_sites(settings)
    if not sites:
        print("pucha monitor: 登记库中没有网站：先运行 pucha registry import", file=sys.stderr)
        return 2
    monitor: Monitor | ShardedMonitor
    if settings.redis_url:
        try:
            monitor = sharded_monitor(settings, store, SystemClock(), probes_per_day)
        except Exception as exc:  # redis.ConnectionError and friends: say which setting is wrong
            print(f"pucha monitor: PUCHA_REDIS_URL={settings.redis_url} 无法连接：{exc}", file=sys.stderr)
            return 2
        how = f"与其他监测进程分担 {monitor.shards} 个分片（租约 {settings.monitor_lease:g} 秒）"
    else:
        monitor = build_monitor(settings, store, SystemClock(), probes_per_day, sites=sites)
        how = "单机运行"
    print(f"pucha monitor: {len(sites)} 个网站，每天探测 {probes_per_day} 次，"
          f"超时 {settings.probe_timeout:g} 秒，{how}；Ctrl-C 停止", file=sys.stderr)
    stats = asyncio.run(_serve(settings, monitor))
    print(f"pucha monitor: 已停止；探测 {stats.probes} 次（失败 {stats.failed}），快照 {stats.snapshots}，"
          f"错过 {stats.missed}，关闭 {stats.days_closed} 天", file=sys.stderr)
    store.close()
    return 0
