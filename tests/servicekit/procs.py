"""One server process on a loopback port: started in its own process group, waited for, stopped.

Every server the tests start (ClickHouse, the Tansu Kafka broker, moto's S3,
a private Redis) is a ``ServerProcess``: it keeps its port and its working
directory across ``restart()``, so a fault test can take a service away and
bring the same one back.  Processes run in a new session, and ``stop`` kills
the whole process group, so nothing outlives the test session; an atexit hook
catches a session that dies before its finalizers run.
"""
from __future__ import annotations

import atexit
import os
import signal
import socket
import subprocess
import time
import weakref
from pathlib import Path
from typing import Callable

_LIVE: "weakref.WeakSet[ServerProcess]" = weakref.WeakSet()


def free_port(host: str = "127.0.0.1") -> int:
    """A port nothing listens on now (the kernel's pick; the race window is small on one machine)."""
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def port_open(port: int, host: str = "127.0.0.1", timeout: float = 0.2) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


class ServiceStartError(RuntimeError):
    """A test server did not come up; the message ends with the tail of its log."""


class ServerProcess:
    """Subclasses give ``name``, ``command()`` and ``ready()``; ``env()`` and ``prepare()`` are optional."""

    name = "server"
    start_timeout = 30.0

    def __init__(self, workdir: str | Path):
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.proc: subprocess.Popen | None = None
        self.log_path = self.workdir / f"{self.name}.log"
        self.starts = 0
        _LIVE.add(self)

    # --- for subclasses ---------------------------------------------------------------------
    def command(self) -> list[str]:
        raise NotImplementedError

    def env(self) -> dict[str, str]:
        return dict(os.environ)

    def prepare(self) -> None:
        """Write config files; called before every start."""

    def ready(self) -> bool:
        raise NotImplementedError

    # --- lifecycle --------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def start(self) -> "ServerProcess":
        if self.running:
            return self
        self.prepare()
        log = open(self.log_path, "ab")
        try:
            self.proc = subprocess.Popen(self.command(), cwd=self.workdir, env=self.env(), stdout=log,
                                         stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                         start_new_session=True)
        finally:
            log.close()
        self.starts += 1
        self._wait(lambda: self.ready(), f"{self.name} did not answer within {self.start_timeout:.0f} s")
        return self

    def _wait(self, check: Callable[[], bool], message: str) -> None:
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise ServiceStartError(f"{self.name} exited with {self.proc.returncode}: {self.log_tail()}")
            try:
                if check():
                    return
            except Exception:  # not up yet: any client error means "try again"
                pass
            time.sleep(0.1)
        self.stop()
        raise ServiceStartError(f"{message}: {self.log_tail()}")

    def log_tail(self, lines: int = 15) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return "(no log)"
        return " | ".join(text.strip().splitlines()[-lines:])

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 15.0) -> None:
        """Stop the whole process group: ``sig`` first, SIGKILL when it has not ended after ``timeout``."""
        proc, self.proc = self.proc, None
        if proc is None:
            return
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            pass
        try:  # children that ignored the signal, or outlived their leader
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass

    def kill(self) -> None:
        """SIGKILL, no chance to clean up: a crash."""
        self.stop(signal.SIGKILL, timeout=5)

    def restart(self, down_for: float = 0.0, hard: bool = False) -> None:
        self.kill() if hard else self.stop()
        if down_for:
            time.sleep(down_for)
        self.start()

    def __enter__(self) -> "ServerProcess":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


@atexit.register
def _stop_all() -> None:
    for server in list(_LIVE):
        try:
            server.kill()
        except Exception:
            pass
