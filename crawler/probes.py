"""Homepage probes within a sweep (附件2: 站点无法访问, 首页可用性).

Round k of every site is sent at sweep start + (k-1) x interval, each a
single attempt (no retry: a retried probe would hide a failure) with the
probe timeout, at most 5 redirects, on a download slot of its own so that a
probe never queues behind the crawl of its host, and on a connection of its
own (crawler.handlers), so a reset is seen, not silently retried.  A probe
succeeds on a 2xx response that arrives complete within the timeout.

The first successful probe's response is also the crawl's homepage
(CensusSpider.crawl_home), so a sweep asks for each homepage exactly
``rounds`` times.
"""
from __future__ import annotations

import time
from typing import Any, Iterable, Protocol

from scrapy import Request

from pucha.events import Probe

from .middlewares.challenge import challenge_of
from .scanstatus import BLOCKED, HTTP, classify
from .settings import HANDLED_STATUSES
from .siterun import SiteRun

class ProbingSpider(Protocol):
    """What the schedule needs of its spider (crawler.spiders.census.CensusSpider): named here
    so that the probes do not import the spider that imports them."""

    sweep: str
    crawler: Any
    ledger: Any
    runs: dict[str, SiteRun]
    stats_live: dict[str, int]

    def emit(self, event: Any) -> None: ...

    def crawl_home(self, run: SiteRun, response: Any, error: str | None = None) -> Any: ...

    def finish_if_done(self, home: str) -> Any: ...


class ProbeSchedule:
    def __init__(self, spider: ProbingSpider, rounds: int, interval: float, timeout: float):
        self.spider = spider
        self.rounds = rounds
        self.interval = interval
        self.timeout = timeout
        self.t0: float | None = None
        self.pending_calls = 0
        self.sent = 0
        self.last_error: dict[str, str] = {}

    def request(self, run: SiteRun, slot: int) -> Request:
        self.sent += 1
        return Request(run.home, callback=self.on_probe, errback=self.on_probe_error, dont_filter=True,
                       priority=1000, headers={"Cache-Control": "no-cache", "Pragma": "no-cache"},
                       meta={"site": run.home, "probe_slot": slot, "dont_retry": True,
                             "download_timeout": self.timeout, "handle_httpstatus_list": HANDLED_STATUSES,
                             "download_slot": f"probe:{run.host}", "pucha_max_bytes": 64_000_000,
                             "pucha_fresh_connection": True,
                             "pucha_t": time.monotonic()})

    def first_round(self, run: SiteRun) -> Iterable[Request]:
        if self.t0 is None:
            self.t0 = time.monotonic()
        if self.rounds <= 0:
            self.spider.crawl_home(run, None, "no_probe")
            return
        yield self.request(run, 1)

    def _next(self, run: SiteRun, slot: int) -> None:
        if slot >= self.rounds:
            return
        due = self.t0 + slot * self.interval
        self.send_later(run, slot + 1, max(0.0, due - time.monotonic()))

    def send_later(self, run: SiteRun, slot: int, delay: float) -> None:
        """Send round ``slot`` after ``delay`` seconds; distributed, crawler.frontier.probes keeps it in Redis."""
        self.pending_calls += 1

        def fire() -> None:
            self.pending_calls -= 1
            self.spider.crawler.engine.crawl(self.request(run, slot))

        from twisted.internet import reactor  # the one Scrapy installed (importing it early would pick another)

        reactor.callLater(delay, fire)

    def _record(self, run: SiteRun, slot: int, ok: bool, status: int | None, error: str | None,
                elapsed: float | None, final_url: str | None) -> int:
        """Emit the probe and schedule the next round; returns the rounds still to come."""
        self.spider.stats_live["probes"] += 1
        self.spider.emit(Probe(self.spider.sweep, run.home, slot=str(slot), url=run.home, ok=ok,
                               at=time.time(), status=status, error=error,
                               elapsed_ms=None if elapsed is None else int(elapsed * 1000), final_url=final_url))
        if error:
            self.last_error[run.home] = error
        self._next(run, slot)
        return self.spider.ledger.probe_done(run.home)

    def on_probe(self, response):
        m = response.meta
        run = self.spider.runs[m["site"]]
        elapsed = time.monotonic() - m["pucha_t"] if "download_latency" not in m else m["download_latency"]
        stopped = "download_stopped" in response.flags
        blocked = challenge_of(response) is not None  # neither a success nor a failure of the site
        ok = 200 <= response.status < 300 and not stopped and elapsed <= self.timeout and not blocked
        error = None if ok else (BLOCKED if blocked else HTTP if response.status >= 300
                                 else "timeout" if elapsed > self.timeout else "other")
        left = self._record(run, m["probe_slot"], ok, response.status, error, elapsed, response.url)
        if ok:
            self.spider.crawl_home(run, response)  # the first good probe only: the ledger decides
        self._after(run, left)

    def on_probe_error(self, failure):
        m = failure.request.meta
        run = self.spider.runs[m["site"]]
        left = self._record(run, m["probe_slot"], False, None, classify(failure), None, None)
        self._after(run, left)

    def _after(self, run: SiteRun, left: int) -> None:
        if left <= 0:
            # No good probe at all: the homepage is crawled as failed (crawl_home is a no-op otherwise).
            self.spider.crawl_home(run, None, self.last_error.get(run.home))
        self.spider.finish_if_done(run.home)
