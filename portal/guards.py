"""ASGI guards in front of every route: the body size limit (checked before
the body is read, small without a login), no NUL character through the
address, and the security headers."""
from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path

from starlette.datastructures import MutableHeaders

from portal.errors import NUL_MESSAGE


def _style_hashes() -> str:
    """The templates' fixed <style> blocks (the 通报 carries its own, for printing
    outside the portal), allowed by hash: no inline style else, no inline script."""
    found = set()
    for path in Path(__file__).with_name("templates").glob("*.html"):
        for block in re.findall(r"<style>(.*?)</style>", path.read_text(encoding="utf-8"), re.S):
            if "{" + "{" not in block and "{%" not in block:
                found.add("'sha256-" + base64.b64encode(hashlib.sha256(block.encode()).digest()).decode() + "'")
    return " ".join(sorted(found))


CSP = (f"default-src 'self'; script-src 'self'; style-src 'self' {_style_hashes()}; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
_REFUSED = "请求内容太大（超过 {limit} 字节），未予处理".encode()


class TooLarge(Exception):
    pass


class BodyLimit:
    """413 for a body over the limit: at once when Content-Length says so,
    and as soon as a streamed (chunked) body passes it.  The limit is the
    anonymous one unless the session (loaded by the layer outside) has an account."""

    def __init__(self, app, settings) -> None:
        self.app = app
        self.logged_in, self.anonymous = settings.portal_max_body, settings.portal_max_anonymous_body

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limit = self.logged_in if scope.get("session", {}).get("aid") else self.anonymous
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            return await _refuse(send, limit)
        seen, over, answered = 0, False, False

        async def counted():
            nonlocal seen, over
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    over = True
                    raise TooLarge()
            return message

        async def guarded_send(message):
            # Whatever the app makes of the cut-off body (FastAPI answers 400), the answer is 413.
            nonlocal answered
            if not over:
                await send(message)
            elif not answered:
                answered = True
                await _refuse(send, limit)

        try:
            await self.app(scope, counted, guarded_send)
        except TooLarge:
            if not answered:
                await _refuse(send, limit)


async def _refuse(send, limit: int) -> None:
    body = _REFUSED.replace(b"{limit}", str(limit).encode())
    await send({"type": "http.response.start", "status": 413, "headers": [
        (b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode()),
        (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


class NulGuard:
    """No NUL reaches a route through the address, for the pages and /api/v1
    alike: in the path it is a 400; in the query string it is dropped, as the
    searches drop control characters (portal.public.search): no stored value
    holds one, and PostgreSQL cannot even compare it (``/audit?actor=%00`` was a
    500 there).  Form fields, which write, are refused by portal.access.context."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if "\x00" in scope["path"]:
            return await _refuse_nul(scope, send)
        query = scope.get("query_string", b"")
        if b"%00" in query or b"\x00" in query:  # a literal "%" is "%25": every "%00" is a NUL
            scope = {**scope, "query_string": query.replace(b"%00", b"").replace(b"\x00", b"")}
        await self.app(scope, receive, send)


async def _refuse_nul(scope, send) -> None:
    if scope["path"].startswith("/api/"):
        body, kind = json.dumps({"detail": NUL_MESSAGE}, ensure_ascii=False).encode(), b"application/json"
    else:
        body, kind = NUL_MESSAGE.encode(), b"text/plain; charset=utf-8"
    await send({"type": "http.response.start", "status": 400, "headers": [
        (b"content-type", kind), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


class SecurityHeaders:
    """CSP, frame protection, nosniff, no referrer leaks, HSTS over TLS, and
    no-store on every page but the static files (pages show one-time passwords)."""

    def __init__(self, app, settings) -> None:
        self.app, self.tls = app, bool(settings.portal_tls)

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        static = scope["path"].startswith("/static/")

        async def with_headers(message):
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["Content-Security-Policy"] = CSP
                headers["X-Frame-Options"] = "DENY"
                headers["X-Content-Type-Options"] = "nosniff"
                headers["Referrer-Policy"] = "same-origin"
                if self.tls:
                    headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
                if not static:
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, with_headers)
