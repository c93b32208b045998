"""The serve command refuses bad arguments with a message naming them."""
from __future__ import annotations

import subprocess
import sys

import pytest

from pucha_fleet.runner import fleet_env


@pytest.mark.parametrize("args, named", [
    (["--as-of", "2026-13-01"], "2026-13-01"),
    (["--as-of", "2026-11-26", "--sites", "0"], "--sites"),
    (["--as-of", "2026-11-26", "--rounds", "0"], "--rounds"),
    (["--as-of", "2026-11-26", "--ip-prefix", "10.0"], "--ip-prefix"),
])
def test_bad_arguments_are_named(tmp_path, args, named):
    r = subprocess.run([sys.executable, "-m", "pucha_fleet", "serve", "--out", str(tmp_path), *args],
                       capture_output=True, text=True, timeout=60, env=fleet_env())
    assert r.returncode == 2 and named in r.stderr
    assert not (tmp_path / "fleet.json").exists()
