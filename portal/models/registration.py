"""Registrations under review, who owns which site, closure checks, the mailbox."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pucha.db import Base
from pucha.registry.model import utcnow

REGISTRATION_KINDS = ("new", "change", "status")
REGISTRATION_STATES = ("draft", "submitted", "returned", "approved")


class SiteOwner(Base):
    """The reporting unit in charge of a registered site (one per site)."""

    __tablename__ = "portal_site_owner"

    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("portal_unit.id"), index=True)


class Registration(Base):
    """One filing of 附件3/附件4 (a new site, a change) or a status change,
    on its way up the review chain.  ``form``/``columns`` are the filing as
    submitted; the registry holds the site itself (pucha.registry.changes)."""

    __tablename__ = "portal_registration"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    state: Mapped[str] = mapped_column(String(10), default="draft")
    unit_id: Mapped[int] = mapped_column(ForeignKey("portal_unit.id"), index=True)  # the 填报单位
    site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id", ondelete="SET NULL"), index=True)
    form: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # FORM_FIELDS -> value
    columns: Mapped[list[Any]] = mapped_column(JSON, default=list)  # [[category, name, url], ...]
    target_status: Mapped[str | None] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="")  # why a status change is asked
    # The organisation unit whose turn it is to review; None unless submitted.
    pending_unit_id: Mapped[int | None] = mapped_column(ForeignKey("portal_unit.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    steps: Mapped[list[ReviewStep]] = relationship(order_by="ReviewStep.id", cascade="all, delete-orphan")


class ReviewStep(Base):
    __tablename__ = "portal_review_step"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("portal_registration.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[str] = mapped_column(String(100))
    unit_id: Mapped[int] = mapped_column(ForeignKey("portal_unit.id"))
    action: Mapped[str] = mapped_column(String(20))  # save submit import approve return
    note: Mapped[str] = mapped_column(Text, default="")


class ClosureCheck(Base):
    """A probe of a closed or merged site's homepage: is it really gone?"""

    __tablename__ = "portal_closure_check"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    answered: Mapped[bool] = mapped_column(Boolean)  # a 2xx came back: still online
    detail: Mapped[str] = mapped_column(String(300))


class MailboxReport(Base):
    """A report to the census mailbox (普查邮箱) and the unit's answer."""

    __tablename__ = "portal_mailbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tracking: Mapped[str] = mapped_column(String(20), unique=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id", ondelete="SET NULL"))
    site_text: Mapped[str] = mapped_column(String(1000))  # the site as the reporter named it
    unit_id: Mapped[int] = mapped_column(ForeignKey("portal_unit.id"), index=True)  # who answers
    category: Mapped[str] = mapped_column(String(20))
    content: Mapped[str] = mapped_column(Text)
    contact: Mapped[str] = mapped_column(String(200), default="")
    # The sender's address (portal.web.client_address): the per-client rate limit.
    client: Mapped[str | None] = mapped_column(String(100), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by: Mapped[str | None] = mapped_column(String(100))
    answered_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
