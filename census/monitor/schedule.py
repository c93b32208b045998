"""When each homepage is probed: ``probes_per_day`` slots a day, spread evenly, never on the hour.

The day (Shanghai) is cut into ``n`` equal intervals.  Slot ``k`` of a site
falls in interval ``k`` at the site's own phase (a hash of its homepage)
plus a jitter of up to ±10% of the interval (a hash of site, day and slot;
smaller near the interval's edges, so the slot never leaves it).  So the load of many sites is
spread evenly over the day, one site's probes are about 24 h / n apart, and
a probe is never due at the same moment every day.  All of it is a pure
function of (site, day, k, n): a restarted monitor computes the same times,
and a slot's name ``YYYY-MM-DD/kk`` is the Probe event's ``slot``, so a
re-probed slot has the same event id.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta

from .clock import DAY, day_of, day_start


@dataclass(frozen=True, order=True, slots=True)
class Slot:
    due: float
    site: str
    name: str  # "2026-11-20/07"

    @property
    def day(self) -> date:
        return date.fromisoformat(self.name[:10])


def _fraction(*parts: str) -> float:
    h = hashlib.blake2b("\x1f".join(parts).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(h, "big") / 2**64


def slot_due(site: str, day: date, k: int, per_day: int) -> float:
    interval = DAY / per_day
    phase = _fraction("phase", site)
    # Up to ±10% of the interval, less near its edges so that the slot stays inside interval k
    # (and its day) while the sites' slots still cover every moment about evenly.
    amplitude = min(0.1, phase, 1.0 - phase)
    jitter = amplitude * (2.0 * _fraction("jitter", site, day.isoformat(), str(k)) - 1.0)
    return day_start(day) + interval * (k + phase + jitter)


def slot_name(day: date, k: int) -> str:
    return f"{day.isoformat()}/{k:02d}"


def slots_of_day(site: str, day: date, per_day: int) -> list[Slot]:
    return [Slot(slot_due(site, day, k, per_day), site, slot_name(day, k)) for k in range(per_day)]


def first_slot_from(site: str, ts: float, per_day: int) -> Slot:
    """The site's first slot due at or after ``ts``."""
    day = day_of(ts)
    # Slot k lies in interval k, so only the interval holding ts and the next need looking at.
    k = max(0, int((ts - day_start(day)) // (DAY / per_day)))
    for j in (k, k + 1):
        if j >= per_day:
            break
        due = slot_due(site, day, j, per_day)
        if due >= ts:
            return Slot(due, site, slot_name(day, j))
    day += timedelta(days=1)
    return Slot(slot_due(site, day, 0, per_day), site, slot_name(day, 0))


def next_slot(slot: Slot, per_day: int) -> Slot:
    """The slot after ``slot`` for the same site."""
    k = int(slot.name[11:])
    day = slot.day
    if k + 1 < per_day:
        return Slot(slot_due(slot.site, day, k + 1, per_day), slot.site, slot_name(day, k + 1))
    day += timedelta(days=1)
    return Slot(slot_due(slot.site, day, 0, per_day), slot.site, slot_name(day, 0))


def monitor_sweep_id(day: date) -> str:
    """The monitoring sweep a day's probes and snapshots are stored under: one per calendar month."""
    return f"monitor-{day.year:04d}-{day.month:02d}"


def monitor_sweeps_between(first: date, last: date) -> list[str]:
    out: list[str] = []
    d = first.replace(day=1)
    while d <= last:
        out.append(monitor_sweep_id(d))
        d = (d + timedelta(days=32)).replace(day=1)
    return out


def is_monitor_sweep(sweep: str) -> bool:
    return sweep.startswith("monitor-")
