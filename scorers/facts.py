"""What the rules look at, derived from a site's events (docs/READING.md says how).

Rules never walk raw events: they ask these views, so every rulebook reads
the same homepage, the same columns and the same broken links.  All views
are order-independent (events come sorted by id; outputs are sorted).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from pucha.events import Item, Letter
from pucha.scanstatus import is_unread
from pucha.registry.records import ColumnRecord, SiteRecord

from .articledates import ArticleDates
from .state import SiteState
from .windows import parse, within


@dataclass
class ColumnView:
    column: ColumnRecord
    opened: bool = False
    seen: bool = False  # any page of it was attempted at all
    items: list[Item] = field(default_factory=list)
    error: str | None = None
    status: int | None = None
    by_article: list[str] = field(default_factory=list)  # entries dated by their article (SPEC §4)
    unknown: dict[str, str] = field(default_factory=dict)  # undated entries whose article pucha could not read

    @property
    def empty(self) -> bool:
        return not self.items

    @property
    def unread(self) -> bool:
        """Its first page was a firewall's or could not be read (SPEC §8): it decides nothing."""
        return not self.opened and is_unread(self.error)

    @property
    def newest(self) -> str | None:
        dates = [i.date for i in self.items if parse(i.date)]
        return max(dates) if dates else None

    def count_within(self, as_of: date, spec: str) -> int:
        return sum(1 for i in self.items if within(i.date, as_of, spec))

    def evidence(self) -> dict:
        ev: dict = {"url": self.column.url, "column": self.column.name, "category": self.column.category,
                    "newest_date": self.newest, "items": len(self.items)}
        if not self.opened:
            ev["error"] = self.error or (f"HTTP {self.status}" if self.status else "not opened")
            if self.status:
                ev["status"] = self.status
        ev.update(date_sources(self.items, self.by_article, self.unknown))
        return ev


def date_sources(items: list[Item], by_article: list[str], unknown: dict[str, str]) -> dict:
    """Where the dates came from, for the evidence: the list itself or the entries' articles."""
    out: dict = {}
    if by_article:
        out["dated_by_article"] = len(by_article)
        newest = max((i for i in items if parse(i.date)), key=lambda i: i.date, default=None)
        if newest is not None:
            out["newest_from"] = newest.url if newest.url in by_article else "list"
    if unknown:
        out["undated_unread"] = {"count": len(unknown), "urls": sorted(unknown)[:5],
                                 "scan_status": sorted(set(unknown.values()))}
    return out


@dataclass(slots=True)
class TargetView:
    target: str
    sources: set[str]
    ok: bool | None = None  # None: never checked
    status: int | None = None
    error: str | None = None
    soft404: bool = False

    @property
    def broken(self) -> bool:
        return self.ok is False and not self.unread

    @property
    def unread(self) -> bool:
        return self.ok is False and is_unread(self.error)


def _dated(dates: ArticleDates, items: list[Item]) -> tuple[list[Item], list[str], dict[str, str]]:
    """Distinct entries with dates from their articles where the list shows none; the URLs so dated;
    the entries still undated because pucha could not read their article."""
    filled, by_article, unknown = dates.apply(items)
    out = _distinct(filled)
    undated = {i.url for i in out if not parse(i.date)}
    return out, sorted(set(by_article)), {u: s for u, s in unknown.items() if u in undated}


def _distinct(items: list[Item]) -> list[Item]:
    seen: dict[str, Item] = {}
    for it in items:
        key = it.url or it.title
        prev = seen.get(key)
        # Keep the dated reading if one list shows a date and another does not.
        if prev is None or (prev.date or "") < (it.date or ""):
            seen[key] = it
    return [seen[k] for k in sorted(seen)]


class SiteFacts:
    def __init__(self, site: SiteRecord, state: SiteState, as_of: date):
        self.site = site
        self.state = state
        self.as_of = as_of
        self.home = site.home_url

    # --- probes -------------------------------------------------------------------------
    @cached_property
    def probes(self) -> list:
        """The probes that count: one that met a firewall is neither a success nor a failure (SPEC §8)."""
        return [p for p in self.state.of("probe") if not is_unread(p.error)]

    @cached_property
    def blocked_probes(self) -> list:
        return [p for p in self.state.of("probe") if is_unread(p.error)]

    @cached_property
    def failed_probes(self) -> list:
        return [p for p in self.probes if not p.ok]

    # --- lists ----------------------------------------------------------------------------
    @cached_property
    def _lists(self) -> list:
        return list(self.state.of("list_items"))

    @cached_property
    def home_unread(self) -> dict | None:
        """Evidence that the homepage itself could not be read (a firewall's page), else None."""
        for ev in self._lists:
            if ev.role == "home" and ev.column == self.home and not ev.opened and is_unread(ev.error):
                return {"url": self.home, "scan_status": ev.error, "status": ev.status}
        return None

    @cached_property
    def home_linked(self) -> set[str]:
        return {t for l in self.state.of("links") if l.source == self.home for t in l.targets}

    @cached_property
    def article_dates(self) -> ArticleDates:
        wanted = {i.url for ev in self._lists for i in ev.items if i.url and not parse(i.date)}
        return ArticleDates.of(self.state, wanted)

    @cached_property
    def _home(self) -> tuple[list[Item], list[str], dict[str, str]]:
        return _dated(self.article_dates, [i for ev in self._lists if ev.role == "home" and ev.column == self.home
                                           for i in ev.items])

    @cached_property
    def homepage_items(self) -> list[Item]:
        return self._home[0]

    @cached_property
    def is_navigation_home(self) -> bool:
        return not any(i.date and parse(i.date) for i in self.homepage_items)

    @cached_property
    def second_level_pages(self) -> list[str]:
        pages = {ev.page_url for ev in self._lists
                 if ev.page_no == 1 and ev.page_url in self.home_linked and ev.page_url != self.home}
        return sorted(pages)

    @cached_property
    def _updates(self) -> tuple[list[Item], list[str], dict[str, str]]:
        if not self.is_navigation_home:
            return self._home
        pages = set(self.second_level_pages)
        return _dated(self.article_dates, [i for ev in self._lists if ev.page_no == 1 and ev.page_url in pages
                                           for i in ev.items])

    @cached_property
    def update_items(self) -> list[Item]:
        """The items of the homepage rules: the homepage's, or the second-level pages' for a navigation homepage."""
        return self._updates[0]

    @property
    def update_sources(self) -> dict:
        return date_sources(*self._updates)

    @property
    def update_unknown(self) -> dict[str, str]:
        """Homepage entries (or second-level ones) without a date whose article pucha could not read.  On a
        navigation homepage its own such entries count too: each may be an article, or a list pucha missed."""
        if self.is_navigation_home:
            return {**self._home[2], **self._updates[2]}
        return self._updates[2]

    @cached_property
    def columns(self) -> list[ColumnView]:
        by_url: dict[str, list] = {}
        for ev in self._lists:
            if ev.role == "column":
                by_url.setdefault(ev.column, []).append(ev)
        views = []
        for col in self.site.columns:
            v = ColumnView(col)
            for ev in by_url.get(col.url, ()):
                v.seen = True
                if ev.page_no == 1:
                    v.opened, v.status, v.error = ev.opened, ev.status, ev.error
                v.items.extend(ev.items)
            v.items, v.by_article, v.unknown = _dated(self.article_dates, v.items)
            if v.unread and v.items:  # a script-filled list, read from the endpoint its script calls
                v.opened, v.error = True, None
            views.append(v)
        return views

    def columns_of(self, *categories: str) -> list[ColumnView]:
        return [v for v in self.columns if v.column.category in categories]

    # --- interaction ------------------------------------------------------------------------
    def letters(self, columns: list[ColumnRecord]) -> list[tuple[str, Letter]]:
        urls = {c.url for c in columns}
        out: dict[tuple, tuple[str, Letter]] = {}
        for ev in self.state.of("interaction_rows"):
            if ev.column in urls:
                for row in ev.rows:
                    out[(row.url or "", row.title, row.submitted or "")] = (ev.page_url, row)
        return [out[k] for k in sorted(out)]

    def interaction_unread(self, columns: list[ColumnRecord]) -> dict[str, dict]:
        """The consultation columns whose first page could not be read: url -> evidence."""
        urls = {c.url for c in columns}
        return {ev.column: {"url": ev.column, "scan_status": ev.error, "status": ev.status}
                for ev in self.state.of("interaction_rows")
                if ev.column in urls and ev.page_no == 1 and not ev.opened and is_unread(ev.error)}

    def interaction_opened(self, columns: list[ColumnRecord]) -> dict[str, bool]:
        urls = {c.url for c in columns}
        opened = {u: False for u in urls}
        for ev in self.state.of("interaction_rows"):
            if ev.column in urls and ev.page_no == 1:
                opened[ev.column] = ev.opened
        return opened

    # --- links ------------------------------------------------------------------------------
    @cached_property
    def targets(self) -> dict[str, TargetView]:
        # ~7,500 (page, target) pairs per site: a defaultdict's subscript instead of a get() call per
        # pair, one TargetView per distinct target, and the events unsorted (a set and a per-target
        # overwrite do not depend on order; link_check's id is its target) made this ~2x faster
        # (bench/bench_scorer.py; it was the scorer's largest Python hotspot).
        sources: defaultdict[str, set[str]] = defaultdict(set)
        for l in self.state.unordered("links"):
            source = l.source
            for target in l.targets:
                sources[target].add(source)
        views = {t: TargetView(t, s) for t, s in sources.items()}
        get = views.get
        for c in self.state.unordered("link_check"):
            v = get(c.target)
            if v is not None:
                v.ok, v.status, v.error, v.soft404 = c.ok, c.status, c.error, c.soft404
        return views

    @cached_property
    def prominent_sources(self) -> set[str]:
        """Pages whose broken links cost 1 point: the homepage, plus the second level of a navigation homepage."""
        if self.is_navigation_home:
            return {self.home} | {t for t in self.home_linked}
        return {self.home}

    # --- service ----------------------------------------------------------------------------
    @cached_property
    def guides(self) -> list:
        return [g for g in self.state.of("guide_elements") if g.opened]

    @cached_property
    def attachments(self) -> dict[str, list]:
        out: dict[str, list] = {}
        for a in self.state.of("attachment_check"):
            out.setdefault(a.target, []).append(a)
        return out

    @cached_property
    def systems(self) -> dict[str, object]:
        return {s.url: s for s in self.state.of("system_check")}

    @cached_property
    def text_findings(self) -> list:
        return list(self.state.of("text_finding"))
