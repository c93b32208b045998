"""Running whole distributed sweeps in the tests: processes in their own groups, progress read from Redis.

``Cluster`` starts `pucha sweep` and `pucha worker` processes, each in a new
session (so a SIGKILL of its group takes its children -- a crawl worker's
crawl process -- with it), logs each to a file, and kills every group it
started in ``close()``, which the test's fixture calls also when the test fails.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

from sweepkit import AS_OF, ROOT, SWEEP_ARGS, essence, pucha


class Cluster:
    def __init__(self, env: dict[str, str], logdir: Path):
        self.env = env
        self.logdir = logdir
        self.procs: list[subprocess.Popen] = []

    def start(self, name: str, args: list[str]) -> subprocess.Popen:
        path = self.logdir / f"{len(self.procs):02d}-{name}.log"
        with open(path, "w") as log:  # a file, not a pipe: nobody reads a pipe while the sweep runs
            proc = subprocess.Popen([sys.executable, "-m", "census", *args], env=self.env, cwd=ROOT, stdout=log,
                                    stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        proc.name, proc.log_path = name, path  # type: ignore[attr-defined]
        self.procs.append(proc)
        return proc

    def worker(self, role: str) -> subprocess.Popen:
        return self.start(f"worker-{role}", ["worker", "--role", role])

    def sweep(self, local_workers: int) -> subprocess.Popen:
        return self.start("sweep", ["sweep", "--as-of", AS_OF, *SWEEP_ARGS, "--local-workers", str(local_workers),
                                    "-q"])

    @staticmethod
    def kill(proc: subprocess.Popen) -> None:
        """SIGKILL the process and its children: a crash, no chance to clean up."""
        _killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)

    def logs(self, chars: int = 1500) -> str:
        parts = []
        for p in self.procs:
            text = p.log_path.read_text(errors="replace") if p.log_path.exists() else ""
            parts.append(f"--- {p.name} (pid {p.pid}, exit {p.poll()}) ---\n{text[-chars:]}")
        return "\n".join(parts)

    def close(self) -> None:
        for p in self.procs:
            _killpg(p.pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for p in self.procs:
            try:
                p.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
            _killpg(p.pid, signal.SIGKILL)  # the group's stragglers too
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass


def _killpg(pid: int, sig: int) -> None:
    try:
        os.killpg(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def progress(redis_url: str) -> dict[str, int]:
    """The active sweep's counters in Redis (pages, checks, probes, events) and sites done; {} before it starts."""
    from crawler.frontier.keys import SweepKeys, connect
    from crawler.frontier.ledger import RedisLedger
    from census.distributed.board import SweepBoard

    client = connect(redis_url)
    try:
        info = SweepBoard(client).active()
        if info is None:
            return {}
        keys = SweepKeys(client.pucha_prefix, info["sweep"])
        counts = {k.decode(): int(v) for k, v in client.hgetall(keys.stats).items()}
        counts["sites_done"] = RedisLedger(client, keys).done_count()
        return counts
    finally:
        client.close()


def wait_until(what: str, check: Callable[[], bool], sweep: subprocess.Popen, cluster: Cluster,
               timeout: float = 180.0) -> None:
    """Wait for a point mid-sweep; fails when the sweep ends (or never gets there) first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if sweep.poll() is not None:
            raise AssertionError(f"the sweep ended before {what}:\n{cluster.logs()}")
        try:
            if check():
                return
        except Exception:  # a service coming back: look again
            pass
        time.sleep(0.2)
    raise AssertionError(f"not {what} within {timeout:.0f} s:\n{cluster.logs()}")


def finish(cluster: Cluster, sweep: subprocess.Popen, timeout: float = 300.0) -> None:
    try:
        code = sweep.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        raise AssertionError(f"the sweep did not finish within {timeout:.0f} s:\n{cluster.logs()}") from None
    assert code == 0, cluster.logs(3000)


def report_cards(env: dict[str, str]) -> dict[str, dict]:
    rep = pucha(["report", "--as-of", AS_OF, "--format", "json"], env, timeout=120)
    assert rep.returncode == 0, rep.stderr[-3000:]
    return {s["home_url"]: s for s in json.loads(rep.stdout)["sites"]}


def full_essence(card: dict) -> tuple:
    """What must agree: verdict, vetoes, deductions, and the needs_review candidates (rule, url)."""
    return (*essence(card), sorted((c["rule"], c["url"]) for c in card["needs_review"]))


def differences(got: dict[str, dict], want: dict[str, dict]) -> dict:
    missing = {s: "no scorecard" for s in want if s not in got}
    return {**missing, **{s: (full_essence(got[s]), full_essence(want[s])) for s in want
                          if s in got and full_essence(got[s]) != full_essence(want[s])}}


def fetched_pages(store, sweep: str) -> set[tuple[str, str]]:
    return {(e.site, e.url) for e in store.events(sweep) if e.kind == "page"}
