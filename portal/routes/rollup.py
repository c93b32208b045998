"""Results by the units' own tree: every unit sees its line, its units below
with their lines, and its sites down to each site's card and evidence."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from portal import charts, exports, results, rollups
from portal.access import login_required, visible_unit
from portal.models import Unit
from portal.routes.results import _as_of, _rulebook
from portal.web import db, redirect, render
from pucha.rulebook import load_rulebook

router = APIRouter()


@router.get("/results/units")
def my_units(request: Request, account=Depends(login_required)):
    return redirect(f"/results/units/{account.unit_id}")


def _table(request: Request, account, unit_id: int, as_of: str | None):
    store = results.store_of(request)
    when = _as_of(request, store, as_of)
    with db(request) as s:
        unit = visible_unit(s, account, unit_id)
        table = rollups.unit_rollup(store, s, unit, request.app.state.db_url, when, _rulebook(request)) \
            if when else None
        trail = [u for u in (s.get(Unit, int(i)) for i in unit.path.strip("/").split("/"))
                 if account.unit.contains(u)]
        s.expunge_all()
    return unit, table, trail, when, store


@router.get("/results/units/{unit_id}")
def unit_results(request: Request, unit_id: int, as_of: str | None = None, page: int = 1, unowned: int = 0,
                 account=Depends(login_required)):
    unit, table, trail, when, store = _table(request, account, unit_id, as_of)
    titles = load_rulebook(_rulebook(request)).titles
    cards, pages, children = [], 1, []
    if table is not None:
        with db(request) as s:
            cards = rollups.cards_below(table, s, None if unowned and unit.kind == "national" else s.get(Unit, unit.id))
        children = table.children(unit.id)
        pages = max(1, -(-len(cards) // results.PAGE_SIZE))
        page = min(max(page, 1), pages)
    shown = cards[(page - 1) * results.PAGE_SIZE: page * results.PAGE_SIZE]
    return render(request, "result_units.html", unit=unit, table=table, trail=trail, as_of=when,
                  dates=results.census_dates(store), children=children, cards=shown, total=len(cards),
                  page=page, pages=pages, unowned=unowned, titles=titles,
                  rules=table.rules if table else [],
                  pass_chart=charts.unit_pass_chart(children) if children else None,
                  veto_chart=charts.veto_chart(table.root.vetoes, titles) if table and table.root.vetoes else None)


@router.get("/results/units/{unit_id}/export")
def unit_results_xlsx(request: Request, unit_id: int, as_of: str | None = None, account=Depends(login_required)):
    unit, table, _, when, _ = _table(request, account, unit_id, as_of)
    if table is None:
        return redirect(f"/results/units/{unit_id}")
    titles = load_rulebook(_rulebook(request)).titles
    sites_head = ["单位", "部门/地区", "网站名称", "首页网址", "网站标识码", "结论", "单项否决", "扣分合计"]
    names = {r.unit_id: r.name for r in table.rows}
    site_rows = [[names.get(table.owner_of.get(c["home_url"]), rollups.UNOWNED), c["region"], c["name"],
                  c["home_url"], c.get("site_code") or "", "合格" if c["verdict"] == "pass" else "不合格",
                  "、".join(titles.get(v["rule"], v["rule"]) for v in c["vetoes"]), c["total_deduction"]]
                 for c in sorted(table.cards, key=lambda c: (c["region"], c["name"]))]
    data = exports.print_workbook([
        exports.rollup_sheet(table, titles),
        ("网站评分结果", f"全国政府网站普查网站评分结果（{unit.name}）", sites_head, site_rows,
         [f"合计：{len(site_rows)} 个网站", "", "", "", "", f"合格 {table.root.passed}，不合格 {table.root.failed}",
          "", f"平均 {table.root.mean_deduction}"]),
    ], when, unit.name)
    return exports.download(data, f"评分结果汇总-{unit.name}-{when}.xlsx")
