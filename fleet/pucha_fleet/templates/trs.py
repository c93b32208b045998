"""TRS WCM-like output: index.html, index_1.html ..., ./202611/t20261120_123.html, ul>li>a + span.

The page count lives only in a script (createPageHTML or var countPage), as
TRS writes it: there is no static link to the next page."""
from __future__ import annotations

from datetime import date
from typing import Callable

from pucha_fleet.profiles import ColumnSpec, ItemSpec
from pucha_fleet.templates.base import Ctx, Family, empty_list_text, esc, page, shown_date


class Trs(Family):
    name = "trs"

    def column_path(self, col: ColumnSpec) -> str:
        return f"/{col.key}/" if col.registered_with_slash else f"/{col.key}/index.html"

    def list_path(self, col: ColumnSpec, n: int) -> str:
        return self.column_path(col) if n == 1 else f"/{col.key}/index_{n - 1}.html"

    def article_path(self, col: ColumnSpec, item_id: int, d: date | None) -> str:
        if d is None:
            return f"/{col.key}/qt/t_{item_id}.html"
        return f"/{col.key}/{d:%Y%m}/t{d:%Y%m%d}_{item_id}.html"

    def list_page(self, ctx: Ctx, col: ColumnSpec, n: int, n_pages: int, entries: list[ItemSpec],
                  link: Callable[[ItemSpec], str]) -> str:
        lis = []
        for it in entries:
            url = link(it)
            rel = "." + url[len(f"/{col.key}"):] if url.startswith(f"/{col.key}/") else url
            shown = shown_date(ctx, it.date, col.date_form, col.with_time, it.id)
            lis.append(f'<li><a href="{esc(rel)}" target="_blank" title="{esc(it.title)}">{esc(it.title)}</a>'
                       f"<span>{shown}</span></li>")
        if col.pagination == "trs_count":
            script = (f"<script>var countPage = {n_pages}//共多少页\nvar currentPage = {n - 1};//当前页\n"
                      'var prevPage = currentPage-1;var nextPage = currentPage+1;\n'
                      'if (countPage > 1) { document.write("<a href=\\"index_" + nextPage + ".html\\">下一页</a>"); }'
                      "</script>")
        else:
            script = f'<script type="text/javascript">createPageHTML({n_pages}, {n - 1}, "index", "html");</script>'
        body = (f'<div class="position">当前位置：<a href="/">首页</a> &gt; {esc(col.name)}</div>\n'
                f'<div class="list-title">{esc(col.name)}</div>\n<ul class="list">{"".join(lis)}</ul>\n'
                f"{'' if entries else empty_list_text(ctx, col)}\n<div class=\"page\">{script}</div>")
        return page(ctx, col.name, body, place=f"column:{col.key}" if n == 1 else None)
