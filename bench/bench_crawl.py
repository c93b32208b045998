"""Pages per second of the embedded sweep on a large local fleet, beside `scrapy bench` (issues 3, 14).

    .venv/bin/python bench/bench_crawl.py [--sites 200] [--pages-per-site 100] [--processes 0] [--profile OUT.prof]
                                          [--render-sites N]

``--processes`` is PUCHA_CRAWL_PROCESSES: 0 (the default) one crawl process per
core, 1 the single process of before; the CPU time printed is the sweep's and
its crawl processes' together.

Both run in this invocation on the same machine, so the ratio says how close
pucha's crawl, with full page understanding, event emission, link checks and
scoring, comes to Scrapy's own bare crawl here, whatever the machine's load.

The crawl runs as a census office runs it: ``python -m census registry import``
then ``python -m census sweep`` in a subprocess, embedded, with PUCHA_HOME in
a temporary directory and politeness lowered for loopback (printed).  The
fleet serves from its own process; on a small machine it competes with the
crawler for the same cores, so its CPU time is printed beside the crawl's.

Then the cost of rendering (crawler.render): generated sites where one
column in four is filled by script (bench/rendersites.py) are swept with
PUCHA_RENDER=off, where those lists are unreadable, and with auto, where
exactly those pages are rendered in headless Chromium: two lines of pages/s.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from pucha_fleet.runner import FleetProcess  # noqa: E402
from rendersites import RenderSites  # noqa: E402

BIN = Path(sys.executable).parent
AS_OF = "2026-11-26"

# Politeness lowered for loopback: the fleet is ours, and the benchmark measures the crawler.
# PUCHA_ROBOTS_OVERRIDE: one designed site asks for Crawl-delay: 1, which honoured makes its
# hundred pages a 100-second tail and the sweep's wall time a measure of that delay alone.
BENCH_ENV = {"PUCHA_DELAY_PER_HOST": "0", "PUCHA_CONCURRENCY_PER_HOST": "8", "PUCHA_CONCURRENCY": "64",
             "PUCHA_ROBOTS_OVERRIDE": "1", "PUCHA_RETRIES": "1", "PUCHA_CONFIG": "",
             "PUCHA_LOG_LEVEL": "WARNING", "PUCHA_MAX_PAGES_PER_SITE": "500"}
# Probe and link-check timeouts short enough that the fleet's hanging sites do not make the tail.
TIMEOUT = 2.0
HANG = 4.0

SUMMARY = re.compile(r"页面 (\d+), 链接检查 (\d+), 首页探测 (\d+); 用时 ([\d.]+) s")


def run_measured(cmd: list[str], **kw) -> tuple[int, float, float, int, str]:
    """Run cmd; return (status, wall seconds, CPU seconds, peak RSS in KB, stdout+stderr) of that process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kw)
    # wait4 gives this child's own rusage (its peak RSS), not that of every child so far.
    out = proc.stdout.read() if proc.stdout else ""
    _, status, ru = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - t0
    return proc.returncode, wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss, out


def cpu_seconds(pid: int) -> float:
    """utime + stime of a running process, from /proc (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def scrapy_bench(workdir: Path) -> dict:
    """`scrapy bench`: pages/s from its closing stats (responses over elapsed time)."""
    code, wall, cpu, rss, out = run_measured([str(BIN / "scrapy"), "bench", "-s", "LOG_LEVEL=INFO"], cwd=workdir)
    if code != 0:
        raise SystemExit(f"scrapy bench failed ({code}):\n{out[-3000:]}")
    got = re.search(r"'response_received_count': (\d+)", out)
    elapsed = re.search(r"'elapsed_time_seconds': ([\d.]+)", out)
    if not got or not elapsed:
        raise SystemExit(f"scrapy bench: no response_received_count/elapsed_time_seconds in its stats:\n{out[-3000:]}")
    pages, seconds = int(got.group(1)), float(elapsed.group(1))
    return {"pages": pages, "seconds": seconds, "rate": pages / seconds, "cpu": cpu, "rss_kb": rss}


def report_scrapy_bench(sb: dict, when: str) -> dict:
    print(f"scrapy bench ({when}): {sb['pages']} pages in {sb['seconds']:.1f} s = {sb['rate']:.1f} pages/s "
          f"(CPU {sb['cpu']:.1f} s incl. its own server, peak RSS {sb['rss_kb'] / 1024:.0f} MB; "
          f"load average {os.getloadavg()[0]:.2f})", flush=True)
    return sb


def pucha_crawl(workdir: Path, sites: int, pages_per_site: int, seed: int, profile: str | None,
                processes: int = 0) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PUCHA_")}
    env.update(BENCH_ENV, PUCHA_HOME=str(workdir / "home"), PUCHA_CRAWL_PROCESSES=str(processes))
    with FleetProcess(workdir / "fleet", sites=sites, seed=seed, as_of=AS_OF, rounds=1, hang=HANG,
                      pages_per_site=pages_per_site, startup_timeout=600) as fleet:
        served = sum(s["pages"] for s in fleet.sites)
        code, _, _, _, out = run_measured([sys.executable, "-m", "census", "registry", "import",
                                           str(fleet.registry_xlsx)], env=env, cwd=REPO)
        if code != 0:
            raise SystemExit(f"registry import failed ({code}):\n{out[-3000:]}")
        sweep = [sys.executable, "-m", "census", "sweep", "--as-of", AS_OF, "--probe-rounds", "1",
                 "--probe-interval", "0", "--probe-timeout", str(TIMEOUT), "--link-timeout", str(TIMEOUT), "-q"]
        if profile:
            sweep[1:1] = ["-m", "cProfile", "-o", profile]  # python -m cProfile -o OUT -m pucha sweep ...
        assert fleet.proc is not None
        fleet_cpu0 = cpu_seconds(fleet.proc.pid)
        code, wall, cpu, rss, out = run_measured(sweep, env=env, cwd=REPO)
        fleet_cpu = cpu_seconds(fleet.proc.pid) - fleet_cpu0
        load = os.getloadavg()[0]
    if code != 0:
        raise SystemExit(f"sweep failed ({code}):\n{out[-3000:]}")
    m = SUMMARY.search(out)
    if not m:
        raise SystemExit(f"sweep: no summary line in its output:\n{out[-3000:]}")
    pages, checks, probes, seconds = int(m.group(1)), int(m.group(2)), int(m.group(3)), float(m.group(4))
    n = re.search(r"\((\d+) 个抓取进程\)", out)
    return {"processes": int(n.group(1)) if n else 1, "served": served, "pages": pages, "checks": checks,
            "probes": probes, "seconds": seconds, "wall": wall, "rate": pages / seconds, "cpu": cpu, "rss_kb": rss, "fleet_cpu": fleet_cpu, "load": load}


def render_crawls(workdir: Path, n: int) -> None:
    """The same generated sites swept with rendering off, then on: pages/s and what each read."""
    with RenderSites(n) as sites:
        print(f"rendering: {n} generated sites, {sites.scripted} of their {4 * n} columns filled by script "
              f"(bench/rendersites.py), same politeness", flush=True)
        for mode in ("off", "auto"):
            home = workdir / f"render-{mode}"
            env = {k: v for k, v in os.environ.items() if not k.startswith("PUCHA_")}
            env.update(BENCH_ENV, PUCHA_HOME=str(home), PUCHA_RENDER=mode)
            home.mkdir()
            code, _, _, _, out = run_measured([sys.executable, "-m", "census", "registry", "import",
                                               str(sites.registry(home / "registry.xlsx"))], env=env, cwd=REPO)
            if code != 0:
                raise SystemExit(f"registry import failed ({code}):\n{out[-3000:]}")
            code, wall, cpu, rss, out = run_measured(
                [sys.executable, "-m", "census", "sweep", "--as-of", AS_OF, "--probe-rounds", "1", "--probe-interval",
                 "0", "--probe-timeout", str(TIMEOUT), "--link-timeout", str(TIMEOUT), "-q"], env=env, cwd=REPO)
            m = SUMMARY.search(out)
            if code != 0 or not m:
                raise SystemExit(f"sweep (PUCHA_RENDER={mode}) failed ({code}):\n{out[-3000:]}")
            pages, seconds = int(m.group(1)), float(m.group(4))
            with sqlite3.connect(home / "results.sqlite3") as db:
                lists = [json.loads(b) for (b,) in db.execute("SELECT body FROM events WHERE kind = 'list_items'")]
            rendered = sum(e["page_url"].endswith("#rendered") for e in lists)
            unread = sum(e.get("error") == "unreadable" for e in lists) - rendered
            print(f"  PUCHA_RENDER={mode}: {pages} pages ({rendered} rendered) in {seconds:.1f} s "
                  f"= {pages / seconds:.1f} pages/s; lists read {sum(bool(e['items']) for e in lists)}, "
                  f"left unreadable {unread}; CPU {cpu:.1f} s (browser included), peak RSS {rss / 1024:.0f} MB",
                  flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sites", type=int, default=200)
    ap.add_argument("--pages-per-site", type=int, default=100)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--processes", type=int, default=0, help="PUCHA_CRAWL_PROCESSES (0: one per core)")
    ap.add_argument("--profile", help="run the sweep under cProfile and write its stats here (its own process only)")
    ap.add_argument("--skip-scrapy-bench", action="store_true", help="only the pucha crawl (profiling runs)")
    ap.add_argument("--render-sites", type=int, help="generated sites of the rendering measurement "
                    "(default: --sites, at most 20; 0: none)")
    args = ap.parse_args()
    if args.sites < 1 or args.pages_per_site < 1:
        raise SystemExit(f"--sites and --pages-per-site must be positive, got {args.sites}, {args.pages_per_site}")
    print(f"{dt.datetime.now():%Y-%m-%d %H:%M}  cores {os.cpu_count()}  load average {os.getloadavg()[0]:.2f}"
          f" {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} (other processes share these cores)", flush=True)
    with tempfile.TemporaryDirectory(prefix="pucha-bench-") as tmp:
        work = Path(tmp)
        runs: list[dict] = []
        if not args.skip_scrapy_bench:
            (work / "scrapy").mkdir()
            runs.append(report_scrapy_bench(scrapy_bench(work / "scrapy"), "before"))
        print(f"pucha crawl: fleet of {args.sites} sites, --pages-per-site {args.pages_per_site}, seed {args.seed}; "
              + " ".join(f"{k}={v}" for k, v in BENCH_ENV.items())
              + f"; --probe-rounds 1 --probe-interval 0 --probe-timeout {TIMEOUT} --link-timeout {TIMEOUT}, "
                f"fleet hang {HANG} s", flush=True)
        pc = pucha_crawl(work, args.sites, args.pages_per_site, args.seed, args.profile, args.processes)
        if runs:  # once more after the crawl: the load of shared cores drifts over minutes
            runs.append(report_scrapy_bench(scrapy_bench(work / "scrapy"), "after"))
    print(f"pucha sweep (load average {pc['load']:.2f} at its end): {pc['pages']} pages ({pc['served']} served "
          f"by the fleet), {pc['checks']} link checks, {pc['probes']} probes in {pc['seconds']:.1f} s "
          f"= {pc['rate']:.1f} pages/s")
    print(f"  sweep with {pc['processes']} crawl process(es): CPU {pc['cpu']:.1f} s over {pc['wall']:.1f} s wall, "
          f"peak RSS {pc['rss_kb'] / 1024:.0f} MB (the largest single process)")
    print(f"  fleet process (same cores): CPU {pc['fleet_cpu']:.1f} s during the sweep")
    if runs:
        rate = sum(r["rate"] for r in runs) / len(runs)
        print(f"ratio pucha/scrapy bench (mean of its two runs, {rate:.1f} pages/s): {pc['rate'] / rate:.2f} "
              f"(target >= 2.5 on 2 cores)")
        # Wall-clock rates move with whatever else the shared cores run; pages per CPU-second less so.
        mine = pc["pages"] / (pc["cpu"] + pc["fleet_cpu"])
        theirs = sum(r["pages"] for r in runs) / sum(r["cpu"] for r in runs)
        print(f"pages per CPU-second, servers included: pucha {mine:.1f}, scrapy bench {theirs:.1f}, "
              f"ratio {mine / theirs:.2f}")
    render_sites = min(args.sites, 20) if args.render_sites is None else args.render_sites
    if render_sites > 0:
        with tempfile.TemporaryDirectory(prefix="pucha-bench-render-") as tmp:
            render_crawls(Path(tmp), render_sites)


if __name__ == "__main__":
    main()
