"""The event schema: everything the crawler observes, as small frozen dataclasses.

This module is the one place the format is defined; the crawler emits these,
Kafka carries them as JSON, the scorers and stores read them back.

Every event names the sweep it belongs to and the site (its registered
homepage URL, the site's key throughout pucha).  Its ``event_id`` is a hash of
its kind, sweep, site and *identity* fields (``_identity``): the same
observation made twice -- a retried page, a replayed Kafka batch, a worker
that died after emitting -- has the same id, so every consumer can drop the
duplicate.  When two events share an id but differ in content (a page fetched
twice with different luck), consumers keep the one whose canonical JSON sorts
first, which makes the result independent of arrival order.

Dates are ISO ``YYYY-MM-DD`` strings (calendar dates in Asia/Shanghai);
timestamps are float seconds since the epoch (UTC).
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass
from typing import Any, ClassVar, Iterable

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
        key = [self.kind, self.sweep, self.site] + [_key(getattr(self, f)) for f in self._identity]
        return hashlib.blake2b("\x1f".join(key).encode("utf-8"), digest_size=12).hexdigest()

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


# --- value objects carried inside events -------------------------------------------------


@dataclass(frozen=True, slots=True)
class Item:
    """One entry of a list page: its title, link and the date shown beside it (None: undated)."""

    title: str
    url: str | None = None
    date: str | None = None


@dataclass(frozen=True, slots=True)
class Letter:
    """One row of a consultation (政务咨询) list: when it was asked and how it was answered."""

    title: str
    url: str | None = None
    submitted: str | None = None
    replied: str | None = None
    status: str | None = None  # "replied" | "unreplied" | None when the row says nothing


# --- the events --------------------------------------------------------------------------


@register
@dataclass(frozen=True, slots=True)
class Probe(Event):
    """One homepage availability probe (附件2 站点无法访问 / 首页可用性).

    ``slot`` names the probe within the sweep or monitoring window (the round
    number in a sweep, the scheduled slot in ``pucha monitor``)."""

    kind: ClassVar[str] = "probe"
    _identity: ClassVar[tuple[str, ...]] = ("slot",)

    slot: str
    url: str
    ok: bool
    at: float = 0.0
    status: int | None = None
    error: str | None = None  # scan status: timeout, dns, refused, reset, tls, http, redirects, other
    elapsed_ms: int | None = None
    final_url: str | None = None


@register
@dataclass(frozen=True, slots=True)
class Page(Event):
    """A page the crawler fetched (or failed to fetch) and what it understood of it."""

    kind: ClassVar[str] = "page"
    _identity: ClassVar[tuple[str, ...]] = ("url",)

    url: str
    ok: bool
    status: int | None = None
    error: str | None = None
    final_url: str | None = None
    depth: int = 0
    role: str = "page"  # home | column | page | guide | system
    title: str = ""
    pub_date: str | None = None
    soft404: bool = False
    size: int = 0
    at: float = 0.0


@register
@dataclass(frozen=True, slots=True)
class Links(Event):
    """The links of one crawled page: every a[href], img[src], iframe[src], script[src], link[href]
    (absolute, fragment removed, one entry per distinct target; ``tags[i]`` is the tag of ``targets[i]``).
    One event per page rather than per link keeps the stream small."""

    kind: ClassVar[str] = "links"
    _identity: ClassVar[tuple[str, ...]] = ("source",)

    source: str
    targets: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()


@register
@dataclass(frozen=True, slots=True)
class LinkCheck(Event):
    """The result of checking one link target, emitted for every site that links to it."""

    kind: ClassVar[str] = "link_check"
    _identity: ClassVar[tuple[str, ...]] = ("target",)

    target: str
    ok: bool
    status: int | None = None
    error: str | None = None
    final_url: str | None = None
    soft404: bool = False


@register
@dataclass(frozen=True, slots=True)
class ListItems(Event):
    """The dated (and undated) items of one list page.

    ``column`` is the registered column URL the page belongs to (its first
    page; later pages of its pagination carry the same ``column``), or the
    homepage URL for the homepage's own lists, or the page URL itself for a
    second-level page linked from the homepage.  ``opened`` is False when the
    page could not be fetched (a column that cannot be opened counts as empty).
    """

    kind: ClassVar[str] = "list_items"
    _identity: ClassVar[tuple[str, ...]] = ("column", "page_url")
    _nested: ClassVar[dict[str, type]] = {"items": Item}

    column: str
    page_url: str
    role: str  # home | column | second_level
    opened: bool = True
    page_no: int = 1
    items: tuple[Item, ...] = ()
    status: int | None = None
    error: str | None = None


@register
@dataclass(frozen=True, slots=True)
class InteractionRows(Event):
    """The rows of one page of a consultation (政务咨询类) column's list."""

    kind: ClassVar[str] = "interaction_rows"
    _identity: ClassVar[tuple[str, ...]] = ("column", "page_url")
    _nested: ClassVar[dict[str, type]] = {"rows": Letter}

    column: str
    page_url: str
    opened: bool = True
    page_no: int = 1
    rows: tuple[Letter, ...] = ()
    status: int | None = None
    error: str | None = None


@register
@dataclass(frozen=True, slots=True)
class GuideElements(Event):
    """A service guide (办事指南) page and which of the eight element categories it fills."""

    kind: ClassVar[str] = "guide_elements"
    _identity: ClassVar[tuple[str, ...]] = ("url",)

    url: str
    column: str
    opened: bool = True
    found: tuple[str, ...] = ()  # category names of scorers' GUIDE_ELEMENTS present with content
    forms_mentioned: tuple[str, ...] = ()  # 表格 named in the text without a download link


@register
@dataclass(frozen=True, slots=True)
class AttachmentCheck(Event):
    """A file link on a guide page, downloaded and discarded."""

    kind: ClassVar[str] = "attachment_check"
    _identity: ClassVar[tuple[str, ...]] = ("guide", "target")

    guide: str
    target: str
    ok: bool
    status: int | None = None
    error: str | None = None  # as Probe.error, plus "empty" for an empty body
    size: int = 0


@register
@dataclass(frozen=True, slots=True)
class SystemCheck(Event):
    """A registered online system (在线申报查询系统) URL, opened once."""

    kind: ClassVar[str] = "system_check"
    _identity: ClassVar[tuple[str, ...]] = ("url",)

    url: str
    ok: bool
    status: int | None = None
    error: str | None = None


@register
@dataclass(frozen=True, slots=True)
class TextFinding(Event):
    """Something in a page's text that only a person can judge (a candidate for 严重错误)."""

    kind: ClassVar[str] = "text_finding"
    _identity: ClassVar[tuple[str, ...]] = ("url", "term")

    url: str
    term: str
    what: str  # misspelt_name | banned_word
    context: str = ""
    suggestion: str = ""


@register
@dataclass(frozen=True, slots=True)
class SiteDone(Event):
    """The crawler has emitted everything for this site in this sweep.

    ``counts`` (kind -> number of distinct events emitted) lets a consumer
    tell whether it has seen the whole site yet."""

    kind: ClassVar[str] = "site_done"
    _identity: ClassVar[tuple[str, ...]] = ()

    counts: tuple[tuple[str, int], ...] = ()
    pages: int = 0
    at: float = 0.0


def canonical_choice(a: Event, b: Event) -> Event:
    """Of two events with one id, the one every consumer keeps (see module doc)."""
    return a if a.to_json() <= b.to_json() else b


__all__ = [
    "SCHEMA_VERSION", "KINDS", "Event", "Item", "Letter", "Probe", "Page", "Links", "LinkCheck",
    "ListItems", "InteractionRows", "GuideElements", "AttachmentCheck", "SystemCheck",
    "TextFinding", "SiteDone", "SchemaError", "from_dict", "from_dicts", "from_json", "canonical_choice",
]
