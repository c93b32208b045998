"""Probe rounds across workers: the next round waits in Redis, not in one process's reactor.

crawler.probes.ProbeSchedule sends round k+1 with reactor.callLater in the
process that handled round k, so a worker that dies would take the rest of
its sites' rounds with it.  Here the request of the next round is pushed to
the frontier with a due time (queue.HostQueues keeps it in ``delayed``, and
every worker's pop moves due rounds into their host's probe queue), as part
of the probe callback's journal, so a replayed callback schedules it once.
Round k is due at the sweep's start + (k-1) x interval on the wall clock, the
same for every worker.
"""
from __future__ import annotations

import time

from crawler.probes import ProbeSchedule
from crawler.siterun import SiteRun


class RedisProbeSchedule(ProbeSchedule):
    def __init__(self, spider, rounds: int, interval: float, timeout: float, started: float):
        super().__init__(spider, rounds, interval, timeout)
        # The parent counts due times on this process's monotonic clock from t0: place t0 at the sweep's start.
        self.t0 = time.monotonic() - (time.time() - started)

    def send_later(self, run: SiteRun, slot: int, delay: float) -> None:
        request = self.request(run, slot)
        request.meta["_due"] = time.time() + delay
        self.spider.crawler.engine.crawl(request)
