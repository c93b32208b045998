"""Further pages of a list, and Hanweb's dataproxy calls."""
import datetime as dt

import pytest

from crawler.understand import dataproxy_calls, dataproxy_items, next_pages, parse, parse_dataproxy, understand

URL = "http://www.example.gov.cn/col/tzgg/index.html"


def _next(html, url=URL):
    return next_pages(parse(html), url, html)


@pytest.mark.parametrize("word", ["下一页", "下一頁", "末页", "尾页", "尾頁", "下一页>>"])
def test_next_and_last_links(word):
    assert _next(f'<div><a href="index.html">首页</a><a href="list_2.html">{word}</a></div>') == [
        "http://www.example.gov.cn/col/tzgg/list_2.html"]


def test_trs_create_page_html_series_is_in_the_lists_own_directory():
    html = '<script>createPageHTML(4, 0, "index", "html");</script>'
    assert _next(html) == [f"http://www.example.gov.cn/col/tzgg/index_{i}.html" for i in (1, 2, 3)]
    assert _next(html, "http://www.example.gov.cn/col/tzgg/") == _next(html)


def test_trs_count_page_variable():
    html = "<script>var currentPage = 0;var countPage = 3//共多少页\n</script>"
    assert _next(html, "http://www.example.gov.cn/col/tzgg/index.shtml") == [
        "http://www.example.gov.cn/col/tzgg/index_1.shtml", "http://www.example.gov.cn/col/tzgg/index_2.shtml"]


def test_single_page_has_no_further_pages():
    assert _next("<script>createPageHTML(1, 0, 'index', 'html');</script><p>共1页</p>") == []


def test_page_parameter_links_and_gaps_filled_up_to_the_last_page():
    html = ('<div class="pagination"><a href="list.jsp?page=1">1</a><a href="list.jsp?page=2">2</a>'
            '<a href="list.jsp?page=3">3</a><a href="list.jsp?page=6">尾页</a></div>')
    got = _next(html, "http://www.example.gov.cn/col/list.jsp?page=1")
    assert got == [f"http://www.example.gov.cn/col/list.jsp?page={n}" for n in range(2, 7)]


def test_page_num_parameter():
    html = '<div class="page"><a href="?pageNum=2&cid=5">2</a><a href="?pageNum=2&cid=5">下一页</a></div>'
    assert _next(html, "http://www.example.gov.cn/list?cid=5") == ["http://www.example.gov.cn/list?pageNum=2&cid=5"]


@pytest.mark.parametrize("pattern", ["column-index-{}.shtml", "{}.html"])
def test_numbered_file_series(pattern):
    html = ('<div class="fenye">' + "".join(f'<a href="{pattern.format(n)}">{n}</a>' for n in (2, 3))
            + f'<a href="{pattern.format(2)}">下一页</a></div>')
    got = _next(html, "http://www.example.gov.cn/col/5/" + pattern.format(1))
    assert got == ["http://www.example.gov.cn/col/5/" + pattern.format(n) for n in (2, 3)]


def test_javascript_and_self_links_are_not_pages():
    assert _next('<a href="javascript:goPage(2)">下一页</a><a href="index.html">尾页</a>') == []


HANWEB = """<html><body><div id="212860"><script type="text/xml"><datastore>
<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid=3&path=/&columnid=33718&unitid=212860&webname=%E6%9F%90%E5%B8%82&permissiontype=0"></a>]]></nextgroup>
<recordset>
<record><![CDATA[<li><a href='/art/2026/11/20/art_33718_1.html' title='t'>关于开展冬季安全生产检查的通知</a><span>2026-11-20</span></li>]]></record>
<record><![CDATA[<li><a href='/art/2026/11/2/art_33718_2.html' title='t'>关于做好元旦春节期间工作的通知</a><span>2026-11-02</span></li>]]></record>
</recordset></datastore></script></div>
<script>$('#212860').jpage({dataStore: dataStore, perPage: 20, totalRecord: 130, groupSize: 3});</script>
</body></html>"""


def test_dataproxy_call_as_the_page_would_send_it():
    (call,) = dataproxy_calls(parse(HANWEB), "https://www.example.gov.cn/col/col33718/index.html", HANWEB)
    assert call.url == ("https://www.example.gov.cn/module/web/jpage/dataproxy.jsp"
                        "?startrecord=1&endrecord=60&perpage=20")
    assert call.formdata["columnid"] == "33718" and call.formdata["unitid"] == "212860"
    assert call.formdata["webid"] == "3" and call.formdata["path"] == "/"
    assert (call.formdata["startrecord"], call.formdata["endrecord"], call.formdata["perpage"]) == ("1", "60", "20")
    assert call.total == 130
    rest = call.rest(130)
    assert [(c.startrecord, c.endrecord) for c in rest] == [(61, 120), (121, 130)]


def test_no_dataproxy_on_other_pages():
    assert dataproxy_calls(parse("<p>x</p>"), "http://a/", "<p>x</p>") == []


def test_parse_dataproxy_answer_and_its_items():
    answer = ("<?xml version='1.0' encoding='UTF-8'?><datastore><totalrecord>130</totalrecord><recordset>"
              "<record><![CDATA[<li><a href='/art/1.html'>关于开展冬季安全生产检查的通知</a><span>2026-11-20</span></li>]]></record>"
              "<record><![CDATA[<li><a href='/art/2.html'>关于做好元旦春节期间工作的通知</a><span>11-02</span></li>]]></record>"
              "</recordset></datastore>")
    html, total = parse_dataproxy(answer)
    assert total == 130 and html.startswith("<ul><li>")
    items, total = dataproxy_items(answer, "http://www.example.gov.cn/col/col1/index.html", dt.date(2026, 11, 26))
    assert [(i.title, i.date, i.url) for i in items] == [
        ("关于开展冬季安全生产检查的通知", "2026-11-20", "http://www.example.gov.cn/art/1.html"),
        ("关于做好元旦春节期间工作的通知", "2026-11-02", "http://www.example.gov.cn/art/2.html")]


def test_inline_datastore_items_come_with_the_page():
    view = understand(HANWEB.encode("utf-8"), "http://www.example.gov.cn/col/col33718/index.html", None,
                      dt.date(2026, 11, 26), "column")
    assert [(i.title, i.date) for i in view.items] == [("关于开展冬季安全生产检查的通知", "2026-11-20"),
                                                       ("关于做好元旦春节期间工作的通知", "2026-11-02")]
    assert len(view.dataproxy) == 1
