"""Homepage snapshots: the items a homepage shows, as seen by the monitor's probes.

A successful probe has the homepage in hand; it is read (crawler.understand,
role "home") when its body differs from the last one read for the site, and
at least once per Shanghai day, so a day's snapshot exists for every day the
homepage answered at all.  Each snapshot is a ListItems event with role
"home" and column = the homepage (what scorers.facts reads as homepage
items) and page_url ``<home>#snapshot=<slot>``, which gives snapshots of
different slots distinct event ids and carries the day it was seen.
"""
from __future__ import annotations

import hashlib
from datetime import date

from pucha.events import ListItems

from .prober import ProbeResult
from .schedule import Slot

MARK = "#snapshot="


def snapshot_url(home: str, slot_name: str) -> str:
    return f"{home}{MARK}{slot_name}"


def snapshot_day(ev: ListItems) -> date | None:
    """The day a snapshot event was taken, or None for a ListItems that is not a monitor snapshot."""
    i = ev.page_url.find(MARK)
    if i < 0:
        return None
    try:
        return date.fromisoformat(ev.page_url[i + len(MARK):i + len(MARK) + 10])
    except ValueError:
        return None


class SnapshotKeeper:
    """Decides which successful probes are read; remembers one digest per site."""

    def __init__(self) -> None:
        self._last: dict[str, tuple[date, bytes]] = {}

    def take(self, sweep: str, slot: Slot, result: ProbeResult) -> ListItems | None:
        from crawler.understand import understand  # lxml and friends: only once there is a page to read

        digest = hashlib.blake2b(result.body, digest_size=16).digest()
        day = slot.day
        if self._last.get(slot.site) == (day, digest):
            return None
        self._last[slot.site] = (day, digest)
        view = understand(result.body, result.final_url or slot.site, result.content_type, day, role="home")
        return ListItems(sweep, slot.site, column=slot.site, page_url=snapshot_url(slot.site, slot.name),
                         role="home", opened=True, page_no=1, items=tuple(view.items), status=result.status)
