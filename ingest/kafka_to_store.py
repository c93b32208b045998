"""Ingest (`pucha worker --role ingest`): events from Kafka into the result store, in large batches.

A consumer group (``pucha-ingest``) over every event topic.  Events are cut
from the messages as columns of bytes, ids from the headers, without parsing
any JSON (pucha.transport.packing.EventColumns), gathered until
``batch_rows`` or ``flush_seconds``, written in one columnar insert, and only
then are the offsets committed.  The insert runs in a thread of its own while
the next batch is read, and the consumer commits a batch's offsets once it is
stored (_Writer).  A worker killed between write and commit
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

from pucha.errors import ServiceUnavailable
from pucha.store.base import ResultStore
from pucha.transport import EventSource
from pucha.transport.packing import EventColumns

log = logging.getLogger(__name__)

GROUP = "pucha-ingest"


@dataclass
class IngestStats:
    rows: int = 0
    batches: int = 0
    outages: int = 0


def run_ingest(source: EventSource, store: ResultStore, stop_event: threading.Event | None = None, *,
               batch_rows: int = 100_000, flush_seconds: float = 1.0, stats: IngestStats | None = None) -> IngestStats:
    """Move events from ``source`` (in production a KafkaSource of group GROUP, made by the worker)
    into ``store`` until ``stop_event`` is set; flushes and commits what it holds before returning."""
    stop = stop_event or threading.Event()
    stats = stats if stats is not None else IngestStats()
    # The store is written from a thread of its own while the next batch is read (every store keeps a
    # connection per thread).
    writer = _Writer(store, stop, stats)
    buffer = EventColumns()
    since = time.monotonic()
    try:
        while not stop.is_set():
            source.next_columns(0.2, into=buffer)
            writer.commit_stored(source)
            if buffer and (len(buffer) >= batch_rows or time.monotonic() - since >= flush_seconds):
                writer.hand_over(buffer, dict(source.positions))
                buffer = EventColumns()
                since = time.monotonic()
            elif not buffer:
                since = time.monotonic()
        writer.close()
        writer.commit_stored(source)
        if buffer and _store(store, buffer, stop, stats):
            _committed(source, dict(source.positions), len(buffer), stats)
    finally:
        writer.close()
        source.close()
        store.close()
    return stats


def _store(store: ResultStore, cols: EventColumns, stop: threading.Event, stats: IngestStats) -> bool:
    """Write one batch, retrying while the store is away; False when told to stop first (nothing written)."""
    delay = 0.5
    while True:
        try:
            store.write_event_columns(cols.columns())
            return True
        except ServiceUnavailable as exc:
            if stats.outages == 0 or delay == 0.5:
                log.warning("ingest: %s; %d events held, retrying", exc, len(cols))
            stats.outages += 1
            if stop.wait(delay):
                return False  # told to stop while the store is away: nothing committed, nothing lost
            delay = min(delay * 2, 10.0)


def _committed(source, offsets: dict, rows: int, stats: IngestStats) -> None:
    source.commit_at(offsets)
    stats.rows += rows
    stats.batches += 1


class _Writer:
    """Writes one batch at a time in a thread of its own, so the consumer reads the next one meanwhile.

    A batch comes with the consumer's positions after its last message; once
    it is stored, the consumer's thread commits them (``commit_stored``:
    kafka-python's consumer is not thread-safe).  Batches are written in the
    order handed over, so commits only move forward; at most two batches are
    held, the one being written and the one being read."""

    def __init__(self, store, stop: threading.Event, stats: IngestStats):
        self.store, self.stop, self.stats = store, stop, stats
        self._cond = threading.Condition()
        self._batch: tuple[EventColumns, dict] | None = None
        self._stored: list[tuple[dict, int]] = []
        self._error: BaseException | None = None
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="ingest-writer", daemon=True)
        self._thread.start()

    def hand_over(self, cols: EventColumns, offsets: dict) -> None:
        """Queue a batch; waits while the previous one is still being written."""
        with self._cond:
            while self._batch is not None and self._error is None:
                self._cond.wait()
            self._raise()
            self._batch = (cols, offsets)
            self._cond.notify_all()

    def commit_stored(self, source) -> None:
        with self._cond:
            done, self._stored = self._stored, []
        for offsets, rows in done:
            _committed(source, offsets, rows, self.stats)
        with self._cond:
            self._raise()

    def close(self) -> None:
        """Wait for the batch being written (if the store is away and stop is set, it is dropped uncommitted)."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        self._thread.join()

    def _raise(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def _run(self) -> None:
        while True:
            with self._cond:
                while self._batch is None and not self._closed:
                    self._cond.wait()
                if self._batch is None:
                    return
                cols, offsets = self._batch
            try:
                stored = _store(self.store, cols, self.stop, self.stats)
            except BaseException as exc:  # a bug or a refused query: the consumer's thread raises it
                stored, error = False, exc
            else:
                error = None
            with self._cond:
                if stored:
                    self._stored.append((offsets, len(cols)))
                self._error = self._error or error
                self._batch = None
                self._cond.notify_all()
