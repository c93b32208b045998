"""What the outside scanners (wapiti, sqlmap; docs/SECURITY-SCAN.md) found,
kept fixed: each test is one finding's regression."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize("token", ["令牌", "\u00e9t\u00e9", "'\"<svg/onload=alert(1)>\u2028"])
def test_non_ascii_csrf_token_in_a_form_is_refused_not_a_500(world, portal, token):
    # wapiti's injections into the hidden csrf_token field: hmac.compare_digest raised TypeError.
    me = portal()
    me.login("bj")
    response = me.post("/units", data={"kind": "reporting", "name": "北京市测试填报单位", "username": "bj_t",
                                       "csrf_token": token})
    assert response.status_code == 403 and "安全令牌" in response.text
    anonymous = portal().post("/login", data={"username": "bj", "password": "x", "csrf_token": token})
    assert anonymous.status_code == 403


def test_non_ascii_csrf_header_is_refused_not_a_500(world, portal):
    me = portal()
    me.login("bj")
    response = me.post("/logout", headers={"x-csrf-token": "令牌".encode()})
    assert response.status_code == 403
    assert me.get("/dashboard").status_code == 200  # still signed in: nothing was done


NUL_FORMS = [("/login", {"username": "*))\x00nosuchvalue", "password": "Letm3in_"}),
             ("/code-recovery", {"what": "1101020001\x00"}),
             ("/mailbox", {"site_text": "西城\x00", "contact": "a\x00b", "content": "Hi\x00"})]


@pytest.mark.parametrize("url, data", NUL_FORMS)
def test_nul_in_a_form_is_refused_with_a_message(world, portal, url, data):
    # wapiti's ldap payload "*))\0nosuchvalue": echoed into the page on SQLite, a 500 on PostgreSQL
    # (its text cannot hold NUL).
    response = portal().form(url, data)
    assert response.status_code == 400 and "空字符" in response.text
    assert "\x00" not in response.text


def test_nul_in_a_logged_in_form_is_refused(world, portal):
    me = portal()
    me.login("bj")
    response = me.form("/units", {"kind": "reporting", "name": "北京\x00", "username": "bj_nul"})
    assert response.status_code == 400 and "空字符" in response.text


@pytest.mark.parametrize("url", ["/sites?q=%00", "/sites?region=a%00b", "/api/v1/sites?q=%00",
                                 "/review/batches/a%00b", "/open-data/a%00b"])
def test_nul_in_the_address_is_refused(world, portal, url):
    me = portal()
    me.login("bj")
    response = me.get(url)
    assert response.status_code == 400 and "空字符" in response.text
    assert response.headers["x-frame-options"] == "DENY"  # the refusal passes the headers' guard too
