"""The census mailbox: the public form, tracking, and the units' inbox;
and 标识码找回 (also a public page)."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request

from portal import codes, mailbox
from portal.access import actor, org_required, visible_report
from portal.errors import PortalError
from portal.web import client_address, db, flash, redirect, render

router = APIRouter()


def _form(request: Request, status: int = 200, **extra):
    question, answer = mailbox.new_challenge()
    request.session["challenge"] = answer
    return render(request, "mailbox.html", status=status, question=question,
                  categories=mailbox.CATEGORIES, **extra)


@router.get("/mailbox")
def mailbox_page(request: Request, site: int | None = None):
    return _form(request, data={"site_id": site or ""})


@router.post("/mailbox")
def send_report(request: Request, site_id: str = Form(""), site_text: str = Form(""), category: str = Form(""),
                content: str = Form(""), contact: str = Form(""), challenge: str = Form("")):
    data = {"site_id": site_id[:20], "site_text": site_text[:1000], "category": category[:20],
            "content": content[:5000], "contact": contact[:200]}
    expected = request.session.pop("challenge", None)
    try:
        if expected is None or challenge.strip() != str(expected):
            raise PortalError("验证题答案不正确，请重新作答", "challenge")
        if site_id.strip() and not site_id.strip().isdigit():
            raise PortalError("所选网站无效，请重新搜索选择", "site_id")
        with db(request) as s:
            report = mailbox.submit(s, int(site_id) if site_id.strip() else None, site_text[:5000],
                                    category[:50], content[:10000], contact[:1000], client_address(request))
            tracking = report.tracking
    except PortalError as exc:
        return _form(request, status=400, error=str(exc), data=data)
    return render(request, "mailbox_sent.html", tracking=tracking)


@router.get("/mailbox/track")
def track(request: Request, no: str = ""):
    if not no:
        return render(request, "track.html")
    try:
        with db(request) as s:
            report = mailbox.track(s, no[:40])
    except PortalError as exc:
        return render(request, "track.html", status=404, error=str(exc), no=no[:40])
    return render(request, "track.html", report=report, no=no[:40])


@router.get("/inbox")
def inbox(request: Request, account=Depends(org_required)):
    with db(request) as s:
        reports = mailbox.inbox(s, account)
    return render(request, "inbox.html", reports=reports)


@router.get("/inbox/{report_id}")
def letter(request: Request, report_id: int, account=Depends(org_required)):
    with db(request) as s:
        report = visible_report(s, account, report_id)
    return render(request, "letter.html", report=report)


@router.post("/inbox/{report_id}/answer")
def answer(request: Request, report_id: int, text: str = Form(""), account=Depends(org_required)):
    with db(request) as s:
        mailbox.answer(s, actor(s, account), visible_report(s, account, report_id), text[:10000])
    flash(request, "答复已保存，来信人可凭查询编号查看")
    return redirect(f"/inbox/{report_id}")


@router.get("/code-recovery")
def recovery_page(request: Request):
    return render(request, "recovery.html")


@router.post("/code-recovery")
def recover(request: Request, what: str = Form("")):
    try:
        with db(request) as s:
            queued = codes.recover(s, what[:2000])
    except PortalError as exc:
        return render(request, "recovery.html", status=400, error=str(exc))
    if queued is not None:
        request.app.state.outbox.wake()
    # The same answer whether or not the site exists: the page tells nothing.
    return render(request, "recovery.html", done=True)
