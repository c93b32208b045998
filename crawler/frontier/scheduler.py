"""scrapy-redis's Scheduler on the host-aware, leased frontier of crawler.frontier.queue.

Set ``SCHEDULER = "crawler.frontier.scheduler.FrontierScheduler"`` and
``FRONTIER_SETTINGS = {"url": ..., "sweep": ..., "lease": s, "delay": s}``.

What changes from scrapy-redis (its users' reports, FIELD-NOTES.md):

- queues per host, hosts served by next allowed time (queue.HostQueues);
- ``persist`` always: a worker's close never flushes the shared queue; the
  requests it popped but never started go back at once, the rest when their
  lease lapses;
- a popped request is leased: its callback and errback are wrapped, and
  when the callback has run to its end *and* its events are flushed to the
  sink, the lease is acknowledged (in batches, a few times a second); a
  worker that dies loses nothing, its leases lapse and go back;
- requests a callback schedules are pushed with ids derived from the
  callback's journal (crawler.frontier.journal), so a replayed callback
  does not push them twice; a request that comes back from the downloader
  (a retry, a redirect) keeps its id;
- compact request encoding (crawler.frontier.codec);
- the engine is nudged every tenth of a second rather than every 5 s when
  the frontier had nothing ready.
"""
from __future__ import annotations

import logging
import time
import uuid
from collections import deque
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy_redis.scheduler import Scheduler

from pucha.events import Event

from . import journal
from .codec import encode, decode
from .dupefilter import SweepDupeFilter
from .keys import SweepKeys, connect
from .queue import HostQueues

logger = logging.getLogger(__name__)


class FrontierScheduler(Scheduler):
    def __init__(self, server, keys: SweepKeys, queues: HostQueues, crawler, batch: int = 8):
        super().__init__(server, persist=True, dupefilter=SweepDupeFilter(server, keys))
        self.keys = keys
        self.queues = queues
        self.crawler = crawler
        self.batch = batch
        self.buffer: deque[tuple[str, str]] = deque()
        self.inflight: set[str] = set()
        self.finished: list[str] = []
        self.delivering: deque[tuple[list, list[str]]] = deque()  # (their events' futures, request ids)
        self._pending = 1  # assume work until the first count
        self._pending_at = 0.0
        self._loops: list = []
        self.lost: str | None = None

    @classmethod
    def from_crawler(cls, crawler):
        conf = crawler.settings["FRONTIER_SETTINGS"]
        client = connect(conf["url"])
        keys = SweepKeys(client.pucha_prefix, conf["sweep"])
        queues = HostQueues(client, keys, delay=float(conf.get("delay", 0.0)), lease=float(conf.get("lease", 30.0)))
        inst = cls(client, keys, queues, crawler, batch=int(conf.get("batch", 8)))
        inst.stats = crawler.stats
        return inst

    def __len__(self) -> int:
        return len(self.buffer) + self.queues.pending()["queued"]

    # --- lifecycle --------------------------------------------------------------------------
    def open(self, spider) -> None:
        from twisted.internet.task import LoopingCall

        self.spider = spider
        self.queue = self.queues  # scrapy-redis's attribute name
        for fn, every in ((self._nudge, 0.1), (self._ack_finished, 0.2), (self._heartbeat, self.queues.lease / 3)):
            loop = LoopingCall(self._guard(fn))
            loop.start(every, now=False)
            self._loops.append(loop)

    def close(self, reason: str) -> None:
        for loop in self._loops:
            if loop.running:
                loop.stop()
        if self.lost:
            return
        try:
            self._ack_all()
            self.queues.nack([lid for lid, _ in self.buffer])  # popped, never started: back at once
        except Exception as exc:  # Redis gone at close: the leases lapse and come back anyway
            logger.warning("frontier: could not hand back leases on close: %s", exc)

    def flush(self) -> None:
        """Never: the sweep owns the queue (SCHEDULER_PERSIST); its keys expire when it ends."""

    def _guard(self, fn):
        def call() -> None:
            if self.lost:
                return
            try:
                fn()
            except Exception as exc:
                import redis

                if isinstance(exc, (redis.ConnectionError, redis.TimeoutError, OSError)):
                    self.lost = f"Redis lost: {exc}"
                    logger.error("frontier: %s; this worker stops, its leases go back when they lapse", self.lost)
                    self.crawler.engine.close_spider(self.spider, "redis_lost")
                else:
                    logger.exception("frontier: %s failed", fn.__name__)
        return call

    # --- scheduling -------------------------------------------------------------------------
    def enqueue_request(self, request: Request) -> bool:
        if not request.dont_filter and self.df.request_seen(request):
            self.df.log(request, self.spider)
            return False
        meta = request.meta
        tag = meta.pop("_pctx", None)
        due = meta.pop("_due", None)
        run = journal.current()
        if tag is None and run is not None:
            tag = run.step()
        payload = encode(request, self.spider)
        slot = meta.get("download_slot") or urlsplit(request.url).netloc.lower()
        if tag is None and "_lid" in meta:  # back from the downloader (retry, redirect): same id
            lid = meta["_lid"]
            self.queues.requeue(lid, payload)
            self.inflight.discard(lid)
            return True
        jk, jf = tag or ("", "")
        lid = journal.child_id(jk, jf) if jk else uuid.uuid4().hex[:12]
        self.queues.push(slot, request.priority, lid, payload, journal=(jk, jf), due=due)
        if self.stats:
            self.stats.inc_value("scheduler/enqueued/redis")
        return True

    def next_request(self) -> Request | None:
        if self.lost:
            return None
        if not self.buffer:
            popped = self.queues.pop(self.batch)
            self.buffer.extend(popped)
            self.inflight.update(lid for lid, _ in popped)
        if not self.buffer:
            return None
        lid, payload = self.buffer.popleft()
        request = decode(payload, self.spider)
        request.meta["_lid"] = lid
        request.callback = self._wrap(lid, request.callback)
        request.errback = self._wrap(lid, request.errback)
        if self.stats:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def has_pending_requests(self) -> bool:
        if self.buffer:
            return True
        now = time.monotonic()
        if now - self._pending_at > 0.5 and not self.lost:
            self._pending_at = now
            self._pending = sum(self.queues.pending().values())
        return self._pending > 0

    # --- leases -----------------------------------------------------------------------------
    def _wrap(self, lid: str, func):
        if func is None:
            return None
        func = getattr(func, "_frontier_orig", func)
        run = journal.Run(lid, self.queues.journal_key(lid), replay=lid in self.queues.replays)

        # A plain function returning the generator: Scrapy reads the source of every generator-function
        # callback it meets (to warn about return values), and a new closure each request was a new parse.
        def leased(*args: Any, **kwargs: Any):
            return self._leased(lid, run, func, args, kwargs)

        leased._frontier_orig = func  # type: ignore[attr-defined]
        return leased

    def _leased(self, lid: str, run: journal.Run, func, args: tuple, kwargs: dict):
        try:
            with journal.running(run):
                out = func(*args, **kwargs)
                it = iter(out) if out is not None else iter(())
            while True:
                with journal.running(run):
                    try:
                        item = next(it)
                    except StopIteration:
                        return
                if isinstance(item, Request):
                    item.meta["_pctx"] = run.step()
                elif isinstance(item, Event):
                    # Into the sink now, not through the item pipeline: Scrapy runs the pipeline after
                    # the callback has moved on, so the request could be acknowledged (and its worker
                    # killed) with an event counted in the ledger yet never sent.
                    self.spider.emit(item)
                    continue
                yield item
        finally:
            self.finished.append(lid)

    def _ack_finished(self) -> None:
        """Acknowledge the finished requests whose events the broker has confirmed, without waiting for it.

        Waiting on the broker here (this runs on Scrapy's event loop) stalled every download for as long
        as the broker took to answer -- for the whole outage when it restarted -- and turned late answers
        into timeouts, i.e. into different scorecards.  So the events are sent, their futures kept beside
        the requests they came from, and each tick acknowledges the leading batches already confirmed."""
        sink = getattr(self.spider, "sink", None)
        if self.finished:
            done, self.finished = self.finished, []
            futures = sink.take_sent() if sink is not None else []
            self.delivering.append((futures, done))
        acked: list[str] = []
        while self.delivering and all(f.is_done for f in self.delivering[0][0]):
            futures, done = self.delivering.popleft()
            failed = [f.exception for f in futures if f.failed()]
            if failed:
                # Events lost on the way (the broker's delivery timeout ran out): run the requests again;
                # their journals make the re-run send the same events and count nothing twice.
                logger.error("frontier: %d event message(s) not delivered (%r); %d request(s) run again",
                             len(failed), failed[0], len(done))
                self.queues.nack(done)
                self.inflight.difference_update(done)
                self.queues.replays.difference_update(done)
            else:
                acked.extend(done)
        if acked:
            self._ack(acked)

    def _ack_all(self) -> None:
        """At close: wait for the broker, then acknowledge everything finished."""
        sink = getattr(self.spider, "sink", None)
        if sink is not None:
            sink.flush()
        self._ack_finished()

    def _ack(self, done: list[str]) -> None:
        self.queues.ack(done)
        self.inflight.difference_update(done)
        self.queues.replays.difference_update(done)
        self.spider.frontier_acked(len(done))

    def _heartbeat(self) -> None:
        self.queues.extend(list(self.inflight))
        n = self.queues.reap()
        if n:
            logger.warning("frontier: %d lapsed lease(s) put back (a worker died or stalled)", n)

    def _nudge(self) -> None:
        slot = getattr(self.crawler.engine, "_slot", None)
        if slot is not None and not self.buffer:
            slot.nextcall.schedule()
