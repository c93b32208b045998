"""Plumbing every router shares: the database session, templates, flash
messages and redirects.  Routes stay thin: read the form, call a library
function inside ``db(request)``, render or redirect."""
from __future__ import annotations

import datetime as dt
import ipaddress
import json
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from pucha.db import session_scope
from pucha.localtime import local

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).with_name("templates")))
STATE_NAMES = {"draft": "草稿", "submitted": "审核中", "returned": "已退回", "approved": "已通过"}
KIND_NAMES = {"new": "新登记", "change": "信息变更", "status": "状态变更"}
STATUS_NAMES = {"running": "正常运行", "rectifying": "整改中", "closed": "已关停", "merged": "已整合"}
# The outbox's states as the unit reads them: a claimed mail is not sent yet (portal.outbox).
MAIL_STATE_NAMES = {"pending": "待发送", "sending": "待发送", "sent": "已发送", "failed": "发送失败"}
MAIL_KIND_NAMES = {"site_code": "网站标识码和校验码", "recovery": "标识码找回"}
# Audit values and site history read as written (tojson would escape every Chinese character).
TEMPLATES.env.filters["as_text"] = lambda value: json.dumps(value, ensure_ascii=False, default=str)


def _when(moment: dt.datetime | None, seconds: bool = False) -> str:
    """A stored time as people in the census read it: Beijing time (SQLite
    returns naive UTC, PostgreSQL aware)."""
    if moment is None:
        return ""
    return local(moment).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


TEMPLATES.env.filters["when"] = _when


def _batch(registration: Any) -> str | None:
    from portal.batches import batch_of  # lazily: portal.batches needs portal.review, which needs more

    return batch_of(registration)


TEMPLATES.env.filters["batch"] = _batch  # the import batch a filing belongs to, for its link
# Part 2: evidence as people read it (portal.evidence).
from portal.evidence import describe, safe_href  # noqa: E402

TEMPLATES.env.filters["describe"] = describe
TEMPLATES.env.filters["safe_href"] = safe_href
TEMPLATES.env.globals.update(STATE_NAMES=STATE_NAMES, KIND_NAMES=KIND_NAMES, STATUS_NAMES=STATUS_NAMES,
                             MAIL_STATE_NAMES=MAIL_STATE_NAMES, MAIL_KIND_NAMES=MAIL_KIND_NAMES)


def db(request: Request) -> AbstractContextManager[Session]:
    """One transaction: committed when the block ends, rolled back on error."""
    return session_scope(request.app.state.db_url)


def flash(request: Request, message: str) -> None:
    """A message shown once on the next page rendered."""
    request.session.setdefault("flash", []).append(message)


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    messages = request.session.pop("flash", [])
    return TEMPLATES.TemplateResponse(request, template, {
        "account": getattr(request.state, "account", None),
        "csrf_token": request.session.get("csrf", ""),
        "messages": messages,
        **context,
    }, status_code=status)


def redirect(url: str) -> RedirectResponse:
    # 303: the browser follows a POST with a GET (post/redirect/get).
    return RedirectResponse(url, status_code=303)


def client_address(request: Request) -> str:
    """The client's address: the peer's, or, when the peer is a configured
    trusted proxy (PUCHA_PORTAL_TRUSTED_PROXIES), the last address in
    X-Forwarded-For that is not itself a trusted proxy."""
    peer = request.client.host if request.client else "unknown"
    trusted = request.app.state.trusted_proxies
    if not _within(peer, trusted):
        return peer
    hops = [h.strip() for h in request.headers.get("x-forwarded-for", "").split(",") if h.strip()]
    for hop in reversed(hops):
        if not _within(hop, trusted):
            return hop[:100]
    return peer


def trusted_networks(value: str) -> list:
    """PUCHA_PORTAL_TRUSTED_PROXIES read once at start; a wrong entry is named."""
    networks = []
    for entry in (e.strip() for e in value.split(",")):
        if entry:
            try:
                networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                raise ValueError(f"PUCHA_PORTAL_TRUSTED_PROXIES: “{entry}” is not an address or network") from None
    return networks


def _within(address: str, networks: list) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)
