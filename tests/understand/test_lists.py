"""List entries in every layout and date form, both scripts, all four encodings."""
import datetime as dt

import pytest

from crawler.understand import decode, is_empty_notice, list_items, parse, understand

from .snippets import DATE_FORMS, LAYOUTS, declare, page, titles

AS_OF = dt.date(2026, 11, 26)
BASE = "http://www.example.gov.cn/col/gzdt/index.html"


@pytest.mark.parametrize("script", ["s", "t"])
@pytest.mark.parametrize("form", sorted(DATE_FORMS))
@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_every_layout_and_date_form(layout, form, script):
    shown, expected = DATE_FORMS[form]
    html = page(script, LAYOUTS[layout](titles(script), shown)).replace("{meta}", "")
    items = list_items(parse(html), BASE, AS_OF)
    assert [(i.title, i.date) for i in items] == list(zip(titles(script), expected))
    assert all(i.url and i.url.startswith("http://www.example.gov.cn/") for i in items)


# GB2312 has no Traditional characters: Traditional pages are tried in the other three.
ENCODINGS = [(s, e) for s in ("s", "t") for e in ("utf-8", "gbk", "gb2312", "gb18030")
             if not (s == "t" and e == "gb2312")]


@pytest.mark.parametrize("how", ["header", "meta", "http-equiv", "none"])
@pytest.mark.parametrize("script,encoding", ENCODINGS)
def test_encodings_and_declarations(script, encoding, how):
    html = page(script, LAYOUTS["ul_span"](titles(script), DATE_FORMS["cjk"][0]))
    body, header = declare(html, encoding, how)
    text, used = decode(body, header)
    assert used == ("utf-8" if encoding == "utf-8" else "gb18030")
    view = understand(body, BASE, header, AS_OF, "column")
    assert [(i.title, i.date) for i in view.items] == list(zip(titles(script), DATE_FORMS["cjk"][1]))


def test_navigation_header_footer_and_banner_date_are_not_entries():
    html = page("s", "").replace("{meta}", "")
    assert list_items(parse(html), BASE, AS_OF) == []


def test_undated_column_has_entries_and_navigation_page_has_none():
    undated = page("s", '<ul class="list">' + "".join(
        f'<li><a href="/art/{i}.html">{t}</a></li>' for i, t in enumerate(titles("s"))) + "</ul>")
    items = list_items(parse(undated.replace("{meta}", "")), BASE, AS_OF)
    assert [(i.title, i.date) for i in items] == [(t, None) for t in titles("s")]
    nav_only = page("s", '<div class="entry"><ul>' + "".join(
        f'<li><a href="/col/{i}/">{t}</a></li>' for i, t in enumerate(["政务公开", "政务服务", "互动交流", "走进本市"]))
        + "</ul></div>")
    assert list_items(parse(nav_only.replace("{meta}", "")), BASE, AS_OF) == []


def test_undated_entry_beside_dated_ones_is_kept_undated():
    html = ('<ul class="list"><li><a href="/a/1.html">关于开展2026年度安全生产大检查的通知</a><span>2026-11-20</span></li>'
            '<li><a href="/a/2.html">关于做好冬季供暖保障工作的通知</a></li>'
            '<li><a href="/a/3.html">关于公布第二批市级非遗名录的公告</a><span>2026-10-09</span></li></ul>')
    items = list_items(parse(html), BASE, AS_OF)
    assert [i.date for i in items] == ["2026-11-20", None, "2026-10-09"]


def test_hidden_tab_panels_count_and_truncated_titles_are_kept():
    html = ('<div class="tab"><ul style="display:block"><li><a href="/a/1.html">邯郸市人民政府关于岳芝国等同志任职的通知</a>'
            '<span>2020-07-29</span></li></ul><ul style="display:none"><li><a href="/a/2.html">'
            '邯郸市人民政府办公室关于印发邯郸市支持重点行业和重点设施超低排放改造（深度治...</a><span>2020-07-16</span></li></ul></div>')
    items = list_items(parse(html), BASE, AS_OF)
    assert [(i.title, i.date) for i in items] == [
        ("邯郸市人民政府关于岳芝国等同志任职的通知", "2020-07-29"),
        ("邯郸市人民政府办公室关于印发邯郸市支持重点行业和重点设施超低排放改造（深度治...", "2020-07-16")]


def test_displayed_date_wins_over_url_date_and_title_dates():
    html = ('<ul><li><a href="./201811/t20181102_1.html">关于2026年11月1日起调整公交线路的通告</a>'
            '<span>2018-03-26</span></li><li><a href="./201811/t20181102_2.html">第二条信息的标题文字</a>'
            '<span>2018-03-20</span></li></ul>')
    items = list_items(parse(html), BASE, AS_OF)
    assert [(i.title, i.date) for i in items] == [("关于2026年11月1日起调整公交线路的通告", "2018-03-26"),
                                                  ("第二条信息的标题文字", "2018-03-20")]


def test_main_only_drops_the_sidebar_of_a_column_page():
    main = "".join(f'<li><a href="/tzgg/{i}.html">通知公告第{i}条的完整标题</a><span>2026-0{i}-01</span></li>'
                   for i in range(1, 7))
    side = "".join(f'<li><a href="/gzdt/{i}.html">工作动态第{i}条的完整标题</a><span>2026-11-2{i}</span></li>'
                   for i in range(1, 4))
    html = f'<div class="main"><ul class="list">{main}</ul></div><div class="side"><ul class="hot">{side}</ul></div>'
    doc = parse(html)
    assert len(list_items(doc, BASE, AS_OF)) == 9
    only = list_items(doc, BASE, AS_OF, main_only=True)
    assert [i.date for i in only] == [f"2026-0{i}-01" for i in range(1, 7)]


@pytest.mark.parametrize("text", ["暂无信息", "暂无数据", "暂无内容", "没有记录", "暫無資訊", "暫無數據",
                                  "暫無內容", "沒有記錄", "暂无相关信息"])
def test_empty_notice(text):
    assert is_empty_notice(parse(page("s", f'<div class="list"><p>{text}</p></div>').replace("{meta}", "")))


def test_no_empty_notice_on_a_full_list():
    html = page("s", LAYOUTS["ul_span"](titles("s"), DATE_FORMS["iso"][0])).replace("{meta}", "")
    assert not is_empty_notice(parse(html))


@pytest.mark.parametrize("period", ["2026年3月1日至2026年3月21日", "2026.03.01-2026.03.21", "3月1日—3月21日",
                                    "2026-03-01~2026-03-21", "2026年3月1日-3月21日", "2026-03-01 至 2026-03-21",
                                    "2026/03/01－2026/03/21", "3月1日到3月21日"])
def test_an_activity_shown_as_a_period_is_one_entry_dated_by_its_start(period):
    rows = "".join(f"<li><a href='/dc/{i}.html'>关于城市规划方案的意见征集第{i}期</a><span>{period}</span></li>"
                   for i in range(3))
    html = f"<html><head><meta charset='utf-8'><title>意见征集</title></head><body><ul>{rows}</ul></body></html>"
    view = understand(html.encode(), "http://x.gov.cn/dc/", None, dt.date(2026, 11, 26), "column")
    assert [(i.url, i.date) for i in view.items] == [(f"http://x.gov.cn/dc/{i}.html", "2026-03-01") for i in range(3)]


@pytest.mark.parametrize("cells", [
    "<td>{s}</td><td>{e}</td><td>已结束</td>",  # 开始时间 | 结束时间 | 状态
    "<td>{s}<br>至<br>{e}</td>",
    "<td><span>开始：{s}</span><span>截止：{e}</span></td>",
])
def test_a_period_in_two_cells_is_one_entry_dated_by_its_start(cells):
    head = "<tr><th>标题</th><th>开始时间</th><th>结束时间</th><th>状态</th></tr>"
    rows = "".join(f"<tr><td><a href='/dc/{i}.html'>关于征求第{i}项民生实事项目意见的公告</a></td>"
                   + cells.format(s=f"2026-0{i}-01", e=f"2026-0{i}-21") + "</tr>" for i in range(1, 5))
    html = (f"<html><head><meta charset='utf-8'><title>调查征集</title></head><body><table>{head}{rows}</table>"
            "</body></html>")
    view = understand(html.encode(), "http://x.gov.cn/dc/", None, dt.date(2026, 11, 26), "column")
    assert [(i.url, i.date) for i in view.items] == [(f"http://x.gov.cn/dc/{i}.html", f"2026-0{i}-01")
                                                     for i in range(1, 5)]
