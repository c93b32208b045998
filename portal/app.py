"""The portal application: one router per area, one access-control helper
(portal.access.context) in front of every route, one layout template.

    create_app(settings) -> FastAPI

The app's lifespan runs the outbox's sender (portal.outbox.Sender), which
mails what the routes' decisions queued.

Part 2 (inspection and results) adds its routers in ``ROUTERS``.
"""
from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import IntegrityError
from starlette.exceptions import HTTPException

from portal import access
from portal.outbox import Sender
from portal.errors import PortalError
from portal.routes import auth, campaign, filing, inspection, mailbox, public, results, review, units
from portal.guards import BodyLimit, NulGuard, SecurityHeaders
from portal.routes import audit as audit_routes, batches, opendata, rollup, tokens
from portal.sessions import ServerSessions
from portal.web import redirect, render, trusted_networks
from pucha import settings as pucha_settings
from pucha.db import database_url, ensure_db

ROUTERS = (public.router, auth.router, units.router, filing.router, review.router, mailbox.router,
           results.router, inspection.router, campaign.router, rollup.router, audit_routes.router, opendata.router,
           tokens.router, batches.router)


def create_app(settings: pucha_settings.Settings | None = None, db_url: str | None = None) -> FastAPI:
    settings = settings or pucha_settings.load()
    app = FastAPI(title="全国政府网站普查报送系统", docs_url=None, redoc_url=None, openapi_url=None,
                  dependencies=[Depends(access.context)], lifespan=_lifespan)
    app.state.settings = settings
    app.state.db_url = db_url or database_url(settings)
    app.state.outbox = Sender(app.state.db_url, settings)
    app.state.trusted_proxies = trusted_networks(settings.portal_trusted_proxies)
    ensure_db(app.state.db_url)
    # Added innermost first: headers outside everything, then no NUL in the address, then sessions,
    # then the body limit (which needs the session to know whether the request is anonymous).
    app.add_middleware(BodyLimit, settings=settings)
    app.add_middleware(ServerSessions, db_url=app.state.db_url, settings=settings)
    app.add_middleware(NulGuard)  # before the session's lookup; a refusal still gets the headers
    app.add_middleware(SecurityHeaders, settings=settings)
    app.mount("/static", StaticFiles(directory=str(Path(__file__).with_name("static"))), name="static")
    for router in ROUTERS:
        app.include_router(router)
    _handlers(app)
    from portal.api import mount_api
    mount_api(app)
    return app


@contextlib.asynccontextmanager
async def _lifespan(app: FastAPI):
    """The outbox's sender runs beside the portal (PUCHA_OUTBOX_INTERVAL 0: not
    here; ``pucha portal send-mail`` from a timer instead)."""
    task = None
    if float(app.state.settings.outbox_interval) > 0:
        task = asyncio.create_task(app.state.outbox.run())
    try:
        yield
    finally:
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(access.LoginRequired)
    async def _login(request: Request, exc: access.LoginRequired):
        return redirect("/login")

    @app.exception_handler(access.PasswordChangeRequired)
    async def _password(request: Request, exc: access.PasswordChangeRequired):
        return redirect("/password")

    @app.exception_handler(PortalError)
    async def _portal_error(request: Request, exc: PortalError):
        return render(request, "error.html", status=exc.status, message=str(exc))

    @app.exception_handler(IntegrityError)
    async def _conflict(request: Request, exc: IntegrityError):
        # A unique key taken by a request that committed in between (two tabs creating one account name):
        # the transaction was rolled back whole (portal.web.db), so nothing changed.
        return render(request, "error.html", status=409,
                      message="与同时进行的另一项操作冲突（例如同一账号名刚被创建），未作任何改动：请刷新页面后重试")

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError):
        fields = "、".join(str(e.get("loc", ["?"])[-1]) for e in exc.errors())
        return render(request, "error.html", status=400, message=f"请求的参数有误（{fields}），未作任何改动")

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException):
        messages = {404: "页面不存在", 405: "不支持这种请求方式"}
        return render(request, "error.html", status=exc.status_code,
                      message=messages.get(exc.status_code, str(exc.detail)))
