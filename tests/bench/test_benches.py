"""The benchmarks run and report what they claim, at a size a test can afford (no timing asserted)."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


def run(script: str, *args: str, timeout: float = 600) -> str:
    proc = subprocess.run([sys.executable, str(BENCH / script), *args], capture_output=True, text=True,
                          timeout=timeout)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


def test_bench_scorer_scores_every_site_and_reports_both_rates():
    out = run("bench_scorer.py", "--sites", "12", "--events-per-site", "200")
    m = re.search(r"12 sites, (\d+) events .*cards: (.*)", out)
    assert m, out
    assert 12 * 150 < int(m.group(1)) <= 12 * 220
    cards = dict(re.findall(r"(fail|pass) (\d+)", m.group(2)))
    assert sum(int(v) for v in cards.values()) == 12
    assert cards.get("pass") and cards.get("fail"), f"a realistic mix has both verdicts: {m.group(2)}"
    assert "(same with both codecs)" in out
    assert re.search(r"decode only, json.loads \+ from_dict \(previous\) +\d+ events/s .*1.00x previous", out)
    assert re.search(r"decode only, from_json \(msgspec\) +\d+ events/s .*\d+\.\d\dx previous", out)
    assert re.search(r"decode \+ SiteState \+ score_site, previous codec +\d+ events/s", out)
    assert re.search(r"decode \+ apply \+ score: \d+ events/s \(target >= 100000\)", out)


def test_bench_scorer_rejects_a_bad_size():
    proc = subprocess.run([sys.executable, str(BENCH / "bench_scorer.py"), "--sites", "0"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode != 0 and "--sites" in proc.stderr


@pytest.mark.slow
def test_bench_crawl_counts_the_sweeps_pages_and_the_fleets_cpu():
    out = run("bench_crawl.py", "--sites", "6", "--pages-per-site", "10", "--skip-scrapy-bench", "--processes", "2")
    m = re.search(r"pucha sweep .*: (\d+) pages \((\d+) served by the fleet\).* = ([\d.]+) pages/s", out)
    assert m, out
    pages, served = int(m.group(1)), int(m.group(2))
    assert 0 < pages <= served + 50  # probes' and checks' own requests are not pages
    assert re.search(r"peak RSS \d+ MB", out) and re.search(r"fleet process .*CPU [\d.]+ s", out)
    assert "PUCHA_DELAY_PER_HOST=0" in out
    assert re.search(r"sweep with 2 crawl process\(es\): CPU [\d.]+ s", out), out  # 0: one per core (CI: 2)


@pytest.mark.slow
@pytest.mark.browser
def test_bench_crawl_measures_rendering_off_and_on():
    out = run("bench_crawl.py", "--sites", "1", "--pages-per-site", "5", "--skip-scrapy-bench", "--render-sites", "4")
    assert re.search(r"rendering: 4 generated sites, 4 of their 16 columns filled by script", out), out
    off = re.search(r"PUCHA_RENDER=off: (\d+) pages \(0 rendered\) .* = [\d.]+ pages/s; lists read \d+, "
                    r"left unreadable 4", out)
    on = re.search(r"PUCHA_RENDER=auto: (\d+) pages \(4 rendered\) .* = [\d.]+ pages/s; lists read \d+, "
                   r"left unreadable 0", out)
    assert off and on, out
    assert int(on.group(1)) == int(off.group(1)) + 4  # only the script-filled pages cost a rendering


@pytest.mark.parametrize("backends", [("SQLite",), pytest.param(("SQLite", "PostgreSQL"), marks=pytest.mark.services)])
def test_bench_registry_imports_reimports_and_streams_on_each_backend(backends):
    out = run("bench_registry.py", "--sites", "30", "--columns", "3",
              *(() if "PostgreSQL" in backends else ("--skip-postgres",)))
    assert "30 sites, 90 columns: CSV" in out
    assert [b for b in ("SQLite", "PostgreSQL") if f"\n{b}:\n" in out] == list(backends)
    peak = r" +[\d.]+ s  peak RSS +\d+ MB"
    assert len(re.findall(r"import_registry \(empty registry\)" + peak + r"  time [\d.]+x, RSS [\d.]+x baseline  \(added 30, "
                          r"updated 0, unchanged 0, columns 90\)", out)) == len(backends), out
    assert len(re.findall(r"import_registry again \(unchanged\)" + peak + r".*\(added 0, updated 0, unchanged 30,",
                          out)) == len(backends), out
    assert len(re.findall(r"sweep's site source \(all sites\)" + peak + r".*\(30 sites, 90 columns streamed "
                          r"\(1 queries\)\)", out)) == len(backends), out
