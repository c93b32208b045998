"""Scorecards over the monitoring window (附件2: a week of probes, two weeks of homepage updates).

The state for an as_of is the newest crawl sweep's events (columns, links,
guides, ...: what a one-off ``pucha sweep`` observed) plus the monitoring
events inside the window: probes taken in the 7 days that end with as_of
(``at`` in [24:00 of as_of - 7 days, 24:00 of as_of), Shanghai time) and
homepage snapshots of the days [as_of - 14, as_of] (SPEC's closed
window).  When the window has monitoring probes they replace the crawl
sweep's probe rounds, which only stand in for the week when nobody watched.
Then the rulebook is applied as ever (scorers.engine.score_site), the
dates-that-lie candidates are added to needs_review, and reviewers'
decisions are applied last, as the engine does.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Iterable

from pucha.events import Event, ListItems
from pucha.registry.records import SiteRecord

from scorers.decisions import DecisionRecord, apply_decisions
from scorers.engine import score_site
from scorers.facts import SiteFacts
from pucha.rulebook import Rulebook, load_rulebook
from scorers.scorecard import Scorecard
from scorers.state import SiteState

from .clock import DAY, day_end
from .limits import limits
from .lies import DATE_TOLERANCE_DAYS, lying_dates
from .schedule import is_monitor_sweep, monitor_sweep_id, monitor_sweeps_between
from .snapshots import snapshot_day

# The week of probes and the homepage's update window, as the rulebook gives them.
PROBE_DAYS = limits().days
SNAPSHOT_DAYS = int(limits().update_window.rstrip("d"))
FIRST_SEEN_DAYS = 62  # how far back a first sighting is looked for (the dates-that-lie check)


def crawl_sweep_for(store, as_of: date) -> str | None:
    """The newest finished crawl sweep whose as_of is not after ``as_of``."""
    best = None
    for info in store.sweeps():
        if is_monitor_sweep(info.sweep) or info.status != "done" or info.as_of > as_of.isoformat():
            continue
        if best is None or info.started > best.started:
            best = info
    return best.sweep if best else None


class MonitoredEvents:
    """A site's monitoring events around an as_of, read once from the store."""

    def __init__(self, store, site: str, as_of: date):
        self.as_of = as_of
        first = as_of - timedelta(days=FIRST_SEEN_DAYS)
        self.events: list[Event] = [e for sweep in monitor_sweeps_between(first, as_of)
                                    for e in store.events(sweep, site)]

    def probes(self) -> list[Event]:
        end = day_end(self.as_of)
        start = end - PROBE_DAYS * DAY
        return [e for e in self.events if e.kind == "probe" and start <= e.at < end]

    def snapshots(self, days: int | None = SNAPSHOT_DAYS) -> list[ListItems]:
        first = self.as_of - timedelta(days=days) if days is not None else date.min
        out = []
        for e in self.events:
            if e.kind == "list_items":
                d = snapshot_day(e)
                if d is not None and first <= d <= self.as_of:
                    out.append(e)
        return out


def monitored_state(store, site: str, as_of: date, crawl_sweep: str | None,
                    monitored: MonitoredEvents | None = None) -> SiteState:
    mon = monitored or MonitoredEvents(store, site, as_of)
    probes = mon.probes()
    state = SiteState(site, crawl_sweep or monitor_sweep_id(as_of))
    if crawl_sweep:
        for e in store.events(crawl_sweep, site):
            if probes and e.kind == "probe":
                continue
            state.apply(e)
    state.extend(probes)
    state.extend(mon.snapshots())
    return state


def score_monitored(store, site: SiteRecord, as_of: date, book: Rulebook | None = None,
                    decisions: Iterable[DecisionRecord] = (), crawl_sweep: str | None = None,
                    tolerance_days: int = DATE_TOLERANCE_DAYS, monitored: MonitoredEvents | None = None) -> Scorecard:
    """The scorecard of ``site`` at ``as_of`` from its crawl sweep and the monitoring window.

    ``crawl_sweep``: the crawl sweep to combine (default: crawl_sweep_for(store, as_of)); "" for none.
    """
    book = book or load_rulebook()
    if crawl_sweep is None:
        crawl_sweep = crawl_sweep_for(store, as_of)
    mon = monitored or MonitoredEvents(store, site.home_url, as_of)
    state = monitored_state(store, site.home_url, as_of, crawl_sweep or None, mon)
    card = score_site(site, state, as_of, book)
    card.needs_review.extend(lying_dates(SiteFacts(site, state, as_of), mon.snapshots(None), as_of,
                                         tolerance_days))
    card.needs_review.sort(key=lambda c: (c["rule"], c["url"], c["id"]))
    apply_decisions(card, decisions, book)
    return card
