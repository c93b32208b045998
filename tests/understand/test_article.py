"""Publication dates of article pages, in the contract's order, both scripts, all encodings."""
import datetime as dt

import pytest

from crawler.understand import parse, pub_date, understand

from .snippets import declare, page

AS_OF = dt.date(2026, 11, 26)
D = dt.date(2026, 11, 20)
BODY_S = "<p>11月18日，市政府召开常务会议。2025年3月1日起施行的办法继续有效。</p>"
BODY_T = "<p>11月18日，市政府召開常務會議。2025年3月1日起施行的辦法繼續有效。</p>"


def art(script, byline, extra="", meta=""):
    body = BODY_S if script == "s" else BODY_T
    return page(script, f'<div class="article"><h1>关于冬季供暖工作的通知</h1>{byline}{body}{extra}</div>',
                title="关于冬季供暖工作的通知_某某市人民政府").replace("{meta}", "{meta}" + meta)


@pytest.mark.parametrize("script,byline", [
    ("s", '<div class="info">发布时间：2026-11-20 09:30 来源：市政府办公室</div>'),
    ("s", '<div class="info"><span>发布日期：</span><span>2026年11月20日</span></div>'),
    ("s", '<div class="info"><i>时间：</i>2026-11-20 09:30</div>'),
    ("s", '<div class="info">日期：[2026-11-20]</div>'),
    ("s", '<div class="info">发布时间：２０２６－１１－２０</div>'),
    ("s", '<ul class="info"><li>来源：新华社</li><li>作者：</li><li>2026-11-20 14:43</li></ul>'),
    ("t", '<div class="info">發佈時間：2026-11-20 09:30 來源：市政府辦公室</div>'),
    ("t", '<div class="info">發佈日期：2026年11月20日</div>'),
    ("t", '<div class="info"><span>時間：</span>2026/11/20</div>'),
    # A date first, then who published it (a long name with digits in it).
    ("s", '<div class="info">2026-11-20 来源：温州市第2区人民政府门户网站 浏览次数：671</div>'),
])
def test_visible_label_or_byline(script, byline):
    html = art(script, byline, meta='<meta name="PubDate" content="2022-04-24 10:00:43">')
    assert pub_date(parse(html.replace("{meta}", ""))) == D


def test_generated_date_of_the_disclosure_table_before_meta():
    table = ('<table class="xxgk"><tr><td>索引号：</td><td>0147/2026-01</td><td>生成日期：</td>'
             '<td>2026-11-20</td></tr><tr><td>发文日期：</td><td>2026-11-02</td></tr></table>')
    html = art("s", table, meta='<meta name="PubDate" content="2026-11-25 10:00">')
    assert pub_date(parse(html.replace("{meta}", ""))) == D


@pytest.mark.parametrize("meta", [
    '<meta name="PubDate" content="2026-11-20 09:53">',
    '<meta name="firstpublishedtime" content="2026-11-20-23:59:59">',
    '<meta name="publishdate" content="2026-11-20">',
])
def test_meta_before_document_date(meta):
    sign = '<p class="sign">某某市人民政府</p><p>2026年11月2日</p><div>成文日期：2026-11-02</div>'
    html = art("s", "", extra=sign, meta=meta + '<meta name="Maketime" content="2026-11-25 10:00:00">')
    assert pub_date(parse(html.replace("{meta}", ""))) == D


def test_document_date_only_when_nothing_else():
    html = art("s", '<table><tr><td>成文日期：</td><td>二〇二六年十一月二十日</td></tr></table>')
    assert pub_date(parse(html.replace("{meta}", ""))) == D


def test_no_date_at_all_is_none_not_a_body_date_or_banner():
    # Body datelines, an adoption date in prose, the banner's date of the day: none is it.
    html = art("s", "<p>（2026年6月29日第十届全国人民代表大会常务委员会第二十八次会议通过）</p>")
    assert pub_date(parse(html.replace("{meta}", ""))) is None


def test_related_item_dates_are_not_the_byline():
    related = ('<div class="related">关联稿件：<a href="/a/2.html">图文解读：关于冬季供暖工作的通知</a>'
               '<span>2026-11-24</span></div>')
    html = art("s", related, meta='<meta name="PubDate" content="2026-11-20 10:33:59">')
    assert pub_date(parse(html.replace("{meta}", ""))) == D


ENCODINGS = [(s, e) for s in ("s", "t") for e in ("utf-8", "gbk", "gb2312", "gb18030")
             if not (s == "t" and e == "gb2312")]


@pytest.mark.parametrize("how", ["header", "meta", "http-equiv", "none"])
@pytest.mark.parametrize("script,encoding", ENCODINGS)
def test_encodings(script, encoding, how):
    label = "发布日期：2026年11月20日" if script == "s" else "發佈日期：2026年11月20日"
    body, header = declare(art(script, f'<div class="info">{label}</div>'), encoding, how)
    assert understand(body, "http://www.example.gov.cn/art/1.html", header, AS_OF, "page").pub_date == D
