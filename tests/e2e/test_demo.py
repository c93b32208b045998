"""The README's first command: `pucha demo` sweeps the bundled fleet and agrees with its ground truth."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow


def test_demo_agrees_with_the_ground_truth(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PUCHA_")}
    env["PUCHA_HOME"] = str(tmp_path / ".pucha")
    out = subprocess.run([sys.executable, "-m", "census", "demo"], env=env, cwd=tmp_path, text=True,
                         capture_output=True, timeout=900)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    assert "全国政府网站普查 评分结果" in out.stdout
    assert "agrees with the fleet's ground truth): 40/40 sites" in out.stdout
