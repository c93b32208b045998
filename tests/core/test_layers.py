"""The layers of pyproject.toml's [tool.importlinter] hold: the core imports nothing above it,
the roles only the core, no package imports one above it, no import cycle inside a package,
and only `pucha demo` reaches the fleet."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _lint(config: Path) -> subprocess.CompletedProcess:
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert exe, "lint-imports is not installed (the test extra pins import-linter)"
    # The checkout's code is what is checked, installed or not (and the fleet, which is never installed
    # by the test extra): both go first on the path.
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "fleet")])}
    return subprocess.run([exe, "--no-logo", "--no-cache", str(config)], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, env=env)


def test_import_contracts_are_kept(tmp_path):
    out = _lint(ROOT / "pyproject.toml")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "0 broken" in out.stdout and "3 kept" in out.stdout, out.stdout


def test_the_contracts_catch_an_import_upwards(tmp_path):
    # The same contracts on a copy of the core with one forbidden import: the check must break.
    work = tmp_path / "tree"
    for pkg in ("pucha", "crawler", "scorers", "ingest", "census", "portal"):
        shutil.copytree(ROOT / pkg, work / pkg, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "fleet" / "pucha_fleet", work / "pucha_fleet", ignore=shutil.ignore_patterns("__pycache__"))
    (work / "pucha" / "localtime.py").write_text((ROOT / "pucha" / "localtime.py").read_text()
                                               + "\nfrom census import sweep  # upwards\n")
    shutil.copy(ROOT / "pyproject.toml", work / "pyproject.toml")
    out = subprocess.run([shutil.which("lint-imports", path=str(Path(sys.executable).parent)), "--no-logo",
                          "--no-cache", "pyproject.toml"], cwd=work, capture_output=True, text=True, timeout=300,
                         env={"PYTHONPATH": str(work), "PATH": "/usr/bin:/bin"})
    assert out.returncode != 0, out.stdout
    assert "pucha.localtime -> census.sweep" in out.stdout, out.stdout
