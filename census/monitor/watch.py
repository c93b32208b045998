"""Failed probes of the window, kept per site as probes arrive, so ``veto.unreachable`` alerts at once.

附件2's veto: failed probes reaching 5% of the week's probes.  The scorecard
decides it when a day closes; this decides it the moment a failed probe
makes it certain, so the responsible unit hears of it hours earlier.  Per
site a ring of 8 day buckets (probes, failed) is kept -- a few hundred bytes
a site -- and the check on a failed probe is a sum of 7 of them.

"Certain" is judged conservatively, so an early alert never contradicts the
day's scorecard: the window's probe count is taken as the probes counted on
earlier days plus a full day's ``per_day`` for today (and for any earlier
day of the window this process did not see, e.g. before a restart), which
is at least what the scorecard will count; and only failures actually seen
are counted.  What this misses, the day's closing still catches.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Iterable

from .limits import Limits, limits



@dataclass(frozen=True)
class Crossing:
    site: str
    day: date
    at: float  # the monitor clock's time of the probe that made it certain
    probes: int  # the window's probe count as judged (see module doc)
    failed: int

    @property
    def evidence(self) -> dict:
        return {"probes": self.probes, "failed": self.failed,
                "failed_percent": round(100.0 * self.failed / self.probes, 2) if self.probes else 0.0}


class FailureWindow:
    def __init__(self, per_day: int, resumed: bool = False, rules: Limits | None = None):
        """``resumed``: monitoring went on before this process (a restart), so a site with no seeded
        days may have probes on any day of the window; a fresh start begins every site today.
        ``rules``: the window's length and threshold (default: the 2015 rulebook's)."""
        rules = rules or limits()
        self.per_day = per_day
        self.resumed = resumed
        self.days, self.share = rules.days, rules.share
        self.ring_len = self.days + 1  # one more than the window: today's bucket never overwrites a day in it
        self._rings: dict[str, list[int]] = {}  # site -> [day ordinal, probes, failed] * self.ring_len, then first ordinal
        self._told: set[str] = set()  # sites already reported as holding today
        self._today = 0

    def seed(self, rows: Iterable[tuple[str, date, int, int]]) -> None:
        """Closed days' counts (site, day, probes, failed), e.g. from monitor_daily after a restart."""
        for site, day, probes, failed in rows:
            ring = self._ring(site, day.toordinal(), seeded=True)
            i = 3 * (day.toordinal() % self.ring_len)
            ring[i:i + 3] = [day.toordinal(), probes, failed]

    def note(self, site: str, day: date, ok: bool, at: float) -> Crossing | None:
        """Count one probe of ``site`` on ``day``; a Crossing when it makes the veto certain for that day."""
        o = day.toordinal()
        if o != self._today:
            if o > self._today:
                self._told.clear()
                self._today = o
        ring = self._ring(site, o)
        i = 3 * (o % self.ring_len)
        if ring[i] != o:
            ring[i:i + 3] = [o, 0, 0]
        ring[i + 1] += 1
        if ok:
            return None
        ring[i + 2] += 1
        if site in self._told and o == self._today:
            return None
        first = ring[3 * self.ring_len]
        probes = failed = 0
        for d in range(o - self.days + 1, o + 1):
            if d < first:
                continue
            j = 3 * (d % self.ring_len)
            if ring[j] == d and d != o:
                probes += ring[j + 1]
            else:
                probes += self.per_day  # today, or a day not seen: the most it can hold
            if ring[j] == d:
                failed += ring[j + 2]
        if failed < self.share * probes:
            return None
        if o == self._today:
            self._told.add(site)
        return Crossing(site, day, at, probes, failed)

    def _ring(self, site: str, ordinal: int, seeded: bool = False) -> list[int]:
        ring = self._rings.get(site)
        if ring is None:
            first = ordinal - self.days + 1 if self.resumed and not seeded else ordinal
            ring = self._rings[site] = [0] * (3 * self.ring_len) + [first]
        elif ordinal < ring[3 * self.ring_len]:
            ring[3 * self.ring_len] = ordinal
        return ring


def seed_from_daily(window: FailureWindow, engine, today: date, sites: set[str] | None = None) -> int:
    """Seed ``window`` with the closed days of monitor_daily before ``today``; returns the rows read."""
    from sqlalchemy import select

    from .monitor_db import daily

    first = (today - timedelta(days=window.days - 1)).isoformat()
    q = select(daily.c.site, daily.c.day, daily.c.probes, daily.c.failed).where(
        daily.c.day >= first, daily.c.day < today.isoformat())
    with engine.connect() as c:
        rows = [(s, date.fromisoformat(d), p, f) for s, d, p, f in c.execute(q) if sites is None or s in sites]
    window.seed(rows)
    return len(rows)
