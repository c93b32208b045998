"""Spot-check recrawls against pucha's synthetic fleet: a unit triggers a
recrawl from the site's page, watches its progress, and the new scorecard
replaces the old one while the history keeps both.  The sweep is the real
``pucha sweep --site`` subprocess crawling the fleet on loopback."""
from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from portal_client import Portal, build_world
from pucha.localtime import today as today_shanghai
from pucha.db import session_scope
from pucha_fleet.runner import FleetProcess
from pucha.registry.importer import import_registry
from pucha.registry.model import Site

pytestmark = pytest.mark.slow
ROUNDS = 3


@pytest.fixture(scope="module")
def fleet(tmp_path_factory):
    with FleetProcess(tmp_path_factory.mktemp("recrawl-fleet"), sites=2, seed=23, as_of=today_shanghai(),
                      rounds=ROUNDS, hang=2.0, ip_prefix="127.46") as running:
        yield running


@pytest.fixture
def recrawl_app(settings, db_url, fleet):
    from portal.app import create_app

    fast = settings.replace(probe_rounds=ROUNDS, probe_interval=0.2, probe_timeout=2.0, link_timeout=2.0,
                            page_timeout=3.0, delay_per_host=0.02, retries=1)
    import_registry(fleet.registry_xlsx, None, url=db_url)
    app = create_app(fast, db_url=db_url)
    yield app
    from portal import recrawl

    recrawl.wait_all(timeout=120)  # no sweep outlives its test


def _watch(client: Portal, job_url: str, timeout: float = 240) -> dict:
    deadline = time.monotonic() + timeout
    seen_running = False
    while True:
        progress = client.get(f"{job_url}/progress").json()
        if progress["state"] != "running":
            progress["seen_running"] = seen_running
            return progress
        seen_running = True
        assert time.monotonic() < deadline, f"recrawl still running after {timeout} s: {progress}"
        time.sleep(0.5)


def test_recrawl_replaces_the_scorecard_and_keeps_history(recrawl_app, db_url, portal_owner_of_first_site):
    site_id, home = portal_owner_of_first_site
    today = today_shanghai().isoformat()
    outsider = Portal(recrawl_app)
    outsider.login("hn")
    assert outsider.form(f"/results/site/{site_id}/recrawl", {"as_of": today}).status_code == 404

    xicheng = Portal(recrawl_app)
    xicheng.login("xc")
    sweeps = []
    for attempt in range(2):
        started = xicheng.form(f"/results/site/{site_id}/recrawl", {"as_of": today})
        assert started.status_code == 303, started.text[:500]
        job_url = started.headers["location"]
        if attempt == 0:
            # One recrawl of a site at a time.
            twice = xicheng.form(f"/results/site/{site_id}/recrawl", {"as_of": today})
            assert twice.status_code == 400 and "仍在进行" in twice.text
            assert "进行中" in xicheng.get(job_url).text
            assert outsider.get(job_url).status_code == 404
        progress = _watch(xicheng, job_url)
        assert progress["state"] == "done", xicheng.get(job_url).text
        assert progress["scored"] and progress["probes"] == ROUNDS and progress["pages"] >= 1
        assert progress["seen_running"] or attempt == 1
        page = xicheng.get(job_url).text
        assert "已完成" in page and progress["sweep"] in page
        sweeps.append(progress["sweep"])
    assert sweeps[0] != sweeps[1]

    card = xicheng.get(f"/results/site/{site_id}?as_of={today}").text
    assert sweeps[1] in card.split('id="history"')[0]  # the card shown is the newest sweep's
    history = card.split('id="history"')[1]
    assert sweeps[0] in history and sweeps[1] in history
    assert 'id="probe-chart"' in card  # this sweep's rounds, bar by bar (the week chart has bars of its own)
    assert card.split('id="probe-chart"')[1].split('</figure>')[0].count('class="bar ') == ROUNDS
    region = xicheng.get(f"/results?as_of={today}").text
    assert "<td>1</td>" in region.split('id="regions"')[1]  # one site, counted once


@pytest.fixture
def portal_owner_of_first_site(recrawl_app, db_url, fleet):
    """The fleet's first site, owned by 西城区教育委员会 (the rest stay the national office's)."""
    from portal.models import SiteOwner

    world = build_world(db_url)
    with session_scope(db_url) as s:
        site = s.scalars(select(Site).order_by(Site.id)).first()
        s.add(SiteOwner(site_id=site.id, unit_id=world.units["xc_edu"]))
        return site.id, site.home_url
