"""Decoding, link extraction and soft 404s."""
import codecs

import pytest

from crawler.understand import decode, extract_links, is_soft404, parse

TEXT = "<html><head>{meta}<title>通知公告</title></head><body><p>發佈時間：2026年11月20日 关于冬季供暖的通知</p></body></html>"


def test_bom_wins_over_declarations():
    body = codecs.BOM_UTF8 + TEXT.replace("{meta}", '<meta charset="gbk">').encode("utf-8")
    text, enc = decode(body, "text/html; charset=gbk")
    assert enc == "utf-8" and "發佈時間" in text and not text.startswith("\ufeff")


@pytest.mark.parametrize("declared", ["gbk", "GB2312", "gb18030", "x-gbk", "cp936"])
def test_gb_family_decodes_as_gb18030(declared):
    body = TEXT.replace("{meta}", "").encode("gb18030")
    assert decode(body, f"text/html; charset={declared}") == (body.decode("gb18030"), "gb18030")


def test_header_before_meta():
    body = TEXT.replace("{meta}", '<meta charset="utf-8">').encode("gbk")
    assert decode(body, "text/html; charset=GBK")[1] == "gb18030"


def test_wrong_utf8_declaration_of_a_gbk_page():
    body = TEXT.replace("{meta}", '<meta charset="utf-8">').encode("gbk")
    text, enc = decode(body, None)
    assert enc == "gb18030" and "關" not in text and "关于冬季供暖" in text


def test_latin1_header_is_ignored_for_the_meta():
    body = TEXT.replace("{meta}", '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">').encode("gbk")
    assert decode(body, "text/html; charset=ISO-8859-1")[1] == "gb18030"


def test_undecodable_bytes_are_replaced_never_raised():
    body = TEXT.replace("{meta}", '<meta charset="utf-8">').encode("utf-8")[:-30] + b"\xff\xfe\x80\x81" + b"</p>"
    text, _ = decode(body, "text/html; charset=utf-8")
    assert "关于" in text
    assert decode(b"", None)[0] == ""
    assert decode(b"\x81\x30", "text/html; charset=nonsense")[0]


def test_links_all_five_tags_resolved_deduplicated():
    html = ('<html><head><base href="http://www.example.gov.cn/col/"><link rel="stylesheet" href="a.css">'
            '<script src="/js/x.js"></script></head><body>'
            '<a href="../art/1.html#top">一</a><a href="../art/1.html">重复</a><img src="i.png">'
            '<iframe src="https://other.example.com/x?y=1#f"></iframe><a href="?page=2">2</a>'
            '<a href="javascript:void(0)">js</a><a href="mailto:a@b.cn">m</a><a href="tel:12345">t</a>'
            '<a href="#top">t</a><a href="">e</a><a>none</a><img src="i.png"></body></html>')
    assert extract_links(parse(html), "http://www.example.gov.cn/index.html") == [
        ("http://www.example.gov.cn/col/a.css", "link"), ("http://www.example.gov.cn/js/x.js", "script"),
        ("http://www.example.gov.cn/art/1.html", "a"), ("http://www.example.gov.cn/col/i.png", "img"),
        ("https://other.example.com/x?y=1", "iframe"), ("http://www.example.gov.cn/col/?page=2", "a")]


@pytest.mark.parametrize("html", [
    "<title>404 Not Found</title><body><h1>Not Found</h1></body>",
    "<title>页面不存在</title><body>x</body>",
    "<title>某某市人民政府</title><body><div class='err'><h2>抱歉，您访问的页面不存在！</h2></div></body>",
    "<title>某某市人民政府</title><body><p>找不到頁面</p><a href='/'>返回首頁</a></body>",
    "<title>錯誤</title><body><p>您訪問的頁面不存在</p></body>",
    "<title>出错了</title><body><p>页面未找到</p></body>",
])
def test_soft404(html):
    assert is_soft404(parse(html))


def test_ordinary_page_mentioning_404_is_not_soft404():
    body = "<p>本站已清理404个失效链接。</p>" * 3 + "<p>关于冬季供暖的通知：</p>" + "<p>正文内容。</p>" * 400
    assert not is_soft404(parse(f"<title>关于清理失效链接的通知</title><body>{body}</body>"))
    assert not is_soft404(parse("<title>第4040期工作简报</title><body><p>正文</p></body>"))
