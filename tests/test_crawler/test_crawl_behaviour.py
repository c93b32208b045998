"""What a government webmaster would see of the census crawler: politeness, probes, scan statuses."""
from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook

from pucha.registry.headers import SITE_FORM_HEADERS

from .recorder import Recorder

pytestmark = pytest.mark.slow
AS_OF = "2026-11-26"
SITE_HEADER = list(SITE_FORM_HEADERS)


def page(title: str, links: list[str] = (), items: list[tuple[str, str, str]] = ()) -> str:
    a = "".join(f'<a href="{h}">链接{i}</a>' for i, h in enumerate(links))
    li = "".join(f'<li><a href="{h}">{t}</a><span>{d}</span></li>' for h, t, d in items)
    return f"<html><head><meta charset='utf-8'><title>{title}</title></head><body>{a}<ul>{li}</ul></body></html>"


COLUMNS = (("工作动态", "工作动态", "dt/"),)


def registry(path: Path, homes: list[str], columns=COLUMNS) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "网站基本信息"
    ws.append(SITE_HEADER)
    for i, home in enumerate(homes):
        ws.append(["北京市", f"测试网站{i}", "部门网站", "京ICP备05060933号", home, "北京市测试局", "北京市东城区1号",
                   "张三", "主任", "010-12345678", "13800138000", "a@test.gov.cn", "李四", "010-12345679",
                   "13800138001", "b@test.gov.cn"])
    cols = wb.create_sheet("栏目基本信息")
    cols.append(["首页网址", "内容类别", "栏目名称", "栏目地址"])
    for home in homes:
        for category, name, rel in columns:
            cols.append([home, category, name, home + rel])
    wb.save(path)
    return path


def sweep(home: Path, homes: list[str], *extra: str, env: dict | None = None, columns=COLUMNS) -> None:
    e = {k: v for k, v in os.environ.items() if not k.startswith("PUCHA_")}
    e.update(PUCHA_HOME=str(home), PUCHA_CONFIG="", **(env or {}))
    run = lambda *a: subprocess.run([sys.executable, "-m", "census", *a], env=e, check=True, capture_output=True,
                                    text=True, timeout=300)
    run("registry", "import", str(registry(home / "r.xlsx", homes, columns)))
    out = run("sweep", "--as-of", AS_OF, "-q", *extra)
    (home / "sweep.log").write_text(out.stderr)


def events(home: Path, kind: str) -> list[dict]:
    conn = sqlite3.connect(home / "results.sqlite3")
    return [json.loads(b) for (b,) in conn.execute("SELECT body FROM events WHERE kind = ?", (kind,))]


@pytest.fixture
def site():
    items = [(f"/dt/{i}.html", f"新闻标题第{i}条", "2026-11-2%d" % (i % 6)) for i in range(6)]
    pages = {"/": (200, "text/html", page("首页", ["/dt/"], items)),
             "/dt/": (200, "text/html", page("工作动态", [], items)),
             "/robots.txt": (200, "text/plain", "User-agent: *\nCrawl-delay: 1\n")}
    for h, t, _ in items:
        pages[h] = (200, "text/html", page(t))
    r = Recorder(pages).start()
    yield r
    r.stop()


def gaps(times: list[float]) -> list[float]:
    times = sorted(times)
    return [b - a for a, b in zip(times, times[1:])]


def test_default_politeness_user_agent_and_crawl_delay(site, tmp_path):
    sweep(tmp_path, [site.base], "--probe-rounds", "3", "--probe-interval", "0.5")
    crawl = [h for h in site.hits if h.path != "/robots.txt" and h.path != "/"]
    assert len(crawl) >= 7
    assert all("pucha" in h.user_agent and "http" in h.user_agent and "普查" in h.user_agent for h in site.hits)
    # robots.txt asks for 1 s between requests: the crawl keeps it (probes run on their own slot).
    # Scrapy spaces dispatches; arrivals jitter by a few event-loop ticks around that.
    g = sorted(gaps([h.at for h in crawl]))
    assert g[len(g) // 2] >= 0.97 and g[0] >= 0.8
    assert site.paths().count("/robots.txt") == 1


def test_census_office_override_ignores_crawl_delay_but_keeps_half_a_second(site, tmp_path):
    sweep(tmp_path, [site.base], "--probe-rounds", "1", env={"PUCHA_ROBOTS_OVERRIDE": "1"})
    crawl = [h for h in site.hits if h.path not in ("/robots.txt", "/")]
    g = sorted(gaps([h.at for h in crawl]))
    assert g[len(g) // 2] >= 0.48 and g[0] >= 0.4  # the default 0.5 s per host
    assert g[len(g) // 2] < 0.8  # not the robots.txt second


def test_probes_rounds_interval_timeout_and_homepage_asked_exactly_that_often(tmp_path):
    pages = {"/": (200, "text/html", page("首页", [], [("/a.html", "新闻标题很长的一条", "2026-11-25")]))}
    r = Recorder(pages, hang={"/slow/"}).start()
    slow = Recorder({"/": (200, "text/html", "x")}, hang={"/"}).start()
    with socket.socket() as s:  # a port with nothing listening
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}/"
    try:
        sweep(tmp_path, [r.base, slow.base, dead], "--probe-rounds", "4", "--probe-interval", "0.7",
              "--probe-timeout", "1", "--link-timeout", "1", env={"PUCHA_DELAY_PER_HOST": "0"})
    finally:
        r.stop()
        slow.stop()
    assert r.paths().count("/") == 4  # the crawl's homepage is the first good probe
    assert min(gaps([h.at for h in r.hits if h.path == "/"])) >= 0.6
    probes = events(tmp_path, "probe")
    by_site = {}
    for p in probes:
        by_site.setdefault(p["site"], []).append(p)
    assert all(p["ok"] for p in by_site[r.base]) and len(by_site[r.base]) == 4
    assert {p["error"] for p in by_site[slow.base]} == {"timeout"}
    assert {p["error"] for p in by_site[dead]} == {"refused"}
    pages_ev = {p["url"]: p for p in events(tmp_path, "page")}
    assert pages_ev[dead]["ok"] is False and pages_ev[dead]["error"] == "refused"


def test_a_reset_homepage_is_a_failed_probe_even_on_a_kept_alive_connection(tmp_path):
    """Twisted's pool would quietly re-send a request whose reused connection died; a probe must not."""
    items = [(f"/a{i}.html", f"新闻标题第{i}条", "2026-11-25") for i in range(3)]
    pages = {"/": (200, "text/html", page("首页", [h for h, _, _ in items], items))}
    pages.update({h: (200, "text/html", page(t)) for h, t, _ in items})
    r = Recorder(pages, reset_home={3}).start()
    try:
        sweep(tmp_path, [r.base], "--probe-rounds", "4", "--probe-interval", "0.6", "--probe-timeout", "2",
              env={"PUCHA_DELAY_PER_HOST": "0"})
    finally:
        r.stop()
    assert r.paths().count("/") == 4
    probes = sorted(events(tmp_path, "probe"), key=lambda p: int(p["slot"]))
    assert [p["ok"] for p in probes] == [True, True, False, True]
    assert probes[2]["error"] == "reset"
