"""Result tables, a site's scorecard with its evidence, reviewer decisions,
recrawls and registry drift (检查整改, 抽查核查)."""
from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import JSONResponse

from portal import charts, drift, exports, inspection, recrawl, results
from portal.access import actor, login_required, org_required, valid_id, visible_site
from portal.campaign import current
from portal.errors import NotFound, PortalError
from portal.models import Recrawl, Unit
from portal.web import db, flash, redirect, render
from pucha import localtime
from census.monitor.monitor_db import monitor_engine
from census.monitor.trends import site_trends
from census.report.xlsx import report_bytes
from pucha.rulebook import load_rulebook

router = APIRouter()
TREND_DAYS = 30


def _as_of(request: Request, store, given: str | None) -> str | None:
    """The 监测时间点 asked for, or the campaign's, or the newest census sweep's."""
    if given:
        try:
            return dt.date.fromisoformat(given[:10]).isoformat()
        except ValueError:
            raise PortalError(f"监测时间点须为日期（YYYY-MM-DD），收到“{given[:20]}”", "as_of") from None
    with db(request) as s:
        campaign = current(s)
        if campaign is not None:
            return campaign.as_of
    dates = results.census_dates(store)
    return dates[0] if dates else None


def _rulebook(request: Request) -> str:
    return request.app.state.settings.rulebook


@router.get("/results")
def region_table(request: Request, as_of: str | None = None, account=Depends(org_required)):
    store = results.store_of(request)
    when = _as_of(request, store, as_of)
    with db(request) as s:
        rows = results.region_table(store, s, account, request.app.state.db_url, when, _rulebook(request)) if when else []
    titles = load_rulebook(_rulebook(request)).titles
    rules = sorted({rule for r in rows for rule in r.vetoes})
    return render(request, "results.html", rows=rows, as_of=when, dates=results.census_dates(store), rules=rules,
                  titles=titles, chart=charts.verdict_chart(rows) if rows else None)


@router.get("/results/export")
def region_table_xlsx(request: Request, as_of: str | None = None, account=Depends(org_required)):
    store = results.store_of(request)
    when = _as_of(request, store, as_of)
    with db(request) as s:
        rows = results.region_table(store, s, account, request.app.state.db_url, when, _rulebook(request)) if when else []
    name, head, body = exports.region_sheet(rows, load_rulebook(_rulebook(request)).titles)
    sites, passed = sum(r.sites for r in rows), sum(r.passed for r in rows)
    tenths = sum(r.deduction_tenths for r in rows)
    totals = ["合计", sites, passed, sites - passed, round(tenths / sites / 10, 1) if sites else 0.0] + \
        [sum(r.vetoes.get(h, 0) for r in rows) for h in sorted({rule for r in rows for rule in r.vetoes})]
    data = exports.print_workbook([(name, "全国政府网站普查评分结果（按部门/地区）", head, body, totals)],
                                  when or "", account.unit.name)
    return exports.download(data, f"各地区评分结果-{when}.xlsx")


@router.get("/results/sites")
def site_table(request: Request, region: str = "", as_of: str | None = None, page: int = 1,
               verdict: str = "", account=Depends(login_required)):
    store = results.store_of(request)
    when = _as_of(request, store, as_of)
    with db(request) as s:
        if not region:
            homes = results.visible_homes(s, account)
            regions = results.visible_regions(s, homes)
            if regions is not None and len(regions) == 1:
                region = regions[0]
            else:  # sites in several regions (or all of them): the unit tree shows them together
                return redirect("/results/units")
        found = results.site_table(store, s, account, request.app.state.db_url, when, _rulebook(request),
                                   region, page, verdict or None) if when and region else None
    return render(request, "result_sites.html", found=found, region=region, as_of=when, verdict=verdict,
                  titles=load_rulebook(_rulebook(request)).titles)


@router.get("/results/sites/export")
def site_table_xlsx(request: Request, region: str = "", as_of: str | None = None, account=Depends(login_required)):
    store = results.store_of(request)
    when = _as_of(request, store, as_of)
    with db(request) as s:
        homes = results.visible_homes(s, account)
        cards = results.visible_cards(store, s, homes, request.app.state.db_url, when, _rulebook(request),
                                      region or None) if when else []
    name, head, body = exports.site_sheet(cards, load_rulebook(_rulebook(request)).titles)
    passed = sum(c["verdict"] == "pass" for c in cards)
    totals = [f"合计：{len(cards)} 个网站", "", "", "", f"合格 {passed}，不合格 {len(cards) - passed}"]
    data = exports.print_workbook([(name, f"全国政府网站普查网站评分结果（{region or '全部'}）", head, body, totals)],
                                  when or "", account.unit.name)
    return exports.download(data, f"网站评分结果-{region or '全部'}-{when}.xlsx")


def _site_context(request: Request, account, site_id: int, as_of: str | None) -> dict:
    store = results.store_of(request)
    when = _as_of(request, store, as_of)
    with db(request) as s:
        site = visible_site(s, account, site_id)
        card, history = results.site_card(store, request.app.state.db_url, site.home_url, when,
                                          _rulebook(request)) if when else (None, [])
        notice = drift.check_site(s, store, site, card)
        notice = notice and {"kind": drift.KIND_NAMES[notice.kind], "registered": notice.registered,
                             "observed": notice.observed}
        assessment = inspection.self_assessment(s, site, when) if when else None
        recrawls = s.query(Recrawl).filter(Recrawl.site_id == site.id).order_by(Recrawl.id.desc()).limit(5).all()
        for job in recrawls:
            recrawl.refresh(s, job)
        s.expunge_all()
    probes = [{f: getattr(e, f) for f in ("at", "ok", "status", "error", "elapsed_ms")}
              for e in store.events(card["sweep"], site.home_url) if e.kind == "probe"] if card else []
    trend = []
    if when:
        last = dt.date.fromisoformat(when)
        trend = site_trends(monitor_engine(request.app.state.db_url), site.home_url,
                            last - dt.timedelta(days=TREND_DAYS - 1), last)
    return {"site": site, "card": card, "history": history, "as_of": when, "notice": notice,
            "assessment": assessment, "recrawls": recrawls, "manual": inspection.manual_rules(_rulebook(request)),
            "titles": load_rulebook(_rulebook(request)).titles,
            "probe_chart": charts.probe_chart(probes) if probes else None,
            "week_chart": charts.probe_week_chart(probes) if probes else None,
            "trend_chart": charts.daily_availability_chart(trend) if trend else None}


@router.get("/results/site/{site_id}")
def scorecard(request: Request, site_id: int, as_of: str | None = None, account=Depends(login_required)):
    return render(request, "scorecard.html", **_site_context(request, account, site_id, as_of))


@router.get("/results/site/{site_id}/export")
def scorecard_xlsx(request: Request, site_id: int, as_of: str | None = None, account=Depends(login_required)):
    context = _site_context(request, account, site_id, as_of)
    if context["card"] is None:
        raise PortalError("该网站在此监测时间点没有评分结果")
    data = report_bytes({"rulebook": _rulebook(request), "as_of": context["as_of"], "sites": [context["card"]]},
                        account.unit.name)
    return exports.download(data, f"评分表-{context['site'].name}-{context['as_of']}.xlsx")


@router.post("/results/site/{site_id}/decide")
def decide(request: Request, site_id: int, candidate_id: str = Form(""), action: str = Form(""),
           note: str = Form(""), as_of: str = Form(""), account=Depends(org_required)):
    store = results.store_of(request)
    when = _as_of(request, store, as_of or None)
    with db(request) as s:
        site = visible_site(s, account, site_id)
        inspection.decide_candidate(s, actor(s, account), site, request.app.state.db_url, store, when,
                                    candidate_id[:200], action, note, _rulebook(request))
    flash(request, "已确认该问题，计入评分" if action == "confirm" else "已否定该问题，不计入评分")
    return redirect(f"/results/site/{site_id}?as_of={when}")


@router.post("/results/site/{site_id}/manual")
async def manual(request: Request, site_id: int, account=Depends(org_required)):
    form = {k: str(v)[:2000] for k, v in (await request.form()).items()}
    store = results.store_of(request)
    when = _as_of(request, store, form.get("as_of") or None)
    with db(request) as s:
        site = visible_site(s, account, site_id)
        inspection.manual_deductions(s, actor(s, account), site, request.app.state.db_url, store, when, form,
                                     _rulebook(request))
    flash(request, "人工扣分已记录，评分结果已更新")
    return redirect(f"/results/site/{site_id}?as_of={when}")


@router.post("/results/site/{site_id}/recrawl")
def start_recrawl(request: Request, site_id: int, as_of: str = Form(""), account=Depends(org_required)):
    store = results.store_of(request)
    when = as_of[:10] if as_of else localtime.today().isoformat()
    _as_of(request, store, when)  # validates the date
    with db(request) as s:
        site = visible_site(s, account, site_id)
        job = recrawl.start(s, actor(s, account), site, when, request.app.state.settings, request.app.state.db_url)
        job_id = job.id
    flash(request, "已开始重新检查该网站")
    return redirect(f"/recrawls/{job_id}")


def _visible_job(s, account, job_id: int) -> Recrawl:
    job = s.get(Recrawl, job_id) if valid_id(job_id) else None
    if job is None:
        raise NotFound("检查任务")
    visible_site(s, account, job.site_id)  # 404 outside the account's units
    return job


@router.get("/recrawls/{job_id}")
def recrawl_page(request: Request, job_id: int, account=Depends(org_required)):
    with db(request) as s:
        job = recrawl.refresh(s, _visible_job(s, account, job_id))
        progress = recrawl.progress(results.store_of(request), job, request.app.state.settings)
        tail = recrawl.log_tail(job) if job.state == "failed" else ""
        s.expunge(job)
    return render(request, "recrawl.html", job=job, progress=progress, tail=tail)


@router.get("/recrawls/{job_id}/progress")
def recrawl_progress(request: Request, job_id: int, account=Depends(org_required)):
    with db(request) as s:
        job = recrawl.refresh(s, _visible_job(s, account, job_id))
        progress = recrawl.progress(results.store_of(request), job, request.app.state.settings)
    return JSONResponse(progress.to_dict())


@router.get("/drift")
def drift_notices(request: Request, account=Depends(login_required)):
    with db(request) as s:
        notices = drift.open_notices(s, s.get(Unit, account.unit_id))
        s.expunge_all()
    return render(request, "drift.html", notices=notices, kinds=drift.KIND_NAMES)


@router.post("/drift/scan")
def drift_scan(request: Request, as_of: str = Form(""), account=Depends(org_required)):
    store = results.store_of(request)
    when = _as_of(request, store, as_of or None)
    with db(request) as s:
        homes = results.visible_homes(s, account)
        cards = {c["home_url"]: c for c in results.visible_cards(store, s, homes, request.app.state.db_url, when,
                                                                 _rulebook(request))} if when else {}
        found = drift.scan(s, store, s.get(Unit, account.unit_id), cards)
    flash(request, f"已核对 {len(cards)} 个网站的首页，{found} 个与登记信息不符")
    return redirect("/drift")
