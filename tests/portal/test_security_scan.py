"""What the outside scanners (wapiti, sqlmap; docs/SECURITY-SCAN.md) found,
kept fixed: each test is one finding's regression."""
from __future__ import annotations

import io

import openpyxl
import pytest
from sqlalchemy import func, select

from pucha.db import session_scope


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


@pytest.mark.parametrize("url", ["/review/batches/a%00b", "/open-data/a%00b", "/registrations/1%00",
                                 "/api/v1/sites/1%00"])
def test_nul_in_the_path_is_refused(world, portal, url):
    me = portal()
    me.login("bj")
    response = me.get(url)
    assert response.status_code == 400 and "空字符" in response.text
    assert response.headers["x-frame-options"] == "DENY"  # the refusal passes the headers' guard too


@pytest.mark.parametrize("url", ["/audit?actor=%00&action=a%00b", "/audit?unit=1&actor=bj%00", "/sites?region=a%00b",
                                 "/sites?sponsor=%00", "/api/v1/sites?q=%00"])
def test_nul_in_the_query_string_is_no_part_of_it(world, portal, url):
    # As the searches drop control characters (test_api_v1): /audit?actor=%00 was a 500 on PostgreSQL.
    me = portal()
    me.login("bj")
    assert me.get(url).status_code == 200


def test_a_username_taken_meanwhile_is_a_409_not_a_500(world, portal, db_url, monkeypatch):
    # wapiti's parallel form posts: two requests checked "alice" free, both inserted; the second hit
    # the unique key (IntegrityError, a 500).  Here the other request commits while this one hashes.
    import portal.accounts as accounts_module
    from portal.models import Account

    real_hash = accounts_module.hash_secret

    def meanwhile(secret):
        with session_scope(db_url) as s:
            s.add(Account(username="alice", unit_id=world.units["xc"], password_hash=real_hash("x"),
                          must_change_password=True, failed_logins=0, session_epoch=0))
        return real_hash(secret)

    monkeypatch.setattr(accounts_module, "hash_secret", meanwhile)
    bj = portal()
    bj.login("bj")
    response = bj.form(f"/units/{world.units['xc']}/accounts", {"username": "alice"})
    assert response.status_code == 409 and "未作任何改动" in response.text
    with session_scope(db_url) as s:
        assert s.scalar(select(func.count()).select_from(Account).where(Account.username == "alice")) == 1


@pytest.mark.parametrize("region", ["\x01北京\x1b", "*)(&))\x08nosuchvalue"])
def test_control_characters_in_an_export_title_are_dropped_not_a_500(world, portal, region):
    # wapiti's ldap payloads in /results/sites/export?region=…: openpyxl's IllegalCharacterError.
    me = portal()
    me.login("bj")
    response = me.get("/results/sites/export", params={"region": region})
    assert response.status_code == 200
    title = openpyxl.load_workbook(io.BytesIO(response.content)).active["A1"].value
    assert title.startswith("全国政府网站普查网站评分结果（") and not any(ord(c) < 32 for c in title)


def test_print_workbook_cells_cannot_be_formulas():
    from portal.exports import print_workbook

    book = print_workbook([("表", "标题\x02", ["名称"], [['=HYPERLINK("http://evil.test","点击")'], ["a\x1fb"]],
                            ["@SUM(A1)"])], "2026-11-20", "单位\x03")
    values = [c.value for row in book_rows(book) for c in row if c.value is not None]
    assert "标题" in values and "单位：单位" in values and "ab" in values
    assert "'=HYPERLINK(\"http://evil.test\",\"点击\")" in values and "'@SUM(A1)" in values


def book_rows(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows()


@pytest.mark.parametrize("filename", ["..", ".", "a\x00b.xlsx", "\x1b[31m.xlsx"])
def test_an_upload_named_dot_dot_or_with_control_characters_is_read_not_a_500(world, portal, filename):
    # wapiti's upload payloads: the file name ".." was the scratch folder's parent (IsADirectoryError).
    bj = portal()
    bj.login("bj")
    response = bj.form("/import", {"owner": str(world.units["xc_edu"])}, files={"file": (filename, b"not a workbook")})
    assert response.status_code == 400 and "导入" in response.text
