"""The sweep's ledger: the crawl's mutable bookkeeping, behind one small interface.

What the spider must remember across requests -- which URLs of a site are
claimed, how many pages it has, what is still owed to it (pages in flight,
checks it waits on, probe rounds), whether its homepage was crawled, which
distinct events it was sent, and the shared link-check results with the
sites waiting on them -- lives here, not in the spider.  Embedded, that is
``MemoryLedger`` below; distributed, a Redis ledger with the same methods
(crawler.frontier), so any worker can take any request of any site.

A site is done when it owes nothing and has no probe round left; exactly one
caller of ``finish`` gets True and emits its SiteDone.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from typing import Protocol

from .linkresult import CheckResult


class Ledger(Protocol):
    def start_site(self, site: str, probe_rounds: int) -> None: ...
    def claim(self, site: str, key: str) -> bool:
        """True the first time a URL key (or dataproxy call) is claimed for the site."""
    def add_page(self, site: str) -> int:
        """Count one more page request for the site; returns the new total."""
    def pages(self, site: str) -> int: ...
    def claim_page(self, site: str, key: str, cap: int) -> bool:
        """``claim``, unless the site already has ``cap`` page requests (then nothing is claimed)."""
    def schedule_page(self, site: str, target: str | None) -> None:
        """A page request made for the site: owe it, count it, and expect its check when ``target`` is given."""
    def owe(self, site: str, n: int = 1) -> None: ...
    def pay(self, site: str, n: int = 1) -> None: ...
    def owed(self, site: str) -> int: ...
    def probe_done(self, site: str) -> int:
        """One probe round answered; returns the rounds still to come."""
    def probes_left(self, site: str) -> int: ...
    def claim_home(self, site: str) -> bool:
        """True once: the caller crawls the homepage (from the first good probe, or as failed)."""
    def note_event(self, site: str, kind: str, event_id: str) -> None: ...
    def counts(self, site: str) -> dict[str, int]: ...
    def finish(self, site: str) -> bool:
        """True for exactly one caller, when the site owes nothing and has no probe left."""
    def is_done(self, site: str) -> bool: ...
    # Link checks, shared by every site of the sweep.
    def check_result(self, target: str) -> CheckResult | None: ...
    def expect_check(self, target: str) -> None:
        """The crawl fetches this target itself: no separate check request."""
    def want_check(self, target: str, site: str) -> bool:
        """Register site as waiting; True when the caller must send the check request."""
    def ask_check(self, target: str, site: str) -> tuple[CheckResult | None, bool]:
        """The target's result if known (nothing owed); else the site owes it and waits, and the second
        value says whether the caller must send the check request (``want_check``)."""
    def pay_and_finish(self, site: str) -> bool:
        """``pay`` one, then ``finish``."""
    def resolve_check(self, target: str, result: CheckResult) -> list[str]:
        """Record the result; returns the sites that were waiting (each to be told once)."""
    def waiting(self) -> dict[str, list[str]]: ...
    def force_finish(self, site: str) -> None:
        """An error of ours left the site owing: let it finish with what was observed."""


class MemoryLedger:
    """The embedded ledger: plain dictionaries in the crawl process."""

    def __init__(self) -> None:
        self._claimed: dict[str, set[str]] = defaultdict(set)
        self._pages: Counter = Counter()
        self._owed: Counter = Counter()
        self._probes: dict[str, int] = {}
        self._home: set[str] = set()
        self._ids: dict[str, set[str]] = defaultdict(set)
        self._counts: dict[str, Counter] = defaultdict(Counter)
        self._done: set[str] = set()
        self._results: dict[str, CheckResult] = {}
        self._waiting: dict[str, list[str]] = {}

    def start_site(self, site: str, probe_rounds: int) -> None:
        self._probes[site] = probe_rounds

    def claim(self, site: str, key: str) -> bool:
        seen = self._claimed[site]
        if key in seen:
            return False
        seen.add(key)
        return True

    def add_page(self, site: str) -> int:
        self._pages[site] += 1
        return self._pages[site]

    def pages(self, site: str) -> int:
        return self._pages[site]

    def claim_page(self, site: str, key: str, cap: int) -> bool:
        return self._pages[site] < cap and self.claim(site, key)

    def schedule_page(self, site: str, target: str | None) -> None:
        self._owed[site] += 1
        self._pages[site] += 1
        if target is not None:
            self.expect_check(target)

    def owe(self, site: str, n: int = 1) -> None:
        self._owed[site] += n

    def pay(self, site: str, n: int = 1) -> None:
        self._owed[site] -= n

    def owed(self, site: str) -> int:
        return self._owed[site]

    def probe_done(self, site: str) -> int:
        self._probes[site] = self._probes.get(site, 0) - 1
        return self._probes[site]

    def probes_left(self, site: str) -> int:
        return self._probes.get(site, 0)

    def claim_home(self, site: str) -> bool:
        if site in self._home:
            return False
        self._home.add(site)
        return True

    def note_event(self, site: str, kind: str, event_id: str) -> None:
        ids = self._ids[site]
        if event_id not in ids:
            ids.add(event_id)
            self._counts[site][kind] += 1

    def counts(self, site: str) -> dict[str, int]:
        return dict(self._counts[site])

    def finish(self, site: str) -> bool:
        if site in self._done or self._owed[site] > 0 or self._probes.get(site, 0) > 0:
            return False
        self._done.add(site)
        self._ids.pop(site, None)  # the ids were only needed to count distinct events
        return True

    def is_done(self, site: str) -> bool:
        return site in self._done

    def check_result(self, target: str) -> CheckResult | None:
        return self._results.get(target)

    def expect_check(self, target: str) -> None:
        self._waiting.setdefault(target, [])

    def want_check(self, target: str, site: str) -> bool:
        if target in self._waiting:
            self._waiting[target].append(site)
            return False
        self._waiting[target] = [site]
        return True

    def ask_check(self, target: str, site: str) -> tuple[CheckResult | None, bool]:
        done = self._results.get(target)
        if done is not None:
            return done, False
        if site in self._waiting.get(target, ()):  # waiting already: told once, owed once
            return None, False
        self.owe(site)
        return None, self.want_check(target, site)

    def pay_and_finish(self, site: str) -> bool:
        self.pay(site)
        return self.finish(site)

    def resolve_check(self, target: str, result: CheckResult) -> list[str]:
        if target in self._results:
            return []
        self._results[target] = result
        return self._waiting.pop(target, [])

    def waiting(self) -> dict[str, list[str]]:
        return {t: list(s) for t, s in self._waiting.items() if s}

    def force_finish(self, site: str) -> None:
        """An error of ours left the site owing: close it with what was observed."""
        self._owed[site] = 0
        self._probes[site] = min(self._probes.get(site, 0), 0)
