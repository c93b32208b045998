"""The stream scorer (`pucha worker --role score`): scores each site as soon as all its events have arrived.

A consumer group (``pucha-score``) over every event topic.  Each event is
applied to its site's SiteState (a set keyed by event id, so replays and
duplicates change nothing).  A site is scored when its SiteDone is in and the
state holds as many distinct events of each kind as SiteDone.counts says,
since kinds travel on separate topics and arrive in any order.

Nothing is lost or counted twice across a kill: the offsets committed for a
partition never pass the first event of a site still waiting (the
partition's low-water mark over pending sites), and only after the cards of
the sites scored so far are stored.  A restarted scorer reads those sites'
events again and rebuilds their states; a site scored twice gets the same
card, which replaces the first.

Two cases wait on the store (filled by ingest) instead of the stream: events
of a site this scorer already scored (a straggler, or a site crawled again)
and a site whose SiteDone came but whose earlier events were committed by a
scorer that died.  When such a site has been quiet for ``settle`` seconds and
the store holds its SiteDone and every counted event, its state is rebuilt
from the store plus what is in memory, and it is scored.
"""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from typing import Sequence

from pucha.errors import ServiceUnavailable
from pucha.events import Event, SiteDone
from pucha.settings import Settings
from pucha.store.base import ResultStore
from pucha.transport import EventSource

from .engine import score_site
from pucha.rulebook import load_rulebook
from .scorecard import to_record
from .state import SiteState

log = logging.getLogger(__name__)

GROUP = "pucha-score"
Key = tuple[str, str]  # (sweep, site)


@dataclass
class Pending:
    state: SiteState
    first: dict = field(default_factory=dict)  # TopicPartition -> first offset of this site's events there
    done: SiteDone | None = None
    touched: float = 0.0
    straggler: bool = False  # events of a site already scored here


@dataclass
class ScorerStats:
    events: int = 0
    scored: int = 0
    from_store: int = 0
    outages: int = 0


def complete(state: SiteState, done: SiteDone) -> bool:
    return all(state.count(kind) >= n for kind, n in done.counts)


class StreamScorer:
    """The scorer's state and steps; ``run_scorer`` drives it from a KafkaSource."""

    def __init__(self, store, database_url: str | None, rulebook: str = "2015", settle: float = 5.0):
        self.store = store
        self.database_url = database_url
        self.book = load_rulebook(rulebook)
        self.settle = settle
        self.pending: dict[Key, Pending] = {}
        self.scored: set[Key] = set()
        self.cards: dict[Key, dict] = {}
        self._sites: dict | None = None
        self._as_of: dict[str, date] = {}
        self.stats = ScorerStats()

    # --- what the scorer needs from the registry and the store -------------------------------
    def site_record(self, home: str):
        if self._sites is None or home not in self._sites:
            from pucha.registry.loader import load_sites

            self._sites = {s.home_url: s for s in load_sites(self.database_url)}
        return self._sites.get(home)

    def as_of(self, sweep: str) -> date | None:
        if sweep not in self._as_of:
            info = self.store.sweep(sweep)
            if info is None:
                return None
            self._as_of[sweep] = date.fromisoformat(info.as_of)
        return self._as_of[sweep]

    # --- the steps ---------------------------------------------------------------------------
    def apply(self, event: Event, tp=None, offset: int | None = None) -> None:
        key = (event.sweep, event.site)
        p = self.pending.get(key)
        if p is None:
            p = self.pending[key] = Pending(SiteState(event.site, event.sweep), straggler=key in self.scored)
        if tp is not None and offset is not None and tp not in p.first:
            p.first[tp] = offset
        if isinstance(event, SiteDone):
            p.done = event if p.done is None else max(p.done, event, key=lambda e: e.at)
        p.state.apply(event)
        p.touched = time.monotonic()
        self.stats.events += 1

    def apply_message(self, events: Sequence[Event], tp=None, offset: int | None = None,
                      ids: Sequence[str] | None = None) -> None:
        """The events of one Kafka message, which are one site's of one sweep: ``apply`` with one lookup
        for all of them (a message from elsewhere that mixes sites is applied event by event).  ``ids``
        are their event ids from the message's headers, which pucha's own sink computed."""
        if not events:
            return
        sweep, site = events[0].sweep, events[0].site
        if any(e.site != site or e.sweep != sweep for e in events):
            for e in events:
                self.apply(e, tp, offset)
            return
        key = (sweep, site)
        p = self.pending.get(key)
        if p is None:
            p = self.pending[key] = Pending(SiteState(site, sweep), straggler=key in self.scored)
        if tp is not None and offset is not None and tp not in p.first:
            p.first[tp] = offset
        state = p.state
        if ids is None or len(ids) != len(events):
            ids = [None] * len(events)
        for e, eid in zip(events, ids):
            if isinstance(e, SiteDone):
                p.done = e if p.done is None else max(p.done, e, key=lambda d: d.at)
            state.apply(e, eid)
        p.touched = time.monotonic()
        self.stats.events += len(events)

    def ready(self) -> list[Key]:
        """Sites whose SiteDone and every counted event are in memory."""
        return [k for k, p in self.pending.items() if p.done is not None and not p.straggler and complete(p.state, p.done)]

    def settled(self) -> list[Key]:
        """Sites to finish from the store: quiet for ``settle`` s and stragglers or SiteDone without their events."""
        now = time.monotonic()
        return [k for k, p in self.pending.items() if now - p.touched >= self.settle
                and (p.straggler or (p.done is not None and not complete(p.state, p.done)))]

    def score(self, key: Key, from_store: bool = False) -> dict | None:
        p = self.pending[key]
        sweep, home = key
        state = p.state
        if from_store:
            counts = self.store.count_by_site_kind(sweep, [home])
            stored_done = [e for e in self.store.events(sweep, home) if e.kind == "site_done"] if \
                counts.get((home, "site_done")) else []
            done = p.done or (max(stored_done, key=lambda e: e.at) if stored_done else None)
            if done is None or any(counts.get((home, k), 0) < n for k, n in done.counts):
                return None  # ingest has not caught up (or the crawl is not over): wait
            state = SiteState(home, sweep)
            state.extend(self.store.events(sweep, home))
            state.extend(p.state.events())
            self.stats.from_store += 1
        site, as_of = self.site_record(home), self.as_of(sweep)
        if site is None or as_of is None:
            log.error("scorer: %s in sweep %s: %s", home, sweep,
                      "not in the registry" if site is None else "sweep not in the store")
            return {}
        return to_record(score_site(site, state, as_of, self.book))

    def step(self, final: bool = False) -> list[Key]:
        """Score what is ready, store the cards; returns the keys finished (dropped from memory)."""
        finished, cards = [], []
        for key in self.ready():
            cards.append((key, self.score(key)))
        for key in self.settled() if not final else []:
            card = self.score(key, from_store=True)
            if card is not None:
                cards.append((key, card))
        by_sweep: dict[str, list[dict]] = {}
        for (sweep, _home), card in cards:
            if card:
                by_sweep.setdefault(sweep, []).append(card)
        for sweep, batch in by_sweep.items():
            self.store.write_scorecards(sweep, batch)  # before anything is dropped or committed
        for key, card in cards:
            if card:
                self.cards[key] = card
                self.stats.scored += 1
            self.scored.add(key)
            del self.pending[key]
            finished.append(key)
        return finished

    def commit_offsets(self, source) -> dict:
        """Offsets safe to commit: per partition, the first offset of a site still pending there."""
        safe = dict(source.positions)
        for p in self.pending.values():
            for tp, off in p.first.items():
                if tp in safe and off < safe[tp]:
                    safe[tp] = off
        return safe


def run_scorer(settings: Settings, source: EventSource, store: ResultStore, stop_event: threading.Event | None = None,
               *, settle: float = 5.0, scorer: StreamScorer | None = None) -> ScorerStats:
    """Score sites from ``source`` (in production a KafkaSource of group GROUP, made by the worker)
    until ``stop_event`` is set."""
    stop = stop_event or threading.Event()
    scorer = scorer or StreamScorer(store, settings.database_url, settings.rulebook, settle)
    delay = 0.5
    try:
        while not stop.is_set():
            for m in source.next_messages(0.2):
                scorer.apply_message(m.events, (m.record.topic, m.record.partition), m.record.offset, m.ids)
            try:
                scorer.step()
            except ServiceUnavailable as exc:
                scorer.stats.outages += 1
                log.warning("scorer: %s; retrying in %.1f s", exc, delay)
                if stop.wait(delay):
                    break
                delay = min(delay * 2, 10.0)
                continue
            delay = 0.5
            source.commit_at(scorer.commit_offsets(source))
    finally:
        source.close()
        store.close()
    return scorer.stats
