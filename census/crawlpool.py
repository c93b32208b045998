"""The embedded sweep on every core: several crawl processes, one store and one scorer (issue 14, item 1).

Scrapy runs one reactor per process on one core.  With ``PUCHA_CRAWL_PROCESSES``
crawl processes (0: one per core) the registry's sites are split among them by
a hash of their host, so a host is only ever crawled by one process and its
politeness delay holds, and each child streams its own share from the registry
(census.sweepjob.SiteSource) as the single process does; each child runs the census spider as the single-process sweep does and
sends its events, as JSON lines, through one queue to this process, which
stores them and scores each site at its SiteDone (pucha.transport.LocalHandOff).
A child's events arrive in the order it made them, so a site's SiteDone
follows all of its events.  A child that dies without saying it finished
fails the sweep; ``pucha sweep --resume`` then crawls the unfinished sites
again, as after any interruption.

Link targets are checked once per process rather than once per sweep: two
processes whose sites link to one target each check it (the same answer, at
most N requests instead of one).
"""
from __future__ import annotations

import hashlib
import multiprocessing
import os
import queue as queues
import threading
import time
from collections import defaultdict
from datetime import date
from typing import Any, Callable, Sequence
from urllib.parse import urlsplit

from pucha.events import Event, from_json
from pucha.settings import Settings

BATCH = 500  # events per queue message: fewer pickles, and a site's SiteDone still goes at once
_POLL = 1.0


def processes_for(cfg: Settings, n_sites: int) -> int:
    """How many crawl processes a sweep of ``n_sites`` uses: the setting (0: every core), at most one a site."""
    wanted = cfg.crawl_processes or os.cpu_count() or 1
    return max(1, min(wanted, n_sites))


def share_of(home_url: str, n: int) -> int:
    """Which of ``n`` crawl processes crawls a site: by its host, so a host is never split (its politeness
    holds), and the same in every process without any of them reading the whole registry."""
    host = urlsplit(home_url).netloc.lower()
    return int.from_bytes(hashlib.blake2b(host.encode("utf-8"), digest_size=8).digest(), "big") % n


class QueueSink:
    """A child's sink: events as JSON lines, in batches, onto the queue to the parent."""

    def __init__(self, q: Any, index: int):
        self.q, self.index, self.lines = q, index, []

    def write_batch(self, events: Sequence[Event]) -> None:
        self.lines.extend(e.to_json() for e in events)
        if len(self.lines) >= BATCH or any(e.kind == "site_done" for e in events):
            self.flush()

    def flush(self) -> None:
        if self.lines:
            self.q.put(("events", self.index, self.lines))
            self.lines = []

    def take_sent(self) -> list:
        self.flush()
        return []

    def close(self) -> None:
        self.flush()


def _exit_when_orphaned(parent: int) -> None:
    # A parent killed outright cannot stop its children; one left alone would crawl on, its queue unread.
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)


def _child(cfg: Settings, n: int, index: int, wanted: set[str] | None, skip: set[str], sweep: str, as_of: date,
           q: Any) -> None:
    from census.sweepjob import SiteSource
    from crawler.run import run_crawl

    threading.Thread(target=_exit_when_orphaned, args=(os.getppid(),), daemon=True).start()
    source = SiteSource(cfg.database_url, wanted, cfg.registry_batch)
    mine = (s for s in source.for_crawl(skip) if share_of(s.home_url, n) == index)
    sink = QueueSink(q, index)
    counts = run_crawl(cfg, mine, sweep=sweep, as_of=as_of, sink=sink, on_tick=lambda c: q.put(("tick", index, c)))
    sink.flush()
    q.put(("done", index, counts))


def crawl_in_processes(cfg: Settings, n: int, wanted: set[str] | None, skip: set[str], *, sweep: str, as_of: date,
                       sink: Any, on_tick: Callable[[dict], None] | None = None) -> dict:
    """Crawl the registry's sites (``wanted``, or all; but ``skip``) in ``n`` processes, each its share by
    host; their events go into ``sink`` here.  The summed counts."""
    ctx = multiprocessing.get_context("spawn")  # a fresh interpreter each: Scrapy's reactor is per process
    q = ctx.Queue(maxsize=256)
    procs = [ctx.Process(target=_child, args=(cfg, n, i, wanted, skip, sweep, as_of, q), daemon=True,
                         name=f"pucha-crawl-{i}") for i in range(n)]
    for p in procs:
        p.start()
    ticks: dict[int, dict] = {}
    finished: dict[int, dict] = {}
    try:
        while len(finished) < len(procs):
            try:
                what, index, body = q.get(timeout=_POLL)
            except queues.Empty:
                dead = [i for i, p in enumerate(procs) if i not in finished and not p.is_alive()]
                if dead:
                    codes = ", ".join(f"#{i}: exit {procs[i].exitcode}" for i in dead)
                    raise RuntimeError(f"crawl process died before it finished ({codes}); "
                                       "run `pucha sweep --resume SWEEP` to finish the sweep")
                continue
            if what == "events":
                sink.write_batch([from_json(line) for line in body])
            elif what == "tick":
                ticks[index] = body
                if on_tick is not None:
                    on_tick(_summed(ticks.values()))
            else:
                finished[index] = ticks[index] = body
    finally:
        for p in procs:
            if p.is_alive() and len(finished) < len(procs):
                p.terminate()
            p.join(timeout=10)
    counts = _summed(finished.values())
    if on_tick is not None:
        on_tick(counts)
    return counts


def _summed(parts) -> dict:
    total: dict = defaultdict(int)
    for part in parts:
        for key, value in part.items():
            total[key] += value
    return dict(total)
