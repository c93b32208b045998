"""Helpers of the distributed tests: the fleet's sweep parameters, environments, and what must agree."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

AS_OF = "2026-11-26"
SITES = 12
# Small probe rounds and intervals: the whole module stays within a few minutes.  The timeouts leave room
# for a busy 2-core machine (five pucha processes, the fleet and three servers on it): an answer late by a
# second there must not become a failed probe or a broken link in one run and not in the other.  The
# fleet's hang (conftest.fleet) lasts past them.
TIMEOUT = 4.0
HANG = 5.0
SWEEP_ARGS = ["--probe-rounds", "3", "--probe-interval", "0.5", "--probe-timeout", str(TIMEOUT),
              "--link-timeout", str(TIMEOUT)]
ROOT = Path(__file__).resolve().parents[2]


def base_env(home: Path) -> dict[str, str]:
    """The environment of pucha commands on the shared registry (PostgreSQL, see conftest.registry_home)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PUCHA_")}
    url_file = home / "database_url"  # written by conftest.registry_home
    database_url = url_file.read_text().strip() if url_file.exists() else f"sqlite:///{home / 'registry.sqlite3'}"
    env.update({"PUCHA_HOME": str(home), "PUCHA_DELAY_PER_HOST": "0.02", "PUCHA_CONCURRENCY_PER_HOST": "2",
                "PUCHA_CONFIG": "", "PUCHA_RETRIES": "1", "PUCHA_PAGE_TIMEOUT": str(TIMEOUT), "PUCHA_DATABASE_URL": database_url,
                "PUCHA_KAFKA_SESSION_TIMEOUT": "6", "PYTHONPATH": str(ROOT)})
    return env


def pucha(args: list[str], env: dict[str, str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "census", *args], env=env, text=True, capture_output=True,
                          cwd=ROOT, **kw)


def essence(card: dict) -> tuple:
    """What must agree: verdict, vetoes and deductions (points per rule)."""
    return (card["verdict"], sorted(v["rule"] for v in card["vetoes"]),
            {d["rule"]: d["points"] for d in card["deductions"] if d["points"]})
