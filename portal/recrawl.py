"""Recrawls for 抽查核查: spot-check staff sweep chosen sites again.

A recrawl is the census's own command, ``pucha sweep --as-of DATE --site
URL``, run as a subprocess with the portal's settings (Scrapy's reactor runs
once per process, and a distributed installation's sweep submits to the
workers the same way).  Progress is read where the sweep writes it: the
result store's sweep record and the site's events; the new scorecard then
replaces the old one in every table (the stores return the newest sweep per
site) while ``site_history`` keeps the old one.
"""
from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import audit
from portal.errors import PortalError
from portal.inspection import owner_of
from portal.models import Account, Recrawl
from pucha.registry.model import Site, utcnow
from pucha.settings import SETTINGS, Settings

# One recrawl of a site at a time; more would only crawl it twice.
_RUNNING: dict[int, subprocess.Popen] = {}
_LOCK = threading.Lock()


def sweep_env(settings: Settings, db_url: str) -> dict[str, str]:
    """The environment of a ``pucha`` subprocess that sees what the portal sees."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PUCHA_")}
    for setting in SETTINGS:
        value = settings.as_dict().get(setting.name.removeprefix("PUCHA_").lower())
        if value is not None:
            env[setting.name] = str(value).lower() if isinstance(value, bool) else str(value)
    env["PUCHA_HOME"] = str(settings.home)
    env["PUCHA_DATABASE_URL"] = db_url
    env["PUCHA_CONFIG"] = ""
    return env


def start(session: Session, actor: Account, site: Site, as_of: str, settings: Settings, db_url: str) -> Recrawl:
    """Start a recrawl of ``site`` (the caller has checked the account may see it)."""
    if site.status in ("closed", "merged"):
        raise PortalError("该网站已关停或已整合，不再检查")
    running = session.scalar(select(Recrawl).where(Recrawl.site_id == site.id, Recrawl.state == "running"))
    if running is not None and refresh(session, running).state == "running":
        raise PortalError(f"该网站的重新检查（第 {running.id} 号）仍在进行，请等待其完成")
    job = Recrawl(site_id=site.id, home_url=site.home_url, unit_id=actor.unit_id, actor=actor.username,
                  as_of=as_of, state="running")
    session.add(job)
    session.flush()
    logs = settings.home / "recrawls"
    logs.mkdir(parents=True, exist_ok=True)
    job.log_path = str(logs / f"recrawl-{job.id}.log")
    cmd = [sys.executable, "-m", "census", "sweep", "--as-of", as_of, "--site", site.home_url, "--quiet"]
    with open(job.log_path, "wb") as log:
        proc = subprocess.Popen(cmd, env=sweep_env(settings, db_url), stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    job.pid = proc.pid
    with _LOCK:
        _RUNNING[job.id] = proc
    audit.record(session, actor.username, "recrawl", f"site:{site.id}", owner_of(session, site),
                 after={"recrawl": job.id, "as_of": as_of})
    return job


def refresh(session: Session, job: Recrawl) -> Recrawl:
    """Bring a running job's state up to date from its process."""
    if job.state != "running":
        return job
    with _LOCK:
        proc = _RUNNING.get(job.id)
    if proc is None:
        # Started by another portal process (or before a restart): the pid says whether it lives.
        if job.pid and _alive(job.pid):
            return job
        code = None
    else:
        code = proc.poll()
        if code is None:
            return job
        with _LOCK:
            _RUNNING.pop(job.id, None)
    job.returncode = code
    job.sweep = job.sweep or _sweep_from_log(job.log_path)
    job.state = "done" if code == 0 or (code is None and job.sweep) else "failed"
    job.finished_at = utcnow()
    session.flush()
    return job


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


def _sweep_from_log(path: str) -> str | None:
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith("普查完成 sweep "):
            return line.split()[2]
    return None


def log_tail(job: Recrawl, lines: int = 12) -> str:
    try:
        text = Path(job.log_path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


@dataclass
class Progress:
    state: str
    sweep: str | None
    pages: int
    probes: int
    probes_due: int
    checks: int
    scored: bool
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def progress(store, job: Recrawl, settings: Settings) -> Progress:
    """What the sweep has stored so far for this site."""
    sweep = job.sweep or _sweep_of(store, job)
    counts: dict[str, int] = {}
    scored = False
    if sweep:
        counts = {kind: n for (_, kind), n in store.count_by_site_kind(sweep, [job.home_url]).items()}
        scored = any(c["sweep"] == sweep for c in store.site_history(job.home_url))
    started = job.started_at if job.started_at.tzinfo else job.started_at.replace(tzinfo=utcnow().tzinfo)
    end = job.finished_at or utcnow()
    end = end if end.tzinfo else end.replace(tzinfo=started.tzinfo)
    return Progress(job.state, sweep, counts.get("page", 0), counts.get("probe", 0), settings.probe_rounds,
                    counts.get("link_check", 0), scored,
                    round((end - started).total_seconds(), 1))


def _sweep_of(store, job: Recrawl) -> str | None:
    """The sweep the subprocess began: the first one started after the job, with this site's events."""
    started = job.started_at if job.started_at.tzinfo else job.started_at.replace(tzinfo=utcnow().tzinfo)
    since = started.timestamp() - 1
    for info in store.sweeps():
        if info.started >= since and info.as_of == job.as_of and info.sites == 1:
            if store.count_by_site_kind(info.sweep, [job.home_url]):
                return info.sweep
    return None


def wait_all(timeout: float = 60) -> None:
    """Wait for this process's recrawls (tests and shutdown): none is left running."""
    deadline = time.monotonic() + timeout
    with _LOCK:
        procs = list(_RUNNING.values())
    for proc in procs:
        try:
            proc.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
