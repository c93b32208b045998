"""Lists filled by script (SPEC §5, §8): the endpoint a script names is called as the page would call it;
a list whose endpoint cannot be found is `unreadable`, not empty, and goes to needs_review."""
from __future__ import annotations

import json

import pytest

from .recorder import Recorder
from .test_challenges import ENV, _report
from .test_crawl_behaviour import events, page, sweep

pytestmark = pytest.mark.slow
COLUMNS = (("工作动态", "工作动态", "dt/"), ("通知公告", "通知公告", "tz/"))
EMPTY_BOX = "<html><head><meta charset='utf-8'><title>{t}</title></head><body><ul id='list'></ul>{s}</body></html>"


@pytest.fixture
def site():
    home_items = [(f"/a/{i}.html", f"首页新闻第{i}条", "2026-11-2%d" % i) for i in range(5)]
    entries = {"code": 0, "data": {"total": 3, "list": [
        {"title": "关于开展网站普查的通知", "url": "/dt/1.html", "pubDate": "2026-11-24"},
        {"title": "<b>工作动态</b>第二条", "url": "/dt/2.html", "pubDate": 1763913600000},  # 2025-11-24 in ms
        {"title": "工作动态第三条", "url": "/dt/3.html", "pubDate": "2026年11月3日"}]}}
    pages = {"/": (200, "text/html", page("首页", [], home_items)),
             "/dt/": (200, "text/html", EMPTY_BOX.format(t="工作动态", s="<script>$(function(){$.getJSON("
                                                         "\"/dt/list.json?page=1\", function(d){render(d)})})</script>")),
             "/dt/list.json": (200, "application/json", json.dumps(entries, ensure_ascii=False)),
             "/tz/": (200, "text/html", EMPTY_BOX.format(t="通知公告", s="<script>var api = base + cid;"
                                                         "$.ajax({url: api, success: render});</script>"))}
    pages.update({h: (200, "text/html", page(t)) for h, t, _ in home_items})
    r = Recorder(pages).start()
    yield r
    r.stop()


def test_the_endpoint_a_script_names_is_read_and_a_hidden_one_goes_to_review(site, tmp_path):
    sweep(tmp_path, [site.base], "--probe-rounds", "1", env={**ENV, "PUCHA_RENDER": "off"}, columns=COLUMNS)
    assert "/dt/list.json?page=1" in site.paths()
    lists = {(e["page_url"], e["page_no"]): e for e in events(tmp_path, "list_items")}
    first = lists[(site.base + "dt/", 1)]
    assert (first["opened"], first["error"]) == (False, "unreadable")
    read = lists[(site.base + "dt/list.json?page=1", 2)]
    assert [(i["title"], i["url"], i["date"]) for i in read["items"]] == [
        ("关于开展网站普查的通知", site.base + "dt/1.html", "2026-11-24"),
        ("工作动态第二条", site.base + "dt/2.html", "2025-11-24"),
        ("工作动态第三条", site.base + "dt/3.html", "2026-11-03")]
    assert lists[(site.base + "tz/", 1)]["error"] == "unreadable"
    card = _report(tmp_path)
    review = {(c["rule"], c["url"]) for c in card["needs_review"] if c.get("scan_status") == "unreadable"}
    assert review == {("veto.stale_columns", site.base + "tz/"), ("updates.columns", site.base + "tz/")}
    # 工作动态 was read from its endpoint: updated 2 days ago, so it costs nothing; 通知公告 decides nothing.
    costs = [e["url"] for d in card["deductions"] if d["rule"] == "updates.columns" for e in d["evidence"]]
    assert costs == []
