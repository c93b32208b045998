"""Real-looking page snippets of every SPEC §5 pattern, in both scripts.

Each maker returns HTML text with a ``{meta}`` slot for the charset
declaration; tests encode it themselves (UTF-8, GBK, GB2312, GB18030).
GB2312 has no Traditional characters, so Traditional pages are tried in the
other three.
"""
from __future__ import annotations

HEAD = "<!DOCTYPE html><html><head>{meta}<title>{title}</title></head><body>"
NAV_S = ('<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/col/gzdt/">工作动态</a></li>'
         '<li><a href="/col/tzgg/">通知公告</a></li><li><a href="/col/zcwj/">政策文件</a></li></ul></div>'
         '<div class="top-date">2026年11月26日 星期四</div>')
NAV_T = ('<div class="nav"><ul><li><a href="/">首頁</a></li><li><a href="/col/gzdt/">工作動態</a></li>'
         '<li><a href="/col/tzgg/">通知公告</a></li><li><a href="/col/zcwj/">政策文件</a></li></ul></div>'
         '<div class="top-date">2026年11月26日 星期四</div>')
FOOT_S = '<div class="footer"><p>主办：某某市人民政府办公室 网站标识码：1101020002</p><a href="/about.html">关于我们</a></div>'
FOOT_T = '<div class="footer"><p>主辦：某某市人民政府辦公室 網站標識碼：1101020002</p><a href="/about.html">關於我們</a></div>'

TITLES_S = ["关于开展2026年度安全生产大检查工作的通知", "市政府召开常务会议研究部署冬季供暖工作",
            "关于公布第二批市级非物质文化遗产名录的公告"]
TITLES_T = ["關於開展2026年度安全生產大檢查工作的通知", "市政府召開常務會議研究部署冬季供暖工作",
            "關於公佈第二批市級非物質文化遺產名錄的公告"]


def page(script: str, body: str, title: str = "列表") -> str:
    nav, foot = (NAV_S, FOOT_S) if script == "s" else (NAV_T, FOOT_T)
    return HEAD.replace("{title}", title) + nav + body + foot + "</body></html>"


def titles(script: str) -> list[str]:
    return TITLES_S if script == "s" else TITLES_T


# Each list layout: a function of (titles, three date strings) -> HTML.
def ul_span(t, d):
    return '<ul class="list">' + "".join(
        f'<li><a href="/art/{i}.html" target="_blank">{x}</a><span class="date">{y}</span></li>'
        for i, (x, y) in enumerate(zip(t, d))) + "</ul>"


def table_rows(t, d):
    return '<table class="list"><tr><th>标题</th><th>日期</th></tr>' + "".join(
        f'<tr><td><img src="/i.gif"></td><td><a href="./2026{i}/t_{i}.html">{x}</a></td><td>{y}</td></tr>'
        for i, (x, y) in enumerate(zip(t, d))) + "</table>"


def dl_pairs(t, d):
    return '<dl class="news">' + "".join(
        f'<dt><a href="/art/{i}.html">{x}</a></dt><dd>{y}</dd>' for i, (x, y) in enumerate(zip(t, d))) + "</dl>"


def div_rows(t, d):
    return '<div class="news-list">' + "".join(
        f'<div class="item"><span class="t"><a href="/art/{i}.html">{x}</a></span><em>{y}</em></div>'
        for i, (x, y) in enumerate(zip(t, d))) + "</div>"


def date_in_link(t, d):
    return '<ul>' + "".join(
        f'<li><a href="/art/{i}.html"><p>{x}</p><span>{y}</span></a></li>' for i, (x, y) in enumerate(zip(t, d))) + "</ul>"


def date_before(t, d):
    return '<ul class="lb">' + "".join(
        f'<li><span>{y}</span> <a href="/art/{i}.html">{x}</a></li>' for i, (x, y) in enumerate(zip(t, d))) + "</ul>"


LAYOUTS = {"ul_span": ul_span, "table_rows": table_rows, "dl_pairs": dl_pairs, "div_rows": div_rows,
           "date_in_link": date_in_link, "date_before": date_before}

# Date forms and what they read as with as_of 2026-11-26.
DATE_FORMS = {
    "iso": (["2026-11-20", "2026-11-03", "2026-10-09"], ["2026-11-20", "2026-11-03", "2026-10-09"]),
    "slash": (["2026/11/20", "2026/11/3", "2026/10/09"], ["2026-11-20", "2026-11-03", "2026-10-09"]),
    "dot": (["2026.11.20", "2026.11.03", "2026.10.09"], ["2026-11-20", "2026-11-03", "2026-10-09"]),
    "cjk": (["2026年11月20日", "2026年1月5日", "2025年12月09日"], ["2026-11-20", "2026-01-05", "2025-12-09"]),
    "bracket": (["[2026-11-20]", "[2026-11-03]", "[2026-10-09]"], ["2026-11-20", "2026-11-03", "2026-10-09"]),
    "fullwidth": (["［２０２６－１１－２０］", "（2026-11-03）", "２０２６年１０月９日"],
                  ["2026-11-20", "2026-11-03", "2026-10-09"]),
    "yearless": (["(11-20)", "（11-27）", "12-30"], ["2026-11-20", "2025-11-27", "2025-12-30"]),
    "yearless_cjk": (["11月20日", "1月5日", "12月30日"], ["2026-11-20", "2026-01-05", "2025-12-30"]),
    "with_time": (["2026-11-20 09:30", "2026-11-03 09:30:00", "2026-10-09 18:00"],
                  ["2026-11-20", "2026-11-03", "2026-10-09"]),
}


def declare(html: str, encoding: str, how: str) -> tuple[bytes, str | None]:
    """(body, Content-Type header) with the charset declared by header, meta, http-equiv or not at all."""
    label = {"utf-8": "utf-8", "gbk": "GBK", "gb2312": "gb2312", "gb18030": "GB18030"}[encoding]
    meta = {"meta": f'<meta charset="{label}">',
            "http-equiv": f'<meta http-equiv="Content-Type" content="text/html; charset={label}">',
            "header": "", "none": ""}[how]
    header = f"text/html; charset={label}" if how == "header" else ("text/html" if how == "none" else None)
    return html.replace("{meta}", meta).encode(encoding), header
