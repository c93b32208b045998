"""Kafka -> ingest -> ClickHouse and Kafka -> stream scorer -> ClickHouse give the embedded sweep's scorecards.

A real fleet is swept once, embedded (the reference); its events are then
replayed into the real Tansu broker and moved by the real ingest and stream
scorer into the real ClickHouse.  The scorecards must be identical, with a
replayed duplicate stream, and with a scorer SIGKILLed mid-stream and
replaced.
"""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from census.distributed.consumers import ingest_from_kafka, score_from_kafka
from pucha import settings as settings_mod
from pucha.transport.kafka import KafkaSink
from pucha_fleet import FleetProcess
from pucha.store.clickhouse import ClickHouseStore
from pucha.store.embedded import EmbeddedStore
from pucha.store.regions import region_rows

pytestmark = [pytest.mark.services, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
AS_OF = "2026-11-26"


@pytest.fixture(scope="module")
def swept(tmp_path_factory):
    """An embedded sweep of a 12-site fleet: (home, sweep info, events, reference cards)."""
    home = tmp_path_factory.mktemp("embedded")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PUCHA_")}
    env.update(PUCHA_HOME=str(home), PUCHA_DELAY_PER_HOST="0.02", PUCHA_RETRIES="1")
    with FleetProcess(home / "fleet", sites=12, seed=11, as_of=AS_OF, rounds=6, hang=2.0) as fleet:
        run = lambda *a: subprocess.run([sys.executable, "-m", "census", *a], env=env, cwd=home, check=True,  # noqa: E731
                                        capture_output=True, text=True, timeout=400)
        run("registry", "import", str(fleet.registry_xlsx))
        run("sweep", "--as-of", AS_OF, "--probe-rounds", "6", "--probe-interval", "0.2", "--probe-timeout", "1.0",
            "--link-timeout", "1.0")
    store = EmbeddedStore(home / "results.sqlite3")
    info = store.sweeps()[-1]
    events = list(store.events(info.sweep))
    cards = store.scorecards(AS_OF)
    store.close()
    assert len(cards) == 12 and len(events) > 12 * 20
    return home, info, events, cards


def worker_env(home: Path, broker, clickhouse_url: str, prefix: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PUCHA_")}
    env.update(PUCHA_HOME=str(home), PUCHA_KAFKA_BOOTSTRAP=broker.bootstrap, PUCHA_CLICKHOUSE_URL=clickhouse_url,
               PUCHA_KAFKA_TOPIC_PREFIX=prefix, PUCHA_KAFKA_SESSION_TIMEOUT="6", PUCHA_KAFKA_PARTITIONS="4")
    return env


def produce(broker, prefix: str, events: list) -> None:
    sink = KafkaSink(broker.bootstrap, prefix, partitions=4)
    sink.write_batch(events)
    sink.close()


def wait_for_cards(store: ClickHouseStore, n: int, limit: float = 120.0) -> list[dict]:
    deadline = time.monotonic() + limit
    cards: list[dict] = []
    while time.monotonic() < deadline:
        cards = store.scorecards(AS_OF)
        if len(cards) >= n:
            return cards
        time.sleep(0.5)
    return cards


def by_site(events: list) -> list:
    """The events as a crawler emits them: site after site, SiteDone last."""
    return sorted(events, key=lambda e: (e.site, e.kind == "site_done"))


def test_ingest_and_scorer_in_threads_match_the_embedded_sweep(swept, kafka_broker, clickhouse_url, kafka_prefix):
    home, info, events, reference = swept
    ch = ClickHouseStore.from_url(clickhouse_url)
    ch.begin_sweep(info)
    cfg = settings_mod.load(worker_env(home, kafka_broker, clickhouse_url, kafka_prefix))
    stop = threading.Event()
    results: dict = {}
    threads = [threading.Thread(target=lambda: results.__setitem__("ingest", ingest_from_kafka(cfg, stop))),
               threading.Thread(target=lambda: results.__setitem__("score", score_from_kafka(cfg, stop, settle=2.0)))]
    for t in threads:
        t.start()
    stream = by_site(events)
    replay = random.Random(5).sample(stream, len(stream) // 3)  # a replayed part: duplicates change nothing
    produce(kafka_broker, kafka_prefix, stream + replay)
    cards = wait_for_cards(ch, len(reference))
    deadline = time.monotonic() + 60
    while ch.count_events(info.sweep) < len(events) and time.monotonic() < deadline:
        time.sleep(0.5)
    stop.set()
    for t in threads:
        t.join(60)
    assert cards == reference
    assert ch.count_events(info.sweep) == len(events)
    assert results["ingest"].rows == len(stream) + len(replay)
    assert results["score"].events == len(stream) + len(replay)
    assert ch.region_table(AS_OF) == region_rows(reference)
    ch.close()


def test_a_scorer_killed_mid_stream_loses_nothing(swept, kafka_broker, clickhouse_url, kafka_prefix):
    home, info, events, reference = swept
    ch = ClickHouseStore.from_url(clickhouse_url)
    ch.begin_sweep(info)
    env = worker_env(home, kafka_broker, clickhouse_url, kafka_prefix)
    cfg = settings_mod.load(env)
    stop = threading.Event()
    ingest = threading.Thread(target=ingest_from_kafka, args=(cfg, stop))
    ingest.start()
    stream = by_site(events)
    sites = sorted({e.site for e in stream})
    first = [e for e in stream if e.site in sites[:4]]
    rest = [e for e in stream if e.site not in sites[:4]]
    log_a = open(home / f"scorer-a-{kafka_prefix}.log", "w")
    scorer_a = subprocess.Popen([sys.executable, "-m", "census.distributed.consumers", "score"], env=env, cwd=ROOT, stdout=log_a,
                                stderr=subprocess.STDOUT, start_new_session=True)
    try:
        produce(kafka_broker, kafka_prefix, first)
        assert len(wait_for_cards(ch, 1, limit=90)) >= 1, "the first scorer scored nothing"
        produce(kafka_broker, kafka_prefix, rest[: len(rest) // 2])
        time.sleep(0.3)
        os.killpg(scorer_a.pid, signal.SIGKILL)  # mid-stream: no flush, no commit, no goodbye
        scorer_a.wait(10)
        scored_by_a = len(ch.scorecards(AS_OF))
        produce(kafka_broker, kafka_prefix, rest[len(rest) // 2:])
        scorer_b = subprocess.Popen([sys.executable, "-m", "census.distributed.consumers", "score"], env=env, cwd=ROOT, stdout=log_a,
                                    stderr=subprocess.STDOUT, start_new_session=True)
        try:
            cards = wait_for_cards(ch, len(reference), limit=120)
        finally:
            scorer_b.send_signal(signal.SIGTERM)
            scorer_b.wait(30)
    finally:
        if scorer_a.poll() is None:
            os.killpg(scorer_a.pid, signal.SIGKILL)
        stop.set()
        ingest.join(60)
        log_a.close()
    assert 1 <= scored_by_a < len(reference)
    assert cards == reference
    assert scorer_b.returncode == 0
    ch.close()
