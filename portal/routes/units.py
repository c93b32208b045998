"""Units below one's own, their accounts, password resets (the audit log: routes/audit.py)."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from sqlalchemy import select

from portal import accounts
from portal.access import actor, org_required, units_below, valid_id, visible_unit
from portal.errors import NotFound, PortalError
from portal.models import Account, Unit
from portal.models.accounts import KIND_NAMES
from portal.web import db, render

router = APIRouter()


def _page(request: Request, account: Account, status: int = 200, **extra):
    with db(request) as s:
        children = s.scalars(select(Unit).where(Unit.parent_id == account.unit_id).order_by(Unit.id)).all()
        logins = {u.id: s.scalars(select(Account).where(Account.unit_id == u.id)).all() for u in children}
        total = len(s.scalars(units_below(account)).all())
    kinds = [(k, KIND_NAMES[k]) for k in accounts.CHILD_KINDS[account.unit.kind]]
    return render(request, "units.html", status=status, children=children, logins=logins, kinds=kinds,
                  total=total, **extra)


@router.get("/units")
def units_page(request: Request, account=Depends(org_required)):
    return _page(request, account)


@router.post("/units")
def create_unit(request: Request, kind: str = Form(""), name: str = Form(""), code: str = Form(""),
                username: str = Form(""), account=Depends(org_required)):
    try:
        with db(request) as s:
            me = actor(s, account)
            unit = accounts.create_unit(s, me, me.unit, kind, name[:1000], code[:20])
            login, password = accounts.create_account(s, me, unit, username[:200])
            created = {"unit": unit.name, "username": login.username, "password": password}
    except PortalError as exc:
        return _page(request, account, status=exc.status, error=str(exc),
                     form={"kind": kind, "name": name[:200], "code": code[:20], "username": username[:64]})
    return _page(request, account, created=created)


@router.post("/units/{unit_id}/accounts")
def create_account(request: Request, unit_id: int, username: str = Form(""), account=Depends(org_required)):
    try:
        with db(request) as s:
            me = actor(s, account)
            login, password = accounts.create_account(s, me, visible_unit(s, account, unit_id), username[:200])
            created = {"unit": login.unit.name, "username": login.username, "password": password}
    except PortalError as exc:
        return _page(request, account, status=exc.status, error=str(exc))
    return _page(request, account, created=created)


@router.post("/accounts/{account_id}/reset")
def reset_password(request: Request, account_id: int, account=Depends(org_required)):
    try:
        with db(request) as s:
            target = s.get(Account, account_id) if valid_id(account_id) else None
            if target is None or not account.unit.contains(target.unit):
                raise NotFound("账号")
            password = accounts.reset_password(s, actor(s, account), target)
            created = {"unit": target.unit.name, "username": target.username, "password": password, "reset": True}
    except PortalError as exc:
        return _page(request, account, status=exc.status, error=str(exc))
    return _page(request, account, created=created)

