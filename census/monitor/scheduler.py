"""The monitor's scheduler: every site's next slot in one heap, probes launched when due.

The heap holds one entry per site (its next slot), so memory grows with the
number of sites, not with probes per day.  Probes run concurrently (bounded
by ``concurrency``); results are buffered and written to the store about
once a second, and right after each write the position is saved
(checkpoint.py), so a restart resumes where the store ends.  Slots that fell
due while the monitor was down are probed on restart, late but not lost, up
to ``catchup`` seconds back; older ones are counted as missed.

A Shanghai day is closed (``on_day(day)``: scoring, trends, alerts) once
every slot of it is stored, one day at a time, in order; in real time it runs
in a thread beside the probing, with a simulated clock inline.
"""
from __future__ import annotations

import asyncio
import heapq
import json
import logging
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Callable, Sequence

from pucha.events import Event, Probe
from pucha.registry.records import SiteRecord
from pucha.store.base import SweepInfo

from .checkpoint import Checkpoint, Position
from .clock import DAY, Clock, day_end, day_of
from pucha.scanstatus import BLOCKED

from .prober import new_session, probe
from .schedule import Slot, first_slot_from, monitor_sweep_id, next_slot
from .snapshots import SnapshotKeeper
from .watch import Crossing, FailureWindow

log = logging.getLogger("census.monitor")


@dataclass
class MonitorStats:
    probes: int = 0
    failed: int = 0
    snapshots: int = 0
    missed: int = 0  # slots older than the catch-up horizon when the monitor came back
    resumed_done: int = 0  # slots skipped on start because the checkpoint had them stored
    max_lag: float = 0.0  # seconds between a slot's due time and its launch
    days_closed: int = 0


class Monitor:
    def __init__(self, sites: Sequence[SiteRecord], store, checkpoint: Checkpoint, clock: Clock, *,
                 per_day: int = 20, timeout: float = 15.0, max_redirects: int = 5,
                 user_agent: str = "pucha", concurrency: int = 512, flush_every: float = 1.0,
                 catchup: float = DAY, on_day: Callable[[date], None] | None = None,
                 watch: FailureWindow | None = None,
                 on_crossings: Callable[[list[Crossing]], object] | None = None):
        if per_day < 1:
            raise ValueError(f"probes_per_day 须为正整数，收到 {per_day}")
        self.sites = {s.home_url: s for s in sites}
        self.store, self.checkpoint, self.clock = store, checkpoint, clock
        self.per_day, self.timeout, self.max_redirects = per_day, timeout, max_redirects
        self.user_agent, self.concurrency = user_agent, concurrency
        self.flush_every, self.catchup, self.on_day = flush_every, catchup, on_day
        self.watch, self.on_crossings = watch, on_crossings
        self.crossings: list[Crossing] = []  # veto.unreachable made certain since the last flush
        self._side: set[asyncio.Task] = set()  # alerts being recorded and mailed off the loop
        self.stats = MonitorStats()
        # Every site's day read within half a day (snapshots.py), however many sites start at once.
        self.keeper = SnapshotKeeper(reads_per_second=max(1.0, 2.0 * len(self.sites) / DAY))
        self.heap: list[Slot] = []
        self.in_flight: dict[tuple[str, str], float] = {}
        self.completed: dict[tuple[str, str], float] = {}  # since the last save
        self.buffer: list[Event] = []
        self.tasks: set[asyncio.Task] = set()
        self.pos: Position | None = None
        self._begun: set[str] = set()
        self._last_flush = 0.0
        self._closing: asyncio.Task | None = None
        self._stop = asyncio.Event()

    # --- public ----------------------------------------------------------------------------
    def stop(self) -> None:
        """Finish the probes in flight, store them, save the position, return from run()."""
        self._stop.set()

    def set_sites(self, sites: Sequence[SiteRecord]) -> None:
        """A new registry: new sites join from now, removed ones are dropped at their next slot."""
        old = set(self.sites)
        self.sites = {s.home_url: s for s in sites}
        self.keeper.rate = max(1.0, 2.0 * len(self.sites) / DAY)
        for home in self.sites.keys() - old:
            self._push(first_slot_from(home, self.clock.now(), self.per_day))

    async def run(self, until: float | None = None) -> MonitorStats:
        """Probe until stopped (or until the next slot is due at or after ``until``)."""
        self._start()
        sem = asyncio.Semaphore(self.concurrency)
        session = new_session(self.user_agent, self.concurrency)
        try:
            while not self._stop.is_set() and self.heap:
                slot = self.heap[0]
                if until is not None and slot.due >= until:
                    break
                now = self.clock.now()
                if slot.due > now:
                    await self._idle(now, slot.due)
                    continue
                heapq.heappop(self.heap)
                if slot.site not in self.sites:
                    continue  # no longer registered
                self._push(next_slot(slot, self.per_day))
                if slot.due < now - self.catchup:
                    self.stats.missed += 1
                    continue
                await sem.acquire()
                self.stats.max_lag = max(self.stats.max_lag, self.clock.now() - slot.due)
                self.in_flight[(slot.site, slot.name)] = slot.due
                task = asyncio.create_task(self._probe(session, slot, sem))
                self.tasks.add(task)
                task.add_done_callback(self.tasks.discard)
                if self.clock.now() - self._last_flush >= self.flush_every:
                    self._flush()
            await self._drain()
            self._flush()
            await self._close_days(wait=True)
            if self._side:
                await asyncio.gather(*self._side, return_exceptions=True)
        finally:
            await session.close()
        return self.stats

    # --- the loop's parts --------------------------------------------------------------------
    def _start(self) -> None:
        now = self.clock.now()
        pos = self.checkpoint.load()
        if pos is not None and pos.per_day != self.per_day:
            log.warning("probes per day changed from %s to %s: the schedule starts afresh now",
                        pos.per_day, self.per_day)
            pos = Position(now, self.per_day, {}, pos.closed_day)
        if pos is None:
            pos = Position(now, self.per_day, {}, day_of(now) - timedelta(days=1))
        self.pos = pos
        self.stats.resumed_done = len(pos.done)
        self.heap = []
        for home in self.sites:
            self._push(first_slot_from(home, pos.watermark, self.per_day))
        self._last_flush = now

    def _push(self, slot: Slot) -> None:
        assert self.pos is not None
        while (slot.site, slot.name) in self.pos.done:
            slot = next_slot(slot, self.per_day)
        heapq.heappush(self.heap, slot)

    async def _idle(self, now: float, due: float) -> None:
        if self.clock.simulated:
            # Let every probe finish at the moment it was sent for, then jump.
            await self._drain()
            self._flush()
            await self._close_days(wait=True)
            await self.clock.sleep_until(due)
            return
        if self.buffer and now - self._last_flush >= self.flush_every:
            self._flush()
        await self._close_days(wait=False)
        wake = min(due, now + self.flush_every) if self.buffer else due
        try:
            await asyncio.wait_for(self._stop.wait(), timeout=max(0.0, wake - now))
        except TimeoutError:
            pass

    async def _drain(self) -> None:
        while self.tasks:
            await asyncio.gather(*list(self.tasks), return_exceptions=True)

    async def _probe(self, session, slot: Slot, sem: asyncio.Semaphore) -> None:
        key = (slot.site, slot.name)
        try:
            at = self.clock.now()
            res = await probe(session, slot.site, self.timeout, self.max_redirects)
            sweep = monitor_sweep_id(slot.day)
            self.buffer.append(Probe(sweep, slot.site, slot=slot.name, url=slot.site, ok=res.ok, at=at,
                                     status=res.status, error=res.error, elapsed_ms=res.elapsed_ms,
                                     final_url=res.final_url))
            self.stats.probes += 1
            counts = res.error != BLOCKED  # a firewall's answer is neither up nor down (SPEC §8)
            if self.watch is not None and counts:
                crossing = self.watch.note(slot.site, slot.day, res.ok, at)
                if crossing is not None:
                    self.crossings.append(crossing)
            if not res.ok:
                self.stats.failed += counts
            elif res.body:
                try:
                    snap = self.keeper.take(sweep, slot, res, at)
                except Exception:  # a page pucha cannot read must not stop the monitor
                    log.exception("snapshot of %s failed", slot.site)
                    snap = None
                if snap is not None:
                    self.buffer.append(snap)
                    self.stats.snapshots += 1
            self.completed[key] = slot.due
        finally:
            self.in_flight.pop(key, None)
            sem.release()

    def _flush(self) -> None:
        """Write the buffered events, then save the position they complete."""
        assert self.pos is not None
        self._last_flush = self.clock.now()
        if self.buffer:
            for sweep in {e.sweep for e in self.buffer} - self._begun:
                self._begin(sweep)
            batch, self.buffer = self.buffer, []
            self.store.write_events(batch)
        dues = list(self.in_flight.values())
        if self.heap:
            dues.append(self.heap[0].due)
        # Nothing is left to probe: everything due before "now" is done.
        watermark = min(dues) if dues else max(self.pos.watermark, self.clock.now())
        done = {k: d for k, d in {**self.pos.done, **self.completed}.items() if d >= watermark}
        if watermark == self.pos.watermark and done == self.pos.done and not self.completed:
            return
        self.pos.watermark, self.pos.done = watermark, done
        self.completed = {}
        self.checkpoint.save(self.pos)
        self._hand_over_crossings()

    def _hand_over_crossings(self) -> None:
        if not self.crossings or self.on_crossings is None:
            self.crossings = []
            return
        batch, self.crossings = self.crossings, []
        if self.clock.simulated:
            self.on_crossings(batch)
            return
        task = asyncio.get_running_loop().create_task(asyncio.to_thread(self.on_crossings, batch))
        self._side.add(task)
        task.add_done_callback(self._crossings_done)

    def _crossings_done(self, task: asyncio.Task) -> None:
        self._side.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("recording alerts failed: %s", task.exception())

    def _begin(self, sweep: str) -> None:
        self._begun.add(sweep)
        if self.store.sweep(sweep) is None:
            first = date.fromisoformat(sweep.removeprefix("monitor-") + "-01")
            self.store.begin_sweep(SweepInfo(sweep, first.isoformat(), self.clock.now(), status="running",
                                             sites=len(self.sites),
                                             params=json.dumps({"probes_per_day": self.per_day,
                                                                "probe_timeout": self.timeout})))

    async def _close_days(self, wait: bool) -> None:
        """Close every day whose slots are all stored, in order (one closing at a time)."""
        if self.on_day is None or self.pos is None:
            return
        if self._closing is not None:
            if not self._closing.done() and not wait:
                return
            try:
                await self._closing
            except Exception:
                pass  # logged by _closed; the day is tried again
            finally:
                self._closing = None
        while self.pos.closed_day is not None:
            day = self.pos.closed_day + timedelta(days=1)
            if day_end(day) > self.pos.watermark:
                return
            if self.clock.simulated:
                self.on_day(day)
            else:
                self._closing = asyncio.create_task(asyncio.to_thread(self.on_day, day))
                if not wait:
                    self._closing.add_done_callback(lambda t, d=day: self._closed(d, t))
                    return
                await self._closing
                self._closing = None
            self.pos.closed_day = day
            self.stats.days_closed += 1
            self.checkpoint.save(self.pos)

    def _closed(self, day: date, task: asyncio.Task) -> None:
        if task.cancelled() or task.exception() is not None:
            log.error("closing %s failed: %s", day, task.exception() if not task.cancelled() else "cancelled")
            return
        assert self.pos is not None
        self.pos.closed_day = day
        self.stats.days_closed += 1
        self.checkpoint.save(self.pos)
