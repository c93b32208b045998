"""Prometheus metrics of a long run: every worker and the embedded sweep (issue 14, item 5).

With ``PUCHA_METRICS_PORT`` set, a process serves ``/metrics`` (prometheus-client)
on ``PUCHA_METRICS_ADDR``.  What it counts is read off the event stream where
events pass anyway, so every role counts the same way and nothing in the crawl,
the scorers or the ingest knows about metrics:

- the crawl (the embedded sweep's hand-off, a distributed crawl worker's Kafka
  sink) counts pages by role, probes, link checks and every failure by its scan
  status (SPEC §8), and sites done;
- a consumer (scorer, ingest) counts what it consumed and, after each poll,
  how many records it is behind on each partition assigned to it;
- the frontier's queue depth and the scorecards written are gauges and counters
  of their own.

deploy/grafana/pucha.json is a dashboard of these series and
deploy/prometheus/alerts.yaml the alert rules on them.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

from prometheus_client import Counter, Gauge, start_http_server

from pucha.events import Event
from pucha.settings import Settings

EVENTS = Counter("pucha_events_total", "Events made by the crawl, by kind", ["role", "kind"])
PAGES = Counter("pucha_pages_total", "Pages fetched by the crawl, by page role and scan status (ok when read)",
                ["page_role", "scan_status"])
PROBES = Counter("pucha_probes_total", "Homepage probes, by scan status (ok when it succeeded)", ["scan_status"])
LINK_CHECKS = Counter("pucha_link_checks_total", "Link checks, by scan status (ok when the target answered)",
                      ["scan_status"])
SCAN_STATUS = Counter("pucha_scan_status_total", "Failed fetches of any kind, by scan status (SPEC §8)",
                      ["kind", "scan_status"])
SITES_DONE = Counter("pucha_sites_done_total", "Sites whose crawl is complete (SiteDone events)")
CONSUMED = Counter("pucha_consumed_events_total", "Events a consumer read from the bus", ["role"])
LAG = Gauge("pucha_consumer_lag_records", "Records a consumer is behind the end of a partition",
            ["role", "topic", "partition"])
SCORECARDS = Counter("pucha_scorecards_written_total", "Scorecards written to the store", ["role"])
QUEUE_DEPTH = Gauge("pucha_frontier_queue_depth", "Requests waiting in the crawl frontier (this worker's view)")

_served: set[int] = set()


def serve(cfg: Settings) -> bool:
    """Serve /metrics when PUCHA_METRICS_PORT is set (once per process); whether it is served."""
    port = cfg.metrics_port
    if not port:
        return False
    if port not in _served:
        start_http_server(port, addr=cfg.metrics_addr)
        _served.add(port)
    return True


def observe(events: Sequence[Event], role: str = "crawl") -> None:
    """Count a batch of the crawl's events."""
    for e in events:
        kind = e.kind
        EVENTS.labels(role, kind).inc()
        error = getattr(e, "error", None)
        status = error or ("ok" if getattr(e, "ok", True) else "http")
        if kind == "page":
            PAGES.labels(e.role, status).inc()
        elif kind == "probe":
            PROBES.labels(status).inc()
        elif kind == "link_check":
            LINK_CHECKS.labels(status).inc()
        elif kind == "site_done":
            SITES_DONE.inc()
        if error:
            SCAN_STATUS.labels(kind, error).inc()


class CountingSink:
    """A sink that counts what passes through it on its way to ``inner``."""

    def __init__(self, inner: Any, role: str = "crawl"):
        self.inner, self.role = inner, role

    def write_batch(self, events: Sequence[Event]) -> None:
        observe(events, self.role)
        self.inner.write_batch(events)

    def __getattr__(self, name: str) -> Any:  # flush, take_sent, close, counters of the inner sink
        return getattr(self.inner, name)


class MeasuredSource:
    """An event source that counts what a consumer reads and records its lag per partition after each poll
    (in the consumer's own thread: a Kafka consumer is not to be touched from the metrics server's)."""

    def __init__(self, inner: Any, role: str):
        self.inner, self.role = inner, role

    def _after(self, n: int) -> None:
        CONSUMED.labels(self.role).inc(n)
        lags: Callable[[], dict] | None = getattr(self.inner, "lags", None)
        if lags is not None:
            for (topic, partition), behind in lags().items():
                LAG.labels(self.role, topic, str(partition)).set(behind)

    def next_batch(self, timeout: float) -> list[Event]:
        out = self.inner.next_batch(timeout)
        self._after(len(out))
        return out

    def next_messages(self, timeout: float) -> list:
        out = self.inner.next_messages(timeout)
        self._after(sum(len(m.events) for m in out))
        return out

    def next_columns(self, timeout: float, into: Any = None) -> Any:
        before = len(into) if into is not None else 0
        out = self.inner.next_columns(timeout, into=into)
        self._after(len(out) - before)
        return out

    def __getattr__(self, name: str) -> Any:  # positions, commit, commit_at, close ...
        return getattr(self.inner, name)


class CountingStore:
    """A result store that counts the scorecards written through it."""

    def __init__(self, inner: Any, role: str):
        self.inner, self.role = inner, role

    def write_scorecards(self, sweep: str, cards: Sequence[dict]) -> None:
        self.inner.write_scorecards(sweep, cards)
        SCORECARDS.labels(self.role).inc(len(cards))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


class QueueDepth:
    """A Scrapy extension: the scheduler's length (the frontier's, distributed) into QUEUE_DEPTH every few
    seconds.  Enabled by the application through EXTENSIONS when metrics are served."""

    INTERVAL = 5.0

    def __init__(self, crawler: Any):
        self.crawler, self.loop = crawler, None

    @classmethod
    def from_crawler(cls, crawler: Any) -> "QueueDepth":
        from scrapy import signals
        from scrapy.exceptions import NotConfigured

        cfg = crawler.settings.get("PUCHA_SETTINGS")
        if cfg is None or not cfg.metrics_port:
            raise NotConfigured
        ext = cls(crawler)
        crawler.signals.connect(ext.opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.closed, signal=signals.spider_closed)
        return ext

    def opened(self, spider: Any) -> None:
        from twisted.internet.task import LoopingCall

        self.loop = LoopingCall(self.sample)
        self.loop.start(self.INTERVAL, now=True)

    def closed(self, spider: Any) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        QUEUE_DEPTH.set(0)

    def sample(self) -> None:
        scheduler = getattr(self.crawler.engine, "scheduler", None) if self.crawler.engine else None
        if scheduler is not None:
            QUEUE_DEPTH.set(len(scheduler))


EXTENSIONS = {"census.metrics.QueueDepth": 900}  # what the application adds to a crawl's Scrapy settings
