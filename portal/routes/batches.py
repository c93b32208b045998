"""An imported file's filings as one batch: the list, and approving or
returning the whole batch at the reviewer's level (portal.batches)."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from sqlalchemy import select

from portal import batches
from portal.access import actor, org_required
from portal.models import Unit
from portal.web import db, flash, redirect, render

router = APIRouter()


@router.get("/review/batches/{batch}")
def show_batch(request: Request, batch: str, account=Depends(org_required)):
    with db(request) as s:
        rows = batches.members(s, actor(s, account), batch)
        units = {u.id: u for u in s.scalars(select(Unit).where(
            Unit.id.in_({r.unit_id for r in rows} | {r.pending_unit_id for r in rows if r.pending_unit_id})))}
        mine = sum(r.state == "submitted" and r.pending_unit_id == account.unit_id for r in rows)
    return render(request, "batch.html", batch=batch, rows=rows, units=units, mine=mine)


@router.post("/review/batches/{batch}/approve")
def approve_batch(request: Request, batch: str, note: str = Form(""), account=Depends(org_required)):
    with db(request) as s:
        count, queued = batches.approve_all(s, actor(s, account), batch, note[:1000])
    # Committed with the approvals; sent by the outbox, so at this moment they are only 待发送.
    request.app.state.outbox.wake()
    flash(request, f"本批次 {count} 个登记已审核通过" + (
        f"；{len(queued)} 封网站标识码和校验码邮件待发送（发送情况见各登记页的“邮件”）" if queued else ""))
    return redirect(f"/review/batches/{batch}")


@router.post("/review/batches/{batch}/return")
def return_batch(request: Request, batch: str, reason: str = Form(""), account=Depends(org_required)):
    with db(request) as s:
        count = batches.return_all(s, actor(s, account), batch, reason[:5000])
    flash(request, f"本批次 {count} 个登记已退回填报单位修改")
    return redirect(f"/review/batches/{batch}")
