"""Which leased request is running now, so that a re-run of it replays instead of repeating.

A request whose worker died after its callback had started may run again on
another worker.  Its callback's ledger operations and the requests it
schedules then must not count twice: each one made while a leased request's
callback runs is numbered (the n-th operation of that run) and recorded in
the request's journal in Redis (a hash, deleted when the request is
acknowledged).  A second run finds the n-th answer recorded and returns it
unchanged, and a push already recorded is not pushed again.  The callbacks
are deterministic given the same page, so the second run walks the same
steps.

The crawl runs on one thread (Twisted's reactor), so "now" is a module-level
slot set around each step of a callback.
"""
from __future__ import annotations

import hashlib
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator


@dataclass
class Run:
    """One run of a leased request's callback (or of one site's seeding)."""

    lid: str  # the request's frontier id
    jkey: str  # its journal's Redis key
    seq: int = 0
    replay: bool = False  # its journal existed when popped: answers come from it, not from local caches

    def step(self) -> tuple[str, str]:
        self.seq += 1
        return self.jkey, str(self.seq)


_current: Run | None = None


def current() -> Run | None:
    return _current


@contextmanager
def running(run: Run | None) -> Iterator[None]:
    global _current
    prev, _current = _current, run
    try:
        yield
    finally:
        _current = prev


def cached_ok() -> bool:
    """Whether a local cache may answer: not while a run replays its journal."""
    return _current is None or not _current.replay


def step() -> tuple[str, str]:
    """The journal slot of the next operation: ('', '') outside any run (nothing recorded)."""
    return _current.step() if _current is not None else ("", "")


def child_id(jkey: str, field: str) -> str:
    """A pushed request's id, derived from where it was pushed: a replayed push gets the same id."""
    return hashlib.blake2b(f"{jkey}#{field}".encode(), digest_size=6).hexdigest()
