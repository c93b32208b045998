"""A fleet and an embedded sweep of it, shared by the distributed tests: the undisturbed reference."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from servicekit.postgres import throwaway_database
from sweepkit import AS_OF, HANG, SITES, SWEEP_ARGS, base_env, pucha


@pytest.fixture(scope="session")
def fleet(tmp_path_factory):
    from pucha_fleet import FleetProcess

    # The hang lasts past the sweeps' timeouts (sweepkit.TIMEOUT: SWEEP_ARGS, PUCHA_PAGE_TIMEOUT).
    with FleetProcess(tmp_path_factory.mktemp("dfleet"), sites=SITES, seed=11, as_of=AS_OF, rounds=3,
                      hang=HANG) as f:
        yield f




@pytest.fixture(scope="session")
def registry_pg_url():
    """A throwaway PostgreSQL database for the fleet's registry, shared by every worker; dropped afterwards."""
    with throwaway_database("pucha_dist") as url:
        yield url


@pytest.fixture(scope="session")
def registry_home(tmp_path_factory, fleet, registry_pg_url) -> Path:
    """PUCHA_HOME of the embedded sweep, its registry in PostgreSQL (sweepkit.base_env reads database_url)."""
    home = tmp_path_factory.mktemp("dhome")
    (home / "database_url").write_text(registry_pg_url)
    out = pucha(["registry", "import", str(fleet.registry_xlsx)], base_env(home))
    assert out.returncode == 0, out.stderr
    return home


@pytest.fixture(scope="session")
def embedded_cards(registry_home) -> dict[str, dict]:
    """The embedded sweep's scorecards, per site: what every distributed run must reproduce."""
    env = base_env(registry_home)
    out = pucha(["sweep", "--as-of", AS_OF, *SWEEP_ARGS, "-q"], env, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    rep = pucha(["report", "--as-of", AS_OF, "--format", "json"], env)
    assert rep.returncode == 0, rep.stderr
    return {s["home_url"]: s for s in json.loads(rep.stdout)["sites"]}


