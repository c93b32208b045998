"""Alerts as probes arrive (the failed-probe window), and mails owed from a failed or dead sender."""
from __future__ import annotations

import socket
from datetime import date, timedelta

from sqlalchemy import select

from census.monitor import alerts
from census.monitor.clock import day_start
from census.monitor.monitor_db import alerts as alerts_table, monitor_engine
from census.monitor.watch import FailureWindow
from pucha.registry.records import SiteRecord

from .conftest import make_settings

DAY0 = date(2026, 11, 20)
HOME = "http://x.example.gov.cn/"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_window_tells_the_crossing_once_and_never_before_the_scorecard_would():
    w = FailureWindow(per_day=20)
    for d in range(6):  # six clean days: 120 probes
        for _ in range(20):
            assert w.note(HOME, DAY0 + timedelta(days=d), True, 0.0) is None
    day7 = DAY0 + timedelta(days=6)
    told = [w.note(HOME, day7, k >= 7, float(k)) for k in range(20)]  # the day's first 7 probes fail
    # The window holds at most 140 probes: the 7th failure is the first that is 5% of it for sure.
    assert [k for k, x in enumerate(told) if x is not None] == [6]
    assert told[6].evidence == {"probes": 140, "failed": 7, "failed_percent": 5.0}
    # The next day the old clean day leaves the window; one more failure: still holding, told again
    # (a new day's state is the database's to judge: alert_state keeps it to once per crossing).
    x = w.note(HOME, day7 + timedelta(days=1), False, 99.0)
    assert x is not None and (x.probes, x.failed) == (140, 8)


def test_a_restarted_window_assumes_full_days_it_did_not_see():
    fresh, resumed = FailureWindow(20), FailureWindow(20, resumed=True)
    assert fresh.note(HOME, DAY0, False, 0.0) is not None  # monitoring began today: 1 of at most 20
    assert resumed.note(HOME, DAY0, False, 0.0) is None  # earlier days may hold 120 clean probes
    resumed.seed([(HOME, DAY0 - timedelta(days=1), 20, 0)])  # the one closed day: monitoring began then
    assert resumed.note("http://y.example.gov.cn/", DAY0, False, 0.0) is None
    seeded = FailureWindow(20, resumed=True)
    seeded.seed([(HOME, DAY0 - timedelta(days=1), 20, 1)])
    assert seeded.note(HOME, DAY0, False, 0.0) is not None  # 2 of at most 40


def test_crossings_recorded_once_and_mails_owed_are_retried(tmp_path, smtp):
    site = SiteRecord(HOME, "某网站", "北京市", "部门网站")
    x = FailureWindow(20).note(HOME, DAY0, False, day_start(DAY0) + 3600)
    assert x is not None

    # The SMTP server is down: the alert is recorded, its mail failed.
    down = make_settings(tmp_path, PUCHA_SMTP_HOST="127.0.0.1", PUCHA_SMTP_PORT=str(_free_port()))
    engine = monitor_engine(down.database_url)
    first = alerts.record_crossings(engine, down, [x, x], {HOME: site})
    assert [r["mail"] for r in first] == ["none"]  # not registered: no address, nothing owed
    with engine.begin() as c:  # as if the site had a registered address
        c.execute(alerts_table.update().values(recipients="a@example.gov.cn", mail="pending", attempts=0))
    failed = alerts.deliver(engine, down)
    assert [(r["mail"], r["attempts"]) for r in failed] == [("failed", 1)] and "Refused" in failed[0]["mail_error"]
    # Already past the threshold: a later crossing of the same veto is not another alert.
    assert alerts.record_crossings(engine, down, [x], {HOME: site}) == []

    # The next run, with the server up, sends it; once.
    up = make_settings(tmp_path, PUCHA_SMTP_HOST="127.0.0.1", PUCHA_SMTP_PORT=str(smtp.port))
    sent = alerts.deliver(engine, up)
    assert [(r["mail"], r["attempts"]) for r in sent] == [("sent", 2)]
    assert alerts.deliver(engine, up) == []
    assert len(smtp.messages) == 1 and smtp.messages[0][0] == ("a@example.gov.cn",)
    assert "站点无法访问" in smtp.messages[0][1]["Subject"]

    # A sender that died while mailing: its claim expires and the mail goes out once more.
    with engine.begin() as c:
        c.execute(alerts_table.update().values(mail="sending", claimed=0.0))
    assert [r["mail"] for r in alerts.deliver(engine, up)] == ["sent"]
    with engine.begin() as c:
        c.execute(alerts_table.update().values(mail="sending", claimed=9e18))  # a live sender's claim
    assert alerts.deliver(engine, up) == []
    with engine.connect() as c:
        assert c.execute(select(alerts_table.c.mail)).scalar_one() == "sending"
    assert len(smtp.messages) == 2


def test_closing_a_day_leaves_a_newer_state_alone(tmp_path):
    settings = make_settings(tmp_path)
    engine = monitor_engine(settings.database_url)
    site = SiteRecord(HOME, "某网站", "北京市", "部门网站")
    x = FailureWindow(20).note(HOME, DAY0 + timedelta(days=1), False, day_start(DAY0 + timedelta(days=1)) + 60)
    assert len(alerts.record_crossings(engine, settings, [x], {HOME: site})) == 1
    # Yesterday closes afterwards, without the veto: today's alert state stands, and today's
    # closing, with the veto, does not alert a second time.
    card = {"home_url": HOME, "name": "某网站", "region": "北京市", "vetoes": []}
    assert alerts.process(engine, settings, DAY0, [card], {}) == []
    card["vetoes"] = [{"rule": "veto.unreachable", "evidence": [{}]}]
    assert alerts.process(engine, settings, DAY0 + timedelta(days=1), [card], {}) == []
    assert len(alerts.recent_alerts(engine)) == 1
