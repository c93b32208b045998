"""`pucha monitor` as a user runs it: real clock, SIGTERM to stop, results in the store."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import pytest

from census.monitor.checkpoint import Checkpoint
from pucha.registry.importer import import_registry
from pucha.store import open_store

from .conftest import make_settings
from .simfleet import Plan, SimFleet


def _env(settings) -> dict:
    return {**os.environ, "PUCHA_HOME": str(settings.home), "PUCHA_CONFIG": "", "PUCHA_PROBE_TIMEOUT": "1"}


def test_monitor_command_probes_until_sigterm_and_saves_its_position(tmp_path):
    settings = make_settings(tmp_path)
    with socket.socket() as s:  # a port nobody listens on: every probe is refused
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    fleet = SimFleet([Plan("a", "北京市"), Plan("b", "天津市")], None, None)  # only for its registry files
    fleet.port = port
    import_registry(*fleet.write_registry(tmp_path), url=settings.database_url)
    proc = subprocess.Popen([sys.executable, "-m", "census", "monitor", "--probes-per-day", "28800"],
                            env=_env(settings), cwd=tmp_path, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(12)  # 3 s between a site's slots
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "2 个网站" in err and "已停止" in err
    store = open_store(settings)
    probes = [e for info in store.sweeps() for e in store.events(info.sweep) if e.kind == "probe"]
    assert len(probes) >= 4 and {p.error for p in probes} == {"refused"}
    assert len({(p.site, p.slot) for p in probes}) == len(probes)
    pos = Checkpoint(settings.database_url).load()
    assert pos is not None and pos.per_day == 28800 and pos.watermark > max(p.at for p in probes)


@pytest.mark.parametrize("argv, message", [
    (["--probes-per-day", "5"], "至少 20 次"),
    ([], "登记库中没有网站"),
])
def test_monitor_command_refuses_what_cannot_work(tmp_path, argv, message):
    settings = make_settings(tmp_path)
    out = subprocess.run([sys.executable, "-m", "census", "monitor", *argv], env=_env(settings), cwd=tmp_path,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 2 and message in out.stderr, out.stderr
