"""Homepage snapshots: the items a homepage shows, as seen by the monitor's probes.

A successful probe has the homepage in hand; it is read (crawler.understand,
role "home") when its body differs from the last one read for the site, and
once per Shanghai day otherwise (paced: see SnapshotKeeper), so a day's
snapshot exists for every day the homepage answered.  Each snapshot is a ListItems event with role
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
    """Decides which successful probes are read; remembers one digest per site.

    A page whose body changed since the site's last read is read at once (an update, and
    when it was first seen, is what the monitoring is for).  The day's read of an unchanged
    page -- and the first read of a site, when the monitor starts -- is paced by a budget of
    ``reads_per_second`` (a token bucket on the monitor's clock): when a monitor starts, every
    site needs its first read, and reading them all at the probe rate would cost several times
    the probing itself.  A probe that finds the budget spent leaves the read to a later probe
    of the day; Monitor sets the budget so that every site's daily read fits in half a day.
    """

    def __init__(self, reads_per_second: float | None = None, burst: float = 10.0) -> None:
        self._last: dict[str, tuple[date, bytes]] = {}
        self.rate = reads_per_second
        self.burst = max(burst, reads_per_second or 0.0)
        self._tokens = self.burst
        self._at: float | None = None
        self.deferred = 0  # reads left to a later probe for want of budget

    def take(self, sweep: str, slot: Slot, result: ProbeResult, now: float | None = None) -> ListItems | None:
        digest = hashlib.blake2b(result.body, digest_size=16).digest()
        day = slot.day
        last = self._last.get(slot.site)
        if last == (day, digest):
            return None
        changed = last is not None and last[1] != digest
        if not changed and not self._spend(now):
            self.deferred += 1
            return None
        self._last[slot.site] = (day, digest)
        items = homepage_items(result.body, result.final_url or slot.site, result.content_type, day)
        return ListItems(sweep, slot.site, column=slot.site, page_url=snapshot_url(slot.site, slot.name),
                         role="home", opened=True, page_no=1, items=tuple(items), status=result.status)

    def _spend(self, now: float | None) -> bool:
        if self.rate is None or now is None:
            return True
        if self._at is not None:
            self._tokens = min(self.burst, self._tokens + (now - self._at) * self.rate)
        self._at = now
        if self._tokens < 1.0:
            return False
        self._tokens -= 1.0
        return True


def homepage_items(body: bytes, url: str, content_type: str | None, day: date) -> list:
    """The items ``crawler.understand.understand(role="home")`` finds, without the rest of its reading
    (links, pagination, soft-404, findings: a snapshot keeps only the items)."""
    # lxml and friends: only once there is a page to read
    from crawler.understand import decode, list_items, parse
    from crawler.understand.page import _inline_datastore_items  # the same datastore reading as understand()

    text, _ = decode(body, content_type)
    return list_items(parse(text), url, day) + _inline_datastore_items(text, url, day)
