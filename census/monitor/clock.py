"""The clock the monitor runs against: the real one, or a simulated one for tests.

Census days are calendar days in Asia/Shanghai (UTC+8 all year), so day
arithmetic is done here once: ``day_of(ts)`` and ``day_start(day)``.

``SimulatedClock`` jumps straight to whatever time is slept until, so a week
of monitoring runs in seconds.  It sets ``simulated`` so that the scheduler
lets every probe in flight finish before time moves on: each probe then
meets the simulated moment it was scheduled at, as a real one would.
"""
from __future__ import annotations

import asyncio
import time
from datetime import date, datetime
from typing import Protocol

from pucha.localtime import SHANGHAI

DAY = 86400.0


def day_of(ts: float) -> date:
    """The Shanghai calendar date of a timestamp (seconds since the epoch)."""
    return datetime.fromtimestamp(ts, SHANGHAI).date()


def day_start(day: date) -> float:
    """The timestamp of 00:00 Shanghai time on ``day``."""
    return datetime(day.year, day.month, day.day, tzinfo=SHANGHAI).timestamp()


def day_end(day: date) -> float:
    """The timestamp of 24:00 Shanghai time on ``day`` (the 监测时间点 of an as_of)."""
    return day_start(day) + DAY


class Clock(Protocol):
    simulated: bool

    def now(self) -> float:
        """Seconds since the epoch."""

    async def sleep_until(self, ts: float) -> None:
        """Return once ``now() >= ts`` (or sooner when woken: callers re-check)."""


class SystemClock:
    simulated = False

    def now(self) -> float:
        return time.time()

    async def sleep_until(self, ts: float) -> None:
        delay = ts - time.time()
        if delay > 0:
            await asyncio.sleep(min(delay, 60.0))  # re-check at least once a minute (clock changes)


class SimulatedClock:
    """A clock that only moves when slept on (or moved with ``set``/``advance``)."""

    simulated = True

    def __init__(self, start: float):
        self._now = float(start)

    def now(self) -> float:
        return self._now

    def set(self, ts: float) -> None:
        self._now = max(self._now, float(ts))

    def advance(self, seconds: float) -> None:
        self._now += seconds

    async def sleep_until(self, ts: float) -> None:
        self.set(ts)
        await asyncio.sleep(0)  # still yield, like a real sleep
