"""Accounts down the hierarchy: the first national account, one-time
passwords changed at first login, resets by the unit above, lockout after
repeated failures, sessions ended by a reset, and the audit log."""
from __future__ import annotations

import os
import re
import subprocess
import sys

from sqlalchemy import select

from portal.models import Account, AuditEntry, Unit
from portal_client import PASSWORD
from pucha.db import session_scope

SECRET = re.compile(r'id="one-time-password">([A-Z0-9]+)<')


def test_init_admin_prints_a_one_time_password_once(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PUCHA_")}
    env["PUCHA_HOME"] = str(tmp_path / "home")
    first = subprocess.run([sys.executable, "-m", "census", "portal", "init-admin"], env=env, cwd=tmp_path,
                           capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr
    password = re.search(r"一次性密码：(\S+)", first.stdout).group(1)
    assert len(password) == 12
    again = subprocess.run([sys.executable, "-m", "census", "portal", "init-admin"], env=env, cwd=tmp_path,
                           capture_output=True, text=True, timeout=120)
    assert again.returncode == 2 and "已存在" in again.stderr
    url = f"sqlite:///{tmp_path / 'home' / 'registry.sqlite3'}"
    with session_scope(url) as s:
        account = s.scalar(select(Account))
        assert account.must_change_password and password not in account.password_hash


def test_unit_creates_child_with_one_time_password_that_must_be_changed(world, portal):
    bj = portal()
    bj.login("bj")
    page = bj.form("/units", {"kind": "city", "name": "不应接受的市", "code": "120100", "username": "wrongcity"})
    assert page.status_code == 400 and "不属于上级单位" in page.text
    page = bj.form("/units", {"kind": "county", "name": "朝阳区人民政府办公室", "code": "110105", "username": "cy"})
    assert page.status_code == 200, page.text
    one_time = SECRET.search(page.text).group(1)

    cy = portal()
    assert cy.login("cy", one_time).headers["location"] == "/password"
    assert cy.get("/dashboard").headers["location"] == "/password"  # nothing else until changed
    weak = cy.form("/password", {"old_password": one_time, "new_password": "short", "confirm": "short"})
    assert weak.status_code == 400 and "至少 10 个字符" in weak.text
    done = cy.form("/password", {"old_password": one_time, "new_password": "Chaoyang2015x", "confirm": "Chaoyang2015x"})
    assert done.status_code == 303 and cy.get("/dashboard").status_code == 200
    assert portal().login("cy", "Chaoyang2015x").headers["location"] == "/dashboard"


def test_hierarchy_rules_for_creating_units(world, portal):
    county = portal()
    county.login("xc")
    refused = county.form("/units", {"kind": "province", "name": "假省", "code": "120000", "username": "fake"})
    assert refused.status_code == 400 and "不能创建" in refused.text
    reporting = portal()
    reporting.login("xc_edu")
    assert reporting.form("/units", {"kind": "reporting", "name": "x", "username": "xx"}).status_code == 403
    tax = portal()
    tax.login("tax")
    bad_code = tax.form("/units", {"kind": "department", "name": "x", "code": "1", "username": "x1"})
    assert bad_code.status_code == 400


def test_parent_resets_a_forgotten_password_and_old_sessions_end(world, portal, db_url):
    xc = portal()
    xc.login("xc")
    assert xc.get("/dashboard").status_code == 200
    with session_scope(db_url) as s:
        target = s.scalar(select(Account).where(Account.username == "xc")).id
        dc_account = s.scalar(select(Account).where(Account.username == "dc")).id
    dc = portal()
    dc.login("dc")
    assert dc.form(f"/accounts/{target}/reset").status_code == 404  # a neighbour cannot
    bj = portal()
    bj.login("bj")
    page = bj.form(f"/accounts/{target}/reset")
    one_time = SECRET.search(page.text).group(1)
    assert xc.get("/dashboard").headers["location"] == "/login"  # the old session ended
    assert portal().login("xc", one_time).headers["location"] == "/password"
    national = portal()
    national.login("national")
    # Resets come from the unit directly above, not from further up.
    assert national.form(f"/accounts/{dc_account}/reset").status_code == 403


def test_brute_force_makes_the_guesser_wait(world, portal, db_url):
    attacker = portal()
    for _ in range(5):
        assert attacker.form("/login", {"username": "xc", "password": "guess"}).status_code == 400
    waiting = attacker.form("/login", {"username": "xc", "password": PASSWORD})
    assert waiting.status_code == 400 and "秒后再试" in waiting.text
    with session_scope(db_url) as s:
        assert s.scalar(select(AuditEntry).where(AuditEntry.action == "login_throttled")) is not None


def test_audit_log_records_who_what_before_after(world, portal, db_url):
    bj = portal()
    bj.login("bj")
    bj.form("/units", {"kind": "county", "name": "海淀区人民政府办公室", "code": "110108", "username": "hd"})
    log = bj.get("/audit")
    assert log.status_code == 200 and "create_unit" in log.text and "海淀区" in log.text
    with session_scope(db_url) as s:
        entry = s.scalar(select(AuditEntry).where(AuditEntry.action == "create_unit", AuditEntry.actor == "bj").order_by(AuditEntry.id.desc()).limit(1))
        assert entry.after["code"] == "110108" and entry.at is not None
    # A neighbour's log does not show it.
    dc = portal()
    dc.login("dc")
    assert "海淀区" not in dc.get("/audit").text
