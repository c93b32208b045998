"""Server-side sessions: a cookie copied before logout, a password change or
a reset opens nothing afterwards; idle and absolute lifetimes end sessions."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select, update

from portal_client import PASSWORD, Portal
from pucha.db import session_scope


def _replay(app, cookie: str) -> Portal:
    thief = Portal(app)
    thief.cookies.set("pucha_session", cookie)
    return thief


def test_cookie_replayed_after_logout_is_refused(world, portal, app):
    me = portal()
    me.login("xc")
    saved = me.cookies["pucha_session"]
    page = me.get("/dashboard")
    token = me.token()
    assert page.status_code == 200
    assert me.post("/logout", data={"csrf_token": token}).status_code == 303
    thief = _replay(app, saved)
    assert thief.get("/dashboard").status_code == 303  # to the login page
    # A form posted with the saved cookie and its token is refused too.
    response = thief.post("/units", data={"csrf_token": token, "kind": "reporting", "name": "假单位", "username": "fake"})
    assert response.status_code in (303, 403)
    thief.close()


def test_the_cookie_holds_no_session_data(world, portal):
    me = portal()
    me.login("xc")
    cookie = me.cookies["pucha_session"]
    assert "." not in cookie and len(cookie) < 60  # an opaque token, not a signed payload
    assert "csrf" not in cookie


def test_password_change_ends_other_sessions_but_not_this_one(world, portal, app):
    me, other = portal(), portal()
    me.login("xc")
    other.login("xc")
    old = me.cookies["pucha_session"]
    response = me.form("/password", {"old_password": PASSWORD, "new_password": "NewCensus2016x",
                                     "confirm": "NewCensus2016x"})
    assert response.status_code == 303
    assert me.get("/dashboard").status_code == 200
    assert other.get("/dashboard").status_code == 303
    thief = _replay(app, old)
    assert thief.get("/dashboard").status_code == 303
    thief.close()


def test_reset_by_the_unit_above_ends_the_sessions(world, portal, db_url):
    target = portal()
    target.login("xc")
    with session_scope(db_url) as s:
        from portal.models import Account
        aid = s.scalar(select(Account.id).where(Account.username == "xc"))
    boss = portal()
    boss.login("bj")
    assert boss.form(f"/accounts/{aid}/reset").status_code == 200
    assert target.get("/dashboard").status_code == 303


def test_idle_timeout_and_absolute_lifetime(world, portal, db_url, settings):
    from portal.models import PortalSession

    me = portal()
    me.login("xc")
    with session_scope(db_url) as s:
        s.execute(update(PortalSession).values(
            seen_at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=settings.portal_session_idle + 1)))
    assert me.get("/dashboard").status_code == 303
    me.login("xc")
    assert me.get("/dashboard").status_code == 200
    with session_scope(db_url) as s:
        # Used a moment ago, but opened longer ago than the lifetime: ended all the same.
        s.execute(update(PortalSession).values(
            created_at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=settings.portal_session_hours, minutes=1)))
    assert me.get("/dashboard").status_code == 303
    with session_scope(db_url) as s:
        assert s.scalar(select(func.count()).select_from(PortalSession).where(PortalSession.account_id.is_not(None))) == 0


def test_login_issues_a_new_token(world, portal):
    me = portal()
    me.get("/login")
    before = me.cookies["pucha_session"]
    me.login("xc")
    assert me.cookies["pucha_session"] != before
