"""Reading events back from their plain-dict and JSON forms (pucha.events defines them).

Two paths give the same events.  The fast one (``from_json``, ``from_lines``)
lets msgspec parse the JSON straight into the event's dataclass, without a
dict or a constructor call per event: a stored event's canonical JSON
(``Event.to_json``) decodes about 2.5x faster than ``json.loads`` and
``from_dict`` (bench/bench_scorer.py).  msgspec checks the types the schema
declares, so anything it refuses (an older or newer form, a value of another
type, bad JSON) is read by the general path, ``json.loads`` and
``from_dict``, which decides and raises as it always has.  The one thing
msgspec would change is an integer in a float field (``"at":0`` would come
back as 0.0 and be written back as ``0.0``); such a line takes the general
path too, so decoding never alters what an event re-encodes to.
"""
from __future__ import annotations

import dataclasses
import json
import re
from typing import Any, Iterable, Literal

import msgspec

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
    try:
        head = _HEAD.decode(text)
        if head.v == SCHEMA_VERSION:
            fast = _fast(head.kind)
            if fast is not None:
                decoder, floats = fast
                event = decoder.decode(text)
                if floats is None or not _int_in_float_field(event, floats, text):
                    return event
    except msgspec.DecodeError:  # not the current form, or not JSON: the general path decides
        pass
    return from_dict(json.loads(text))


def from_lines(value: bytes, kind: str, n: int) -> list[Event] | None:
    """The ``n`` events of ``kind`` whose canonical JSON lines ``value`` holds (a Kafka message, see
    pucha.transport.packing), in one msgspec call; None when they are not all plainly that: the caller
    then reads them one by one (``from_json``), which skips only a bad one."""
    fast = _fast(kind)
    if fast is None or n < 1:
        return None
    decoder, floats = fast
    buf = b"[" + value.replace(b"\n", b",") + b"]"
    try:
        # Every line must say this kind and this version (the event decoder reads the fields only).
        if len(_heads(kind).decode(buf)) != n:
            return None
        events = decoder.list.decode(buf)
    except msgspec.DecodeError:
        return None
    if floats is not None and floats[1].search(value):
        return None  # an integer in a float field somewhere: let from_json see which line
    return events


class _Head(msgspec.Struct):
    kind: str
    v: int = SCHEMA_VERSION


_HEAD = msgspec.json.Decoder(_Head)


class _Decoders:
    __slots__ = ("one", "list", "heads")

    def __init__(self, cls: type[Event]):
        self.one = msgspec.json.Decoder(cls)
        self.list = msgspec.json.Decoder(list[cls])  # type: ignore[valid-type]
        # Refuses, in C, a line of another kind or version.
        head = msgspec.defstruct(f"_Head_{cls.kind}", [("kind", Literal[cls.kind]),  # type: ignore[misc]
                                                       ("v", Literal[SCHEMA_VERSION], SCHEMA_VERSION)])
        self.heads = msgspec.json.Decoder(list[head])  # type: ignore[valid-type]

    def decode(self, text: str | bytes) -> Event:
        return self.one.decode(text)


# kind -> (its decoders, None or (float field names, regexes (bytes, str) finding one written as an integer))
_FAST: dict[str, tuple[_Decoders, tuple | None]] = {}


def _heads(kind: str) -> msgspec.json.Decoder:
    return _FAST[kind][0].heads


def _fast(kind: str):
    # Built on first use: pucha.events registers its kinds after importing this module.
    try:
        return _FAST[kind]
    except KeyError:
        pass
    cls = KINDS.get(kind)
    if cls is None:
        return None  # not cached: a kind registered later gets its decoder then
    floats = tuple(f.name for f in dataclasses.fields(cls) if "float" in str(f.type))
    check = None
    if floats:
        names = "|".join(re.escape(f) for f in floats)
        pattern = rf'"(?:{names})"\s*:\s*-?\d+\s*[,}}]'
        check = (floats, re.compile(pattern.encode()), re.compile(pattern))
    fast = _FAST[kind] = (_Decoders(cls), check)
    return fast


def _int_in_float_field(event: Event, floats: tuple, text: str | bytes) -> bool:
    # Only a whole number can have been written as an integer; look at the text only then.
    for name in floats[0]:
        v = getattr(event, name)
        if type(v) is float and v.is_integer():
            break
    else:
        return False
    return (floats[2] if isinstance(text, str) else floats[1]).search(text) is not None


def _from_plain(cls: type[Event], d: dict[str, Any]) -> Event:
    names = _field_names(cls)  # dataclasses.fields() per decoded event was a fifth of decoding
    nested = getattr(cls, "_nested", {})
    kwargs = {}
    for name in names:
        if name not in d:
            continue  # let the dataclass default apply (older producers)
        v = d[name]
        if name in nested:
            v = tuple(_value(nested[name], x) for x in v)
        elif isinstance(v, list):
            v = _tuples(v)
        kwargs[name] = v
    return cls(**kwargs)


def _value(cls: type, x: dict[str, Any]) -> Any:
    """A value object (Item, Letter) from its dict; keys it does not know are ignored, as an event's are
    (a newer producer's field), which is also what msgspec does on the fast path."""
    if type(x) is not dict:
        raise TypeError(f"{cls.__name__} must be an object, got {type(x).__name__}")
    names = _NAME_SETS.get(cls)
    if names is None:
        names = _NAME_SETS[cls] = frozenset(_field_names(cls))
    if not x.keys() <= names:
        x = {k: v for k, v in x.items() if k in names}
    return cls(**x)


_NAME_SETS: dict[type, frozenset[str]] = {}


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
                    kw[name] = _tuples(v) if item_cls is None else tuple(_value(item_cls, x) for x in v)
            if list in map(type, kw.values()):
                raise TypeError  # a list outside the tuple fields: from_dict's rule applies
            out.append(cls(**kw))
        except TypeError:
            out.append(from_dict(d))
    return out
