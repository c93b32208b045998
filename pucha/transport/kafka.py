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
"""
from __future__ import annotations

import logging
import time
from typing import Any, Iterable, NamedTuple, Sequence

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer
from kafka import errors as kafka_errors
from kafka.admin import NewTopic
from kafka.structs import OffsetAndMetadata, TopicPartition

from pucha.errors import ServiceUnavailable
from pucha.events import KINDS, Event, from_dicts, from_json
from pucha.settings import Settings

from . import packing

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_MS = 8000  # how long "Kafka does not answer" takes to say


def topic_name(prefix: str, kind: str) -> str:
    return f"{prefix}.{kind}"


def all_topics(prefix: str, kinds: Iterable[str] | None = None) -> list[str]:
    return [topic_name(prefix, k) for k in sorted(kinds or KINDS)]


def _unavailable(bootstrap: str, exc: BaseException) -> ServiceUnavailable:
    return ServiceUnavailable("Kafka", bootstrap, type(exc).__name__)


def ensure_topics(bootstrap: str, prefix: str = "pucha", partitions: int = 12,
                  kinds: Iterable[str] | None = None) -> list[str]:
    """Create the topics of every event kind that do not exist yet; returns their names."""
    names = all_topics(prefix, kinds)
    try:
        admin = KafkaAdminClient(bootstrap_servers=bootstrap, bootstrap_timeout_ms=CONNECT_TIMEOUT_MS,
                                 request_timeout_ms=30000)
    except kafka_errors.KafkaError as exc:
        raise _unavailable(bootstrap, exc) from None
    try:
        existing = set(admin.list_topics())
        missing = [NewTopic(n, partitions, 1) for n in names if n not in existing]
        if missing:
            try:
                admin.create_topics(missing)
            except kafka_errors.TopicAlreadyExistsError:
                pass  # another worker made them first
    except kafka_errors.KafkaConnectionError as exc:
        raise _unavailable(bootstrap, exc) from None
    finally:
        admin.close()
    return names


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


class Message(NamedTuple):
    record: Any  # kafka-python's ConsumerRecord: topic, partition, offset, key, headers
    events: list[Event]
    ids: list[str] | None  # their event ids, from the headers; None when the headers do not give them


class _Gathering:
    __slots__ = ("texts", "ids", "size")

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.ids: list[str] = []
        self.size = 0


class KafkaSource:
    """pucha.transport.EventSource: one member of a consumer group over the topics of some event kinds.

    ``commit()`` commits the offsets after the records returned so far, and
    nothing else; auto-commit is off.  A rebalance between ``next_batch`` and
    ``commit`` makes the commit fail quietly: the records go to the partition's
    new owner again, which is harmless to idempotent consumers.

    Offsets, ``max_records``, ``consumed`` and ``lag()`` count messages, each
    of up to a hundred events; ``bad_records`` counts events skipped."""

    def __init__(self, bootstrap: str, group: str, prefix: str = "pucha", kinds: Iterable[str] | None = None,
                 session_timeout: float = 10.0, max_records: int = 1000, create_topics: bool = True,
                 partitions: int = 12):
        self.bootstrap, self.group = bootstrap, group
        if create_topics:  # subscribing to a topic that does not exist yet would assign nothing
            ensure_topics(bootstrap, prefix, partitions, kinds)
        self.topics = all_topics(prefix, kinds)
        session_ms = int(session_timeout * 1000)
        try:
            self.consumer = KafkaConsumer(
                *self.topics, bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False,
                auto_offset_reset="earliest", session_timeout_ms=session_ms,
                heartbeat_interval_ms=max(100, session_ms // 3), max_poll_records=max_records,
                max_poll_interval_ms=max(300000, session_ms), fetch_max_wait_ms=200,
                # Fewer, larger fetches: 8 MB a partition read a batch-heavy stream 1.35x faster than 1 MB.
                max_partition_fetch_bytes=8 * 1024 * 1024, fetch_max_bytes=64 * 1024 * 1024,
                bootstrap_timeout_ms=CONNECT_TIMEOUT_MS, allow_auto_create_topics=False)
        except kafka_errors.KafkaError as exc:
            raise _unavailable(bootstrap, exc) from None
        self.max_records = max_records
        self._pending: dict[TopicPartition, int] = {}  # next offset after the records returned, uncommitted
        self.positions: dict[TopicPartition, int] = {}  # next offset after the records returned, ever
        self._committed: dict[TopicPartition, int] = {}
        self.consumed = 0
        self.bad_records = 0

    @classmethod
    def group_name(cls, prefix: str, group: str) -> str:
        """A group of the default prefix keeps its name; another prefix's is its own (``<prefix>-<group>``):
        censuses sharing a broker under two prefixes must not share a group, whose rebalances wait on
        members reading the other's topics (two tests on one broker: the second's scorers sat in their
        join for minutes)."""
        return group if prefix == "pucha" else f"{prefix}-{group}"

    @classmethod
    def from_settings(cls, cfg: Settings, group: str, kinds: Iterable[str] | None = None) -> "KafkaSource":
        return cls(cfg.kafka_bootstrap, cls.group_name(cfg.kafka_topic_prefix, group), cfg.kafka_topic_prefix, kinds,
                   cfg.kafka_session_timeout, partitions=cfg.kafka_partitions)

    def _poll(self, timeout: float) -> list:
        try:
            polled = self.consumer.poll(timeout_ms=int(timeout * 1000), max_records=self.max_records)
        except kafka_errors.KafkaConnectionError as exc:
            raise _unavailable(self.bootstrap, exc) from None
        records = []
        for tp, batch in polled.items():
            if batch:
                self._pending[tp] = self.positions[tp] = batch[-1].offset + 1
                records.extend(batch)
        self.consumed += len(records)
        return records

    def next_batch(self, timeout: float) -> list[Event]:
        return [e for _r, e in self.next_records(timeout)]

    def next_records(self, timeout: float) -> list[tuple]:
        """(record, event) pairs, for a consumer that tracks offsets itself (commit_at); the events of one
        message share its record."""
        return [(m.record, e) for m in self.next_messages(timeout) for e in m.events]

    def next_messages(self, timeout: float) -> list[Message]:
        """One Message per Kafka message: the events of one site, sweep and kind, in the order produced,
        with their ids from the headers when every event of the message was readable."""
        out: list[Message] = []
        for r in self._poll(timeout):
            h = packing.header_map(r.headers)
            dicts = packing.decode_dicts(r.value, h)
            if dicts is not None:
                try:
                    events = from_dicts(dicts)
                except ValueError:
                    pass  # one of them is bad: read them one by one below to skip only that one
                else:
                    out.append(Message(r, events, packing.ids(h, len(events))))
                    continue
            try:
                texts = packing.lines(r.value, h)
            except ValueError as exc:
                self._bad(r, exc)
                continue
            events = []
            for i, text in enumerate(texts):
                try:
                    events.append(from_json(text))
                except ValueError as exc:  # SchemaError or bad JSON: skip it, say where it was
                    self._bad(r, exc, i)
            out.append(Message(r, events, None))
        return out

    def next_rows(self, timeout: float) -> list[tuple[str, str, str, str, str]]:
        """Events as store rows (sweep, site, kind, event_id, body) from their messages' headers, JSON unparsed.

        A message without pucha's headers (another producer) is parsed instead."""
        rows: list[tuple[str, str, str, str, str]] = []
        self._unpack(timeout, lambda r, h: rows.extend(packing.rows(r.key, r.value, h)), lambda row: rows.append(row))
        return rows

    def next_columns(self, timeout: float, into: packing.EventColumns | None = None) -> packing.EventColumns:
        """What ``next_rows`` gives, appended to ``into`` (or a new batch) as columns of UTF-8 bytes cut
        from the messages: ingest's fast path, no str and no tuple per event."""
        cols = into if into is not None else packing.EventColumns()
        self._unpack(timeout, lambda r, h: cols.add_message(r.key, r.value, h), lambda row: cols.add_row(*row))
        return cols

    def _unpack(self, timeout: float, batch, single) -> None:
        """Hand each polled message to ``batch(record, headers)`` when pucha's headers describe it, else
        parse it and hand ``single`` its row; a bad message is counted and skipped."""
        for r in self._poll(timeout):
            h = packing.header_map(r.headers)
            if r.key is not None and packing.has_row_headers(h):
                try:
                    batch(r, h)
                except ValueError as exc:
                    self._bad(r, exc)
                continue
            try:
                e = from_json(r.value)
            except ValueError as exc:
                self._bad(r, exc)
                continue
            single((e.sweep, e.site, e.kind, e.event_id, e.to_json()))

    def _bad(self, r, exc: BaseException, index: int | None = None) -> None:
        self.bad_records += 1
        where = f"{r.topic}[{r.partition}]@{r.offset}" + (f" event {index}" if index is not None else "")
        log.error("Kafka %s: unreadable event skipped: %s", where, exc)

    def commit(self) -> bool:
        """Commit what was returned so far; False when a rebalance took the partitions (they will be redelivered)."""
        return self.commit_at(self._pending)

    def commit_at(self, offsets: dict) -> bool:
        """Commit the given next-offsets (partition -> offset), none past what was returned; only those of
        partitions assigned here that moved since the last commit."""
        assigned = self.consumer.assignment()
        todo = {TopicPartition(*tp): off for tp, off in offsets.items()
                if TopicPartition(*tp) in assigned and self._committed.get(TopicPartition(*tp)) != off}
        if not todo:
            self._pending.clear()
            return True
        offsets = {tp: OffsetAndMetadata(off, "", -1) for tp, off in todo.items()}
        try:
            self.consumer.commit(offsets)
        except (kafka_errors.CommitFailedError, kafka_errors.RebalanceInProgressError,
                kafka_errors.IllegalGenerationError, kafka_errors.UnknownMemberIdError) as exc:
            log.warning("Kafka commit of group %s refused (%s): the records will be delivered again",
                        self.group, type(exc).__name__)
            self._pending.clear()
            return False
        except kafka_errors.KafkaConnectionError as exc:
            raise _unavailable(self.bootstrap, exc) from None
        self._committed.update(todo)
        self._pending.clear()
        return True

    def lag(self) -> int | None:
        """Records behind on the partitions assigned here, from the fetch responses' high-water marks
        (None before the first fetch has told them)."""
        total, known = 0, False
        for tp in self.consumer.assignment():
            hw = self.consumer.highwater(tp)
            if hw is None:
                continue
            known = True
            total += max(0, hw - self.consumer.position(tp))
        return total if known else None

    def close(self) -> None:
        self.consumer.close(autocommit=False)
