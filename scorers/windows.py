"""Monitoring windows: "within N before as_of" (附件2's closing note, SPEC's conventions).

The interval is closed, [as_of - N, as_of]; months and years are calendar
steps (as_of 3-31 minus 1 month is 2-28), days are days.  A date after
as_of is in no window.
"""
from __future__ import annotations

import re
from datetime import date, timedelta
from functools import lru_cache

from dateutil.relativedelta import relativedelta

_SPEC = re.compile(r"^(\d+)([dmy])$")


@lru_cache(maxsize=256)
def window_start(as_of: date, spec: str) -> date:
    m = _SPEC.match(spec)
    if not m:
        raise ValueError(f"bad window {spec!r}: want e.g. 14d, 6m, 1y")
    n, unit = int(m.group(1)), m.group(2)
    if unit == "d":
        return as_of - timedelta(days=n)
    if unit == "m":
        return as_of - relativedelta(months=n)
    return as_of - relativedelta(years=n)


def add(d: date, spec: str) -> date:
    """d plus a window length (for "replied more than 3 months after submission")."""
    m = _SPEC.match(spec)
    if not m:
        raise ValueError(f"bad window {spec!r}")
    n, unit = int(m.group(1)), m.group(2)
    if unit == "d":
        return d + timedelta(days=n)
    return d + (relativedelta(months=n) if unit == "m" else relativedelta(years=n))


@lru_cache(maxsize=65536)
def parse(iso: str | None) -> date | None:
    if not iso:
        return None
    try:
        return date.fromisoformat(iso[:10])
    except ValueError:
        return None


def within(iso: str | None, as_of: date, spec: str) -> bool:
    d = parse(iso)
    return d is not None and window_start(as_of, spec) <= d <= as_of
