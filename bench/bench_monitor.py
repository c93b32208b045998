"""One monitor process sustaining 100,000 sites at 20 probes a day (~23 probes/s), beside a bare aiohttp loop.

    .venv/bin/python bench/bench_monitor.py [--sites 100000] [--seconds 60] [--snapshots steady|first]

A local fleet (a separate process, so its CPU is not counted) serves every
site's homepage on 127.0.0.1 by path: a ~20 KB list page, 2% of them slow
(3 s) and 1% hanging (30 s, past the 15 s probe timeout).  Each phase runs in
a process of its own, so its CPU (getrusage) and peak RSS are its own:

- baseline: a bare aiohttp loop sending GETs at the same mean rate;
- monitor: census.monitor's Monitor on the real clock over the same sites,
  storing every probe (embedded SQLite store) and saving its checkpoint.

``--snapshots steady`` (default) starts the monitor as it is after a day of
running: every homepage was read once today, so a probe only reads a page
that changed; ``first`` is the first day, when every probe is a site's first
of the day and its page is due a read (the worst case): those reads are
paced (census.monitor.snapshots.SnapshotKeeper, every site read within half
a day), so the first day costs about what a steady day does.  Target (issue 7): the rate
held with at most 10% of one core and 500 MB.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DAY = 86400.0


def body(i: int) -> bytes:
    rows = "".join(f'<li><a href="/s{i}/art/{k}.html">关于做好第{k}批政务公开工作的通知（第{i}号）</a>'
                   f'<span>2026-11-{1 + k % 28:02d}</span></li>' for k in range(60))
    nav = "".join(f'<a href="/s{i}/col/{k}/index.html">栏目{k}</a>' for k in range(60))
    return (f"<html><head><meta charset='utf-8'><title>示例市人民政府{i}</title></head><body>"
            f"<div class='nav'>{nav}</div><div class='news'><ul>{rows}</ul></div></body></html>").encode()


def kind(i: int) -> str:
    r = (i * 2654435761) % 100
    return "hang" if r == 0 else "slow" if r < 3 else "ok"


# --- the fleet ------------------------------------------------------------------------------


def serve(port_file: str) -> None:
    from aiohttp import web

    async def handle(request: web.Request) -> web.Response:
        i = int(request.match_info["i"])
        k = kind(i)
        if k != "ok":
            await asyncio.sleep(30.0 if k == "hang" else 3.0)
        return web.Response(body=body(i), content_type="text/html", charset="utf-8")

    async def main() -> None:
        app = web.Application()
        app.router.add_get("/s{i:\\d+}/", handle)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0, backlog=1024)
        await site.start()
        Path(port_file).write_text(str(site._server.sockets[0].getsockname()[1]))
        await asyncio.Event().wait()

    asyncio.run(main())


# --- the phases -----------------------------------------------------------------------------


def usage() -> tuple[float, float]:
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024


async def baseline(port: int, sites: int, seconds: float) -> dict:
    import aiohttp

    rate = sites * 20 / DAY
    rng = random.Random(1)
    done = failed = 0
    sem = asyncio.Semaphore(1024)

    async def one(session, i: int) -> None:
        nonlocal done, failed
        try:
            async with asyncio.timeout(15.0):
                async with session.get(f"http://127.0.0.1:{port}/s{i}/") as r:
                    await r.read()
                    failed += r.status >= 300
        except Exception:
            failed += 1
        finally:
            done += 1
            sem.release()

    conn = aiohttp.TCPConnector(limit=1024, force_close=True)
    async with aiohttp.ClientSession(connector=conn) as session:
        cpu0, _ = usage()
        t0 = time.monotonic()
        tasks = set()
        n = 0
        while time.monotonic() - t0 < seconds:
            n += 1
            await asyncio.sleep(max(0.0, t0 + n / rate - time.monotonic()))
            await sem.acquire()
            t = asyncio.create_task(one(session, rng.randrange(sites)))
            tasks.add(t)
            t.add_done_callback(tasks.discard)
        elapsed = time.monotonic() - t0
        cpu1, rss = usage()
        for t in tasks:
            t.cancel()
    return {"phase": "baseline", "probes": done, "failed": failed, "elapsed": elapsed, "cpu": cpu1 - cpu0, "rss_mb": rss}


async def monitor(port: int, sites: int, seconds: float, snapshots: str) -> dict:
    from census.monitor.checkpoint import Checkpoint
    from census.monitor.clock import SystemClock, day_of
    from census.monitor.scheduler import Monitor
    from pucha.registry.records import SiteRecord
    from pucha.store.embedded import EmbeddedStore

    tmp = Path(tempfile.mkdtemp(prefix="bench-monitor-"))
    records = [SiteRecord(f"http://127.0.0.1:{port}/s{i}/", f"网站{i}", "北京市", "部门网站") for i in range(sites)]
    store = EmbeddedStore(tmp / "results.sqlite3")
    mon = Monitor(records, store, Checkpoint(f"sqlite:///{tmp / 'registry.sqlite3'}"), SystemClock(),
                  per_day=20, timeout=15.0)
    if snapshots == "steady":
        import hashlib

        today = day_of(time.time())
        for i, r in enumerate(records):  # as after a day of running: each page read once today
            mon.keeper._last[r.home_url] = (today, hashlib.blake2b(body(i), digest_size=16).digest())
    runner = asyncio.create_task(mon.run())
    await asyncio.sleep(5.0)  # the first slots are queued and the start's catch-up is over: measure from here
    cpu0, _ = usage()
    p0, t0 = mon.stats.probes, time.monotonic()
    await asyncio.sleep(seconds)
    probes, elapsed = mon.stats.probes - p0, time.monotonic() - t0
    cpu1, rss = usage()
    lag = mon.stats.max_lag
    mon.stop()
    await runner
    stored = sum(1 for _ in store.events(next(iter({s.sweep for s in store.sweeps()}))))
    return {"phase": "monitor", "probes": probes, "failed": mon.stats.failed, "elapsed": elapsed,
            "cpu": cpu1 - cpu0, "rss_mb": rss, "max_lag_s": lag, "snapshots": mon.stats.snapshots,
            "stored_events": stored, "deferred": mon.keeper.deferred}


def phase(args) -> None:
    port = int(Path(args.port_file).read_text())
    coro = baseline(port, args.sites, args.seconds) if args.phase == "baseline" else \
        monitor(port, args.sites, args.seconds, args.snapshots)
    print(json.dumps(asyncio.run(coro)))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sites", type=int, default=100_000)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--snapshots", choices=("steady", "first"), default="steady")
    ap.add_argument("--phase", choices=("serve", "baseline", "monitor"), help=argparse.SUPPRESS)
    ap.add_argument("--port-file", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.phase == "serve":
        return serve(args.port_file)
    if args.phase:
        return phase(args)

    port_file = tempfile.mktemp(prefix="bench-monitor-port-")
    me = [sys.executable, __file__, "--sites", str(args.sites), "--seconds", str(args.seconds),
          "--snapshots", args.snapshots, "--port-file", port_file]
    fleet = subprocess.Popen(me + ["--phase", "serve"])
    try:
        for _ in range(100):
            if os.path.exists(port_file) and Path(port_file).read_text():
                break
            time.sleep(0.1)
        results = {}
        for name in ("baseline", "monitor"):
            out = subprocess.run(me + ["--phase", name], capture_output=True, text=True, check=True)
            results[name] = json.loads(out.stdout.strip().splitlines()[-1])
    finally:
        fleet.terminate()
        fleet.wait()
        os.unlink(port_file)
    target = args.sites * 20 / DAY
    print(f"{args.sites} sites x 20 probes/day = {target:.1f} probes/s target; {args.seconds:g} s per phase; "
          f"snapshots: {args.snapshots}")
    for name, r in results.items():
        rate = r["probes"] / r["elapsed"]
        print(f"{name:9s} {rate:6.1f} probes/s  CPU {r['cpu']:6.2f} s = {100 * r['cpu'] / r['elapsed']:5.1f}% of a core"
              f"  peak RSS {r['rss_mb']:6.0f} MB" + (f"  max lag {r['max_lag_s']:.2f} s  snapshots {r['snapshots']}"
                                                    f"  stored {r['stored_events']}  reads deferred {r['deferred']}"
                                                    if name == "monitor" else ""))
    b, m = results["baseline"], results["monitor"]
    print(f"ratios monitor/baseline: CPU per probe {(m['cpu'] / m['probes']) / (b['cpu'] / b['probes']):.2f}, "
          f"peak RSS {m['rss_mb'] / b['rss_mb']:.2f}")
    held = m["probes"] / m["elapsed"] >= 0.9 * target
    cpu_ok = m["cpu"] / m["elapsed"] <= 0.10
    print(f"target: rate held {'yes' if held else 'NO'}; <=10% of a core {'yes' if cpu_ok else 'NO'}; "
          f"<=500 MB {'yes' if m['rss_mb'] <= 500 else 'NO'}")


if __name__ == "__main__":
    main()
