"""Mail that never loses a code (portal.outbox): the approval queues the
网站标识码 and 校验码 in its own transaction, the pages say 待发送 until the
server took the mail, a server that stays down ends in 发送失败 after backoff,
two senders never send one mail twice; STARTTLS and SMTPS for real.

Every server here is aiosmtpd on loopback; the TLS certificate is made by the
test (tls_files) and trusted through PUCHA_SMTP_CAFILE.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import re
import threading
import time

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from portal import outbox, review
from portal.access import actor
from portal.models import Account, OutboxMail, Registration
from portal_client import Portal, file_and_approve, free_port, registration_id, send_mail, site_form
from pucha import settings as pucha_settings
from pucha.db import session_scope
from pucha.registry.model import Site, utcnow
from mailservers import Inbox, make_tls_files, server_context

CHECK = re.compile(r"校验码：(\w+)")


@pytest.fixture
def mail_port():
    return free_port()  # nothing listens here until a test starts a server on it


@pytest.fixture
def settings(tmp_path, mail_port):
    """The portal's settings, pointing at ``mail_port`` (overrides conftest's, which starts a server)."""
    return pucha_settings.load(environ={
        "PUCHA_HOME": str(tmp_path / "home"), "PUCHA_SMTP_HOST": "127.0.0.1", "PUCHA_SMTP_PORT": str(mail_port),
        "PUCHA_SMTP_FROM": "pucha@census.test", "PUCHA_OUTBOX_MAX_ATTEMPTS": "3", "PUCHA_OUTBOX_BACKOFF": "60"},
        config=tmp_path / "absent.toml")


def _serve(port: int, handler=None, **kwargs) -> tuple[Controller, Inbox]:
    inbox = handler or Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    return controller, inbox


def _approved(portal) -> tuple:
    """A new site filed by 西城区教育委员会 and approved up to the province:
    the registration id, the unit's client, the province's, its approval's response."""
    return file_and_approve(portal)


def _mails(db_url: str) -> list[OutboxMail]:
    with session_scope(db_url) as s:
        return list(s.scalars(select(OutboxMail).order_by(OutboxMail.id)))


def test_approval_with_the_server_down_is_queued_then_sent(world, portal, app, db_url, mail_port):
    rid, edu, province, approved = _approved(portal)
    flashed = province.get(approved.headers["location"])
    assert flashed.status_code == 200 and "待发送" in flashed.text and "已发送" not in flashed.text
    assert "未能发送" not in flashed.text
    assert send_mail(app).retrying == 1  # the server is down: nothing sent, the mail waits
    [mail] = _mails(db_url)
    assert (mail.state, mail.attempts, mail.kind, mail.registration_id) == ("pending", 1, "site_code", rid)
    assert "Connection" in mail.last_error and mail.unit_id == world.units["xc_edu"]
    page = edu.get(f"/registrations/{rid}").text
    assert "待发送" in page and "已发送" not in page and "将于" in page  # the unit sees when it is tried again

    controller, inbox = _serve(mail_port)
    try:
        later = utcnow() + dt.timedelta(seconds=61)
        assert outbox.deliver_due(db_url, app.state.settings, now=later).sent == 1
    finally:
        controller.stop()
    [message] = inbox.to("zhangsan@bjxch.gov.cn")
    body = message.get_content()
    with session_scope(db_url) as s:
        site = s.scalar(select(Site))
    assert f"网站标识码：{site.site_code}" in body and CHECK.search(body)
    [mail] = _mails(db_url)
    assert mail.state == "sent" and mail.sent_at and mail.body == ""  # the plain 校验码 leaves the database
    assert "已发送" in edu.get(f"/registrations/{rid}").text
    assert "已发送" in edu.get(f"/manage/sites/{site.id}").text


def test_the_portals_own_sender_mails_right_after_the_approval(world, portal, app, db_url, mail_port):
    """The sender of the app's lifespan, woken by the approval (not by its 30-second interval)."""
    controller, inbox = _serve(mail_port)
    try:
        with Portal(app):  # runs the lifespan, as uvicorn does
            _approved(portal)
            for _ in range(100):
                if inbox.messages:
                    break
                time.sleep(0.05)
    finally:
        controller.stop()
    assert inbox.to("zhangsan@bjxch.gov.cn") and _mails(db_url)[0].state == "sent"


def test_a_server_that_stays_down_ends_in_failed_after_backoff(world, portal, app, db_url):
    rid, edu, _, _ = _approved(portal)
    start = utcnow()
    settings = app.state.settings
    outbox.deliver_due(db_url, settings, now=start)
    [mail] = _mails(db_url)
    assert mail.attempts == 1 and _aware(mail.next_attempt_at) == start + dt.timedelta(seconds=60)
    outbox.deliver_due(db_url, settings, now=start + dt.timedelta(seconds=59))  # not yet due
    assert _mails(db_url)[0].attempts == 1
    second = start + dt.timedelta(seconds=60)
    outbox.deliver_due(db_url, settings, now=second)
    [mail] = _mails(db_url)
    assert mail.attempts == 2 and _aware(mail.next_attempt_at) == second + dt.timedelta(seconds=120)  # doubled
    assert outbox.deliver_due(db_url, settings, now=second + dt.timedelta(seconds=120)).failed == 1
    [mail] = _mails(db_url)
    assert (mail.state, mail.attempts) == ("failed", 3)
    outbox.deliver_due(db_url, settings, now=second + dt.timedelta(days=1))
    assert _mails(db_url)[0].attempts == 3  # given up: no more attempts
    page = edu.get(f"/registrations/{rid}").text
    assert "发送失败" in page and "标识码找回" in page
    assert "发送失败" in edu.get(f"/manage/sites/{mail.site_id}").text


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)  # SQLite returns naive UTC


def test_a_rolled_back_approval_writes_no_mail(world, portal, db_url):
    edu = portal()
    edu.login("xc_edu")
    rid = registration_id(edu.form("/registrations", site_form()))
    edu.form(f"/registrations/{rid}/submit")
    county = portal()
    county.login("xc")
    county.form(f"/registrations/{rid}/approve")
    with pytest.raises(RuntimeError):
        with session_scope(db_url) as s:
            province = s.scalar(select(Account).where(Account.username == "bj"))
            queued = review.approve(s, actor(s, province), s.get(Registration, rid))
            assert queued and queued[0].id  # written in this transaction ...
            raise RuntimeError("the approval fails after the mail was queued")
    with session_scope(db_url) as s:  # ... and gone with it
        assert s.scalar(select(func.count()).select_from(OutboxMail)) == 0
        assert s.scalar(select(func.count()).select_from(Site)) == 0
        assert s.get(Registration, rid).state == "submitted"


def test_code_recovery_is_queued_and_shown_on_the_site_page(world, portal, app, db_url, mail_port):
    controller, inbox = _serve(mail_port)
    try:
        rid, edu, _, _ = _approved(portal)
        send_mail(app)
        done = portal().form("/code-recovery", {"what": "http://edu.bjxch.gov.cn/"})
        assert done.status_code == 200 and "待发送" in done.text and "已发送" not in done.text
        first, recovery = _mails(db_url)
        assert (recovery.kind, recovery.state, recovery.registration_id) == ("recovery", "pending", None)
        send_mail(app)
    finally:
        controller.stop()
    assert len(inbox.messages) == 2 and "标识码找回" in inbox.messages[-1][1]["Subject"]
    page = edu.get(f"/manage/sites/{recovery.site_id}").text
    assert page.count("已发送") == 2 and "标识码找回" in page


class SlowInbox(Inbox):
    """A server that takes a while per mail, so two senders overlap."""

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(0.05)
        return await super().handle_DATA(server, session, envelope)


def test_two_senders_at_once_send_each_mail_once(world, app, db_url, mail_port, monkeypatch):
    with session_scope(db_url) as s:
        for n in range(8):
            outbox.enqueue(s, outbox.Outgoing((f"p{n}@example.gov.cn",), f"第 {n} 封", "正文"), "site_code")
    # Both passes read the same due rows before either claims one: the claim alone must keep them apart.
    barrier, claim, first_call = threading.Barrier(2), outbox._claim, threading.local()

    def claim_after_both_read(*args):
        if not getattr(first_call, "done", False):
            first_call.done = True
            barrier.wait(timeout=10)
        return claim(*args)

    monkeypatch.setattr(outbox, "_claim", claim_after_both_read)
    controller, inbox = _serve(mail_port, SlowInbox())
    results = []
    try:
        threads = [threading.Thread(target=lambda: results.append(send_mail(app))) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
    finally:
        controller.stop()
    assert sorted(rcpt[0] for rcpt, _ in inbox.messages) == sorted(f"p{n}@example.gov.cn" for n in range(8))
    assert sum(r.sent for r in results) == 8 and len(results) == 2
    assert {m.state for m in _mails(db_url)} == {"sent"} and {m.attempts for m in _mails(db_url)} == {1}


# --- transport security: the outbox and the monitor's alerts through pucha.smtp ---------------------

@pytest.fixture
def tls(tmp_path):
    return make_tls_files(tmp_path)


def _one_mail(db_url: str, settings) -> OutboxMail:
    with session_scope(db_url) as s:
        outbox.enqueue(s, outbox.Outgoing(("zhangsan@bjxch.gov.cn",), "测试", "网站标识码：1101020001"), "site_code")
    outbox.deliver_due(db_url, settings)
    return _mails(db_url)[-1]


def test_starttls_delivery_checks_the_certificate(app, db_url, mail_port, tls, tmp_path):
    controller, inbox = _serve(mail_port, require_starttls=True, tls_context=server_context(tls))
    try:
        plain = _one_mail(db_url, app.state.settings)  # the server refuses mail before STARTTLS
        assert plain.state == "pending" and "STARTTLS" in plain.last_error
        unknown_ca = _one_mail(db_url, app.state.settings.replace(smtp_security="starttls"))
        assert unknown_ca.state == "pending" and "CERTIFICATE_VERIFY_FAILED" in unknown_ca.last_error
        secured = app.state.settings.replace(smtp_security="starttls", smtp_cafile=str(tls.cert))
        assert outbox.deliver_due(db_url, secured, now=utcnow() + dt.timedelta(hours=1)).sent == 2
    finally:
        controller.stop()
    assert len(inbox.to("zhangsan@bjxch.gov.cn")) == 2
    assert {m.state for m in _mails(db_url)} == {"sent"}


def test_smtps_delivery(app, db_url, mail_port, tls):
    controller, inbox = _serve(mail_port, ssl_context=server_context(tls))
    try:
        sent = _one_mail(db_url, app.state.settings.replace(smtp_security="ssl", smtp_cafile=str(tls.cert)))
    finally:
        controller.stop()
    assert sent.state == "sent", sent.last_error
    assert inbox.to("zhangsan@bjxch.gov.cn")[0].get_content().startswith("网站标识码：1101020001")


def test_the_monitor_alerts_through_the_same_starttls_connection(app, mail_port, tls):
    from census.monitor.alerts import send_mail as alert

    controller, inbox = _serve(mail_port, require_starttls=True, tls_context=server_context(tls))
    try:
        alert(app.state.settings.replace(smtp_security="starttls", smtp_cafile=str(tls.cert)),
              ["a@example.gov.cn"], "【政府网站普查】告警", "正文")
    finally:
        controller.stop()
    assert inbox.to("a@example.gov.cn")[0]["Subject"] == "【政府网站普查】告警"


def test_a_misspelt_security_setting_is_refused(tmp_path):
    with pytest.raises(pucha_settings.ConfigError, match="PUCHA_SMTP_SECURITY"):
        pucha_settings.load({"PUCHA_SMTP_SECURITY": "tls"}, config=tmp_path / "absent.toml")


def test_pucha_portal_send_mail_sends_what_is_due(app, db_url, mail_port, capsys):
    from portal.serve import command

    with session_scope(db_url) as s:
        outbox.enqueue(s, outbox.Outgoing(("zhangsan@bjxch.gov.cn",), "测试", "正文"), "site_code")
    controller, inbox = _serve(mail_port)
    try:
        assert command(app.state.settings.replace(database_url=db_url), "send-mail", "", 0) == 0
    finally:
        controller.stop()
    assert "已发送 1 封" in capsys.readouterr().out and len(inbox.messages) == 1
    assert command(app.state.settings.replace(database_url=db_url, smtp_host=None), "send-mail", "", 0) == 2
