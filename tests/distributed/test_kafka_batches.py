"""Several events per Kafka message, against the real Tansu broker: how the sink gathers them and the source
unpacks them (pucha.transport.packing)."""
from __future__ import annotations

import time

import pytest
from kafka import KafkaProducer

from pucha.transport.kafka import KafkaSink, KafkaSource, topic_name
from pucha.transport.packing import pack
from pucha.events import Page, SiteDone

pytestmark = pytest.mark.services

SESSION = 6.0


def pages(site: str, n: int, sweep: str = "s1") -> list[Page]:
    return [Page(sweep, site, f"{site}{i}.html", ok=True, status=200, title=f"页{i}") for i in range(n)]


def read(source: KafkaSource, want: int, limit: float = 60.0) -> list:
    got: list = []
    deadline = time.monotonic() + limit
    while len(got) < want and time.monotonic() < deadline:
        got += source.next_messages(0.5)
        if sum(len(m.events) for m in got) >= want:
            break
    return got


def test_a_sites_events_travel_a_hundred_to_a_message_in_order(kafka_broker, kafka_prefix):
    evs = pages("http://a.gov.test/", 250) + pages("http://b.gov.test/", 3)
    sink = KafkaSink(kafka_broker.bootstrap, kafka_prefix, partitions=2)
    for e in evs:  # as the crawler writes: one event at a time
        sink.write_batch([e])
    sink.close()
    assert sink.produced == {f"{kafka_prefix}.page": 253} and sink.messages == 4
    source = KafkaSource(kafka_broker.bootstrap, "g", kafka_prefix, session_timeout=SESSION, partitions=2)
    messages = read(source, len(evs))
    source.close()
    sizes = sorted(len(m.events) for m in messages)
    assert sizes == [3, 50, 100, 100]
    for m in messages:
        assert len({e.site for e in m.events}) == 1 and m.ids == [e.event_id for e in m.events]
    a = [e for m in sorted(messages, key=lambda m: m.record.offset) for e in m.events if e.site.startswith("http://a")]
    assert a == evs[:250]  # one partition, in the order written


def test_a_sites_done_sends_what_it_gathered_without_a_flush(kafka_broker, kafka_prefix):
    site = "http://a.gov.test/"
    sink = KafkaSink(kafka_broker.bootstrap, kafka_prefix, partitions=2, hold=3600)
    sink.write_batch(pages(site, 5))
    sink.write_batch(pages("http://other.gov.test/", 2))
    source = KafkaSource(kafka_broker.bootstrap, "g", kafka_prefix, session_timeout=SESSION, partitions=2)
    assert read(source, 1, limit=8.0) == []  # gathered in the sink, not sent yet
    sink.write_batch([SiteDone("s1", site, counts=(("page", 5),))])
    got = [e for m in read(source, 6) for e in m.events]
    assert sorted(e.kind for e in got) == ["page"] * 5 + ["site_done"]
    assert {e.site for e in got} == {site}  # the other site's events still wait for their batch
    sink.close()
    assert [e.site for m in read(source, 2) for e in m.events] == ["http://other.gov.test/"] * 2
    source.close()


def test_an_unreadable_event_is_skipped_alone_and_a_broken_message_is_named(kafka_broker, kafka_prefix, caplog):
    site = "http://a.gov.test/"
    good = pages(site, 2)
    KafkaSink(kafka_broker.bootstrap, kafka_prefix, partitions=1).close()  # creates the topics
    producer = KafkaProducer(bootstrap_servers=kafka_broker.bootstrap)
    value, headers = pack("s1", "page", [good[0].to_json(), '{"kind": "page", "sweep"', good[1].to_json()],
                          [good[0].event_id, "x" * 24, good[1].event_id])
    producer.send(topic_name(kafka_prefix, "page"), value=value, key=site.encode(), headers=headers)
    value, headers = pack("s1", "page", [good[0].to_json()], [good[0].event_id])
    producer.send(topic_name(kafka_prefix, "page"), value=value, key=site.encode(),
                  headers=[h if h[0] != "n" else ("n", b"7") for h in headers])
    producer.flush()
    producer.close()
    source = KafkaSource(kafka_broker.bootstrap, "g", kafka_prefix, session_timeout=SESSION, partitions=1)
    events = []
    deadline = time.monotonic() + 30
    while source.bad_records < 2 and time.monotonic() < deadline:
        events += source.next_batch(0.5)
    assert events == good and source.bad_records == 2
    assert "event 1" in caplog.text and "header n=7 but 1 events" in caplog.text
    source.close()


def test_columns_carry_the_same_events_as_rows(kafka_broker, kafka_prefix):
    evs = pages("http://a.gov.test/", 120) + [SiteDone("s1", "http://a.gov.test/", counts=(("page", 120),))]
    sink = KafkaSink(kafka_broker.bootstrap, kafka_prefix, partitions=2)
    sink.write_batch(evs)
    sink.close()
    source = KafkaSource(kafka_broker.bootstrap, "g", kafka_prefix, session_timeout=SESSION, partitions=2)
    deadline = time.monotonic() + 60
    cols = source.next_columns(0.5)
    while len(cols) < len(evs) and time.monotonic() < deadline:
        source.next_columns(0.5, into=cols)
    source.close()
    assert all(type(v) is bytes for col in cols.columns() for v in col)
    assert sorted(cols.rows()) == sorted((e.sweep, e.site, e.kind, e.event_id, e.to_json()) for e in evs)
