"""The census spider on the shared frontier: any worker, any request of any site.

DistributedCensusSpider is CensusSpider with the Redis parts swapped in: the
probe rounds (crawler.frontier.probes), seeding each site once across workers
(claimed in the ledger; a worker that dies while seeding loses its claim when
it lapses, and the next one replays the seeding from its journal), and
closing only when every site of the sweep is done -- not when this worker's
share of the queue is empty.
"""
from __future__ import annotations

import logging
import time
from typing import Any, AsyncIterator

from scrapy.exceptions import DontCloseSpider

from crawler.spiders.census import CensusSpider

from . import journal
from .probes import RedisProbeSchedule

logger = logging.getLogger(__name__)


class DistributedCensusSpider(CensusSpider):
    name = "census_distributed"
    # Every worker handles any request of any site, and closes by counting them all: all runs, kept.
    forget_finished = False

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        list(self.take_runs())  # all at once, into self.runs

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        conf = crawler.settings["FRONTIER_SETTINGS"]
        spider.frontier_conf = conf
        spider.probes = RedisProbeSchedule(spider, spider.cfg.probe_rounds, spider.cfg.probe_interval,
                                           spider.cfg.probe_timeout, started=float(conf["started"]))
        spider._quiet_since = None
        spider._reported = {}
        spider._seeding = {}  # site -> journal key of the seeding this worker claimed and has not finished
        return spider

    @property
    def scheduler(self):
        return self.crawler.engine._slot.scheduler

    async def start(self) -> AsyncIterator[Any]:
        for run in self.runs.values():
            for req in self._claim_and_seed(run):
                yield req
            # Marked after the engine took this site's seeds (it takes each before asking for the next).
            self._seeded(run)

    def _claim_and_seed(self, run) -> list:
        """This site's seeds when this worker wins its seeding claim (first, or after a dead seeder's claim
        lapsed); a replayed seeding pushes nothing its first run pushed (the journal)."""
        hold = float(self.frontier_conf.get("lease", 30.0)) * 2
        if self.ledger.is_done(run.home) or not self.ledger.claim_seed(run.home, hold):
            return []
        lid = journal.child_id("seed", run.home)
        jkey = self.scheduler.queues.journal_key(lid)
        # A journal left by a seeder that died makes this a replay: its answers, not this worker's caches
        # (a URL this worker claimed since would skip a seed the first run made, and shift every step after).
        seeding = journal.Run(lid, jkey, replay=bool(self.scheduler.queues.client.exists(jkey)))
        with journal.running(seeding):
            requests = list(self._seed(run))
        for req in requests:
            req.meta["_pctx"] = seeding.step()
        self._seeding[run.home] = seeding.jkey
        return requests

    def _seeded(self, run) -> None:
        jkey = self._seeding.pop(run.home, None)
        if jkey is None:
            return
        self.ledger.seed_done(run.home)
        self.scheduler.queues.client.delete(jkey)

    def _reseed_lapsed(self, sites: list[str]) -> None:
        """Seed the sites whose seeder died mid-way: its claim lapsed, and start() (which every worker runs
        once, at its start) will not look at them again."""
        for site in sites:
            run = self.runs.get(site)
            if run is None:
                continue
            requests = self._claim_and_seed(run)
            if run.home not in self._seeding:
                continue
            logger.warning("site %s: its seeding was left unfinished (a worker died); seeding it again", site)
            for req in requests:
                self.crawler.engine.crawl(req)  # enqueued at once (scheduler.enqueue_request)
            self._seeded(run)

    def _idle(self) -> None:
        pending = self.scheduler.queues.pending()
        if self.ledger.done_count() >= len(self.runs) and not any(pending.values()):
            # Every site is done and no request is left anywhere: this worker may close.  A request still
            # leased or queued (a dead worker's, its lease lapsed) is run first: its events may be owed.
            return
        unseeded = self.ledger.unseeded(list(self.runs))
        if unseeded:
            self._reseed_lapsed(unseeded)
        if any(pending.values()) or unseeded:
            self._quiet_since = None
            raise DontCloseSpider
        # Nothing queued, leased or due anywhere, every site seeded, yet some still owe: an error of ours.
        now = time.monotonic()
        if self._quiet_since is None:
            self._quiet_since = now
        if now - self._quiet_since < float(self.frontier_conf.get("lease", 30.0)) * 2:
            raise DontCloseSpider
        done = self.ledger.done_sites()
        for site in self.runs:
            if site not in done:
                logger.warning("site %s closed with %d item(s) owed", site, self.ledger.owed(site))
                self.ledger.force_finish(site)
                self.finish_if_done(site)
        raise DontCloseSpider

    def frontier_acked(self, n: int) -> None:
        """Called after each batch of acknowledgements: add this worker's progress to the sweep's counters."""
        client = self.scheduler.queues.client
        key = self.scheduler.keys.base + "stats"
        p = client.pipeline(transaction=False)
        now = dict(self.stats_live, events=sum(getattr(self.sink, "produced", {}).values()))
        for k in ("pages", "checks", "probes", "events"):
            delta = now.get(k, 0) - self._reported.get(k, 0)
            if delta:
                p.hincrby(key, k, delta)
                self._reported[k] = now.get(k, 0)
        p.execute()
