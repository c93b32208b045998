"""Security headers on every page; Secure cookie and HSTS when served over TLS."""
from __future__ import annotations

import pytest

from portal_client import Portal

PAGES = ["/", "/login", "/mailbox", "/code-recovery", "/dashboard", "/units", "/no-such-page"]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_has_the_security_headers(world, portal, path):
    me = portal()
    me.login("bj")
    response = me.get(path)
    csp = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["cache-control"] == "no-store"
    assert "strict-transport-security" not in response.headers  # plain HTTP here


def test_one_time_password_page_is_not_cached(world, portal):
    me = portal()
    me.login("bj")
    response = me.form("/units", {"kind": "reporting", "name": "北京市测试填报单位", "username": "bj_test"})
    assert "一次性" in response.text or "bj_test" in response.text
    assert response.headers["cache-control"] == "no-store"


def test_tls_setting_gives_secure_cookie_and_hsts(settings, db_url):
    from portal.app import create_app

    app = create_app(settings.replace(portal_tls=True), db_url=db_url)
    with Portal(app) as client:
        response = client.get("/login")
    assert "secure" in response.headers["set-cookie"].lower()
    assert "httponly" in response.headers["set-cookie"].lower()
    assert response.headers["strict-transport-security"].startswith("max-age=")


def test_cookie_is_not_secure_without_tls(portal):
    response = portal().get("/login")
    assert "secure" not in response.headers["set-cookie"].lower()
