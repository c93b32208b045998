"""Scoring a site from the store: the step after a site's SiteDone, embedded or in a stream scorer."""
from __future__ import annotations

from datetime import date

from pucha.registry.records import SiteRecord

from .engine import score_site
from pucha.rulebook import load_rulebook
from .scorecard import to_record
from .state import SiteState


class SiteScorer:
    def __init__(self, store, sweep: str, sites: dict[str, SiteRecord], as_of: date, rulebook: str = "2015"):
        self.store = store
        self.sweep = sweep
        self.sites = sites
        self.as_of = as_of
        self.book = load_rulebook(rulebook)
        self.cards: dict[str, dict] = {}

    def score(self, home_url: str) -> dict | None:
        site = self.sites.get(home_url)
        if site is None:
            return None
        state = SiteState(home_url, self.sweep)
        state.extend(self.store.events(self.sweep, home_url))
        return to_record(score_site(site, state, self.as_of, self.book))

    def score_and_store(self, home_url: str) -> None:
        rec = self.score(home_url)
        if rec is not None:
            self.store.write_scorecards(self.sweep, [rec])
            self.cards[home_url] = rec
