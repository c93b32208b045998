"""Sites behind a firewall (SPEC §8): a plain cookie challenge is passed as a browser passes it; a wall
is `blocked`, never a failed probe, a broken link or an empty column, and the site goes to needs_review."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from .recorder import Recorder
from .test_crawl_behaviour import AS_OF, events, page, sweep

pytestmark = pytest.mark.slow
ENV = {"PUCHA_DELAY_PER_HOST": "0"}


def _site(waf: str) -> Recorder:
    items = [(f"/dt/{i}.html", f"工作动态新闻第{i}条", "2026-11-2%d" % (i % 6)) for i in range(6)]
    pages = {"/": (200, "text/html", page("首页", ["/dt/", "/gone.html"], items)),
             "/dt/": (200, "text/html", page("工作动态", [], items))}
    pages.update({h: (200, "text/html", page(t)) for h, t, _ in items})
    return Recorder(pages, waf=waf).start()


def _report(home) -> dict:
    e = {k: v for k, v in os.environ.items() if not k.startswith("PUCHA_")}
    e.update(PUCHA_HOME=str(home), PUCHA_CONFIG="")
    out = subprocess.run([sys.executable, "-m", "census", "report", "--as-of", AS_OF, "--format", "json"], env=e,
                         check=True, capture_output=True, text=True, timeout=120).stdout
    (card,) = json.loads(out)["sites"]
    return card


def _swept(tmp_path, waf: str) -> Recorder:
    r = _site(waf)
    try:
        sweep(tmp_path, [r.base], "--probe-rounds", "3", "--probe-interval", "0.3", env=ENV)
    finally:
        r.stop()
    return r


def test_a_plain_cookie_challenge_is_passed_and_the_site_read_as_it_is(tmp_path):
    r = _swept(tmp_path, "cookie")
    probes = events(tmp_path, "probe")
    assert len(probes) == 3 and all(p["ok"] for p in probes)
    # The first requests met the challenge (the probe and the column seed go out together); once it was
    # passed, every request carried the cookie.
    assert r.hits[0].cookie == "" and all(h.cookie == "waf_pass=ok" for h in r.hits[2:])
    assert sum(h.cookie == "" for h in r.hits) <= 2 and len(r.hits) > 10
    lists = {e["page_url"]: e for e in events(tmp_path, "list_items")}
    assert lists[r.base + "dt/"]["opened"] and len(lists[r.base + "dt/"]["items"]) == 6
    card = _report(tmp_path)
    assert not [c for c in card["needs_review"] if c.get("scan_status")]
    broken = [e["url"] for d in card["deductions"] if d["rule"] == "availability.links" for e in d["evidence"]]
    assert broken == [r.base + "gone.html"]  # the site's own broken link is still found


def test_a_wall_is_blocked_and_decides_nothing(tmp_path):
    r = _swept(tmp_path, "wall")
    probes = events(tmp_path, "probe")
    assert len(probes) == 3 and {p["error"] for p in probes} == {"blocked"}
    assert all(p["ok"] is False and p["status"] == 200 for p in probes)
    pages = {p["url"]: p for p in events(tmp_path, "page")}
    assert pages[r.base]["error"] == "blocked"  # no probe got through: the homepage is not read either
    assert pages[r.base + "dt/"]["error"] == "blocked" and pages[r.base + "dt/"]["title"] == "网站防火墙"
    card = _report(tmp_path)
    assert card["vetoes"] == []
    scored = {d["rule"] for d in card["deductions"]}
    assert not scored & {"availability.homepage", "availability.links", "updates.homepage", "updates.columns"}
    review = {(c["rule"], c["url"]) for c in card["needs_review"] if c.get("scan_status") == "blocked"}
    assert ("veto.unreachable", r.base) in review
    assert ("veto.not_updated", r.base) in review and ("updates.homepage", r.base) in review
    assert ("veto.stale_columns", r.base + "dt/") in review and ("updates.columns", r.base + "dt/") in review
    (unreachable,) = [c for c in card["needs_review"] if c["rule"] == "veto.unreachable"]
    assert unreachable["probes_blocked"] == 3 and unreachable["probes_counted"] == 0
