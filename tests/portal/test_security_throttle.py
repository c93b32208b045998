"""Sign-in throttling that cannot be turned against the user: growing waits
per client and per account name, never a lock the right password from
another client cannot pass after a short wait, the same answer whether the
account exists or not."""
from __future__ import annotations

import datetime as dt

import pytest

from portal import accounts
from portal.errors import PortalError
from portal_client import PASSWORD, Portal
from pucha.db import session_scope

T0 = dt.datetime(2026, 12, 7, 8, 0, tzinfo=dt.timezone.utc)


def _try(db_url, username, password, address, now):
    with session_scope(db_url) as s:
        try:  # caught inside the transaction, as the login route does: the failure is kept
            accounts.authenticate(s, username, password, address, now=now)
            return "ok"
        except PortalError as exc:
            return str(exc)


def test_attacker_cannot_keep_the_user_out(world, db_url):
    now = T0
    # Someone guesses all day long, from one client, as fast as allowed.
    for _ in range(200):
        answer = _try(db_url, "xc", "guess", "198.51.100.7", now)
        assert answer in ("账号或密码不正确",) or "秒后再试" in answer
        now += dt.timedelta(seconds=30)
    # The owner, from their own client, gets in after at most the account cap.
    answer = _try(db_url, "xc", PASSWORD, "203.0.113.20", now)
    if answer != "ok":
        assert "秒后再试" in answer
        answer = _try(db_url, "xc", PASSWORD, "203.0.113.20", now + dt.timedelta(seconds=accounts.ACCOUNT_WAIT_CAP))
    assert answer == "ok"


def test_waits_grow_per_client(world, db_url):
    now = T0
    for _ in range(accounts.FREE_FAILURES):
        assert _try(db_url, "xc", "guess", "198.51.100.7", now) == "账号或密码不正确"
    waits = []
    for _ in range(4):
        answer = _try(db_url, "xc", "guess", "198.51.100.7", now)
        waits.append(int(answer.split("请 ")[1].split(" 秒")[0]))
        now += dt.timedelta(seconds=waits[-1])
        assert _try(db_url, "xc", "guess", "198.51.100.7", now) == "账号或密码不正确"
    assert waits == sorted(waits) and waits[-1] > waits[0]
    # The client is held back on every account name, and longer than any account's cap.
    for n in range(3):
        answer = _try(db_url, f"other{n}", "guess", "198.51.100.7", now)
        now += dt.timedelta(seconds=int(answer.split("请 ")[1].split(" 秒")[0]))
        assert _try(db_url, f"other{n}", "guess", "198.51.100.7", now) == "账号或密码不正确"
    answer = _try(db_url, "dc", PASSWORD, "198.51.100.7", now)
    assert int(answer.split("请 ")[1].split(" 秒")[0]) > accounts.ACCOUNT_WAIT_CAP
    # Another client is not held back by this one.
    assert _try(db_url, "dc", PASSWORD, "203.0.113.20", now) == "ok"


@pytest.mark.parametrize("username", ["xc", "no_such_account"])
def test_unknown_and_known_accounts_answer_alike(world, app, username):
    answers = []
    for n in range(7):
        client = Portal(app, address=f"192.0.2.{n + 1}")  # a new client each time: only the name counts
        answers.append(client.form("/login", {"username": username, "password": "guess"}).text.count("秒后再试"))
        client.close()
    assert answers == [0] * 5 + [1, 1]


def test_the_answer_does_not_tell_accounts_apart(world, app):
    def pages(username):
        out = []
        for n in range(7):
            with Portal(app, address=f"192.0.2.{n + 50 if username == 'xc' else n + 100}") as client:
                page = client.form("/login", {"username": username, "password": "guess"})
                out.append((page.status_code, "秒后再试" in page.text, "锁定" in page.text, "不正确" in page.text))
        return out

    assert pages("xc") == pages("nobody_here")
