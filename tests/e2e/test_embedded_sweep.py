"""The embedded census end to end: `registry import`, `sweep`, `report` on the project's fleet.

Every rule of SPEC §4 must come out exactly as the fleet's ground truth
says, for every site; an interrupted sweep resumed must give the same.
"""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from census.demo import compare_with_truth
from pucha_fleet.runner import FleetProcess

pytestmark = pytest.mark.slow

AS_OF = date(2027, 1, 3)  # early January: year-less dates resolve across New Year
ROUNDS, INTERVAL, TIMEOUT = 20, 0.2, 4.0  # generous: CI machines are busy, and a late loopback answer is no broken link
SWEEP_ARGS = ["--as-of", AS_OF.isoformat(), "--probe-rounds", str(ROUNDS), "--probe-interval", str(INTERVAL),
              "--probe-timeout", str(TIMEOUT), "--link-timeout", str(TIMEOUT), "-q"]


@pytest.fixture(scope="module")
def fleet(tmp_path_factory):
    with FleetProcess(tmp_path_factory.mktemp("fleet"), sites=40, seed=7, as_of=AS_OF, rounds=ROUNDS,
                      hang=TIMEOUT + 3, ip_prefix="127.41") as f:
        yield f


def env_for(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PUCHA_")}
    env.update(PUCHA_HOME=str(home), PUCHA_DELAY_PER_HOST="0.02", PUCHA_RETRIES="1", PUCHA_CONFIG="")
    return env


def pucha(home: Path, *args: str, check: bool = True, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "census", *args], env={**env_for(home), **(env or {})}, text=True,
                          capture_output=True, check=check, timeout=600)


def assert_matches_truth(report: dict, truth: dict) -> None:
    agree, diffs = compare_with_truth(report, truth)
    assert len(report["sites"]) == len(truth["sites"])
    assert not diffs, "\n".join(diffs)
    assert agree == len(truth["sites"])


def test_three_commands_score_every_rule_as_the_truth_says(fleet, tmp_path):
    out = pucha(tmp_path, "registry", "import", str(fleet.registry_xlsx))
    assert "新增网站 40 个" in out.stdout
    # The registry streamed 7 sites a query (6 batches): the scorecards are still the truth's.
    out = pucha(tmp_path, "sweep", *SWEEP_ARGS, env={"PUCHA_REGISTRY_BATCH": "7"})
    assert "40 个网站" in out.stdout
    report = json.loads(pucha(tmp_path, "report", "--as-of", AS_OF.isoformat(), "--format", "json").stdout)
    assert_matches_truth(report, fleet.truth)
    # Evidence on every veto and deduction.
    for s in report["sites"]:
        for f in s["vetoes"] + s["deductions"]:
            assert f["evidence"] and all("url" in e or "urls" in e for e in f["evidence"]), f
    xlsx = tmp_path / "r.xlsx"
    pucha(tmp_path, "report", "--as-of", AS_OF.isoformat(), "--format", "xlsx", "-o", str(xlsx))
    rows = list(load_workbook(xlsx)["网站评分"].iter_rows(values_only=True))  # title, header, sites, totals, signatures
    assert len([r for r in rows if isinstance(r[2], str) and r[2].startswith("http")]) == 40
    # Traps end within the caps: no site crawls more pages than the cap allows.
    conn = sqlite3.connect(tmp_path / "results.sqlite3")
    pages = [json.loads(b)["pages"] for (b,) in conn.execute("SELECT body FROM events WHERE kind='site_done'")]
    assert len(pages) == 40 and max(pages) <= 2 * 500


def test_csv_registry_gives_the_same_scorecards(fleet, tmp_path):
    pucha(tmp_path, "registry", "import", str(fleet.sites_csv), "--columns", str(fleet.columns_csv))
    pucha(tmp_path, "sweep", *SWEEP_ARGS, "--site", fleet.sites[0]["home_url"], "--site", fleet.sites[5]["home_url"])
    report = json.loads(pucha(tmp_path, "report", "--as-of", AS_OF.isoformat(), "--format", "json").stdout)
    truth = {"sites": [fleet.truth_of(s["home_url"]) for s in report["sites"]]}
    assert len(report["sites"]) == 2
    assert_matches_truth(report, truth)


def test_a_sweep_killed_midway_resumes_without_loss_or_double_counting(fleet, tmp_path):
    pucha(tmp_path, "registry", "import", str(fleet.registry_xlsx))
    proc = subprocess.Popen([sys.executable, "-m", "census", "sweep", *SWEEP_ARGS], env=env_for(tmp_path),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    db = tmp_path / "results.sqlite3"
    deadline = time.monotonic() + 240
    done = 0
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.5)
        if db.exists():
            try:
                done = sqlite3.connect(db).execute("SELECT count(*) FROM events WHERE kind='site_done'").fetchone()[0]
            except sqlite3.OperationalError:
                continue
            if done >= 8:
                break
    assert proc.poll() is None, "the sweep ended before it could be interrupted"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert 8 <= done < 40
    (sweep,) = [r[0] for r in sqlite3.connect(db).execute("SELECT sweep FROM sweeps")]
    pucha(tmp_path, "sweep", *SWEEP_ARGS, "--resume", sweep)
    report = json.loads(pucha(tmp_path, "report", "--as-of", AS_OF.isoformat(), "--format", "json").stdout)
    assert_matches_truth(report, fleet.truth)
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM events WHERE kind='site_done'").fetchone()[0] == 40
    probes = conn.execute("SELECT site, count(*) FROM events WHERE kind='probe' GROUP BY site").fetchall()
    assert {n for _, n in probes} == {ROUNDS}


def test_one_crawl_process_or_two_give_the_same_scorecards(fleet, tmp_path):
    """The embedded sweep on every core (issue 14): the sites split between two crawl processes by host
    score exactly as in one process, and as the truth says."""
    cards = {}
    for n in ("1", "2"):
        home = tmp_path / n
        pucha(home, "registry", "import", str(fleet.registry_xlsx))
        out = subprocess.run([sys.executable, "-m", "census", "sweep", *SWEEP_ARGS],
                             env={**env_for(home), "PUCHA_CRAWL_PROCESSES": n}, text=True, capture_output=True,
                             check=True, timeout=600).stdout
        assert ("2 个抓取进程" in out) == (n == "2"), out
        report = json.loads(pucha(home, "report", "--as-of", AS_OF.isoformat(), "--format", "json").stdout)
        assert_matches_truth(report, fleet.truth)
        cards[n] = {s["home_url"]: (s["verdict"], s["total_deduction"], sorted(v["rule"] for v in s["vetoes"]),
                                    sorted((d["rule"], d["points"]) for d in s["deductions"]))
                    for s in report["sites"]}
        conn = sqlite3.connect(home / "results.sqlite3")
        assert conn.execute("SELECT count(*) FROM events WHERE kind='site_done'").fetchone()[0] == 40
    assert cards["1"] == cards["2"]
