"""Events on Kafka, against the real Tansu broker (tests/servicekit): ordering, commits, restarts, errors."""
from __future__ import annotations

import time

import pytest
from kafka import KafkaAdminClient

from pucha.transport.kafka import KafkaSink, KafkaSource, all_topics, ensure_topics
from pucha.errors import ServiceUnavailable
from pucha.events import Page, Probe, SiteDone
from servicekit import free_port

pytestmark = pytest.mark.services

SESSION = 6.0  # seconds; Tansu's first group join takes ~23 s with kafka-python's default


def stream(sweep: str = "s1", sites: int = 5, pages: int = 40) -> list:
    evs = []
    for i in range(pages):
        for s in range(sites):
            site = f"http://s{s}.gov.test/"
            evs.append(Page(sweep, site, f"{site}{i}.html", ok=i % 7 != 0, status=200, title=f"页{i}"))
    evs += [Probe(sweep, f"http://s{s}.gov.test/", "1", f"http://s{s}.gov.test/", ok=True) for s in range(sites)]
    evs += [SiteDone(sweep, f"http://s{s}.gov.test/", counts=(("page", pages), ("probe", 1))) for s in range(sites)]
    return evs


def drain(source: KafkaSource, want: int, rows: bool = False, limit: float = 60.0) -> list:
    got: list = []
    deadline = time.monotonic() + limit
    while len(got) < want and time.monotonic() < deadline:
        got += source.next_rows(0.5) if rows else source.next_batch(0.5)
    return got


def test_round_trip_keeps_each_sites_order_on_one_partition(kafka_broker, kafka_prefix):
    evs = stream()
    sink = KafkaSink(kafka_broker.bootstrap, kafka_prefix, partitions=3)
    sink.write_batch(evs)
    sink.flush()
    assert sink.produced == {f"{kafka_prefix}.page": 200, f"{kafka_prefix}.probe": 5,
                             f"{kafka_prefix}.site_done": 5}
    source = KafkaSource(kafka_broker.bootstrap, "g", kafka_prefix, session_timeout=SESSION, partitions=3)
    partitions: dict[str, set] = {}
    order: dict[str, list] = {}
    got = []
    deadline = time.monotonic() + 60
    while len(got) < len(evs) and time.monotonic() < deadline:
        for r, e in source.next_records(0.5):
            got.append(e)
            partitions.setdefault((e.site, e.kind), set()).add(r.partition)
            if e.kind == "page":
                order.setdefault(e.site, []).append(e.url)
    source.close()
    sink.close()
    assert sorted(e.to_json() for e in got) == sorted(e.to_json() for e in evs)
    assert all(len(p) == 1 for p in partitions.values())  # keyed by site
    for site, urls in order.items():  # in the order produced
        assert urls == [e.url for e in evs if e.kind == "page" and e.site == site]


def test_rows_carry_the_store_columns_without_parsing(kafka_broker, kafka_prefix):
    evs = stream(sites=2, pages=3)
    sink = KafkaSink(kafka_broker.bootstrap, kafka_prefix, partitions=2)
    sink.write_batch(evs)
    sink.close()
    source = KafkaSource(kafka_broker.bootstrap, "g", kafka_prefix, session_timeout=SESSION, partitions=2)
    rows = drain(source, len(evs), rows=True)
    source.close()
    assert sorted(rows) == sorted((e.sweep, e.site, e.kind, e.event_id, e.to_json()) for e in evs)


def test_offsets_are_committed_only_when_told(kafka_broker, kafka_prefix):
    evs = stream(sites=3, pages=10)
    sink = KafkaSink(kafka_broker.bootstrap, kafka_prefix, partitions=2)
    sink.write_batch(evs)
    sink.close()
    first = KafkaSource(kafka_broker.bootstrap, "g", kafka_prefix, session_timeout=SESSION, partitions=2)
    assert len(drain(first, len(evs))) == len(evs)
    first.close()  # consumed, never committed: a consumer that died before storing its output
    second = KafkaSource(kafka_broker.bootstrap, "g", kafka_prefix, session_timeout=SESSION, partitions=2)
    again = drain(second, len(evs))
    assert sorted(e.event_id for e in again) == sorted(e.event_id for e in evs)
    assert second.lag() == 0
    assert second.commit() is True
    second.close()
    third = KafkaSource(kafka_broker.bootstrap, "g", kafka_prefix, session_timeout=SESSION, partitions=2)
    assert drain(third, 1, limit=8.0) == []  # everything was committed
    more = KafkaSink(kafka_broker.bootstrap, kafka_prefix, partitions=2)
    more.write_batch(stream(sweep="s2", sites=1, pages=2))
    more.close()
    assert {e.sweep for e in drain(third, 4)} == {"s2"}
    third.close()


def test_topics_are_created_with_the_partitions_asked(kafka_broker, kafka_prefix):
    names = ensure_topics(kafka_broker.bootstrap, kafka_prefix, partitions=5, kinds=["page", "probe"])
    assert names == [f"{kafka_prefix}.page", f"{kafka_prefix}.probe"]
    assert ensure_topics(kafka_broker.bootstrap, kafka_prefix, partitions=5, kinds=["page"]) == names[:1]
    admin = KafkaAdminClient(bootstrap_servers=kafka_broker.bootstrap)
    try:
        described = {t["name"]: len(t["partitions"]) for t in admin.describe_topics(names)}
    finally:
        admin.close()
    assert described == {n: 5 for n in names}
    assert len(all_topics(kafka_prefix)) >= 10  # one per event kind


def test_unreachable_kafka_is_one_clear_line():
    bootstrap = f"127.0.0.1:{free_port()}"
    started = time.monotonic()
    for make in (lambda: KafkaSink(bootstrap, "p"), lambda: KafkaSource(bootstrap, "g", "p")):
        with pytest.raises(ServiceUnavailable) as info:
            make()
        assert "\n" not in str(info.value) and str(info.value).startswith(f"Kafka at {bootstrap} does not answer")
    assert time.monotonic() - started < 40


@pytest.mark.slow
def test_durable_broker_keeps_events_and_offsets_across_a_restart(kafka_durable, kafka_prefix):
    evs = stream(sites=2, pages=10)
    sink = KafkaSink(kafka_durable.bootstrap, kafka_prefix, partitions=2)
    sink.write_batch(evs[:10])
    sink.flush()
    source = KafkaSource(kafka_durable.bootstrap, "g", kafka_prefix, session_timeout=SESSION, partitions=2)
    assert len(drain(source, 10)) == 10
    assert source.commit()
    source.close()
    sink.close()
    kafka_durable.restart()
    sink = KafkaSink(kafka_durable.bootstrap, kafka_prefix, partitions=2)
    sink.write_batch(evs[10:])
    sink.close()
    source = KafkaSource(kafka_durable.bootstrap, "g", kafka_prefix, session_timeout=SESSION, partitions=2)
    rest = drain(source, len(evs) - 10)
    source.close()
    assert sorted(e.event_id for e in rest) == sorted(e.event_id for e in evs[10:])


def test_a_measured_source_reports_its_lag_per_partition(kafka_broker, kafka_prefix):
    from prometheus_client import REGISTRY

    from census.metrics import MeasuredSource

    evs = stream(sweep="lag", sites=2, pages=30)
    sink = KafkaSink(kafka_broker.bootstrap, kafka_prefix, partitions=2)
    sink.write_batch(evs)
    sink.flush()
    before = REGISTRY.get_sample_value("pucha_consumed_events_total", {"role": "lagtest"}) or 0
    source = MeasuredSource(KafkaSource(kafka_broker.bootstrap, "lag", kafka_prefix, session_timeout=SESSION,
                                        partitions=2), "lagtest")
    got = drain(source, len(evs))
    lags = source.lags()
    source.close()
    sink.close()
    assert len(got) == len(evs)
    assert REGISTRY.get_sample_value("pucha_consumed_events_total", {"role": "lagtest"}) - before == len(evs)
    assert lags and set(lags.values()) == {0}  # all read: nothing behind on any partition it holds
    for topic, partition in lags:
        assert REGISTRY.get_sample_value("pucha_consumer_lag_records",
                                         {"role": "lagtest", "topic": topic, "partition": str(partition)}) == 0
