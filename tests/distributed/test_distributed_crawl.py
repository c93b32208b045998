"""Two crawl workers on the Redis frontier, events on Kafka: the same scorecards as the embedded sweep.

The events the workers put on Kafka are read back, stored and scored here
(scorers.scoring.SiteScorer), so this checks the crawl side on its own; the
full pipeline with stream scorers and ClickHouse is test_distributed_sweep.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from sweepkit import AS_OF, ROOT, SITES, TIMEOUT, base_env, essence

pytestmark = [pytest.mark.services, pytest.mark.slow]


def publish(redis_url: str, sites: list[str], params: dict) -> str:
    from crawler.frontier.keys import connect
    from census.distributed.board import SweepBoard

    sweep = f"{AS_OF}T-test-{int(time.time() * 1000) % 10**8}"
    SweepBoard(connect(redis_url)).publish(sweep, {"sweep": sweep, "as_of": AS_OF, "sites": sites,
                                                   "started": time.time(), "params": params})
    return sweep


def crawl_worker(sweep: str, env: dict) -> subprocess.Popen:
    # The log goes to a file: a pipe nobody reads fills up and blocks the worker.
    log = open(Path(env["PUCHA_HOME"]) / f"crawl-{sweep}-{time.monotonic_ns()}.log", "w+")
    proc = subprocess.Popen([sys.executable, "-m", "census.distributed.crawlproc", sweep], env=env, cwd=ROOT,
                            stdout=log, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    proc.log = log  # type: ignore[attr-defined]
    return proc


def read_events(bootstrap: str, prefix: str, sweep: str, n_sites: int, timeout: float = 120.0) -> list:
    from pucha.transport.kafka import KafkaSource

    src = KafkaSource(bootstrap, f"g-{sweep}", prefix, session_timeout=6.0)
    events, done, quiet = [], set(), 0
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline and (len(done) < n_sites or quiet < 3):
            batch = [e for e in src.next_batch(1.0) if e.sweep == sweep]
            events.extend(batch)
            done |= {e.site for e in batch if e.kind == "site_done"}
            quiet = quiet + 1 if not batch else 0
    finally:
        src.close()
    return events


def score(events: list, sweep: str, home, sites: list[str]) -> dict[str, dict]:
    from pucha.registry.loader import load_sites
    from pucha.store.base import SweepInfo
    from pucha.store.embedded import EmbeddedStore
    from scorers.scoring import SiteScorer

    store = EmbeddedStore(home / f"{sweep}.sqlite3")
    store.begin_sweep(SweepInfo(sweep, AS_OF, time.time(), sites=len(sites)))
    store.write_events(events)
    records = {s.home_url: s for s in load_sites(base_env(home)["PUCHA_DATABASE_URL"]) if s.home_url in sites}
    scorer = SiteScorer(store, sweep, records, date.fromisoformat(AS_OF))
    for site in sites:
        scorer.score_and_store(site)
    from census.report import build_report

    report = build_report(store.scorecards(AS_OF), AS_OF, [], "2015")
    return {s["home_url"]: s for s in report["sites"]}


def run_distributed_crawl(redis_ns, kafka_broker, kafka_prefix, registry_home, embedded_cards, kill_after=None):
    url = f"{redis_ns.url}?prefix={redis_ns.prefix}"
    env = dict(base_env(registry_home), PUCHA_REDIS_URL=url, PUCHA_KAFKA_BOOTSTRAP=kafka_broker.bootstrap,
               PUCHA_KAFKA_TOPIC_PREFIX=kafka_prefix, PUCHA_FRONTIER_LEASE="3")
    sites = sorted(embedded_cards)
    sweep = publish(url, sites, {"probe_rounds": 3, "probe_interval": 0.5, "probe_timeout": TIMEOUT,
                                 "link_timeout": TIMEOUT})  # as sweepkit.SWEEP_ARGS
    workers = [crawl_worker(sweep, env), crawl_worker(sweep, env)]
    try:
        if kill_after is not None:
            time.sleep(kill_after)
            victim = workers[0]
            os.killpg(victim.pid, signal.SIGKILL)
            victim.wait()
            workers.append(crawl_worker(sweep, env))  # another takes its place
        for w in workers[1 if kill_after is not None else 0:]:
            code = w.wait(timeout=300)
            w.log.seek(0)
            assert code == 0, w.log.read()[-3000:]
    finally:  # no worker outlives the test, also when it fails
        for w in workers:
            try:
                os.killpg(w.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            w.wait()
            w.log.close()
    events = read_events(kafka_broker.bootstrap, kafka_prefix, sweep, len(sites))
    return sweep, events


def test_two_crawl_workers_give_the_embedded_scorecards(redis_ns, kafka_broker, kafka_prefix, registry_home,
                                                       embedded_cards, fleet):
    sweep, events = run_distributed_crawl(redis_ns, kafka_broker, kafka_prefix, registry_home, embedded_cards)
    assert len({e.site for e in events if e.kind == "site_done"}) == SITES
    cards = score(events, sweep, registry_home, sorted(embedded_cards))
    differ = {s: (essence(cards[s]), essence(embedded_cards[s])) for s in embedded_cards
              if essence(cards[s]) != essence(embedded_cards[s])}
    assert not differ, differ
    # Both agree with the fleet's truth as well.
    from census.demo import compare_with_truth

    agree, diffs = compare_with_truth({"sites": list(cards.values())}, fleet.truth)
    assert agree == SITES, diffs
    # Memory is bounded: nothing of the sweep is left queued or leased.
    from crawler.frontier.keys import SweepKeys, connect
    from crawler.frontier.queue import HostQueues

    client = connect(f"{redis_ns.url}?prefix={redis_ns.prefix}")
    assert HostQueues(client, SweepKeys(redis_ns.prefix, sweep)).pending() == {"queued": 0, "leased": 0, "delayed": 0}


def test_a_crawl_worker_killed_mid_sweep_loses_nothing(redis_ns, kafka_broker, kafka_prefix, registry_home,
                                                      embedded_cards):
    sweep, events = run_distributed_crawl(redis_ns, kafka_broker, kafka_prefix, registry_home, embedded_cards,
                                          kill_after=4.0)
    cards = score(events, sweep, registry_home, sorted(embedded_cards))
    differ = {s: (essence(cards[s]), essence(embedded_cards[s])) for s in embedded_cards
              if essence(cards[s]) != essence(embedded_cards[s])}
    assert not differ, differ
    # Every page the embedded sweep fetched was fetched here too (at least once).
    pages = {(e.site, e.url) for e in events if e.kind == "page"}
    assert len({e.site for e in events if e.kind == "site_done"}) == SITES
    assert pages, "no pages"
