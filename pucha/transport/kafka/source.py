"""The consumers' side of Kafka: a consumer-group member that commits only when told (see the package doc)."""
from __future__ import annotations

import logging
from typing import Any, Iterable, NamedTuple

from kafka import KafkaConsumer
from kafka import errors as kafka_errors
from kafka.structs import OffsetAndMetadata, TopicPartition

from pucha.events import Event, from_dicts, from_json
from pucha.eventcodec import from_lines
from pucha.settings import Settings

from pucha.transport import packing

from .topics import CONNECT_TIMEOUT_MS, _unavailable, all_topics, ensure_topics

log = logging.getLogger(__name__)

class Message(NamedTuple):
    record: Any  # kafka-python's ConsumerRecord: topic, partition, offset, key, headers
    events: list[Event]
    ids: list[str] | None  # their event ids, from the headers; None when the headers do not give them


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
            n, kind = h.get("n"), h.get("kind")
            if n is not None and kind is not None and n.isdigit():
                fast = from_lines(r.value, kind.decode(), int(n))  # one msgspec call for the message
                if fast is not None:
                    out.append(Message(r, fast, packing.ids(h, len(fast))))
                    continue
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

    def lags(self) -> dict[tuple[str, int], int]:
        """Records behind on each partition assigned here, (topic, partition) -> count, where the fetch
        responses have told the high-water mark."""
        out: dict[tuple[str, int], int] = {}
        for tp in self.consumer.assignment():
            hw = self.consumer.highwater(tp)
            if hw is not None:
                out[(tp.topic, tp.partition)] = max(0, hw - self.consumer.position(tp))
        return out

    def close(self) -> None:
        self.consumer.close(autocommit=False)
