"""An account's tokens for /api/v1: created here (shown once), revoked here."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request

from portal.access import actor, login_required, valid_id
from portal.api import tokens
from portal.errors import NotFound, PortalError
from portal.web import db, flash, redirect, render

router = APIRouter()


def _page(request: Request, account, **context):
    with db(request) as s:
        mine = tokens.of_account(s, actor(s, account))
        s.expunge_all()
    return render(request, "api_tokens.html", tokens=mine, **context)


@router.get("/api-tokens")
def token_list(request: Request, account=Depends(login_required)):
    return _page(request, account)


@router.post("/api-tokens")
def token_create(request: Request, name: str = Form(""), account=Depends(login_required)):
    try:
        with db(request) as s:
            token = tokens.issue(s, actor(s, account), name)
    except PortalError as exc:
        return _page(request, account, status=exc.status, error=str(exc))
    return _page(request, account, created=token)


@router.post("/api-tokens/{token_id}/revoke")
def token_revoke(request: Request, token_id: int, account=Depends(login_required)):
    if not valid_id(token_id):
        raise NotFound("令牌")
    with db(request) as s:
        tokens.revoke(s, actor(s, account), token_id)
    flash(request, "令牌已停用")
    return redirect("/api-tokens")
