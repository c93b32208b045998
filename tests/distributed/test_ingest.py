"""Ingest from the real Tansu broker into the real ClickHouse: batches, commits, a store that goes away."""
from __future__ import annotations

import threading
import time

import pytest

from census.distributed.consumers import ingest_from_kafka
from ingest.kafka_to_store import IngestStats
from pucha import settings as settings_mod
from pucha.transport.kafka import KafkaSink
from pucha.events import Page, SiteDone
from pucha.store.clickhouse import ClickHouseStore

pytestmark = pytest.mark.services


def events(sweep: str, n: int) -> list:
    out = [Page(sweep, f"http://s{i % 7}.gov.test/", f"http://s{i % 7}.gov.test/{i}.html", ok=True, status=200)
           for i in range(n)]
    return out + [SiteDone(sweep, f"http://s{s}.gov.test/") for s in range(7)]


def settings_for(broker, url: str, prefix: str, tmp_path):
    return settings_mod.load({"PUCHA_HOME": str(tmp_path), "PUCHA_KAFKA_BOOTSTRAP": broker.bootstrap,
                              "PUCHA_CLICKHOUSE_URL": url, "PUCHA_KAFKA_TOPIC_PREFIX": prefix,
                              "PUCHA_KAFKA_SESSION_TIMEOUT": "6", "PUCHA_KAFKA_PARTITIONS": "2"},
                             config=tmp_path / "none.toml")


def produce(broker, prefix: str, evs: list) -> None:
    sink = KafkaSink(broker.bootstrap, prefix, partitions=2)
    sink.write_batch(evs)
    sink.close()


def wait_count(store: ClickHouseStore, sweep: str, n: int, limit: float = 60.0) -> int:
    deadline = time.monotonic() + limit
    got = 0
    while time.monotonic() < deadline:
        got = store.count_events(sweep)
        if got >= n:
            break
        time.sleep(0.3)
    return got


def test_ingest_stores_every_event_once_and_commits(kafka_broker, clickhouse_url, kafka_prefix, tmp_path):
    cfg = settings_for(kafka_broker, clickhouse_url, kafka_prefix, tmp_path)
    evs = events("s1", 3000)
    produce(kafka_broker, kafka_prefix, evs + evs[:500])  # a replayed stretch
    stop, stats = threading.Event(), IngestStats()
    t = threading.Thread(target=ingest_from_kafka, args=(cfg, stop), kwargs={"batch_rows": 1000, "stats": stats})
    t.start()
    store = ClickHouseStore.from_url(clickhouse_url)
    assert wait_count(store, "s1", len(evs)) == len(evs)
    deadline = time.monotonic() + 30
    while stats.rows < len(evs) + 500 and time.monotonic() < deadline:
        time.sleep(0.2)
    stop.set()
    t.join(30)
    assert stats.rows == len(evs) + 500 and stats.batches >= 1
    assert sorted(e.event_id for e in store.events("s1")) == sorted(e.event_id for e in evs)
    # Committed: a new ingest of the same group finds nothing left to move.
    stop2, stats2 = threading.Event(), IngestStats()
    t2 = threading.Thread(target=ingest_from_kafka, args=(cfg, stop2), kwargs={"stats": stats2})
    t2.start()
    time.sleep(10)
    stop2.set()
    t2.join(30)
    assert stats2.rows == 0
    store.close()


@pytest.mark.slow
def test_ingest_holds_its_batch_while_clickhouse_restarts(kafka_broker, clickhouse_private, kafka_prefix, tmp_path):
    cfg = settings_for(kafka_broker, clickhouse_private.url, kafka_prefix, tmp_path)
    evs = events("s1", 2000)
    stop, stats = threading.Event(), IngestStats()
    t = threading.Thread(target=ingest_from_kafka, args=(cfg, stop), kwargs={"batch_rows": 500, "stats": stats})
    t.start()
    store = ClickHouseStore.from_url(clickhouse_private.url)
    produce(kafka_broker, kafka_prefix, evs[:1000])
    assert wait_count(store, "s1", 1000) == 1000
    clickhouse_private.stop()
    produce(kafka_broker, kafka_prefix, evs[1000:])
    time.sleep(3)  # ingest now holds events it cannot write
    clickhouse_private.start()
    assert wait_count(store, "s1", len(evs), limit=90) == len(evs)
    stop.set()
    t.join(30)
    assert stats.outages >= 1
    assert sorted(e.event_id for e in store.events("s1")) == sorted(e.event_id for e in evs)
    store.close()
