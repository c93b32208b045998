"""The base of every event (pucha.events): its id, its plain-dict form, the registry of kinds.

Split from the schema so that the schema (pucha.events) reads as the list of events
and the codec (pucha.eventcodec) as how they are read back."""
from __future__ import annotations

import dataclasses
from hashlib import blake2b
import json
from dataclasses import dataclass
from typing import Any, ClassVar

SCHEMA_VERSION = 1

# kind name -> class; filled by @register below.
KINDS: dict[str, type["Event"]] = {}


def register(cls: type["Event"]) -> type["Event"]:
    KINDS[cls.kind] = cls
    return cls


@dataclass(frozen=True, slots=True)
class Event:
    kind: ClassVar[str] = "event"
    # Fields that make two events "the same observation"; see module doc.
    _identity: ClassVar[tuple[str, ...]] = ()

    sweep: str
    site: str

    @property
    def event_id(self) -> str:
        # kind, sweep, site and the identity fields joined by \x1f (a non-string field as its sorted JSON).
        # Most identity fields are strings: joining them directly, without a list and a call per field,
        # made the id about twice as fast (bench/bench_scorer.py applies a million).
        ident = self._identity
        if not ident:
            key = f"{self.kind}\x1f{self.sweep}\x1f{self.site}"
        elif len(ident) == 1:
            v = getattr(self, ident[0])
            key = f"{self.kind}\x1f{self.sweep}\x1f{self.site}\x1f{v if type(v) is str else _key(v)}"
        else:
            key = "\x1f".join([self.kind, self.sweep, self.site] + [_key(getattr(self, f)) for f in ident])
        return blake2b(key.encode("utf-8"), digest_size=12).hexdigest()

    def to_dict(self) -> dict[str, Any]:
        d = {name: _plain(getattr(self, name)) for name in _field_names(type(self))}
        d["kind"] = self.kind
        d["v"] = SCHEMA_VERSION
        return d

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _key(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(_plain(value), sort_keys=True, ensure_ascii=False)


# Most values are scalars: answering them first, and caching field names per class, made
# encoding (every event the crawl stores) about twice as fast (bench/bench_crawl.py).
_SCALARS = frozenset({str, int, float, bool, type(None)})
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(f.name for f in dataclasses.fields(cls))
    return names


def _plain(value: Any) -> Any:
    if type(value) in _SCALARS:
        return value
    if dataclasses.is_dataclass(value):
        cls = value if isinstance(value, type) else type(value)
        return {name: _plain(getattr(value, name)) for name in _field_names(cls)}
    if isinstance(value, (list, tuple)):
        return [v if type(v) in _SCALARS else _plain(v) for v in value]
    return value
