"""Reading events back from their plain-dict and JSON forms (pucha.events defines them)."""
from __future__ import annotations

import dataclasses
import json
from typing import Any, Iterable

from pucha.eventbase import KINDS, SCHEMA_VERSION, Event, _field_names

class SchemaError(ValueError):
    """An event that cannot be read: unknown kind, newer schema, bad fields."""


def from_dict(d: dict[str, Any]) -> Event:
    d = dict(d)
    kind = d.pop("kind", None)
    version = d.pop("v", SCHEMA_VERSION)
    cls = KINDS.get(kind)  # type: ignore[arg-type]
    if cls is None:
        raise SchemaError(f"unknown event kind {kind!r}")
    if version > SCHEMA_VERSION:
        raise SchemaError(f"event schema v{version} is newer than this pucha (v{SCHEMA_VERSION})")
    try:
        return cls._from_plain(d)  # type: ignore[attr-defined]
    except (TypeError, KeyError) as exc:
        raise SchemaError(f"bad {kind} event: {exc}") from None


def from_json(text: str | bytes) -> Event:
    return from_dict(json.loads(text))


def _from_plain(cls: type[Event], d: dict[str, Any]) -> Event:
    names = _field_names(cls)  # dataclasses.fields() per decoded event was a fifth of decoding
    nested = getattr(cls, "_nested", {})
    kwargs = {}
    for name in names:
        if name not in d:
            continue  # let the dataclass default apply (older producers)
        v = d[name]
        if name in nested:
            v = tuple(nested[name](**x) for x in v)
        elif isinstance(v, list):
            v = _tuples(v)
        kwargs[name] = v
    return cls(**kwargs)


def _tuples(v: Any) -> Any:
    # Recurse only into nested lists: a Links event's targets are hundreds of plain strings.
    if not isinstance(v, list):
        return v
    return tuple(_tuples(x) if isinstance(x, list) else x for x in v)


Event._from_plain = classmethod(_from_plain)  # type: ignore[attr-defined]


# Per class: the keys a current event's dict may hold, and its tuple fields (with the class of their
# elements when they are value objects).  One call per event instead of a loop over its fields made the
# stream scorer's decoding about three times faster (bench/bench_stream_scorer.py).
_PLANS: dict[type, tuple[frozenset[str], tuple[tuple[str, Any], ...]]] = {}


def _plan(cls: type[Event]) -> tuple[frozenset[str], tuple[tuple[str, Any], ...]]:
    plan = _PLANS.get(cls)
    if plan is None:
        nested = getattr(cls, "_nested", {})
        tuples = tuple((f.name, nested.get(f.name)) for f in dataclasses.fields(cls)
                       if f.name in nested or str(f.type).startswith("tuple"))
        plan = _PLANS[cls] = (frozenset(_field_names(cls)) | {"kind", "v"}, tuples)
    return plan


def from_dicts(dicts: Iterable[dict[str, Any]]) -> list[Event]:
    """``[from_dict(d) for d in dicts]``, faster: a dict holding exactly a current event's fields becomes
    its event in one call; anything else (older or newer, unknown keys, a list where the schema has
    none, bad fields) goes through from_dict, which decides and raises as it always has."""
    out = []
    for d in dicts:
        cls = KINDS.get(d.get("kind"))  # type: ignore[arg-type]
        if cls is None or d.get("v", SCHEMA_VERSION) != SCHEMA_VERSION:
            out.append(from_dict(d))
            continue
        allowed, tuples = _plan(cls)
        if not d.keys() <= allowed:
            out.append(from_dict(d))
            continue
        kw = d.copy()
        del kw["kind"]
        kw.pop("v", None)
        try:
            for name, item_cls in tuples:
                v = kw.get(name)
                if type(v) is list:
                    kw[name] = _tuples(v) if item_cls is None else tuple(item_cls(**x) for x in v)
            if list in map(type, kw.values()):
                raise TypeError  # a list outside the tuple fields: from_dict's rule applies
            out.append(cls(**kw))
        except TypeError:
            out.append(from_dict(d))
    return out
