"""Who is asking, and what they may see: the one access-control helper.

``context`` runs before every route (an app-wide dependency): it loads the
logged-in account, ends sessions opened before a password change, forces a
first-login password change, and refuses any unsafe request without the
session's CSRF token.  Routes then ask ``login_required`` / ``org_required``
for the account and fetch objects through ``visible_*``, which answer
NotFound for what lies outside the account's unit and the units below it.
"""
from __future__ import annotations

from fastapi import Request
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from portal.errors import NUL_MESSAGE, Forbidden, NotFound, PortalError
from portal.models import Account, MailboxReport, Registration, SiteOwner, Unit
from portal.security import new_csrf_token, same_token
from portal.web import db
from pucha.registry.model import Site

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
# Pages a user who must change the password may still reach.
_OPEN_WHEN_FORCED = ("/password", "/logout", "/static/")


class NulRefused(PortalError):
    """A NUL character in a form field: no field may hold one (PostgreSQL's text
    cannot, SQLite's would echo it into pages); refused before any route runs."""

    def __init__(self) -> None:
        super().__init__(NUL_MESSAGE)


class LoginRequired(Exception):
    """No one is logged in: the app redirects to the login page."""


class PasswordChangeRequired(Exception):
    """First login (or after a reset): the app redirects to /password."""


class CsrfFailed(PortalError):
    status = 403

    def __init__(self) -> None:
        super().__init__("请求缺少有效的安全令牌（CSRF），操作未执行：请刷新页面后重试")


async def context(request: Request) -> None:
    session = request.session
    if "csrf" not in session:
        session["csrf"] = new_csrf_token()
    request.state.account = None
    if "aid" in session:
        with db(request) as s:
            account = s.get(Account, session["aid"])
            if account is not None and account.session_epoch == session.get("ep"):
                _ = account.unit  # loaded now: read after the session closes
                request.state.account = account
            else:
                session.pop("aid", None)
    if request.method not in SAFE_METHODS:
        form = None
        if request.headers.get("content-type", "").startswith(
                ("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
        given = request.headers.get("x-csrf-token")
        if given is None and form is not None:
            given = form.get("csrf_token")
        if not same_token(session.get("csrf"), given if isinstance(given, str) else None):
            raise CsrfFailed()
        if form is not None and any(isinstance(v, str) and "\x00" in v for _, v in form.multi_items()):
            raise NulRefused()
    account = request.state.account
    if account is not None and account.must_change_password \
            and not request.url.path.startswith(_OPEN_WHEN_FORCED):
        raise PasswordChangeRequired()


def login_required(request: Request) -> Account:
    account = request.state.account
    if account is None:
        raise LoginRequired()
    return account


def org_required(request: Request) -> Account:
    """An account of an organisation unit (not a 填报单位)."""
    account = login_required(request)
    if not account.unit.is_org:
        raise Forbidden("此功能仅限组织单位使用")
    return account


def reporting_required(request: Request) -> Account:
    account = login_required(request)
    if account.unit.kind != "reporting":
        raise Forbidden("此功能仅限填报单位使用")
    return account


def actor(session: Session, account: Account) -> Account:
    """The request's account, attached to ``session`` (for changes)."""
    return session.get(Account, account.id)


def units_below(account: Account) -> Select:
    """The units the account may see: its own and every one below it."""
    return select(Unit).where(Unit.path.startswith(account.unit.path))


def valid_id(value: int) -> bool:
    """Ids are 32-bit: a forged larger one would overflow the database's integer."""
    return 0 < value < 2 ** 31


def visible_unit(session: Session, account: Account, unit_id: int) -> Unit:
    unit = session.get(Unit, unit_id) if valid_id(unit_id) else None
    if unit is None or not account.unit.contains(unit):
        raise NotFound("单位")
    return unit


def visible_site(session: Session, account: Account, site_id: int) -> Site:
    """A registered site owned by a unit the account may see."""
    if not valid_id(site_id):
        raise NotFound("网站")
    row = session.execute(select(Site, Unit).join(SiteOwner, SiteOwner.site_id == Site.id)
                          .join(Unit, Unit.id == SiteOwner.unit_id).where(Site.id == site_id)).first()
    if row is None:
        # Sites imported without an owner (the command line) are the national office's.
        site = session.get(Site, site_id)
        if site is not None and account.unit.kind == "national":
            return site
        raise NotFound("网站")
    if not account.unit.contains(row[1]):
        raise NotFound("网站")
    return row[0]


def visible_registration(session: Session, account: Account, registration_id: int) -> Registration:
    registration = session.get(Registration, registration_id) if valid_id(registration_id) else None
    if registration is None or not account.unit.contains(session.get(Unit, registration.unit_id)):
        raise NotFound("登记")
    return registration


def visible_report(session: Session, account: Account, report_id: int) -> MailboxReport:
    report = session.get(MailboxReport, report_id) if valid_id(report_id) else None
    if report is None or not account.unit.contains(session.get(Unit, report.unit_id)):
        raise NotFound("信件")
    return report
