"""How events travel from the crawler to the scorers: sinks and sources.

Small typed interfaces after bytewax's connectors: a sink takes batches
(``write_batch``) and ``flush``es; a source gives batches (``next_batch``)
and commits what was consumed only after the consumer has stored its output.
Embedded, the crawler's sink is ``LocalHandOff``, which stores the events and
scores each site in-process the moment its SiteDone arrives; distributed, it
is the Kafka sink of pucha.transport.kafka.
"""
from __future__ import annotations

from typing import Any, Callable, Hashable, Protocol, Sequence

from pucha.events import Event
from pucha.transport.packing import EventColumns


class Delivery(Protocol):
    """A send the broker has not confirmed yet (kafka-python's FutureRecordMetadata)."""

    @property
    def is_done(self) -> bool: ...


class EventSink(Protocol):
    def write_batch(self, events: Sequence[Event]) -> None: ...

    def flush(self) -> None:
        """Send everything gathered and wait until it is stored (or raise)."""

    def take_sent(self) -> list[Delivery]:
        """Send everything gathered without waiting; the deliveries say when each is stored.  A sink that
        stores synchronously stores first and hands back nothing to wait for."""

    def close(self) -> None: ...


class EventSource(Protocol):
    """A consumer of events (kafka.KafkaSource).  Positions are per partition (any hashable key): the
    next offset after what was returned; ``commit_at`` commits chosen positions once the consumer's
    output is stored, never before."""

    positions: dict[Hashable, int]

    def next_batch(self, timeout: float) -> list[Event]: ...

    def next_messages(self, timeout: float) -> list[Any]:
        """Messages (kafka.Message: record, events, ids), for consumers that track offsets per message."""

    def next_columns(self, timeout: float, into: EventColumns | None = None) -> EventColumns:
        """Events as columns of bytes, not parsed (ingest's path)."""

    def commit(self) -> None:
        """Mark everything returned so far as consumed (call after the output is stored)."""

    def commit_at(self, offsets: dict) -> bool: ...

    def close(self) -> None: ...


class LocalHandOff:
    """The embedded sink: buffers events, writes them to the store, calls on_site_done after each SiteDone.

    Events are written before on_site_done runs, so a site is scored from
    what is stored; a crash loses at most the unflushed buffer of sites not
    yet done, which a resumed sweep crawls again (duplicates are harmless).
    """

    def __init__(self, store, on_site_done: Callable[[str], None] | None = None, batch: int = 2000):
        self.store = store
        self.on_site_done = on_site_done
        self.batch = batch
        self.buffer: list[Event] = []
        self.written = 0

    def write_batch(self, events: Sequence[Event]) -> None:
        self.buffer.extend(events)
        done = [e.site for e in events if e.kind == "site_done"]
        if done or len(self.buffer) >= self.batch:
            self.flush()
        for site in done:
            if self.on_site_done is not None:
                self.on_site_done(site)

    def flush(self) -> None:
        if self.buffer:
            self.store.write_events(self.buffer)
            self.written += len(self.buffer)
            self.buffer = []

    def take_sent(self) -> list:
        self.flush()  # written to the store here and now: nothing left to wait for
        return []

    def close(self) -> None:
        self.flush()
