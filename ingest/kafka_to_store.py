"""Ingest (`pucha worker --role ingest`): events from Kafka into the result store, in large batches.

A consumer group (``pucha-ingest``) over every event topic.  Events are cut
from the messages as columns of bytes, ids from the headers, without parsing
any JSON (pucha.distributed.packing.EventColumns), gathered until
``batch_rows`` or ``flush_seconds``, written in one columnar insert, and only
then are the offsets committed.  A worker killed between write and commit
writes the batch again on restart, which the store's idempotent writes absorb;
one killed before the write loses nothing, since nothing was committed.

When the store stops answering, the batch is kept and the write retried with
backoff (the offsets stay uncommitted) until it answers or the worker is told
to stop; Kafka's client reconnects by itself.
"""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from pucha.distributed.packing import EventColumns
from pucha.errors import ServiceUnavailable
from pucha.events import from_json
from pucha.settings import Settings

log = logging.getLogger(__name__)

GROUP = "pucha-ingest"


@dataclass
class IngestStats:
    rows: int = 0
    batches: int = 0
    outages: int = 0


def write_rows(store, rows: list[tuple[str, str, str, str, str]]) -> None:
    """ClickHouse takes the rows as they are; another store gets the events back."""
    if hasattr(store, "write_event_rows"):
        store.write_event_rows(rows)
    else:
        store.write_events([from_json(r[4]) for r in rows])


def write_columns(store, cols: EventColumns) -> None:
    """ClickHouse takes the columns' bytes as they are; another store gets rows or events."""
    if hasattr(store, "write_event_columns"):
        store.write_event_columns(cols.columns())
    else:
        write_rows(store, cols.rows())


def run_ingest(settings: Settings, stop_event: threading.Event | None = None, *, batch_rows: int = 100_000,
               flush_seconds: float = 1.0, source=None, store=None, stats: IngestStats | None = None) -> IngestStats:
    """Move events until ``stop_event`` is set; flushes and commits what it holds before returning."""
    from pucha.distributed.kafka import KafkaSource
    from pucha.store import open_store

    stop = stop_event or threading.Event()
    stats = stats if stats is not None else IngestStats()
    store = store if store is not None else open_store(settings)
    source = source if source is not None else KafkaSource.from_settings(settings, GROUP)
    buffer = EventColumns()
    since = time.monotonic()
    try:
        while not stop.is_set():
            source.next_columns(0.2, into=buffer)
            if buffer and (len(buffer) >= batch_rows or time.monotonic() - since >= flush_seconds):
                _store_then_commit(store, source, buffer, stop, stats)
                buffer = EventColumns()
                since = time.monotonic()
            elif not buffer:
                since = time.monotonic()
        if buffer:
            _store_then_commit(store, source, buffer, stop, stats)
    finally:
        source.close()
        store.close()
    return stats


def _store_then_commit(store, source, rows: EventColumns, stop: threading.Event, stats: IngestStats) -> None:
    delay = 0.5
    while True:
        try:
            write_columns(store, rows)
            break
        except ServiceUnavailable as exc:
            if stats.outages == 0 or delay == 0.5:
                log.warning("ingest: %s; %d events held, retrying", exc, len(rows))
            stats.outages += 1
            if stop.wait(delay):
                return  # told to stop while the store is away: nothing committed, nothing lost
            delay = min(delay * 2, 10.0)
    source.commit()
    stats.rows += len(rows)
    stats.batches += 1
