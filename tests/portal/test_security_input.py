"""Hostile input: line breaks and bidi controls in single-line fields, very
long names, formulas in exported cells, forged X-Forwarded-For."""
from __future__ import annotations

import io

import openpyxl
import pytest
from sqlalchemy import func, select

from portal.models import LoginFailure, Registration
from portal_client import registration_id, site_form
from pucha.db import session_scope


@pytest.mark.parametrize("name, says", [("西城区教育委员会\r\nBcc: x@evil.test", "换行符"),
                                        ("主任\u202etxt.exe", "方向控制字符"),
                                        ("网站\t名称", "控制字符")])
def test_site_name_with_line_break_or_bidi_control_is_refused(world, portal, db_url, name, says):
    edu = portal()
    edu.login("xc_edu")
    response = edu.form("/registrations", site_form(name=name))
    assert response.status_code == 400
    assert says in response.text and "网站名称" in response.text
    with session_scope(db_url) as s:
        assert s.scalar(select(func.count()).select_from(Registration)) == 0


def test_bidi_control_in_a_contact_name_is_refused(world, portal):
    edu = portal()
    edu.login("xc_edu")
    response = edu.form("/registrations", site_form(leader_title="主任\u202etxt.exe"))
    assert response.status_code == 400 and "方向控制字符" in response.text


@pytest.mark.parametrize("name", ["区" * 10_000, "教育\n委员会", "教育\u2066委员会"])
def test_bad_unit_names_get_a_message_not_a_500(world, portal, name):
    bj = portal()
    bj.login("bj")
    response = bj.form("/units", {"kind": "reporting", "name": name, "username": "bj_new"})
    assert response.status_code == 400, response.text[:300]
    assert "单位名称" in response.text


def test_exported_cells_cannot_be_formulas(world, portal):
    edu = portal()
    edu.login("xc_edu")
    rid = registration_id(edu.form("/registrations", site_form(sponsor='=HYPERLINK("http://evil.test","点击")')))
    edu.form(f"/registrations/{rid}/submit")
    for level in ("xc", "bj"):
        reviewer = portal()
        reviewer.login(level)
        assert reviewer.form(f"/registrations/{rid}/approve").status_code == 303
    county = portal()
    county.login("xc")
    sheet = openpyxl.load_workbook(io.BytesIO(county.get("/export").content)).active
    cells = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert cells and all(c.data_type == "s" and c.value.startswith("'=") for c in cells)


def test_neutral_covers_every_formula_start():
    from portal.exports import neutral, workbook

    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert neutral(f"{start}1+1") == f"'{start}1+1"
    assert neutral("西城区") == "西城区" and neutral(3) == 3
    book = openpyxl.load_workbook(io.BytesIO(workbook([("t", ["a"], [["=1+1"], ["@SUM(A1)"]])])))
    assert [c.data_type for c in book.active["A"]][1:] == ["s", "s"]


def _failures_from(db_url: str) -> set[str]:
    with session_scope(db_url) as s:
        return set(s.scalars(select(LoginFailure.address)))


def test_forwarded_for_is_ignored_without_trusted_proxies(world, portal, db_url):
    client = portal()
    client.post("/login", data={"username": "xc", "password": "wrong", "csrf_token": client.token()},
                headers={"X-Forwarded-For": "203.0.113.9"})
    assert _failures_from(db_url) == {"testclient"}


def test_forwarded_for_is_believed_from_a_trusted_proxy(settings, db_url, world):
    from portal.app import create_app

    with pytest.raises(ValueError, match="testclient-not-an-ip"):
        create_app(settings.replace(portal_trusted_proxies="testclient-not-an-ip"), db_url=db_url)
    from portal import web

    class Peer:
        client = type("C", (), {"host": "10.244.3.7"})()
        headers = {"x-forwarded-for": "198.51.100.4, 203.0.113.9, 10.244.1.1"}
        app = type("A", (), {"state": type("S", (), {"trusted_proxies": web.trusted_networks("10.244.0.0/16")})()})()

    # The right-most address the trusted proxies did not add is the client's.
    assert web.client_address(Peer) == "203.0.113.9"
    Peer.client.host = "192.0.2.1"  # not a proxy: its header is not believed
    assert web.client_address(Peer) == "192.0.2.1"
