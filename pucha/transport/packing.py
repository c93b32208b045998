"""How events are packed into Kafka messages: several events of one site, sweep and kind per message.

The broker and kafka-python spend their time per message, not per byte, so
one message per event capped the whole pipeline near 11,000 events/s on a
2-core machine.  A message carries up to ``BATCH_EVENTS`` events instead:

* key: the site (as before: one site's events of a kind stay in order on one partition);
* value: the events' canonical JSON (``Event.to_json``), one per line.  JSON
  text never holds a raw newline (json.dumps escapes it), so ``\\n`` only
  ever separates events;
* headers: ``sweep``, ``kind``, ``n`` (the number of events) and ``ids``
  (their event ids, concatenated: each is ``ID_LEN`` hex characters), so
  ingest stores the rows without parsing any JSON.

A message without ``n`` is one event in the earlier format (header ``id``),
which is still read; one without pucha's headers at all is parsed.
"""
from __future__ import annotations

import json
from typing import Any, Sequence

ID_LEN = 24  # hex characters of pucha.events.Event.event_id (blake2b, 12 bytes)
BATCH_EVENTS = 100  # events per message at most
BATCH_BYTES = 256 * 1024  # value bytes per message at most (an event larger than this travels alone)

Headers = list[tuple[str, bytes]]


class BadMessage(ValueError):
    """A message whose headers and value do not agree."""


def pack(sweep: str, kind: str, texts: Sequence[str], ids: Sequence[str]) -> tuple[bytes, Headers]:
    """The value and headers of one message holding ``texts`` (canonical JSON) with their ``ids``."""
    headers = [("sweep", sweep.encode()), ("kind", kind.encode()), ("n", str(len(texts)).encode()),
               ("ids", "".join(ids).encode())]
    return "\n".join(texts).encode("utf-8"), headers


def header_map(headers: Any) -> dict[str, bytes]:
    return dict(headers or ())


def lines(value: bytes, h: dict[str, bytes]) -> list[str]:
    """The events' JSON texts of one message (one text for a message of the earlier format)."""
    text = value.decode("utf-8")
    if "n" not in h:
        return [text]
    out = text.split("\n")
    if len(out) != int(h["n"]):
        raise BadMessage(f"header n={h['n'].decode()} but {len(out)} events in the value")
    return out


def rows(site: bytes, value: bytes, h: dict[str, bytes]) -> list[tuple[str, str, str, str, str]]:
    """Store rows (sweep, site, kind, event_id, body) of a message with pucha's headers, JSON unparsed."""
    sweep, kind, key = h["sweep"].decode(), h["kind"].decode(), site.decode("utf-8")
    if "n" not in h:
        return [(sweep, key, kind, h["id"].decode(), value.decode("utf-8"))]
    bodies = lines(value, h)
    ids = h["ids"].decode()
    if len(ids) != ID_LEN * len(bodies):
        raise BadMessage(f"{len(bodies)} events but {len(ids)} characters of ids (want {ID_LEN} each)")
    return [(sweep, key, kind, ids[i * ID_LEN:(i + 1) * ID_LEN], body) for i, body in enumerate(bodies)]


def ids(h: dict[str, bytes], n: int) -> list[str] | None:
    """The event ids of a message of ``n`` events, from its headers (None when they do not say)."""
    raw = h.get("ids")
    if raw is None or len(raw) != ID_LEN * n:
        return None
    text = raw.decode()
    return [text[i:i + ID_LEN] for i in range(0, len(text), ID_LEN)]


class EventColumns:
    """Events as the store's five columns (sweep, site, kind, event_id, body), UTF-8 bytes taken straight
    from the messages: ingest's batch, which ClickHouse takes without a Python step per event."""

    __slots__ = ("sweep", "site", "kind", "event_id", "body")

    def __init__(self) -> None:
        self.sweep: list[bytes] = []
        self.site: list[bytes] = []
        self.kind: list[bytes] = []
        self.event_id: list[bytes] = []
        self.body: list[bytes] = []

    def __len__(self) -> int:
        return len(self.body)

    def add_message(self, key: bytes, value: bytes, h: dict[str, bytes]) -> int:
        """Append the events of a message with pucha's headers; returns how many."""
        if "n" not in h:
            bodies, ids = [value], [h["id"]]
        else:
            n = int(h["n"])
            bodies, raw = value.split(b"\n"), h["ids"]
            if len(bodies) != n:
                raise BadMessage(f"header n={n} but {len(bodies)} events in the value")
            if len(raw) != ID_LEN * n:
                raise BadMessage(f"{n} events but {len(raw)} characters of ids (want {ID_LEN} each)")
            ids = [raw[i:i + ID_LEN] for i in range(0, len(raw), ID_LEN)]
        n = len(bodies)
        self.sweep.extend([h["sweep"]] * n)
        self.site.extend([key] * n)
        self.kind.extend([h["kind"]] * n)
        self.event_id.extend(ids)
        self.body.extend(bodies)
        return n

    def add_row(self, sweep: str, site: str, kind: str, event_id: str, body: str) -> None:
        for col, v in zip((self.sweep, self.site, self.kind, self.event_id, self.body),
                          (sweep, site, kind, event_id, body)):
            col.append(v.encode("utf-8"))

    def columns(self) -> list[list[bytes]]:
        return [self.sweep, self.site, self.kind, self.event_id, self.body]

    def rows(self) -> list[tuple[str, str, str, str, str]]:
        """The same events as ``next_rows`` would give them."""
        return [tuple(v.decode("utf-8") for v in row)  # type: ignore[misc]
                for row in zip(self.sweep, self.site, self.kind, self.event_id, self.body)]


def has_row_headers(h: dict[str, bytes]) -> bool:
    return "sweep" in h and "kind" in h and ("ids" in h if "n" in h else "id" in h)


def decode_dicts(value: bytes, h: dict[str, bytes]) -> list[dict] | None:
    """Every event of a message as a plain dict, in one json.loads call; None if any of them is unreadable
    (the caller then decodes them one by one, to skip only the bad one)."""
    if "n" not in h:
        try:
            return [json.loads(value)]
        except ValueError:
            return None
    try:
        out = json.loads(b"[" + value.replace(b"\n", b",") + b"]")
    except ValueError:
        return None
    if len(out) != int(h["n"]) or not all(type(d) is dict for d in out):
        return None
    return out
