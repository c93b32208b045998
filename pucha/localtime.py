"""Census time: every date a person sees or a rule decides is a calendar date
in Asia/Shanghai; every instant is stored in UTC.

One home for this, so that no module asks the host's local zone (CI runs in
UTC, a Beijing office's laptop in UTC+8: between 00:00 and 08:00 Beijing
time they disagree on what "today" is).  China keeps no daylight saving
time, so a fixed UTC+8 offset is exact and needs no tz database.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")


def now_utc() -> datetime:
    """The current instant, aware, in UTC (what is stored)."""
    return datetime.now(timezone.utc)


def today() -> date:
    """Today's calendar date in Asia/Shanghai."""
    return datetime.now(SHANGHAI).date()


def local(moment: datetime) -> datetime:
    """A stored instant as Beijing time (a naive value is taken as UTC, as SQLite returns it)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(SHANGHAI)
