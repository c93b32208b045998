"""Hanweb (大汉)-like output: /col/colN/index.html, /art/Y/M/D/art_COL_ID.html, items from the data proxy.

The list page holds no item: a script calls /module/web/jpage/dataproxy.jsp
(POST, startrecord/endrecord/perpage in the query, columnid/unitid/webid in
the form), which answers XML whose <record> elements wrap <li> items."""
from __future__ import annotations

from datetime import date
from typing import Callable

from pucha_fleet.profiles import ColumnSpec, ItemSpec
from pucha_fleet.templates.base import Ctx, Family, empty_list_text, esc, fmt_date, page

DATAPROXY = "/module/web/jpage/dataproxy.jsp"


def unit_id(col: ColumnSpec) -> int:
    return col.num * 10 + 7


class Hanweb(Family):
    name = "hanweb"

    def column_path(self, col: ColumnSpec) -> str:
        return f"/col/col{col.num}/index.html"

    def list_path(self, col: ColumnSpec, n: int) -> str:
        # Hanweb's own "pages" are data proxy windows; only the first is a page.
        return self.column_path(col)

    def article_path(self, col: ColumnSpec, item_id: int, d: date | None) -> str:
        if d is None:
            return f"/art/0000/0/0/art_{col.num}_{item_id}.html"
        return f"/art/{d.year}/{d.month}/{d.day}/art_{col.num}_{item_id}.html"

    def record(self, col: ColumnSpec, it: ItemSpec, url: str, hide_dates: bool = False) -> str:
        shown = fmt_date(it.date, col.date_form, col.with_time, it.id) if it.date and not hide_dates else ""
        return (f'<li><a href="{esc(url)}" target="_blank" title="{esc(it.title)}">{esc(it.title)}</a>'
                f"<span class=\"bt-data-time\">{shown}</span></li>")

    def list_page(self, ctx: Ctx, col: ColumnSpec, n: int, n_pages: int, entries: list[ItemSpec],
                  link: Callable[[ItemSpec], str]) -> str:
        # ``entries`` are all the column's items: the page itself shows none of them.
        uid = unit_id(col)
        webid = ctx.profile.index + 1
        script = (
            '<script language="javascript" src="/module/jslib/jquery/jquery.js"></script>\n'
            '<script language="javascript" src="/module/web/jpage/jpage.js"></script>\n'
            "<script>\n$(document).ready(function(){\n"
            f"  $('#{uid}').jpage({{\n    dataStore: [],\n    perPage: {col.per_page},\n"
            f"    totalRecord: {len(entries)},\n    proxyUrl: '{DATAPROXY}',\n    groupSize: 3,\n"
            "    dataBefore: '<ul class=\"list\">', dataAfter: '</ul>',\n"
            f"    ajaxParam: {{col:1, appid:1, webid:{webid}, path:'/', columnid:{col.num}, "
            f"sourceContentType:1, unitid:{uid}, webname:'{esc(ctx.profile.name)}', permissiontype:0}}\n"
            "  });\n});\n</script>"
        )
        body = (f'<div class="bt-position">您当前的位置：<a href="/">首页</a> &gt; {esc(col.name)}</div>\n'
                f'<div id="{uid}">{"" if entries else empty_list_text(ctx, col)}</div>\n{script}')
        head = f'<meta name="ColumnName" content="{esc(col.name)}">\n<meta name="ColumnType" content="{esc(col.category)}">'
        return page(ctx, col.name, body, head=head, place=f"column:{col.key}")

    def dataproxy(self, col: ColumnSpec, entries: list[ItemSpec], link: Callable[[ItemSpec], str],
                  start: int, end: int, perpage: int, hide_dates: bool = False) -> str:
        """The XML answer for records start..end (1-based, inclusive)."""
        total = len(entries)
        chosen = entries[max(start, 1) - 1:max(end, 0)]
        records = "".join(f"<record><![CDATA[{self.record(col, it, link(it), hide_dates)}]]></record>" for it in chosen)
        pages = (total + perpage - 1) // perpage if perpage > 0 else 0
        return (f'<?xml version="1.0" encoding="UTF-8"?><datastore><totalrecord>{total}</totalrecord>'
                f"<totalpage>{pages}</totalpage><recordset>{records}</recordset></datastore>")
