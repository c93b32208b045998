"""Lists a script fills with no endpoint the crawler can call (SPEC §5, §8): rendered in headless Chromium
(crawler.render, scrapy-playwright, Debian's chromium) when PUCHA_RENDER=auto, `unreadable` when off; the
browser starts only for a page that needs it."""
from __future__ import annotations

import json
import os
import stat

import pytest

from .recorder import Recorder
from .test_challenges import ENV, _report
from .test_crawl_behaviour import events, page, sweep

pytestmark = [pytest.mark.browser, pytest.mark.slow]
COLUMNS = (("工作动态", "工作动态", "dt/"), ("通知公告", "通知公告", "tz/"))
BOX = "<html><head><meta charset='utf-8'><title>{t}</title></head><body><ul id='list'>{li}</ul>{s}</body></html>"
# 工作动态: the rows are the script's own data, written into the list box; no request at all.
COMPUTED = """<script>
var rows = [["关于开展网站普查的通知", "1.html", [2026, 11, 24]], ["工作动态第二条", "2.html", [2026, 11, 20]]];
var box = document.getElementById('list');
rows.forEach(function (r) {
  var li = document.createElement('li');
  li.innerHTML = '<a href="' + r[1] + '">' + r[0] + '</a><span>' + r[2].join('-') + '</span>';
  box.appendChild(li);
});
</script>"""
# 通知公告: the entries come from /api/list, through a URL built at run time (the literal '/ap' is no list).
BUILT = """<script>
fetch('/ap' + 'i/list').then(function (r) { return r.json(); }).then(function (d) {
  document.getElementById('list').innerHTML = d.rows.map(function (r) {
    return '<li><a href="' + r.link + '">' + r.name + '</a><span>' + r.day + '</span></li>';
  }).join('');
});
</script>"""
API = {"rows": [{"name": "关于网站普查的公告", "link": "/tz/1.html", "day": "2026-11-25"},
                {"name": "通知公告第二条", "link": "/tz/2.html", "day": "2026-11-23"}]}
# A column whose HTML shows entries, but whose DOM shows one more: only a rendering reads it.
MARKED = "<script>document.getElementById('list').insertAdjacentHTML('beforeend', " \
         "'<li><a href=\"/dt/9.html\">仅渲染可见的条目</a><span>2026-11-25</span></li>');</script>"


def _home() -> tuple[int, str, str]:
    return 200, "text/html", page("首页", [], [(f"/a/{i}.html", f"首页新闻第{i}条", "2026-11-2%d" % i) for i in range(5)])


def _articles(pages: dict) -> dict:
    paths = [f"/a/{i}.html" for i in range(5)] + ["/dt/1.html", "/dt/2.html", "/dt/9.html", "/tz/1.html", "/tz/2.html"]
    pages.update({p: (200, "text/html", page("文章")) for p in paths})
    return pages


@pytest.fixture
def site():
    r = Recorder(_articles({
        "/": _home(),
        "/dt/": (200, "text/html", BOX.format(t="工作动态", li="", s=COMPUTED)),
        "/tz/": (200, "text/html", BOX.format(t="通知公告", li="", s=BUILT)),
        "/api/list": (200, "application/json", json.dumps(API, ensure_ascii=False))})).start()
    yield r
    r.stop()


@pytest.fixture
def browser(tmp_path):
    """Debian's chromium behind a script that notes every launch (the test sees whether one happened)."""
    marker = tmp_path / "launched"
    path = tmp_path / "chromium"
    path.write_text(f"#!/bin/sh\necho launched >> {marker}\nexec /usr/bin/chromium \"$@\"\n")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return path, marker


def _lists(tmp_path) -> dict:
    out: dict = {}
    for e in events(tmp_path, "list_items"):
        out.setdefault(e["column"], []).append(e)
    return out


def _costs(card: dict) -> list[str]:
    return [e["url"] for d in card["deductions"] if d["rule"] == "updates.columns" for e in d["evidence"]]


@pytest.mark.skipif(not os.path.exists("/usr/bin/chromium"), reason="needs Debian's chromium")
def test_auto_renders_the_lists_no_endpoint_gives(site, tmp_path, browser):
    sweep(tmp_path, [site.base], "--probe-rounds", "1", env={**ENV, "PUCHA_BROWSER": str(browser[0])},
          columns=COLUMNS)
    assert browser[1].exists()
    assert "/ap" in site.paths() and "/api/list" in site.paths()  # the literal tried, then the page's own fetch
    lists = _lists(tmp_path)
    dt, tz = lists[site.base + "dt/"], lists[site.base + "tz/"]
    assert [(e["page_no"], e["error"]) for e in dt if not e["opened"]] == [(1, "unreadable")]
    read = {e["page_url"]: [(i["title"], i["url"], i["date"]) for i in e["items"]] for e in dt + tz if e["opened"]}
    assert read == {
        site.base + "dt/#rendered": [("关于开展网站普查的通知", site.base + "dt/1.html", "2026-11-24"),
                                     ("工作动态第二条", site.base + "dt/2.html", "2026-11-20")],
        site.base + "tz/#rendered": [("关于网站普查的公告", site.base + "tz/1.html", "2026-11-25"),
                                     ("通知公告第二条", site.base + "tz/2.html", "2026-11-23")]}
    card = _report(tmp_path)
    assert [c for c in card["needs_review"] if c.get("scan_status") == "unreadable"] == []
    assert _costs(card) == []  # both updated days ago: nothing to deduct


def test_off_leaves_them_unreadable_for_review(site, tmp_path, browser):
    sweep(tmp_path, [site.base], "--probe-rounds", "1",
          env={**ENV, "PUCHA_RENDER": "off", "PUCHA_BROWSER": str(browser[0])}, columns=COLUMNS)
    assert not browser[1].exists() and "/api/list" not in site.paths()
    lists = _lists(tmp_path)
    for col in ("dt/", "tz/"):
        assert [(e["opened"], e["error"]) for e in lists[site.base + col]] == [(False, "unreadable")]
    card = _report(tmp_path)
    review = {(c["rule"], c["url"]) for c in card["needs_review"] if c.get("scan_status") == "unreadable"}
    assert review == {(rule, site.base + col) for rule in ("veto.stale_columns", "updates.columns")
                      for col in ("dt/", "tz/")}


@pytest.mark.skipif(not os.path.exists("/usr/bin/chromium"), reason="needs Debian's chromium")
def test_a_site_named_in_render_sites_has_its_columns_rendered(tmp_path, browser):
    r = Recorder(_articles({"/": _home(), "/dt/": (200, "text/html", BOX.format(
        t="工作动态", li="<li><a href='/dt/1.html'>关于开展网站普查的通知</a><span>2026-11-24</span></li>", s=MARKED))})).start()
    try:
        sweep(tmp_path, [r.base], "--probe-rounds", "1",
              env={**ENV, "PUCHA_BROWSER": str(browser[0]), "PUCHA_RENDER_SITES": r.base})
    finally:
        r.stop()
    assert browser[1].exists()
    [col] = _lists(tmp_path)[r.base + "dt/"]
    assert col["opened"] and [i["title"] for i in col["items"]] == ["关于开展网站普查的通知", "仅渲染可见的条目"]
    ua = {h.user_agent for h in r.hits if h.path == "/dt/"}
    assert len(ua) == 1 and "pucha" in ua.pop()  # the browser said who it is, as the crawler does


def test_a_sweep_without_script_filled_pages_never_starts_the_browser(tmp_path, browser):
    r = Recorder(_articles({"/": _home(), "/dt/": (200, "text/html", BOX.format(
        t="工作动态", li="<li><a href='/dt/1.html'>关于开展网站普查的通知</a><span>2026-11-24</span></li>", s=""))})).start()
    try:
        sweep(tmp_path, [r.base], "--probe-rounds", "1", env={**ENV, "PUCHA_BROWSER": str(browser[0])})
    finally:
        r.stop()
    assert not browser[1].exists()
    [col] = _lists(tmp_path)[r.base + "dt/"]
    assert col["opened"] and len(col["items"]) == 1


@pytest.mark.parametrize("how", ["no browser", "timeout"])
def test_a_list_that_cannot_be_rendered_stays_unreadable(site, tmp_path, browser, how):
    env = {**ENV, "PUCHA_BROWSER": str(browser[0])}
    if how == "no browser":  # and the site named in PUCHA_RENDER_SITES: its columns are then read as HTML
        env.update(PUCHA_BROWSER=str(tmp_path / "no-such-chromium"), PUCHA_RENDER_SITES=site.base)
    else:  # 通知公告's fetch answers after 3 s; 工作动态 still renders
        site.hang.add("/api/list")
        env.update(PUCHA_RENDER_TIMEOUT="1")
    sweep(tmp_path, [site.base], "--probe-rounds", "1", env=env, columns=COLUMNS)
    lists = _lists(tmp_path)
    unread = ("tz/",) if how == "timeout" else ("dt/", "tz/")
    for col in unread:
        assert [(e["opened"], e["error"]) for e in lists[site.base + col]] == [(False, "unreadable")]
    if how == "timeout":
        assert any(e["opened"] and e["items"] for e in lists[site.base + "dt/"])
    pages = {e["url"]: e["ok"] for e in events(tmp_path, "page")}
    assert pages[site.base + "dt/"] and pages[site.base + "tz/"]  # the pages opened; only their lists are unread
    card = _report(tmp_path)
    assert {c["url"] for c in card["needs_review"] if c.get("scan_status") == "unreadable"} == {
        site.base + col for col in unread}
