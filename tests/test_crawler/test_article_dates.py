"""Entries shown without a date take their article's publication date (SPEC §4): the crawl fetches those
articles whatever its caps, the scorer dates the entries by them and says so in the evidence; an entry whose
article gives no date is not updated, and one whose article pucha could not read decides nothing."""
from __future__ import annotations

import pytest

from .recorder import WAF_PAGES, Recorder
from .test_challenges import ENV, _report
from .test_crawl_behaviour import events, page, sweep

pytestmark = pytest.mark.slow
COLUMNS = (("工作动态", "工作动态", "dt/"), ("通知公告", "通知公告", "tz/"), ("政策文件", "政策文件", "zc/"),
           ("人事信息", "人事信息", "rs/"))


def article(title: str, byline: str = "") -> str:
    return (f"<html><head><meta charset='utf-8'><title>{title}</title></head><body><div class='nav'>"
            f"<a href='/'>首页</a></div><h1>{title}</h1><div class='info'>{byline}</div>"
            f"<div class='content'><p>{title}的正文。</p></div></body></html>")


@pytest.fixture
def site():
    home_items = [(f"/a/{i}.html", f"首页新闻第{i}条", "2026-11-2%d" % i) for i in range(5)]
    # Entries with titles as long as real ones: a block of short undated links is a menu, not a list.
    undated = lambda key, n: [(f"/{key}/{i}.html", f"关于做好{key}栏目相关工作的通知第{i}号", "")  # noqa: E731
                              for i in range(n)]
    pages = {"/": (200, "text/html", page("首页", [], home_items)),
             "/dt/": (200, "text/html", page("工作动态", [], undated("dt", 2))),
             "/dt/0.html": (200, "text/html", article("关于做好dt栏目相关工作的通知第0号", "发布时间：2026-11-23 09:30")),
             "/dt/1.html": (200, "text/html", article("关于做好dt栏目相关工作的通知第1号", "发布日期：2026年10月2日")),
             "/tz/": (200, "text/html", page("通知公告", [], undated("tz", 2))),
             "/tz/0.html": (200, "text/html", article("关于做好tz栏目相关工作的通知第0号", "发布时间：2025-01-05")),
             "/tz/1.html": (200, "text/html", WAF_PAGES["wall"]),
             "/zc/": (200, "text/html", page("政策文件", [], undated("zc", 2))),
             "/zc/0.html": (200, "text/html", article("关于做好zc栏目相关工作的通知第0号", "来源：本站")),
             "/zc/1.html": (200, "text/html", article("关于做好zc栏目相关工作的通知第1号", "来源：本站")),
             "/rs/": (200, "text/html", page("人事信息", [], undated("rs", 2))),
             "/rs/0.html": (200, "text/html", article("关于做好rs栏目相关工作的通知第0号", "2025-06-01 来源：人事处")),
             "/rs/1.html": (200, "text/html", article("关于做好rs栏目相关工作的通知第1号", "2025-05-01 来源：人事处"))}
    pages.update({h: (200, "text/html", page(t)) for h, t, _ in home_items})
    r = Recorder(pages).start()
    yield r
    r.stop()


def test_undated_entries_take_their_articles_dates(site, tmp_path):
    # Depth 0: the articles are past the depth cap, and are fetched all the same.
    sweep(tmp_path, [site.base], "--probe-rounds", "1", env={**ENV, "PUCHA_MAX_DEPTH": "0"}, columns=COLUMNS)
    for path in ("/dt/0.html", "/dt/1.html", "/tz/0.html", "/tz/1.html", "/zc/0.html"):
        assert path in site.paths()
    pages = {e["url"]: e for e in events(tmp_path, "page")}
    assert pages[site.base + "dt/0.html"]["pub_date"] == "2026-11-23"
    assert pages[site.base + "tz/1.html"]["error"] == "blocked"

    card = _report(tmp_path)
    points = {(d["rule"], e["url"]): e for d in card["deductions"] for e in d["evidence"] if "url" in e}
    # 工作动态: dated 3 days ago by its article, so it costs nothing.
    assert ("updates.columns", site.base + "dt/") not in points
    # 政策文件: its one article gives no date, so it is not updated (附件2's note): 4 points.
    zc = points[("updates.columns", site.base + "zc/")]
    assert zc["points"] == 4 and zc["newest_date"] is None
    # 通知公告: the readable article is 2025's, the other is behind a firewall: a person decides.
    assert ("updates.columns", site.base + "tz/") not in points
    review = [c for c in card["needs_review"] if c["url"] == site.base + "tz/"]
    assert {c["rule"] for c in review} == {"updates.columns"}
    (tz,) = review
    assert tz["scan_status"] == "blocked" and tz["articles"] == [site.base + "tz/1.html"]
    assert tz["points"] == 4
    # 人事信息: dated by its article, over a year ago: 5 points, and the evidence says where the date came from.
    rs = points[("updates.columns", site.base + "rs/")]
    assert (rs["points"], rs["newest_date"], rs["dated_by_article"]) == (5, "2025-06-01", 2)
    assert rs["newest_from"] == site.base + "rs/0.html"
    assert {d["rule"]: d["points"] for d in card["deductions"]}["updates.columns"] == 9.0
    assert card["vetoes"] == []

