"""One real fleet process for the fleet's tests, stopped at the end of the session."""
from __future__ import annotations

import pytest

from pucha_fleet import FleetProcess

AS_OF = "2026-11-26"
ROUNDS = 20
HANG = 1.5  # seconds; the tests' clients time out sooner


@pytest.fixture(scope="session")
def fleet(tmp_path_factory):
    with FleetProcess(tmp_path_factory.mktemp("fleet"), sites=40, seed=3, as_of=AS_OF, rounds=ROUNDS, hang=HANG) as f:
        yield f


def site_by_purpose(fleet, words: str) -> dict:
    for s in fleet.sites:
        if s["purpose"].startswith(words):
            return s
    raise LookupError(f"no fleet site whose purpose starts with {words!r}")
