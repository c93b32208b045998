"""Login, logout, password change and the account's home page."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from sqlalchemy import func, select

from portal import accounts, sessions
from portal.access import actor, login_required
from portal.errors import PortalError
from portal.models import MailboxReport, Registration, Unit
from portal.security import new_csrf_token
from portal.web import client_address, db, flash, redirect, render

router = APIRouter()


@router.get("/login")
def login_page(request: Request):
    return render(request, "login.html")


@router.post("/login")
def login(request: Request, username: str = Form(""), password: str = Form("")):
    error = None
    with db(request) as s:
        try:
            account = accounts.authenticate(s, username[:200], password[:200], client_address(request))
            aid, epoch, forced = account.id, account.session_epoch, account.must_change_password
        except PortalError as exc:
            error = exc  # caught inside the transaction: the failed attempt is committed
    if error is not None:
        return render(request, "login.html", status=error.status, error=str(error), username=username[:64])
    request.session.clear()  # a new session id for the new login (no fixation)
    request.session.update({"aid": aid, "ep": epoch, "csrf": new_csrf_token()})
    return redirect("/password" if forced else "/dashboard")


@router.post("/logout")
def logout(request: Request):
    request.session.clear()
    return redirect("/")


@router.get("/password")
def password_page(request: Request, account=Depends(login_required)):
    return render(request, "password.html")


@router.post("/password")
def change_password(request: Request, old_password: str = Form(""), new_password: str = Form(""),
                    confirm: str = Form(""), account=Depends(login_required)):
    try:
        if new_password != confirm:
            raise PortalError("两次输入的新密码不一致", "confirm")
        with db(request) as s:
            me = actor(s, account)
            accounts.change_password(s, me, old_password, new_password)
            epoch = me.session_epoch
    except PortalError as exc:
        return render(request, "password.html", status=400, error=str(exc))
    request.session["ep"] = epoch
    sessions.rotate(request)  # the change revoked every session of the account: this one goes on under a new token
    flash(request, "密码已修改")
    return redirect("/dashboard")


@router.get("/dashboard")
def dashboard(request: Request, account=Depends(login_required)):
    with db(request) as s:
        pending = s.scalar(select(func.count()).select_from(Registration)
                           .where(Registration.pending_unit_id == account.unit_id))
        mine = s.scalar(select(func.count()).select_from(Registration).join(Unit, Unit.id == Registration.unit_id)
                        .where(Unit.path.startswith(account.unit.path)))
        letters = s.scalar(select(func.count()).select_from(MailboxReport).where(
            MailboxReport.unit_id == account.unit_id, MailboxReport.answer.is_(None)))
    return render(request, "dashboard.html", pending=pending, registrations=mine, letters=letters)
