"""The review queue of an organisation unit, approve and return, and the
closed sites still online."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from sqlalchemy import select

from portal import closures, review
from portal.access import actor, org_required, visible_registration
from portal.models import Registration, Unit
from portal.web import db, flash, redirect, render

router = APIRouter()


@router.get("/review")
def queue(request: Request, account=Depends(org_required)):
    with db(request) as s:
        rows = s.execute(select(Registration, Unit).join(Unit, Unit.id == Registration.unit_id)
                         .where(Registration.pending_unit_id == account.unit_id,
                                Registration.state == "submitted").order_by(Registration.id)).all()
    return render(request, "review.html", rows=rows)


@router.post("/registrations/{rid}/approve")
def approve(request: Request, rid: int, note: str = Form(""), account=Depends(org_required)):
    with db(request) as s:
        queued = review.approve(s, actor(s, account), visible_registration(s, account, rid), note[:1000])
    # Committed with the approval; sent by the outbox, so at this moment it is only 待发送.
    request.app.state.outbox.wake()
    flash(request, "已审核通过" + ("；网站标识码和校验码邮件待发送（已列入发送队列，将发送至负责人和联系人邮箱，"
                              "发送情况见本页“邮件”）" if queued else ""))
    return redirect(f"/registrations/{rid}")


@router.post("/registrations/{rid}/return")
def return_(request: Request, rid: int, reason: str = Form(""), account=Depends(org_required)):
    with db(request) as s:
        review.return_(s, actor(s, account), visible_registration(s, account, rid), reason[:5000])
    flash(request, "已退回填报单位修改")
    return redirect(f"/registrations/{rid}")


@router.get("/closures")
def closed_online(request: Request, account=Depends(org_required)):
    with db(request) as s:
        flagged = closures.still_online(s, s.get(Unit, account.unit_id))
    return render(request, "closures.html", flagged=flagged)


@router.post("/closures/probe")
def probe(request: Request, account=Depends(org_required)):
    settings = request.app.state.settings
    with db(request) as s:
        checks = closures.probe_closed(s, s.get(Unit, account.unit_id), timeout=settings.probe_timeout,
                                       user_agent=settings.user_agent)
        online = sum(c.answered for c in checks)
    flash(request, f"已检查 {len(checks)} 个已关停或已整合的网站，其中 {online} 个仍可访问")
    return redirect("/closures")
