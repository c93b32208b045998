"""An old hand-made site: <table> rows, list.asp?page=2, GB2312, often no charset declared."""
from __future__ import annotations

from datetime import date
from typing import Callable

from pucha_fleet.profiles import ColumnSpec, ItemSpec
from pucha_fleet.templates.base import Ctx, Family, empty_list_text, esc, page, shown_date


class Table(Family):
    name = "table"

    def column_path(self, col: ColumnSpec) -> str:
        return f"/{col.key}/list.asp"

    def list_path(self, col: ColumnSpec, n: int) -> str:
        return self.column_path(col) if n == 1 else f"/{col.key}/list.asp?page={n}"

    def article_path(self, col: ColumnSpec, item_id: int, d: date | None) -> str:
        return f"/{col.key}/show.asp?id={item_id}"

    def list_page(self, ctx: Ctx, col: ColumnSpec, n: int, n_pages: int, entries: list[ItemSpec],
                  link: Callable[[ItemSpec], str]) -> str:
        rows = []
        for it in entries:
            shown = shown_date(ctx, it.date, col.date_form, col.with_time, it.id) or "&nbsp;"
            rows.append(f'<tr><td width="80%"><a href="{esc(link(it))}" target="_blank">{esc(it.title)}</a></td>'
                        f'<td width="20%" align="right">{shown}</td></tr>')
        nav = [f"共{n_pages}页 第{n}页"]
        if n > 1:
            nav.append(f'<a href="list.asp?page=1">{ctx.label("首页", "首頁")}</a>')
            nav.append(f'<a href="list.asp?page={n - 1}">{ctx.label("上一页", "上一頁")}</a>')
        if n < n_pages:
            nav.append(f'<a href="list.asp?page={n + 1}">{ctx.label("下一页", "下一頁")}</a>')
            nav.append(f'<a href="list.asp?page={n_pages}">{ctx.label("末页", "末頁")}</a>')
        body = (f'<table width="100%" border="0" cellspacing="0"><tr><td class="lm">{esc(col.name)}</td></tr></table>\n'
                f'<table width="100%" class="list" border="0">{"".join(rows)}</table>\n'
                f"{'' if entries else empty_list_text(ctx, col)}\n"
                f'<table width="100%"><tr><td align="center">{" ".join(nav)}</td></tr></table>')
        return page(ctx, col.name, body, place=f"column:{col.key}" if n == 1 else None)
