"""Monitors sharing the sites through Redis: shards leased with an expiry, one checkpoint per shard.

With PUCHA_REDIS_URL set, ``pucha monitor`` may run as any number of
processes on any hosts.  The registered sites are split into
PUCHA_MONITOR_SHARDS shards by a hash of the homepage; a process probes a
shard only while it holds the shard's lease, a Redis key set with ``NX`` and
an expiry of PUCHA_MONITOR_LEASE seconds and renewed every third of that.
Each shard has its own Monitor and its own checkpoint row
(``monitor/<k>-of-<n>``), so whoever holds a shard resumes exactly where the
last holder's store writes end: a process that dies (even by SIGKILL) stops
renewing, its leases expire, and the others take its shards over from their
checkpoints.  What it had probed but not yet written is probed again, under
the same event ids (the slot is part of a Probe's identity), so the store
keeps one probe per slot.

Each process takes a fair share, ceil(shards / live processes), counting
the live ones by their heartbeats in a sorted set; one holding more than
its share (another process joined) hands the extra shards back after a
clean stop of their monitors (final write and checkpoint).  A lease found
lost on renewal (the process stalled past the expiry) has its monitor
cancelled at once, without a final checkpoint: the new holder's position
is never overwritten by a staler one, and whatever the old holder saved
before was stored already.

Keys, under ``pucha:monitor:<digest of the registry database URL>:`` (the
monitors of one registry share them): ``shards`` (the count, fixed by the
first process), ``lease:<k>`` (the holder), ``members`` (heartbeats).
"""
from __future__ import annotations

import asyncio
import hashlib
import logging
import math
import os
import socket
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable

from pucha.settings import Settings

from .clock import Clock
from .scheduler import Monitor, MonitorStats

log = logging.getLogger("census.monitor.shards")

_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""
_HEARTBEAT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[2]))
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]) * 10)
return redis.call('ZCARD', KEYS[1])
"""


def shard_of(home: str, shards: int) -> int:
    """The shard of a homepage: a stable hash, the same in every process."""
    h = hashlib.blake2b(home.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(h, "big") % shards


def key_prefix(settings: Settings) -> str:
    """The Redis keys of the monitors of this registry database."""
    return "pucha:monitor:" + hashlib.blake2b(settings.database_url.encode(), digest_size=6).hexdigest() + ":"


def checkpoint_name(shard: int, shards: int) -> str:
    return f"monitor/{shard:03d}-of-{shards}"


class ShardLeases:
    """The lease operations on Redis; every check-and-change is one Lua script."""

    def __init__(self, client, prefix: str, owner: str, ttl: float):
        self.r, self.prefix, self.owner = client, prefix, owner
        self.ttl_ms = max(1, int(ttl * 1000))
        self._renew = client.register_script(_RENEW)
        self._release = client.register_script(_RELEASE)
        self._heartbeat = client.register_script(_HEARTBEAT)

    def agree_shards(self, wanted: int) -> int:
        """The shard count every process uses: the first process's (a change needs all monitors stopped)."""
        self.r.set(self.prefix + "shards", wanted, nx=True)
        return int(self.r.get(self.prefix + "shards"))

    def acquire(self, shard: int) -> bool:
        return bool(self.r.set(self._key(shard), self.owner, nx=True, px=self.ttl_ms))

    def renew(self, shard: int) -> bool:
        return bool(self._renew(keys=[self._key(shard)], args=[self.owner, self.ttl_ms]))

    def release(self, shard: int) -> None:
        self._release(keys=[self._key(shard)], args=[self.owner])

    def heartbeat(self) -> int:
        """Say this process is alive; the number of live processes (this one included)."""
        return int(self._heartbeat(keys=[self.prefix + "members"], args=[self.owner, self.ttl_ms]))

    def leave(self) -> None:
        self.r.zrem(self.prefix + "members", self.owner)

    def _key(self, shard: int) -> str:
        return f"{self.prefix}lease:{shard}"


@dataclass
class _Held:
    monitor: Monitor
    task: asyncio.Task


@dataclass
class ShardedStats:
    """What ``pucha monitor`` prints at the end: the sums over every shard this process held."""

    probes: int = 0
    failed: int = 0
    snapshots: int = 0
    missed: int = 0
    days_closed: int = 0
    taken: list[int] = field(default_factory=list)  # shards acquired, in order (a shard may come back)
    lost: list[int] = field(default_factory=list)  # shards whose lease was found lost

    def add(self, s: MonitorStats) -> None:
        self.probes += s.probes
        self.failed += s.failed
        self.snapshots += s.snapshots
        self.missed += s.missed
        self.days_closed += s.days_closed


class ShardedMonitor:
    """One process's part of the shared monitoring: it holds shards and runs a Monitor per shard.

    ``make(shard, shards)`` builds the Monitor of a shard (run.build_monitor with the shard's
    sites, checkpoint and day closing); it runs in a thread, as it reads the registry.
    """

    def __init__(self, leases: ShardLeases, shards: int, make: Callable[[int, int], Monitor], ttl: float,
                 clock: Clock):
        self.leases, self.make, self.ttl, self.clock = leases, make, ttl, clock
        self.shards = leases.agree_shards(shards)
        if self.shards != shards:
            log.warning("PUCHA_MONITOR_SHARDS is %d but the running monitors use %d: using %d",
                        shards, self.shards, self.shards)
        self.held: dict[int, _Held] = {}
        self.stats = ShardedStats()
        self._stop = asyncio.Event()

    def stop(self) -> None:
        self._stop.set()

    def set_sites(self, sites: list[Any]) -> None:
        """A new registry: each held shard's monitor gets its own sites."""
        for k, h in self.held.items():
            h.monitor.set_sites([s for s in sites if shard_of(s.home_url, self.shards) == k])
            if h.task.done() and h.monitor.sites:  # it had nothing to probe and returned: now it has
                h.task = asyncio.create_task(h.monitor.run())

    async def run(self) -> ShardedStats:
        try:
            while not self._stop.is_set():
                await self._tick()
                try:
                    await asyncio.wait_for(self._stop.wait(), timeout=self.ttl / 3)
                except TimeoutError:
                    pass
        finally:
            await asyncio.gather(*(self._give_back(k) for k in list(self.held)), return_exceptions=True)
            await asyncio.to_thread(self.leases.leave)
        return self.stats

    async def _tick(self) -> None:
        live = await asyncio.to_thread(self.leases.heartbeat)
        for k in list(self.held):
            h = self.held[k]
            failed = h.task.done() and (h.task.cancelled() or h.task.exception() is not None)
            if failed:  # say why, and let any process take the shard again
                log.error("monitor of shard %d failed: %r", k, None if h.task.cancelled() else h.task.exception())
                await self._give_back(k)
            # A shard without sites keeps its lease (its monitor returned at once): sites may come.
            elif not await asyncio.to_thread(self.leases.renew, k):
                log.warning("lease of shard %d lost: its monitor stops without a final checkpoint", k)
                self.stats.lost.append(k)
                h.task.cancel()
                await asyncio.gather(h.task, return_exceptions=True)
                self.stats.add(h.monitor.stats)
                del self.held[k]
        fair = math.ceil(self.shards / max(1, live))
        while len(self.held) > fair:  # another process joined: hand back the newest shards
            await self._give_back(max(self.held))
        if len(self.held) < fair:
            start = shard_of(self.leases.owner, self.shards)  # processes try the shards in different orders
            for i in range(self.shards):
                k = (start + i) % self.shards
                if len(self.held) >= fair or self._stop.is_set():
                    break
                if k in self.held or not await asyncio.to_thread(self.leases.acquire, k):
                    continue
                try:
                    monitor = await asyncio.to_thread(self.make, k, self.shards)
                except Exception:
                    log.exception("monitor of shard %d could not start", k)
                    await asyncio.to_thread(self.leases.release, k)
                    continue
                self.held[k] = _Held(monitor, asyncio.create_task(monitor.run()))
                self.stats.taken.append(k)
                log.info("shard %d of %d taken (%d sites)", k, self.shards, len(monitor.sites))

    async def _give_back(self, k: int) -> None:
        """Stop a shard's monitor cleanly (final write and checkpoint), then release its lease."""
        h = self.held.pop(k)
        h.monitor.stop()
        await asyncio.gather(h.task, return_exceptions=True)
        self.stats.add(h.monitor.stats)
        await asyncio.to_thread(self.leases.release, k)


def new_owner() -> str:
    """A name for this process in the leases: host, pid and a random part (pids are reused)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
