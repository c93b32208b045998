"""Dates that lie: homepage items claiming a date well before the day pucha first saw them.

The 2019 check indicators make a faked publication date a veto; the 2015
table has no rule for it, so the monitor only lists such items in
``needs_review`` (rule ``veto.not_updated``: a back-dated item is not an
update of the day it claims; a reviewer's confirmation makes it that veto).
An item is judged only when it appeared after the site's first snapshot
(what was already on the homepage when monitoring began says nothing about
when it was put there), and only when its date is more than the tolerance
before its first sighting (a story published late at night is seen the next
morning).
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Iterable

from pucha.events import Item, ListItems

from scorers.facts import SiteFacts
from scorers.rules_2015.review import candidate
from scorers.windows import parse

from .snapshots import snapshot_day

DATE_TOLERANCE_DAYS = 2
RULE = "veto.not_updated"
WHAT = "date_earlier_than_first_seen"


def first_seen(snapshots: Iterable[ListItems]) -> tuple[date | None, dict[str, tuple[date, Item]]]:
    """The first snapshot day of the site, and per item key (URL, else title) its first day and reading."""
    start: date | None = None
    seen: dict[str, tuple[date, Item]] = {}
    for ev in snapshots:
        day = snapshot_day(ev)
        if day is None:
            continue
        start = day if start is None or day < start else start
        for it in ev.items:
            key = it.url or it.title
            prev = seen.get(key)
            if prev is None or day < prev[0] or (day == prev[0] and (it.date or "") > (prev[1].date or "")):
                seen[key] = (day, it)
    return start, seen


def lying_dates(facts: SiteFacts, snapshots: Iterable[ListItems], as_of: date,
                tolerance_days: int = DATE_TOLERANCE_DAYS) -> list[dict]:
    """needs_review candidates for the items first seen on or before as_of whose date lies."""
    start, seen = first_seen(snapshots)
    out = []
    for key in sorted(seen):
        day, item = seen[key]
        claimed = parse(item.date)
        if claimed is None or start is None or day <= start or day > as_of:
            continue
        if claimed < day - timedelta(days=tolerance_days):
            extra = {} if item.url else {"term": item.title}  # undated links share the homepage URL
            out.append(candidate(facts, RULE, WHAT, item.url or facts.home, title=item.title, **extra,
                                 claimed_date=claimed.isoformat(), first_seen=day.isoformat(),
                                 days_earlier=(day - claimed).days, tolerance_days=tolerance_days))
    return out
