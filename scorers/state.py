"""A site's observations in one sweep, built incrementally from its events.

The state is a set of events keyed by ``event_id`` (pucha.events), so
replaying, reordering or duplicating a stream leaves it unchanged; where
two events share an id, the canonical one is kept.  Everything the rules
need is derived from this set at scoring time (scorers.facts).
"""
from __future__ import annotations

from collections import defaultdict
from typing import Iterable, Iterator

from pucha.events import Event, canonical_choice


class SiteState:
    __slots__ = ("site", "sweep", "by_kind")

    def __init__(self, site: str, sweep: str):
        self.site = site
        self.sweep = sweep
        self.by_kind: dict[str, dict[str, Event]] = defaultdict(dict)

    def apply(self, event: Event, eid: str | None = None) -> bool:
        """Add one event; True when the state changed.  ``eid`` is its event_id when the caller already
        has it (a Kafka message's headers carry them), which spares hashing it again."""
        bucket = self.by_kind[event.kind]
        if eid is None:
            eid = event.event_id
        prev = bucket.get(eid)
        if prev is None:
            bucket[eid] = event
            return True
        if prev == event:
            return False
        chosen = canonical_choice(prev, event)
        bucket[eid] = chosen
        return chosen is not prev

    def extend(self, events: Iterable[Event]) -> None:
        for e in events:
            self.apply(e)

    def of(self, kind: str) -> Iterator[Event]:
        """The events of one kind, in a fixed order (by id) so results never depend on arrival."""
        bucket = self.by_kind.get(kind)
        if not bucket:
            return iter(())
        return (bucket[k] for k in sorted(bucket))

    def unordered(self, kind: str) -> Iterable[Event]:
        """The events of one kind in no fixed order, for views whose result cannot depend on it
        (sorting by id is a cost per event)."""
        bucket = self.by_kind.get(kind)
        return bucket.values() if bucket else ()

    def count(self, kind: str | None = None) -> int:
        if kind is not None:
            return len(self.by_kind.get(kind, ()))
        return sum(len(b) for b in self.by_kind.values())

    def events(self) -> Iterator[Event]:
        for kind in sorted(self.by_kind):
            yield from self.of(kind)


class SweepState:
    """The states of every site of one sweep."""

    def __init__(self, sweep: str):
        self.sweep = sweep
        self.sites: dict[str, SiteState] = {}

    def apply(self, event: Event) -> bool:
        st = self.sites.get(event.site)
        if st is None:
            st = self.sites[event.site] = SiteState(event.site, event.sweep)
        return st.apply(event)

    def site(self, home_url: str) -> SiteState:
        return self.sites.get(home_url) or SiteState(home_url, self.sweep)
