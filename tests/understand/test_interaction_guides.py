"""Consultation letters and service-guide elements, both scripts, through understand()."""
import datetime as dt

import pytest

from crawler.understand import GUIDE_ELEMENTS, file_links, forms_mentioned, guide_elements, letters, parse, understand
from pucha.events import Letter

from .snippets import declare, page

AS_OF = dt.date(2026, 11, 26)
BASE = "http://www.example.gov.cn/hdjl/zxzx/"


def _letters(html):
    return letters(parse(page("s", html).replace("{meta}", "")), BASE, AS_OF)


def test_table_with_header_row():
    html = ('<table class="xj"><tr><th>信件标题</th><th>来信时间</th><th>回复时间</th><th>状态</th></tr>'
            '<tr><td><a href="1.html">关于小区供暖不热的咨询</a></td><td>2026-10-02</td><td>2026-10-09</td><td>已回复</td></tr>'
            '<tr><td><a href="2.html">关于社保转移的咨询</a></td><td>2026-11-02</td><td></td><td>办理中</td></tr></table>')
    assert _letters(html) == [
        Letter("关于小区供暖不热的咨询", BASE + "1.html", "2026-10-02", "2026-10-09", "replied"),
        Letter("关于社保转移的咨询", BASE + "2.html", "2026-11-02", None, "unreplied")]


def test_labelled_rows_in_traditional():
    html = ('<ul class="ly"><li><a href="1.html">關於小區供暖不熱的諮詢</a><p>留言時間：2026年10月2日 答覆時間：2026-10-09</p></li>'
            '<li><a href="2.html">關於社保轉移的諮詢</a><p>提問時間：2026-11-02</p><span>未答覆</span></li></ul>')
    assert _letters(html) == [
        Letter("關於小區供暖不熱的諮詢", BASE + "1.html", "2026-10-02", "2026-10-09", "replied"),
        Letter("關於社保轉移的諮詢", BASE + "2.html", "2026-11-02", None, "unreplied")]


def test_status_words_beside_list_rows():
    html = ('<ul class="list"><li><a href="1.html">关于小区供暖不热的咨询</a><em>已办结</em><span>(10-02)</span></li>'
            '<li><a href="2.html">关于社保转移的咨询</a><em>待回复</em><span>2026-11-02</span></li></ul>')
    assert _letters(html) == [
        Letter("关于小区供暖不热的咨询", BASE + "1.html", "2026-10-02", None, "replied"),
        Letter("关于社保转移的咨询", BASE + "2.html", "2026-11-02", None, "unreplied")]


GUIDE_TABLE = """<table class="bszn">
<tr><th>事项名称</th><td>居民身份证换领</td></tr>
<tr><th>设定依据</th><td>《中华人民共和国居民身份证法》第十一条</td></tr>
<tr><th>受理条件</th><td></td></tr>
<tr><th>申请材料</th><td>《居民身份证申领登记表》<a href="/files/sqb.DOCX">下载</a>；户口簿</td></tr>
<tr><th>办公地址</th><td>无</td></tr>
<tr><td>受理时间</td><td>工作日 9:00-17:00</td><td>咨询电话</td><td>0310-1234567</td></tr>
<tr><th>办理程序</th><td>  </td></tr>
<tr><th>收费标准</th><td>20元</td></tr>
</table><p>附：《居民身份证换领告知表》</p><a href="/files/guide.pdf?v=1">办事指南</a><a href="/x.html">x</a>"""

GUIDE_PARAS_T = """<div class="guide"><p>事項名稱：護照換發</p><p>法律依據：《中華人民共和國護照法》</p>
<p>辦理條件：</p><p>所需材料：身份證、照片</p><p>辦理地點：出入境大廳</p><p>辦理時間：</p>
<dl><dt>聯繫電話</dt><dd>12367</dd><dt>辦理流程</dt><dd>受理、審核、發證</dd></dl></div>"""


def test_guide_table_elements_files_and_forms():
    doc = parse(page("s", GUIDE_TABLE).replace("{meta}", ""))
    assert guide_elements(doc) == {"事项名称", "设定依据", "办理材料", "办理时间", "联系电话"}
    assert file_links(doc, BASE) == ["http://www.example.gov.cn/files/sqb.DOCX",
                                     "http://www.example.gov.cn/files/guide.pdf?v=1"]
    assert forms_mentioned(doc) == ["《居民身份证换领告知表》"]


def test_guide_elements_are_named_from_the_canonical_list():
    assert GUIDE_ELEMENTS == ("事项名称", "设定依据", "申请条件", "办理材料", "办理地点", "办理时间", "联系电话", "办理流程")


@pytest.mark.parametrize("encoding", ["utf-8", "gbk", "gb18030"])
@pytest.mark.parametrize("how", ["header", "meta", "http-equiv", "none"])
def test_traditional_guide_in_every_encoding(encoding, how):
    body, header = declare(page("t", GUIDE_PARAS_T), encoding, how)
    view = understand(body, BASE + "1.html", header, AS_OF, "guide")
    assert view.guide_elements == {"事项名称", "设定依据", "办理材料", "办理地点", "联系电话", "办理流程"}


@pytest.mark.parametrize("encoding", ["utf-8", "gbk", "gb2312", "gb18030"])
def test_consultation_role_reads_letters_in_every_encoding(encoding):
    html = page("s", '<table><tr><th>标题</th><th>留言时间</th><th>办结时间</th></tr>'
                     '<tr><td><a href="1.html">关于小区供暖不热的咨询</a></td><td>2026-10-02</td><td>2026-10-09</td></tr></table>')
    body, header = declare(html, encoding, "meta")
    view = understand(body, BASE, header, AS_OF, "consultation")
    assert view.letters == [Letter("关于小区供暖不热的咨询", BASE + "1.html", "2026-10-02", "2026-10-09", "replied")]


def test_reply_date_inside_the_status_cell_in_either_script():
    import datetime as _dt

    from crawler.understand.dom import parse
    from crawler.understand.interaction import letters as _letters

    html = ("<table><tr><th>标题</th><th>留言時間</th><th>狀態</th></tr>"
            "<tr><td><a href='/a.html'>关于养老服务的咨询</a></td><td>2025-09-20</td><td>已答復（2025-10-04）</td></tr>"
            "<tr><td><a href='/b.html'>关于乡村振兴的咨询</a></td><td>2026-07-07</td><td>已回复（2026-07-17）</td></tr>"
            "<tr><td><a href='/c.html'>关于环境整治的咨询</a></td><td>2026-09-11</td><td>待答復</td></tr></table>")
    got = _letters(parse(html), "http://gov.test/zx/", _dt.date(2027, 1, 3))
    assert [(x.submitted, x.replied, x.status) for x in got] == [
        ("2025-09-20", "2025-10-04", "replied"), ("2026-07-07", "2026-07-17", "replied"),
        ("2026-09-11", None, "unreplied")]
