"""The distributed `pucha sweep`: publish the sweep, start local workers if asked, wait, summarise.

The sweep is done when every site's scorecard is in the store (ClickHouse)
and so is every event its crawl counted (ingest may lag the scorers);
until then a progress display shows sites done, pages fetched, queue depth
and events behind (emitted by the crawl workers, counted in Redis, minus
those stored).  The summary is the embedded sweep's (census.sweepjob.SweepSummary).
"""
from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

from pucha.errors import ServiceUnavailable
from pucha.settings import Settings
from pucha.store.base import SweepInfo
from census.sweepjob import SweepOptions, SweepSummary, new_sweep_id, select_sites

from .board import SWEEP_PARAMS, SweepBoard

DEFAULT_LOCAL_ROLES = ("crawl", "score", "ingest")


def local_commands(n: int | None) -> list[list[str]]:
    """None: one worker per role; N: N crawl workers and N scorers, one ingest (it is batched); 0: none."""
    base = [sys.executable, "-m", "census", "worker", "--role"]
    if n is None:
        return [base + [r] for r in DEFAULT_LOCAL_ROLES]
    if n <= 0:
        return []
    return [base + ["crawl"] for _ in range(n)] + [base + ["score"] for _ in range(n)] + [base + ["ingest"]]


def run_distributed_sweep(cfg: Settings, opts: SweepOptions) -> SweepSummary:
    from crawler.frontier.keys import SweepKeys, connect
    from crawler.frontier.ledger import RedisLedger
    from crawler.frontier.queue import HostQueues
    from census.progress import SweepProgress
    from pucha.store import open_store

    from pucha.transport.kafka import ensure_topics

    client = connect(cfg.redis_url)  # each: one clear line when it does not answer
    ensure_topics(cfg.kafka_bootstrap, cfg.kafka_topic_prefix, cfg.kafka_partitions)
    store = open_store(cfg)
    sites = select_sites(cfg, opts.sites)
    sweep = new_sweep_id(opts.as_of)
    params = {k: getattr(cfg, k) for k in SWEEP_PARAMS}
    store.begin_sweep(SweepInfo(sweep, opts.as_of.isoformat(), time.time(), sites=len(sites),
                                params=json.dumps(params)))
    board = SweepBoard(client)
    board.publish(sweep, {"sweep": sweep, "as_of": opts.as_of.isoformat(), "sites": [s.home_url for s in sites],
                          "started": time.time(), "params": params})
    keys = SweepKeys(client.pucha_prefix, sweep)
    ledger, queues = RedisLedger(client, keys), HostQueues(client, keys)
    workers = [subprocess.Popen(cmd) for cmd in local_commands(opts.local_workers)]
    stored = _AllStored(store, sweep, [s.home_url for s in sites])
    started = time.monotonic()
    totals = {"sites_done": len(sites), "probes": len(sites) * cfg.probe_rounds}
    extra = (("scored", "评分 scored"), ("queued", "队列 queue depth"), ("behind", "积压 events behind"))
    try:
        with SweepProgress({**totals, "scored": len(sites)}, enabled=opts.progress, extra=extra) as bar:
            down: str | None = None
            while True:
                try:
                    counts = _progress(client, keys, ledger, queues, store, sweep)
                    complete = counts["scored"] >= len(sites) and stored.check()
                except ServiceUnavailable as exc:
                    # A service lost mid-sweep: the workers wait for it, and so does the sweep.
                    if str(exc) != down:
                        print(f"pucha sweep: {exc}; waiting for it", file=sys.stderr, flush=True)
                        down = str(exc)
                    if workers and all(w.poll() is not None for w in workers):
                        raise
                    time.sleep(1.0)
                    continue
                down = None
                bar.update(counts, totals={"queued": max(counts["queued"], 1), "behind": max(counts["behind"], 1)})
                if complete:
                    break
                if workers and all(w.poll() is not None for w in workers):
                    raise RuntimeError("every local worker has exited; see their messages above")
                time.sleep(0.5)
    finally:
        for w in workers:
            if w.poll() is None:
                w.send_signal(signal.SIGTERM)
        for w in workers:
            try:
                w.wait(timeout=30)
            except subprocess.TimeoutExpired:
                w.kill()
    stats = {k.decode(): int(v) for k, v in client.hgetall(keys.stats).items()}
    store.finish_sweep(sweep)
    board.end(sweep)
    return summarise(store, sweep, opts, len(sites), stats, time.monotonic() - started)


def _progress(client, keys, ledger, queues, store, sweep: str) -> dict[str, int]:
    stats = {k.decode(): int(v) for k, v in client.hgetall(keys.stats).items()}
    stored = store.count_events(sweep)
    return {"sites_done": ledger.done_count(), "pages": stats.get("pages", 0), "checks": stats.get("checks", 0),
            "probes": stats.get("probes", 0), "queued": queues.pending()["queued"],
            "behind": max(0, stats.get("events", 0) - stored), "scored": len(store.scored_sites(sweep))}


class _AllStored:
    """Whether the store holds every event each site's SiteDone counted.

    The scorers score from the stream, ingest fills the store beside them, and
    after an outage ingest may be the one behind: a sweep declared done then
    would show scorecards whose evidence pages are not stored yet.  Sites once
    found complete are not asked again."""

    def __init__(self, store, sweep: str, sites: list[str]):
        self.store, self.sweep = store, sweep
        self.left = set(sites)

    def check(self) -> bool:
        if not self.left:
            return True
        dones = self.store.site_dones(self.sweep)
        newest: dict = {}
        for d in dones:
            if d.site in self.left and (d.site not in newest or d.at > newest[d.site].at):
                newest[d.site] = d
        if len(newest) < len(self.left):
            return False
        counts = self.store.count_by_site_kind(self.sweep, sorted(self.left))
        for site, done in newest.items():
            if all(counts.get((site, kind), 0) >= n for kind, n in done.counts):
                self.left.discard(site)
        return not self.left


def summarise(store, sweep: str, opts: SweepOptions, n_sites: int, stats: dict, seconds: float) -> SweepSummary:
    return SweepSummary(sweep, opts.as_of.isoformat(), n_sites, pages=stats.get("pages", 0),
                        checks=stats.get("checks", 0), probes=stats.get("probes", 0),
                        seconds=seconds).add_cards(store.scorecards(opts.as_of.isoformat()))
