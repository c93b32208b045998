"""What every template family shares: date forms, the page chrome, articles, guides, letters.

A family (trs, hanweb, table, modern) decides its URL scheme, how a list and
its pagination look; the pieces here are the ones real CMSs share.  Nothing
here decides a fact the truth depends on: the profile does.
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import date
from typing import Callable

from pucha_fleet.profiles import ColumnSpec, GuideSpec, ItemSpec, LetterSpec, Profile

WEEKDAYS = "一二三四五六日"


def shown_date(ctx: "Ctx", d: date | None, form: str, with_time: bool = False, salt: int = 0) -> str:
    """The date a list row shows beside its entry: none on a site whose lists leave dates to the
    articles (``Profile.list_dates == "articles"``, SPEC §4)."""
    if d is None or ctx.profile.list_dates == "articles":
        return ""
    return fmt_date(d, form, with_time, salt)


def fmt_date(d: date, form: str, with_time: bool = False, salt: int = 0) -> str:
    """A date as a list shows it (SPEC §5 forms)."""
    if form == "iso":
        s = d.isoformat()
    elif form == "slash":
        s = d.strftime("%Y/%m/%d")
    elif form == "dot":
        s = d.strftime("%Y.%m.%d")
    elif form == "cn":
        s = f"{d.year}年{d.month:02d}月{d.day:02d}日"
    elif form == "cn_nopad":
        s = f"{d.year}年{d.month}月{d.day}日"
    elif form == "bracket":
        s = f"[{d.isoformat()}]"
    elif form == "yearless":
        s = f"({d.month:02d}-{d.day:02d})"
    else:
        raise ValueError(f"unknown date form {form!r}")
    if with_time and form not in ("bracket", "yearless"):
        s += f" {8 + salt % 10:02d}:{(salt * 7) % 60:02d}"
        if salt % 2:
            s += f":{(salt * 13) % 60:02d}"
    return s


def esc(s: str) -> str:
    return html.escape(s, quote=True)


@dataclass
class Ctx:
    """What rendering one site needs besides its profile."""

    profile: Profile
    as_of: date
    # place -> [(url, tag, text)] of planted links (pucha_fleet.site resolves them)
    planted: Callable[[str], list[tuple[str, str, str]]]
    nav: list[tuple[str, str]] = field(default_factory=list)  # (path, name) on every page
    sponsor: str = ""
    site_code: str = ""
    icp: str = ""

    def label(self, simplified: str, traditional: str) -> str:
        return traditional if self.profile.traditional else simplified


def charset_label(encoding: str) -> str:
    return {"utf-8": "UTF-8", "gbk": "GBK", "gb2312": "GB2312", "gb18030": "GB18030"}[encoding]


def head_declaration(p: Profile) -> str:
    if p.declaration == "meta":
        return f'<meta charset="{charset_label(p.encoding).lower()}">'
    if p.declaration == "http-equiv":
        return f'<meta http-equiv="Content-Type" content="text/html; charset={charset_label(p.encoding).lower()}">'
    return ""


def planted_html(ctx: Ctx, place: str) -> str:
    out = []
    for url, tag, text in ctx.planted(place):
        if tag == "img":
            out.append(f'<img src="{esc(url)}" alt="{esc(text)}">')
        else:
            out.append(f'<a href="{esc(url)}" target="_blank">{esc(text)}</a>')
    return f'<div class="links">{" ".join(out)}</div>' if out else ""


def page(ctx: Ctx, title: str, body: str, *, head: str = "", place: str | None = None) -> str:
    """The chrome around every page: banner with today's date (a decoy), nav, footer."""
    p = ctx.profile
    d = ctx.as_of
    nav = " ".join(f'<a href="{esc(path)}">{esc(name)}</a>' for path, name in ctx.nav)
    extra = planted_html(ctx, place) if place else ""
    return (
        "<!DOCTYPE html>\n<html>\n<head>\n"
        f"{head_declaration(p)}\n<title>{esc(title)}</title>\n{head}\n"
        '<link rel="stylesheet" type="text/css" href="/css/style.css">\n'
        '<script type="text/javascript" src="/js/common.js"></script>\n</head>\n<body>\n'
        f'<div class="topbar">{ctx.label("今天是", "今天是")}{d.year}年{d.month}月{d.day}日 '
        f"{ctx.label('星期', '星期')}{WEEKDAYS[d.weekday()]}</div>\n"
        f'<div class="header"><a href="/"><img src="/images/logo.png" alt="{esc(p.name)}"></a>'
        f"<span class=\"sitename\">{esc(p.name)}</span></div>\n"
        f'<div class="nav"><a href="/">{ctx.label("首页", "首頁")}</a> {nav}</div>\n'
        f'<div class="main">\n{body}\n{extra}\n</div>\n'
        f'<div class="footer">{ctx.label("主办单位", "主辦單位")}：{esc(ctx.sponsor)} '
        f'{ctx.label("网站标识码", "網站標識碼")}：{ctx.site_code} '
        f'<span class="icp">{esc(ctx.icp)}</span></div>\n'
        "</body>\n</html>\n"
    )


# --- articles -----------------------------------------------------------------------------

PUB_STYLES = ("label", "byline", "gkml", "meta", "firstpublished")


def article(ctx: Ctx, col: ColumnSpec, item: ItemSpec, *, malformed: bool = False) -> str:
    """An article page whose publication date is the list's date, found one of the SPEC §5 ways.

    Decoys: a body dateline some days earlier and, in 信息公开 tables, a 成文日期."""
    p = ctx.profile
    d = item.date
    style = PUB_STYLES[item.id % len(PUB_STYLES)]
    head, byline, table = "", "", ""
    if d is not None:
        if style == "label":
            byline = f'{ctx.label("发布时间", "發佈時間")}：{fmt_date(d, "iso", True, item.id)}'
        elif style == "byline":
            byline = f'{d.isoformat()} {ctx.label("来源", "來源")}：{esc(p.name)}'
        elif style == "gkml":
            doc = d.replace(day=1)
            table = (
                '<table class="gkxx"><tr><th>索引号</th><td>' f"{p.index:04d}-{item.id:06d}</td>"
                f"<th>生成日期</th><td>{d.isoformat()}</td></tr>"
                f"<tr><th>发文日期</th><td>{doc.isoformat()}</td><th>成文日期</th><td>{doc.isoformat()}</td></tr></table>"
            )
        elif style == "meta":
            head = f'<meta name="PubDate" content="{d.isoformat()} 10:00">'
        else:
            head = f'<meta name="firstpublishedtime" content="{d.strftime("%Y-%m-%d-%H:%M:%S")}">'
    dateline = ""
    if d is not None and item.id % 3 == 0:
        earlier = date.fromordinal(d.toordinal() - 2)
        dateline = f"<p>（{earlier.year}年{earlier.month}月{earlier.day}日）</p>"
    body = (
        f'<div class="article"><h1>{esc(item.title)}</h1>\n'
        f'<div class="info">{byline} {ctx.label("浏览次数", "瀏覽次數")}：{100 + item.id % 900}</div>\n{table}\n'
        f"<div class=\"content\"><p>{esc(item.title)}。{esc(p.name)}认真贯彻落实有关部署要求，扎实推进各项工作。</p>\n"
        f"{dateline}</div></div>"
    )
    if malformed:
        body = body.replace("</p>", "", 1).replace('<div class="info">', "<div class=info><b>", 1) + "</div></span><td>"
    return page(ctx, item.title, body, head=head, place=f"article:{item.id}")


# --- guides -------------------------------------------------------------------------------


def guide(ctx: Ctx, g: GuideSpec, file_url: Callable[[int], str]) -> str:
    rows = list(g.elements.values())
    if g.layout == "table":
        inner = "".join(f"<tr><th>{esc(lab)}</th><td>{esc(val)}</td></tr>" for lab, val in rows)
        block = f'<table class="bszn">{inner}</table>'
    elif g.layout == "dl":
        inner = "".join(f"<dt>{esc(lab)}</dt><dd>{esc(val)}</dd>" for lab, val in rows)
        block = f'<dl class="bszn">{inner}</dl>'
    else:
        block = "".join(f"<p>{esc(lab)}：{esc(val)}</p>" for lab, val in rows)
    files = "".join(
        f'<li><a href="{esc(file_url(i))}">{esc(a.name)}.{a.ext}</a></li>' for i, a in enumerate(g.attachments)
    )
    if files:
        files = f'<div class="fj">{ctx.label("附件下载", "附件下載")}：<ul>{files}</ul></div>'
    body = f'<div class="guide"><h1>{esc(g.title)}</h1>\n{block}\n{files}</div>'
    return page(ctx, g.title, body, place=f"guide:{g.id}")


# --- letters ------------------------------------------------------------------------------

STATUS_WORDS = {"replied": ("已回复", "已答復"), "unreplied": ("未回复", "未回覆"), "processing": ("办理中", "辦理中")}


def letter_rows(ctx: Ctx, col: ColumnSpec, detail_url: Callable[[LetterSpec], str]) -> str:
    """A 政务咨询 list as a table: 来信时间 and 回复时间, or 留言时间 and a status."""
    if col.letter_style == "dates":
        head = f"<tr><th>标题</th><th>{ctx.label('来信时间', '來信時間')}</th><th>{ctx.label('回复时间', '回覆時間')}</th></tr>"
    else:
        head = f"<tr><th>标题</th><th>{ctx.label('留言时间', '留言時間')}</th><th>{ctx.label('状态', '狀態')}</th></tr>"
    rows = []
    for lt in col.letters:
        status = ""
        if lt.status:
            s, t = STATUS_WORDS[lt.status]
            status = ctx.label(s, t)
        if col.letter_style == "dates":
            third = lt.replied.isoformat() if lt.replied else (status or "")
        else:
            third = status + (f"（{lt.replied.isoformat()}）" if lt.replied else "")
        rows.append(
            f'<tr><td><a href="{esc(detail_url(lt))}">{esc(lt.title)}</a></td>'
            f"<td>{lt.submitted.isoformat()}</td><td>{third}</td></tr>"
        )
    if not rows:
        return f'<table class="xjlist">{head}</table><p>{ctx.label("暂无信息", "暫無資訊")}</p>'
    return f'<table class="xjlist">{head}{"".join(rows)}</table>'


def letter_detail(ctx: Ctx, lt: LetterSpec) -> str:
    reply = (
        f"<p>{ctx.label('答复时间', '答覆時間')}：{lt.replied.isoformat()}</p><p>答复内容：感谢您的来信，已转相关部门办理。</p>"
        if lt.replied else ""
    )
    body = (
        f'<div class="letter"><h1>{esc(lt.title)}</h1><p>{ctx.label("来信时间", "來信時間")}：{lt.submitted.isoformat()}</p>'
        f"<p>来信内容：请问{esc(lt.title)}的具体办理方式？</p>{reply}</div>"
    )
    return page(ctx, lt.title, body)


TRADITIONAL_EMPTY = {"暂无信息": "暫無資訊", "暂无数据": "暫無數據"}


def empty_list_text(ctx: Ctx, col: ColumnSpec) -> str:
    if not col.empty_text:
        return ""
    text = TRADITIONAL_EMPTY.get(col.empty_text, col.empty_text) if ctx.profile.traditional else col.empty_text
    return f'<p class="empty">{esc(text)}</p>'


class Family:
    """A CMS family: its URL scheme and its list markup.  Subclasses fill these in."""

    name = "base"

    def column_path(self, col: ColumnSpec) -> str:
        raise NotImplementedError

    def list_path(self, col: ColumnSpec, n: int) -> str:
        """The path (with query) of page ``n`` (1-based) of a column's list."""
        raise NotImplementedError

    def article_path(self, col: ColumnSpec, item_id: int, d: date | None) -> str:
        raise NotImplementedError

    def list_page(self, ctx: Ctx, col: ColumnSpec, n: int, n_pages: int, entries: list[ItemSpec],
                  link: Callable[[ItemSpec], str]) -> str:
        raise NotImplementedError

    def home_list(self, ctx: Ctx, title: str, more: str, entries: list[tuple[str, ItemSpec]]) -> str:
        """A homepage block: (link, item) pairs with dates in the homepage's form."""
        form = ctx.profile.home_date_form
        lis = "".join(
            f'<li><a href="{esc(url)}" title="{esc(it.title)}">{esc(it.title)}</a>'
            f"<span>{shown_date(ctx, it.date, form)}</span></li>"
            for url, it in entries
        )
        return (f'<div class="box"><div class="box-title"><h3>{esc(title)}</h3>'
                f'<a class="more" href="{esc(more)}">{ctx.label("更多", "更多")}&gt;&gt;</a></div><ul>{lis}</ul></div>')
