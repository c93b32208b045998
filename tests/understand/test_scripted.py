"""Script-filled lists: the endpoint a page's script names, and the entries of its JSON answer."""
from __future__ import annotations

import datetime as dt
import json

from crawler.understand import understand
from crawler.understand.scripted import json_items

AS_OF = dt.date(2026, 11, 26)
BASE = "http://www.example.gov.cn/xxgk/tzgg/"


def _page(script: str, box: str = "<ul id='list'></ul>") -> bytes:
    return f"<html><head><meta charset='utf-8'><title>通知公告</title></head><body>{box}<script>{script}</script></body></html>".encode()


def test_a_literal_endpoint_is_found_and_a_computed_one_is_not():
    v = understand(_page("$.ajax({type:'GET', url: '/api/list.json?cid=12', dataType:'json'})"), BASE, None, AS_OF,
                   "column")
    assert v.script_filled and v.script_endpoints == ["http://www.example.gov.cn/api/list.json?cid=12"]
    v = understand(_page("fetch(base + '/list').then(r => r.json())"), BASE, None, AS_OF, "column")
    assert v.script_filled and v.script_endpoints == []
    # Another host's endpoint is not the site's list; a page with entries is not script-filled at all.
    v = understand(_page("$.getJSON('http://stats.other.cn/count.json')"), BASE, None, AS_OF, "column")
    assert v.script_endpoints == []
    full = _page("$.getJSON('/x.json')", "<ul><li><a href='1.html'>关于开展普查的通知</a><span>2026-11-20</span></li></ul>")
    assert not understand(full, BASE, None, AS_OF, "column").script_filled


def test_json_and_jsonp_answers():
    rows = [{"TITLE": "关于开展普查的通知", "DOC_URL": "1.html", "PUB_DATE": "2026-11-20 10:00:00"},
            {"docTitle": "第二条", "link": "/a/2.html", "fbsj": "2026年11月3日"},
            {"title": "第三条", "url": "3.html", "releaseTime": 1763913600000}]
    items = json_items(json.dumps({"result": {"rows": rows, "total": 3}}, ensure_ascii=False), BASE, AS_OF)
    assert [(i.title, i.url, i.date) for i in items] == [
        ("关于开展普查的通知", BASE + "1.html", "2026-11-20"), ("第二条", "http://www.example.gov.cn/a/2.html", "2026-11-03"),
        ("第三条", BASE + "3.html", "2025-11-24")]
    jsonp = "pushInfoJsonpCallBack(" + json.dumps([{"title": "要闻", "link": "/b.html", "pubDate": "2026-11-25"}]) + ");"
    assert [(i.title, i.date) for i in json_items(jsonp, BASE, AS_OF)] == [("要闻", "2026-11-25")]


def test_an_answer_that_is_not_a_list_is_unreadable():
    assert json_items("<html>error</html>", BASE, AS_OF) is None
    assert json_items(json.dumps({"code": 500, "msg": "系统繁忙"}), BASE, AS_OF) is None


def test_a_script_writing_the_rows_itself_fills_the_list_from_no_endpoint():
    for script in ("document.write('<li><a href=\"1.html\">' + t + '</a></li>')",
                   "box.innerHTML = rows.map(r => '<li>' + r + '</li>').join('')",
                   "var li = document.createElement('li'); box.appendChild(li)",
                   "$('#list').html(rows.map(r => `<li>${r}</li>`))", "$('#list').append('<li>' + r + '</li>')"):
        v = understand(_page(script), BASE, None, AS_OF, "column")
        assert v.script_filled and v.script_endpoints == [], script
    # A script that only runs the page (a menu, a counter) does not make an empty list script-filled.
    for script in ("var n = 1; function toggle(el) { el.className = 'open'; }",
                   'if (countPage > 1) { document.write("<a href=\\"index_1.html\\">下一页</a>"); }'):
        assert not understand(_page(script), BASE, None, AS_OF, "column").script_filled, script
