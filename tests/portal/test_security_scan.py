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
