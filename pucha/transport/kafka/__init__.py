"""Events on Kafka (PUCHA_KAFKA_BOOTSTRAP): a sink for the crawlers, a consumer-group source for ingest and scorers.

* One topic per event kind, ``<prefix>.<kind>`` (``pucha.page``, ``pucha.site_done``...),
  created by pucha with PUCHA_KAFKA_PARTITIONS partitions.
* Keyed by site: one site's events of a kind stay in order on one partition.
  Kinds travel on separate topics, so a consumer cannot rely on SiteDone
  arriving last; SiteDone.counts says how many events of each kind to wait for.
* A message carries up to a hundred events of one site, sweep and kind, their
  JSON (``Event.to_json``) one per line (pucha.transport.packing): the
  broker and the client cost per message, so batches are what make the
  pipeline fast.  Page bodies never travel.  Headers carry the sweep, kind
  and event ids, so ingest can store the events without parsing their JSON
  (``KafkaSource.next_rows``).
* The sink gathers each (kind, sweep, site)'s events until the batch is full,
  the site's SiteDone comes, ``flush`` is called or ``hold`` seconds pass;
  ``flush`` sends everything gathered and waits for the broker;
  ``take_sent`` sends it and hands over the futures instead, so that the
  distributed crawl acknowledges a request once the broker has its events
  without waiting on Scrapy's event loop.
* acks=all, unlimited retries within the delivery timeout, one request in
  flight (so a retry cannot reorder a partition): an event is either stored
  by the broker or ``flush`` raises.  Not the idempotent producer: with it,
  a Tansu broker restarted mid-produce lost an event whose send had
  succeeded (an attachment_check the crawl counted reached no consumer, so
  its site was never scored); the likely path is a retry answered
  DUPLICATE_SEQUENCE_NUMBER, which kafka-python takes as written without a
  word.  A plain retry may store an event twice instead, which every
  consumer absorbs (events are keyed by id).
* The source commits only when told (``commit``), after its consumer's output is
  stored: a consumer killed in between gets the batch again, which the
  idempotent stores and scorer state absorb.

Lag is counted from the high-water marks of the fetch responses, not from
ListOffsets, which the Tansu broker under-reports.
The package: topics.py (names, creation), sink.py (KafkaSink), source.py
(KafkaSource); pucha.transport.packing packs many events in one message.
"""
from __future__ import annotations

from .sink import KafkaSink
from .source import KafkaSource, Message
from .topics import CONNECT_TIMEOUT_MS, all_topics, ensure_topics, topic_name

__all__ = ["CONNECT_TIMEOUT_MS", "KafkaSink", "KafkaSource", "Message", "all_topics", "ensure_topics", "topic_name"]
