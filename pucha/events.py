"""The event schema: everything the crawler observes, as small frozen dataclasses.

This module is the one place the format is defined; the crawler emits these,
Kafka carries them as JSON, the scorers and stores read them back.  The base
class (id, plain form) is pucha.eventbase, the decoder pucha.eventcodec; both
are re-exported here, so ``from pucha import events`` is all a caller needs.

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

from dataclasses import dataclass
from typing import ClassVar

from pucha.eventbase import KINDS, SCHEMA_VERSION, Event, register
from pucha.eventcodec import SchemaError, from_dict, from_dicts, from_json

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
