"""Closing a day: every site scored for that as_of over its monitoring window, its trend row, its alerts.

Cards are stored under the sweep ``monitor-score-<day>`` (begun when the day
closes, so it is the newest sweep with cards for that as_of and ``pucha
report --as-of <day>`` shows them); closing a day again replaces them.
"""
from __future__ import annotations

import logging
import time
from datetime import date
from typing import Callable

from pucha.registry.loader import load_sites
from pucha.settings import Settings
from pucha.store.base import SweepInfo

from pucha.rulebook import load_rulebook
from scorers.scorecard import to_record

from . import alerts, trends
from .lies import DATE_TOLERANCE_DAYS
from .monitor_db import monitor_engine
from .scoring import MonitoredEvents, crawl_sweep_for, score_monitored

log = logging.getLogger("census.monitor")

MONITORED_STATUSES = ("running", "rectifying")  # closed and merged sites are not watched


def score_sweep_id(day: date) -> str:
    return f"monitor-score-{day.isoformat()}"


class DayCloser:
    def __init__(self, settings: Settings, store, tolerance_days: int = DATE_TOLERANCE_DAYS,
                 keep: Callable[[str], bool] | None = None):
        """``keep``: which homepages this closer scores (a shard's, when monitors share the sites)."""
        self.settings = settings
        self.store = store
        self.book = load_rulebook(settings.rulebook)
        self.tolerance_days = tolerance_days
        self.keep = keep
        self.engine = monitor_engine(settings.database_url)
        self.closed: list[date] = []
        self.alerts: list[dict] = []

    def __call__(self, day: date) -> None:
        t0 = time.monotonic()
        sites = [s for s in load_sites(self.settings.database_url)
                 if s.status in MONITORED_STATUSES and (self.keep is None or self.keep(s.home_url))]
        crawl = crawl_sweep_for(self.store, day)
        sweep = score_sweep_id(day)
        if self.keep is None or self.store.sweep(sweep) is None:  # shards add their cards to one sweep
            self.store.begin_sweep(SweepInfo(sweep, day.isoformat(), time.time(), status="running",
                                             sites=len(sites), params='{"monitor": true}'))
        cards: list[dict] = []
        rows: list[dict] = []
        for site in sites:
            mon = MonitoredEvents(self.store, site.home_url, day)
            card = to_record(score_monitored(self.store, site, day, self.book, crawl_sweep=crawl or "",
                                             tolerance_days=self.tolerance_days, monitored=mon))
            cards.append(card)
            rows.append(trends.trend_row(site, day, mon, card["verdict"]))
            if len(cards) % 500 == 0:
                self.store.write_scorecards(sweep, cards[-500:])
        self.store.write_scorecards(sweep, cards[len(cards) // 500 * 500:])
        self.store.finish_sweep(sweep)
        trends.write_rows(self.engine, rows)
        new = alerts.process(self.engine, self.settings, day, cards, alerts.load_contacts(self.settings.database_url))
        self.alerts.extend(new)
        self.alerts.extend(alerts.deliver(self.engine, self.settings))  # mails owed from before: retried
        self.closed.append(day)
        log.info("closed %s: %d sites scored, %d alerts, %.1f s", day, len(cards), len(new), time.monotonic() - t0)
