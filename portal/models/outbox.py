"""The portal's outbox: every mail a decision owes, written in the decision's
own transaction (portal.outbox), so a rolled-back approval writes no mail and
a committed one cannot lose its mail when the SMTP server is down."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from pucha.db import Base
from pucha.registry.model import utcnow

# sending: claimed by one sender (portal.outbox.deliver_due); the unit sees it as 待发送.
OUTBOX_STATES = ("pending", "sending", "sent", "failed")


class OutboxMail(Base):
    __tablename__ = "portal_outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    kind: Mapped[str] = mapped_column(String(20))  # site_code (approval) or recovery (标识码找回)
    recipients: Mapped[list[str]] = mapped_column(JSON, default=list)
    subject: Mapped[str] = mapped_column(String(500))
    # Holds the plain 校验码 until the mail is sent, then is emptied (the code is stored only hashed).
    body: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    claimed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # What the mail is about, so the unit sees it on the registration and the site page.
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("portal_registration.id", ondelete="SET NULL"), index=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id", ondelete="SET NULL"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("portal_unit.id"), index=True)
