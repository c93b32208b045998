"""The outbox: mail that never loses a code.

    enqueue(session, message, kind, ...)  # inside the decision's transaction
    deliver_due(db_url, settings)         # one pass: send what is due
    Sender(db_url, settings)              # the portal's background passes

``enqueue`` writes a ``portal_outbox`` row in the caller's transaction: an
approval rolled back writes no mail, a committed one keeps its mail however
long the SMTP server is down.  ``deliver_due`` claims each due row with a
conditional UPDATE (state 'pending' -> 'sending', attempts + 1) that only one
process can win -- on PostgreSQL the second UPDATE waits for the first to
commit and then finds the row no longer pending; SQLite has one writer -- so
several portal processes never send one mail twice.  A failure waits
PUCHA_OUTBOX_BACKOFF seconds, doubling each time, and after
PUCHA_OUTBOX_MAX_ATTEMPTS the mail is 发送失败.  A sender that dies after its
claim leaves the row 'sending'; after STALE_CLAIM another sender takes it
again (so a mail is sent at least once, rarely twice, never lost).
"""
from __future__ import annotations

import asyncio
import datetime as dt
import logging
from dataclasses import dataclass

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from portal.mail import Outgoing
from portal.models import OutboxMail
from pucha import smtp
from pucha.db import session_scope
from pucha.registry.model import utcnow
from pucha.settings import Settings

log = logging.getLogger("portal.outbox")

STALE_CLAIM = dt.timedelta(minutes=15)  # far beyond one SMTP timeout: the claimant is gone
BATCH = 100  # rows read per pass; the rest wait for the next pass


def enqueue(session: Session, message: Outgoing, kind: str, *, registration_id: int | None = None,
            site_id: int | None = None, unit_id: int | None = None) -> OutboxMail:
    """Queue ``message`` in the caller's transaction (it is sent once committed)."""
    row = OutboxMail(kind=kind, recipients=list(message.to), subject=message.subject, body=message.body,
                     state="pending", attempts=0, next_attempt_at=utcnow(), registration_id=registration_id,
                     site_id=site_id, unit_id=unit_id)
    session.add(row)
    session.flush()
    return row


def mails_about(session: Session, *, registration_id: int | None = None, site_id: int | None = None) -> list[OutboxMail]:
    """The mails of a registration or of a site, newest first (for the unit's pages)."""
    q = select(OutboxMail).order_by(OutboxMail.id.desc())
    if registration_id is not None:
        q = q.where(OutboxMail.registration_id == registration_id)
    if site_id is not None:
        q = q.where(OutboxMail.site_id == site_id)
    return list(session.scalars(q))


def backoff(settings: Settings, attempts: int) -> dt.timedelta:
    """The wait after the ``attempts``-th failed attempt: the base, doubling."""
    return dt.timedelta(seconds=float(settings.outbox_backoff) * 2 ** max(attempts - 1, 0))


@dataclass
class Pass:
    sent: int = 0
    retrying: int = 0
    failed: int = 0


def _due(now: dt.datetime):
    return or_(and_(OutboxMail.state == "pending", OutboxMail.next_attempt_at <= now),
               and_(OutboxMail.state == "sending", OutboxMail.claimed_at < now - STALE_CLAIM))


def deliver_due(db_url: str, settings: Settings, now: dt.datetime | None = None) -> Pass:
    """Send every mail due at ``now`` (default: the present) once; what became of them."""
    done = Pass()
    if not settings.smtp_host:
        # Nowhere to send: the mail stays 待发送 (truthfully) until PUCHA_SMTP_HOST is set.
        return done
    now = now or utcnow()
    with session_scope(db_url) as s:
        ids = list(s.scalars(select(OutboxMail.id).where(_due(now)).order_by(OutboxMail.id).limit(BATCH)))
    for mail_id in ids:
        claim = _claim(db_url, mail_id, now)
        if claim is None:
            continue  # another sender took it
        attempts, to, subject, body = claim
        error, refused = _send(settings, to, subject, body)
        # No address to try is not going to get better by waiting.
        _finish(db_url, settings, mail_id, attempts, now, error, refused, not to, done)
    return done


def _claim(db_url: str, mail_id: int, now: dt.datetime) -> tuple[int, list[str], str, str] | None:
    with session_scope(db_url) as s:
        won = s.execute(update(OutboxMail).where(OutboxMail.id == mail_id, _due(now))
                        .values(state="sending", claimed_at=now, attempts=OutboxMail.attempts + 1)
                        .execution_options(synchronize_session=False)).rowcount
        if not won:
            return None
        row = s.get(OutboxMail, mail_id)
        return row.attempts, list(row.recipients), row.subject, row.body


def _send(settings: Settings, to: list[str], subject: str, body: str) -> tuple[str | None, dict]:
    if not to:
        return "登记信息中没有负责人或联系人电子邮箱", {}
    try:
        return None, smtp.send(settings, to, subject, body)
    except Exception as exc:  # whatever stopped it (refusal, TLS, timeout), the row records it and retries
        log.error("mail to %s failed: %s", ", ".join(to), exc)
        return f"{type(exc).__name__}: {exc}"[:2000], {}


def _finish(db_url: str, settings: Settings, mail_id: int, attempts: int, now: dt.datetime,
            error: str | None, refused: dict, hopeless: bool, done: Pass) -> None:
    if error is None:
        # The plain 校验码 leaves the database once it has left by mail.
        values = {"state": "sent", "sent_at": utcnow(), "body": "", "last_error": None}
        if refused:
            values["last_error"] = "部分收件人拒收：" + "、".join(sorted(refused))
        done.sent += 1
    elif hopeless or attempts >= int(settings.outbox_max_attempts):
        values = {"state": "failed", "last_error": error}
        done.failed += 1
    else:
        values = {"state": "pending", "last_error": error, "next_attempt_at": now + backoff(settings, attempts)}
        done.retrying += 1
    with session_scope(db_url) as s:
        # Only this claim is finished: the row is still ours while it is 'sending' at our attempt.
        s.execute(update(OutboxMail).where(OutboxMail.id == mail_id, OutboxMail.state == "sending",
                                           OutboxMail.attempts == attempts)
                  .values(**values).execution_options(synchronize_session=False))


class Sender:
    """The portal's background sender: a pass every PUCHA_OUTBOX_INTERVAL
    seconds, and one right away when a route ``wake``s it after a commit."""

    def __init__(self, db_url: str, settings: Settings) -> None:
        self.db_url, self.settings = db_url, settings
        self._loop: asyncio.AbstractEventLoop | None = None
        self._event: asyncio.Event | None = None

    async def run(self) -> None:
        self._loop, self._event = asyncio.get_running_loop(), asyncio.Event()
        interval = float(self.settings.outbox_interval)
        if not self.settings.smtp_host:
            log.warning("PUCHA_SMTP_HOST unset: the portal's mail is kept in the outbox, 待发送, until it is set")
        while True:
            self._event.clear()
            try:
                await asyncio.to_thread(deliver_due, self.db_url, self.settings)
            except Exception:  # a database hiccup must not end the sender for the life of the process
                log.exception("outbox pass failed")
            try:
                await asyncio.wait_for(self._event.wait(), interval)
            except asyncio.TimeoutError:
                pass

    def wake(self) -> None:
        """Ask for a pass now (from a route's worker thread); nothing if not running."""
        if self._loop is not None and self._event is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._event.set)
