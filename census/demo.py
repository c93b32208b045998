"""`pucha demo`: the whole census on the bundled synthetic fleet, in one command.

Starts the fleet (pucha_fleet: dozens of fake government sites on loopback
addresses), imports its registry, sweeps it and prints the scorecard table,
then says how the scorecards compare with the fleet's ground truth.  It runs
the same three commands a census office would (`pucha registry import`,
`pucha sweep`, `pucha report`), embedded, in a demo home of its own under
PUCHA_HOME so that the office's own registry is never touched.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from pucha import settings as settings_mod
from pucha.errors import UserError

# Probe timing for a demo that ends in a minute or two; a real sweep keeps 附件2's 15 s.
DEMO_ROUNDS = 20
DEMO_INTERVAL = 0.5
DEMO_TIMEOUT = 3.0
DEMO_HANG = 6.0
DEMO_SEED = 2015


def demo_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PUCHA_")}
    env.update({"PUCHA_HOME": str(home), "PUCHA_DELAY_PER_HOST": "0.05", "PUCHA_CONCURRENCY_PER_HOST": "2",
                "PUCHA_CONFIG": "", "PUCHA_RETRIES": "1"})
    return env


def pucha(args: list[str], env: dict[str, str], capture: bool = False) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "census", *args]
    return subprocess.run(cmd, env=env, check=True, text=True, capture_output=capture)


def compare_with_truth(report: dict, truth: dict) -> tuple[int, list[str]]:
    """Sites whose verdict, vetoes and points agree with the ground truth; and the differences."""
    expected = {s["home_url"]: s for s in truth["sites"]}
    agree, diffs = 0, []
    for s in report["sites"]:
        t = expected.get(s["home_url"])
        if t is None:
            continue
        got = (s["verdict"], sorted(v["rule"] for v in s["vetoes"]),
               {d["rule"]: d["points"] for d in s["deductions"]},
               sorted((c["rule"], c["url"]) for c in s["needs_review"]))
        want = (t["verdict"], sorted(t["vetoes"]), {k: v for k, v in t["deductions"].items() if v},
                sorted((c["rule"], c["url"]) for c in t["needs_review"]))
        if got == want:
            agree += 1
        else:
            diffs.append(f"{s['home_url']}: got {got}, truth {want}")
    return agree, diffs


def run_demo(sites: int = 40, keep: bool = False) -> int:
    from pucha.localtime import today

    try:
        from pucha_fleet.runner import FleetProcess
    except ImportError:
        raise UserError("pucha demo needs the synthetic fleet, which a production install leaves out: "
                        "pip install -e ./fleet -e '.[demo]' (from the checkout)") from None

    cfg = settings_mod.load()
    home = (Path(cfg.home) / "demo").resolve()
    if home.exists():
        shutil.rmtree(home)
    home.mkdir(parents=True)
    env = demo_env(home)
    as_of = today()
    print(f"pucha demo: starting a fleet of {sites} synthetic government sites on 127.0.0.0/8 ...", flush=True)
    with FleetProcess(home / "fleet", sites=sites, seed=DEMO_SEED, as_of=as_of, rounds=DEMO_ROUNDS,
                      hang=DEMO_HANG) as fleet:
        pucha(["registry", "import", str(fleet.registry_xlsx)], env)
        pucha(["sweep", "--as-of", as_of.isoformat(), "--probe-rounds", str(DEMO_ROUNDS),
               "--probe-interval", str(DEMO_INTERVAL), "--probe-timeout", str(DEMO_TIMEOUT),
               "--link-timeout", str(DEMO_TIMEOUT)], env)
        truth = fleet.truth
    pucha(["report", "--as-of", as_of.isoformat(), "--format", "table"], env)
    report = json.loads(pucha(["report", "--as-of", as_of.isoformat(), "--format", "json"], env,
                              capture=True).stdout)
    agree, diffs = compare_with_truth(report, truth)
    print(f"与样本真值一致 (agrees with the fleet's ground truth): {agree}/{len(report['sites'])} sites")
    for line in diffs[:10]:
        print("  differs:", line)
    if not keep:
        print(f"demo data in {home} (removed next run)")
    return 0 if not diffs else 1
