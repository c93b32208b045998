"""自查: a reporting unit verifies a site by its 标识码 and 校验码, reads the
automatic scorecard with its evidence, fills the person-judged items and
submits (附件1 三(一))."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request

from portal import codes, inspection, results
from portal.access import reporting_required, visible_site
from portal.errors import NotFound, PortalError
from portal.routes.results import _as_of, _rulebook
from portal.web import db, flash, redirect, render
from pucha.rulebook import load_rulebook

router = APIRouter()
_VERIFIED = "self_assessment_sites"


@router.get("/self-assessment")
def code_form(request: Request, account=Depends(reporting_required)):
    return render(request, "self_assessment_login.html")


@router.post("/self-assessment")
def verify_codes(request: Request, site_code: str = Form(""), check_code: str = Form(""),
                 account=Depends(reporting_required)):
    try:
        with db(request) as s:
            site = codes.verify(s, site_code[:20], check_code[:40])
            visible_site(s, account, site.id)  # a code of another unit's site opens nothing here
            site_id = site.id
    except (PortalError, NotFound):
        return render(request, "self_assessment_login.html", status=400,
                      error="网站标识码或校验码不正确，或该网站不属于本单位")
    verified = set(request.session.get(_VERIFIED, []))
    request.session[_VERIFIED] = sorted(verified | {site_id})
    return redirect(f"/self-assessment/{site_id}")


def _verified_site(request: Request, s, account, site_id: int):
    if site_id not in request.session.get(_VERIFIED, []):
        raise NotFound("已验证的网站")
    return visible_site(s, account, site_id)


@router.get("/self-assessment/{site_id}")
def assessment_form(request: Request, site_id: int, account=Depends(reporting_required)):
    store = results.store_of(request)
    when = _as_of(request, store, None)
    with db(request) as s:
        site = _verified_site(request, s, account, site_id)
        card, _ = results.site_card(store, request.app.state.db_url, site.home_url, when, _rulebook(request)) \
            if when else (None, [])
        row = inspection.self_assessment(s, site, when) if when else None
        s.expunge_all()
    return render(request, "self_assessment.html", site=site, card=card, as_of=when, row=row,
                  manual=inspection.manual_rules(_rulebook(request)), titles=load_rulebook(_rulebook(request)).titles)


@router.post("/self-assessment/{site_id}")
async def save_assessment(request: Request, site_id: int, account=Depends(reporting_required)):
    form = {k: str(v)[:5000] for k, v in (await request.form()).items()}
    store = results.store_of(request)
    when = _as_of(request, store, None)
    if when is None:
        raise PortalError("尚无普查结果，暂不能填报自查评分表")
    with db(request) as s:
        site = _verified_site(request, s, account, site_id)
        inspection.save_self_assessment(s, site, when, form, _rulebook(request), submit=form.get("submit") == "1")
    flash(request, "自查评分表已提交" if form.get("submit") == "1" else "自查评分表已保存")
    return redirect(f"/self-assessment/{site_id}")
