"""A fleet and an embedded sweep of it, shared by the distributed tests: the undisturbed reference."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from sweepkit import AS_OF, SITES, SWEEP_ARGS, base_env, pucha


@pytest.fixture(scope="session")
def fleet(tmp_path_factory):
    from pucha.fleet import FleetProcess

    with FleetProcess(tmp_path_factory.mktemp("dfleet"), sites=SITES, seed=11, as_of=AS_OF, rounds=3,
                      hang=1.0) as f:
        yield f


@pytest.fixture(scope="session")
def registry_home(tmp_path_factory, fleet) -> Path:
    home = tmp_path_factory.mktemp("dhome")
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


