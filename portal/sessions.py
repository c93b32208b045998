"""Server-side sessions (ASGI middleware) and the response's security headers.

The cookie carries a random token and nothing else; the session's data sits
in ``portal_session`` under the token's sha256.  A session ends at its
absolute lifetime, after its idle timeout, at logout (the row is deleted),
and at a password change or reset (``revoke_account``).  A new token is
issued whenever the session's account changes (no fixation) or a route asks
for it (``rotate``).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from http.cookies import SimpleCookie
from typing import Any

from sqlalchemy import delete, update
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.requests import Request

from portal.models import PortalSession
from pucha.db import session_scope
from pucha.registry.model import utcnow

COOKIE = "pucha_session"
_PRUNE_EVERY = 200  # about one new session in this many also deletes the expired ones


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def rotate(request: Request) -> None:
    """Give this session a new token when the response is sent (the old one stops working)."""
    request.scope["session_rotate"] = True


def revoke_account(session: Session, account_id: int) -> None:
    """End every session of the account (password change, reset)."""
    session.execute(delete(PortalSession).where(PortalSession.account_id == account_id))


class ServerSessions:
    def __init__(self, app, db_url: str, settings) -> None:
        self.app, self.db_url = app, db_url
        self.lifetime = dt.timedelta(hours=settings.portal_session_hours)
        self.idle = dt.timedelta(minutes=settings.portal_session_idle)
        self.secure = bool(settings.portal_tls)

    def _load(self, token: str | None) -> tuple[str | None, dict[str, Any]]:
        if not token or len(token) > 100:
            return None, {}
        now = utcnow()
        with session_scope(self.db_url) as s:
            row = s.get(PortalSession, _digest(token))
            if row is None:
                return None, {}
            if _aware(row.created_at) + self.lifetime < now or _aware(row.seen_at) + self.idle < now:
                s.delete(row)
                return None, {}
            row.seen_at = now
            return row.id, dict(row.data or {})

    def _save(self, key: str | None, data: dict[str, Any], rotate: bool, loaded_aid: Any) -> str | None:
        """Store the session; the new cookie token, "" to clear the cookie, None to leave it."""
        aid = data.get("aid")
        with session_scope(self.db_url) as s:
            if key is not None and (rotate or aid != loaded_aid or not data):
                s.execute(delete(PortalSession).where(PortalSession.id == key))
                if not data:
                    return ""
                key = None
            if key is not None:
                # Only an update: a session revoked during this request stays revoked.
                s.execute(update(PortalSession).where(PortalSession.id == key).values(data=data, account_id=aid))
                return None
            if not data:
                return None
            token = secrets.token_urlsafe(32)
            s.add(PortalSession(id=_digest(token), account_id=aid, data=data))
            if secrets.randbelow(_PRUNE_EVERY) == 0:
                now = utcnow()
                s.execute(delete(PortalSession).where(
                    (PortalSession.seen_at < now - self.idle) | (PortalSession.created_at < now - self.lifetime)))
            return token

    def _cookie(self, token: str) -> str:
        attributes = "; Path=/; HttpOnly; SameSite=Strict"
        if self.secure:
            attributes += "; Secure"
        if not token:
            return f"{COOKIE}=; Max-Age=0{attributes}"
        return f"{COOKIE}={token}; Max-Age={int(self.lifetime.total_seconds())}{attributes}"

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        cookie = SimpleCookie(dict(scope.get("headers", [])).get(b"cookie", b"").decode("latin-1"))
        token = cookie[COOKIE].value if COOKIE in cookie else None
        key, data = await run_in_threadpool(self._load, token)
        scope["session"] = dict(data)
        loaded = (key, data)

        async def send_with_cookie(message) -> None:
            if message["type"] == "http.response.start":
                now_data = scope["session"]
                if now_data != loaded[1] or scope.get("session_rotate") or (key is None and now_data):
                    new = await run_in_threadpool(self._save, key, dict(now_data),
                                                  bool(scope.get("session_rotate")), loaded[1].get("aid"))
                    if new is not None:
                        MutableHeaders(scope=message).append("set-cookie", self._cookie(new))
            await send(message)

        await self.app(scope, receive, send_with_cookie)
