"""The census campaign: phases and deadlines, what each unit owes, who is
late, and the closing 通报 (HTML, Excel, PDF)."""
from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, Form, Request
from sqlalchemy import select

from portal import campaign as campaigns
from portal import exports, printing, results, tongbao
from portal.access import actor, login_required, org_required
from portal.models import Unit
from pucha import localtime
from portal.web import TEMPLATES, db, flash, redirect, render

router = APIRouter()


def today() -> dt.date:
    return localtime.today()


@router.get("/campaign")
def campaign_page(request: Request, account=Depends(login_required)):
    with db(request) as s:
        campaign = campaigns.current(s)
        mine, below = [], []
        if campaign is not None:
            mine = campaigns.duties(s, campaign, [s.get(Unit, account.unit_id)])
            if account.unit.is_org:
                units = s.scalars(select(Unit).where(Unit.path.startswith(account.unit.path),
                                                     Unit.id != account.unit_id).order_by(Unit.path)).all()
                below = campaigns.duties(s, campaign, list(units))
        s.expunge_all()
    return render(request, "campaign.html", campaign=campaign, mine=mine, below=below, today=today(),
                  phases=campaigns.PHASES, phase_now=campaigns.phase_now(campaign, today()) if campaign else None)


@router.post("/campaign")
async def create_campaign(request: Request, account=Depends(org_required)):
    form = {k: str(v)[:1000] for k, v in (await request.form()).items()}
    with db(request) as s:
        campaigns.create(s, actor(s, account), form)
    flash(request, "普查已设置，各单位可在“普查进度”中查看应完成事项和截止日期")
    return redirect("/campaign")


@router.post("/campaign/{campaign_id}/filings")
def hand_in(request: Request, campaign_id: int, phase: str = Form(""), content: str = Form(""),
            account=Depends(org_required)):
    with db(request) as s:
        campaigns.hand_in(s, actor(s, account), campaigns.get(s, campaign_id), phase[:20], content[:30000])
    flash(request, "材料已报送")
    return redirect("/campaign")


@router.get("/campaign/{campaign_id}/export")
def duties_xlsx(request: Request, campaign_id: int, account=Depends(org_required)):
    with db(request) as s:
        campaign = campaigns.get(s, campaign_id)
        units = s.scalars(select(Unit).where(Unit.path.startswith(account.unit.path)).order_by(Unit.path)).all()
        rows = [[d.unit.name, d.phase_name, d.what, d.deadline.isoformat(), d.status(today()), d.detail]
                for d in campaigns.duties(s, campaign, list(units))]
    data = exports.workbook([("普查进度", ["单位", "阶段", "应完成事项", "截止日期", "状态", "情况"], rows)])
    return exports.download(data, f"普查进度-{campaign_id}.xlsx")


def _tongbao(request: Request, account, campaign_id: int) -> dict:
    store = results.store_of(request)
    with db(request) as s:
        doc = tongbao.build(s, store, actor(s, account), campaigns.get(s, campaign_id), request.app.state.db_url,
                            request.app.state.settings.rulebook, today())
        for d in doc["late"]:
            _ = d.unit.name
        s.expunge_all()
    return doc


@router.get("/campaign/{campaign_id}/tongbao")
def tongbao_page(request: Request, campaign_id: int, account=Depends(org_required)):
    return render(request, "tongbao.html", doc=_tongbao(request, account, campaign_id), printable=False)


@router.get("/campaign/{campaign_id}/tongbao/export")
def tongbao_xlsx(request: Request, campaign_id: int, account=Depends(org_required)):
    doc = _tongbao(request, account, campaign_id)
    return exports.download(exports.tongbao_workbook(doc), f"普查情况通报-{doc['campaign'].name}.xlsx")


@router.get("/campaign/{campaign_id}/tongbao/pdf")
def tongbao_pdf(request: Request, campaign_id: int, account=Depends(org_required)):
    doc = _tongbao(request, account, campaign_id)
    html = TEMPLATES.get_template("tongbao.html").render(doc=doc, printable=True, request=request)
    return exports.download(printing.html_to_pdf(html), f"普查情况通报-{doc['campaign'].name}.pdf",
                            media_type="application/pdf")
