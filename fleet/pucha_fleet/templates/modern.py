"""A modern div-based site: div rows, 2026年11月20日 dates, 下一页 links (下一頁 in Traditional), UTF-8."""
from __future__ import annotations

from datetime import date
from typing import Callable

from pucha_fleet.profiles import ColumnSpec, ItemSpec
from pucha_fleet.templates.base import Ctx, Family, empty_list_text, esc, page, shown_date


class Modern(Family):
    name = "modern"

    def column_path(self, col: ColumnSpec) -> str:
        return f"/{col.key}/"

    def list_path(self, col: ColumnSpec, n: int) -> str:
        return self.column_path(col) if n == 1 else f"/{col.key}/list_{n}.html"

    def article_path(self, col: ColumnSpec, item_id: int, d: date | None) -> str:
        return f"/{col.key}/content/post_{item_id}.html"

    def list_page(self, ctx: Ctx, col: ColumnSpec, n: int, n_pages: int, entries: list[ItemSpec],
                  link: Callable[[ItemSpec], str]) -> str:
        rows = []
        for it in entries:
            shown = shown_date(ctx, it.date, col.date_form, col.with_time, it.id)
            rows.append(f'<div class="item"><div class="title"><a href="{esc(link(it))}">{esc(it.title)}</a></div>'
                        f'<div class="date">{shown}</div></div>')
        nav = []
        if n > 1:
            nav.append(f'<a class="prev" href="{esc(self.list_path(col, n - 1))}">{ctx.label("上一页", "上一頁")}</a>')
        if n < n_pages:
            nav.append(f'<a class="next" href="{esc(self.list_path(col, n + 1))}">{ctx.label("下一页", "下一頁")}</a>')
            nav.append(f'<a class="last" href="{esc(self.list_path(col, n_pages))}">{ctx.label("末页", "末頁")}</a>')
        body = (f'<div class="crumb">{ctx.label("首页", "首頁")} / {esc(col.name)}</div>\n'
                f'<div class="news-list">{"".join(rows)}</div>\n'
                f"{'' if entries else empty_list_text(ctx, col)}\n<div class=\"pager\">{' '.join(nav)}</div>")
        return page(ctx, col.name, body, place=f"column:{col.key}" if n == 1 else None)
