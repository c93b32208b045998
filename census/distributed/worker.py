"""`pucha worker --role crawl|score|ingest|all`: a long-running distributed worker (SPEC §6).

- crawl: waits for the active sweep on the board (census.distributed.board)
  and crawls it in a child process (crawlproc: Scrapy's reactor runs once
  per process), then waits for the next one.  A lost service ends the child;
  the worker says so in one line and starts another when the service is back.
- score: the stream scorer (scorers.stream.run_scorer, fed by census.distributed.consumers).
- ingest: Kafka to the store (ingest.kafka_to_store.run_ingest, fed likewise).
- all: one child process per role.

SIGTERM or SIGINT stops the worker cleanly: children get SIGTERM (a crawl
hands its unstarted leases back), and the exit code is 0.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

from pucha.errors import ServiceUnavailable
from pucha.settings import Settings

from .consumers import ingest_from_kafka, score_from_kafka

ROLES = ("crawl", "score", "ingest")


class _Stop:
    def __init__(self) -> None:
        self.requested = False
        self.event = threading.Event()  # the same request, for run_scorer and run_ingest
        self.children: list[subprocess.Popen] = []
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, self._handle)

    def _handle(self, signum, frame) -> None:
        self.requested = True
        self.event.set()
        for child in self.children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)

    def sleep(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while not self.requested and time.monotonic() < end:
            time.sleep(min(0.2, end - time.monotonic()))


def _say(text: str) -> None:
    print(f"pucha worker: {text}", file=sys.stderr, flush=True)


def check_services(cfg: Settings, roles: tuple[str, ...]) -> None:
    """Each service this worker needs answers, or ServiceUnavailable names the first that does not."""
    if not cfg.distributed:
        raise ServiceUnavailable("pucha worker", "PUCHA_REDIS_URL, PUCHA_KAFKA_BOOTSTRAP, PUCHA_CLICKHOUSE_URL",
                                 "all three must be set")
    if "crawl" in roles:
        from crawler.frontier.keys import connect

        connect(cfg.redis_url).close()
    from pucha.transport.kafka import ensure_topics

    ensure_topics(cfg.kafka_bootstrap, cfg.kafka_topic_prefix, cfg.kafka_partitions)
    if "score" in roles or "ingest" in roles:
        from pucha.store import open_store

        open_store(cfg).close()


def run_worker(settings: Settings, role: str = "all") -> int:
    roles = ROLES if role == "all" else (role,)
    check_services(settings, roles)
    stop = _Stop()
    if role == "all":
        return _run_children(stop, [[sys.executable, "-m", "census", "worker", "--role", r] for r in ROLES],
                             [_metrics_env(settings, i) for i in range(len(ROLES))])
    if role == "crawl":
        return _crawl_loop(settings, stop)
    if role == "score":
        from scorers.stream import ScorerStats

        stats = _until_stopped(settings, roles, stop, lambda: score_from_kafka(settings, stop.event), ScorerStats())
        _say(f"scorer stopped: {stats.events} events, {stats.scored} sites scored ({stats.from_store} from the store)")
        return 0
    from ingest.kafka_to_store import IngestStats

    stats = _until_stopped(settings, roles, stop, lambda: ingest_from_kafka(settings, stop.event), IngestStats())
    _say(f"ingest stopped: {stats.rows} events stored in {stats.batches} batches")
    return 0


def _until_stopped(cfg: Settings, roles: tuple[str, ...], stop: _Stop, run, empty):
    """Run a consumer role until told to stop; when a service goes away under it, say so in one line, wait
    until every service answers again and start the role afresh.  A fresh start is what a killed and
    restarted worker does: the uncommitted records come again, which the idempotent store and scorer
    absorb.  (The process used to end at the first such error -- a poll that met the broker restarting
    raised KafkaConnectionError -- and the sweep then waited for a consumer that was gone.)"""
    from kafka.errors import KafkaError

    while True:
        try:
            return run()
        except (ServiceUnavailable, KafkaError) as exc:
            if stop.requested:
                return empty  # told to stop, and the service went with it: nothing left to hand back
            _say(f"{exc}; starting again when it answers")
        while not stop.requested:
            stop.sleep(1)
            try:
                check_services(cfg, roles)
                break
            except (ServiceUnavailable, KafkaError):
                continue
        if stop.requested:
            return empty  # told to stop while the service was away


def _metrics_env(cfg: Settings, index: int) -> dict[str, str] | None:
    """The environment of the i-th role of `--role all`: one metrics port each (the setting's, then the next)."""
    if not cfg.metrics_port:
        return None
    return {**os.environ, "PUCHA_METRICS_PORT": str(cfg.metrics_port + index)}


def _run_children(stop: _Stop, commands: list[list[str]], envs: list | None = None) -> int:
    stop.children = [subprocess.Popen(cmd, env=env) for cmd, env in zip(commands, envs or [None] * len(commands))]
    while not stop.requested and all(c.poll() is None for c in stop.children):
        time.sleep(0.2)
    stop._handle(None, None)
    codes = [c.wait() for c in stop.children]
    return 0 if stop.requested else max(codes)


def _crawl_loop(cfg: Settings, stop: _Stop) -> int:
    from crawler.frontier.keys import connect

    from .board import SweepBoard

    finished: set[str] = set()
    down_since: float | None = None
    while not stop.requested:
        try:
            board = SweepBoard(connect(cfg.redis_url))
            info = board.active()
            if down_since is not None:
                _say(f"Redis at {cfg.redis_url} answers again")
                down_since = None
        except ServiceUnavailable as exc:
            if down_since is None:
                _say(f"{exc}; waiting for it")
                down_since = time.monotonic()
            stop.sleep(2)
            continue
        if info is None or info["sweep"] in finished:
            stop.sleep(1)
            continue
        child = subprocess.Popen([sys.executable, "-m", "census.distributed.crawlproc", info["sweep"]])
        stop.children = [child]
        code = child.wait()
        stop.children = []
        if code == 0:
            finished.add(info["sweep"])  # every site done; the submitter ends the sweep
        elif not stop.requested:
            _say(f"the crawl of {info['sweep']} stopped (exit {code}); starting again shortly")
            stop.sleep(3)
    return 0


def main() -> int:  # `python -m census.distributed.worker ROLE`, for tests that need no CLI around it
    from pucha import settings as settings_mod

    return run_worker(settings_mod.load(), sys.argv[1] if len(sys.argv) > 1 else "all")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
