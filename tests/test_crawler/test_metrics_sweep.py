"""/metrics of a real embedded sweep while it runs (issue 14, item 5), and its logs as JSON lines."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import httpx
import pytest

from servicekit import free_port

from .recorder import WAF_PAGES, Recorder
from .test_crawl_behaviour import AS_OF, page, registry

pytestmark = pytest.mark.slow


def test_a_sweep_serves_its_counts_and_logs_json(tmp_path):
    items = [(f"/dt/{i}.html", f"工作动态新闻第{i}条", "2026-11-2%d" % i) for i in range(5)]
    pages = {"/": (200, "text/html", page("首页", ["/dt/", "/gone.html", "/wall.html"], items)),
             "/dt/": (200, "text/html", page("工作动态", [], items)),
             "/wall.html": (200, "text/html", WAF_PAGES["wall"])}
    pages.update({h: (200, "text/html", page(t)) for h, t, _ in items})
    site = Recorder(pages).start()
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PUCHA_")}
    env.update(PUCHA_HOME=str(tmp_path), PUCHA_CONFIG="", PUCHA_DELAY_PER_HOST="0", PUCHA_METRICS_PORT=str(port),
               PUCHA_LOG_FORMAT="json", PUCHA_LOG_LEVEL="INFO")
    try:
        subprocess.run([sys.executable, "-m", "census", "registry", "import", str(registry(tmp_path / "r.xlsx",
                        [site.base]))], env=env, check=True, capture_output=True, timeout=120)
        proc = subprocess.Popen([sys.executable, "-m", "census", "sweep", "--as-of", AS_OF, "-q", "--probe-rounds",
                                 "6", "--probe-interval", "1"], env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        seen = ""
        deadline = time.monotonic() + 60
        while proc.poll() is None and time.monotonic() < deadline:
            try:
                seen = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=2).text
            except httpx.HTTPError:
                pass
            if 'pucha_link_checks_total{scan_status="http"}' in seen and "pucha_probes_total" in seen:
                break
            time.sleep(0.3)
        out, err = proc.communicate(timeout=120)
    finally:
        site.stop()
    assert proc.returncode == 0, err[-2000:]
    assert 'pucha_pages_total{page_role="home",scan_status="ok"} 1.0' in seen, seen
    assert 'pucha_link_checks_total{scan_status="http"}' in seen  # /gone.html answers 404
    assert 'pucha_scan_status_total{kind="page",scan_status="blocked"}' in seen  # /wall.html is a firewall's
    assert 'pucha_probes_total{scan_status="ok"}' in seen
    lines = [line for line in err.splitlines() if line.strip()]
    assert lines and not [line for line in lines if not line.startswith("{")], lines[:20]
    assert any(json.loads(line)["logger"].startswith("scrapy") for line in lines)
