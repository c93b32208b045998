"""The crawlers' side of Kafka: events gathered per (kind, sweep, site) into messages (see the package doc)."""
from __future__ import annotations

import time
from typing import Sequence

from kafka import KafkaProducer
from kafka import errors as kafka_errors

from pucha.errors import ServiceUnavailable
from pucha.events import KINDS, Event
from pucha.settings import Settings

from pucha.transport import packing

from .topics import CONNECT_TIMEOUT_MS, _unavailable, ensure_topics, topic_name

class _Gathering:
    __slots__ = ("texts", "ids", "size")

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.ids: list[str] = []
        self.size = 0


class KafkaSink:
    """pucha.transport.EventSink on Kafka.  ``produced`` counts events (not messages) per topic, for the crawl's counters.

    ``batch_events``/``batch_bytes`` cap a message.  A batch that does not fill
    is sent by ``flush``/``take_sent``, by its site's SiteDone, or by the first
    ``write_batch`` ``hold`` seconds after its oldest event (there is no timer:
    a writer that goes quiet must flush, as the crawl does before each ack)."""

    def __init__(self, bootstrap: str, prefix: str = "pucha", partitions: int = 12, create_topics: bool = True,
                 linger_ms: int = 20, batch_events: int = packing.BATCH_EVENTS,
                 batch_bytes: int = packing.BATCH_BYTES, hold: float = 1.0):
        self.bootstrap, self.prefix = bootstrap, prefix
        if create_topics:
            ensure_topics(bootstrap, prefix, partitions)
        try:
            self.producer = KafkaProducer(
                bootstrap_servers=bootstrap, acks="all", enable_idempotence=False, retries=2**31 - 1,
                max_in_flight_requests_per_connection=1,
                delivery_timeout_ms=120000, linger_ms=linger_ms, batch_size=1024 * 1024,
                max_request_size=8 * 1024 * 1024, bootstrap_timeout_ms=CONNECT_TIMEOUT_MS,
                allow_auto_create_topics=False)
        except kafka_errors.KafkaError as exc:
            raise _unavailable(bootstrap, exc) from None
        self.batch_events, self.batch_bytes, self.hold = max(1, batch_events), batch_bytes, hold
        self.produced: dict[str, int] = {}
        self.messages = 0
        self._open: dict[tuple[str, str, str], _Gathering] = {}  # (kind, sweep, site) -> events not sent yet
        self._since = 0.0  # when the oldest gathered event came
        self._sent: list = []  # futures of the messages sent since the last flush or take_sent

    @classmethod
    def from_settings(cls, cfg: Settings) -> "KafkaSink":
        return cls(cfg.kafka_bootstrap, cfg.kafka_topic_prefix, cfg.kafka_partitions)

    def write_batch(self, events: Sequence[Event]) -> None:
        if not self._open:
            self._since = time.monotonic()
        for e in events:
            kind, key = e.kind, (e.kind, e.sweep, e.site)
            text = e.to_json()
            g = self._open.get(key)
            if g is None:
                g = self._open[key] = _Gathering()
            g.texts.append(text)
            g.ids.append(e.event_id)
            g.size += len(text)
            topic = topic_name(self.prefix, kind)
            self.produced[topic] = self.produced.get(topic, 0) + 1
            if kind == "site_done":
                # The site is over: what it still has gathered goes now, so a scorer waits for nothing.
                for k in KINDS:
                    if k != kind and (k, e.sweep, e.site) in self._open:
                        self._send((k, e.sweep, e.site))
                self._send(key)
            elif len(g.texts) >= self.batch_events or g.size >= self.batch_bytes:
                self._send(key)
        if self._open and time.monotonic() - self._since >= self.hold:
            self._send_all()

    def _send(self, key: tuple[str, str, str]) -> None:
        g = self._open.pop(key)
        kind, sweep, site = key
        value, headers = packing.pack(sweep, kind, g.texts, g.ids)
        try:
            fut = self.producer.send(topic_name(self.prefix, kind), value=value, key=site.encode("utf-8"),
                                     headers=headers)
        except kafka_errors.KafkaTimeoutError as exc:  # metadata never came: the broker is gone
            raise _unavailable(self.bootstrap, exc) from None
        self._sent.append(fut)
        if len(self._sent) > 10000:  # nobody flushes: keep only what may still fail
            self._sent = [f for f in self._sent if not f.is_done or f.failed()]
        self.messages += 1

    def _send_all(self) -> None:
        for key in list(self._open):
            self._send(key)

    def take_sent(self) -> list:
        """Send everything gathered, without waiting, and hand over the futures of the messages sent since
        the last ``flush`` or ``take_sent``: the caller now watches them (``is_done``, ``failed()``), so that
        an event loop can learn of the broker's acks without blocking on them; ``flush`` no longer reports
        their failures."""
        self._send_all()
        sent, self._sent = self._sent, []
        return sent

    def flush(self, timeout: float | None = None) -> None:
        """Wait until the broker has every event written so far (acks=all); raise if any was lost."""
        self._send_all()
        try:
            self.producer.flush(timeout=timeout)
        except kafka_errors.KafkaTimeoutError as exc:
            raise _unavailable(self.bootstrap, exc) from None
        sent, self._sent = self._sent, []
        failed = [f.exception for f in sent if f.failed()]
        if failed:
            raise ServiceUnavailable("Kafka", self.bootstrap, f"events not delivered: {failed[0]!r}")

    def close(self) -> None:
        try:
            self.flush()
        finally:
            self.producer.close()
