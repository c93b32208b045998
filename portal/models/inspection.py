"""Part 2's tables: self-assessments, recrawls, drift notices, census campaigns.

Scorecards themselves are not here: they live in the result store
(pucha.store), reviewer decisions in the registry's ``decision`` table.
These tables hold only what the portal adds around them.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from pucha.db import Base
from pucha.registry.model import utcnow


class SelfAssessment(Base):
    """A reporting unit's 自查: the person-judged items of the 评分表 for one
    site and 监测时间点, entered after verifying 标识码 and 校验码."""

    __tablename__ = "portal_self_assessment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"), index=True)
    as_of: Mapped[str] = mapped_column(String(10))
    # rule id -> count of inaccurate items (portal.inspection.MANUAL_ITEMS), plus "serious_error" text.
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    note: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(10), default="draft")  # draft | submitted
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class Recrawl(Base):
    """A spot-check recrawl of one site: a ``pucha sweep --site`` subprocess."""

    __tablename__ = "portal_recrawl"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"), index=True)
    home_url: Mapped[str] = mapped_column(String(1000))
    unit_id: Mapped[int] = mapped_column(ForeignKey("portal_unit.id"), index=True)  # who asked
    actor: Mapped[str] = mapped_column(String(100))
    as_of: Mapped[str] = mapped_column(String(10))
    state: Mapped[str] = mapped_column(String(10), default="running")  # running | done | failed
    pid: Mapped[int | None] = mapped_column(Integer)
    returncode: Mapped[int | None] = mapped_column(Integer)
    sweep: Mapped[str | None] = mapped_column(String(100))
    log_path: Mapped[str] = mapped_column(String(1000), default="")
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class DriftNotice(Base):
    """A sweep saw a site's homepage move to another host or answer with
    another name: the owner is asked to correct the registration."""

    __tablename__ = "portal_drift"
    __table_args__ = (UniqueConstraint("site_id", "sweep", name="uq_portal_drift_site_sweep"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"), index=True)
    sweep: Mapped[str] = mapped_column(String(100))
    # "" when the sweep saw nothing wrong: the row records that the sweep was checked.
    kind: Mapped[str] = mapped_column(String(20), default="")  # "" | host | title
    registered: Mapped[str] = mapped_column(String(1000), default="")
    observed: Mapped[str] = mapped_column(String(1000), default="")
    found_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class Campaign(Base):
    """A census: the notice's four phases with their deadlines (三)."""

    __tablename__ = "portal_campaign"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    as_of: Mapped[str] = mapped_column(String(10))  # the 监测时间点 whose results the 通报 reads
    registration_deadline: Mapped[dt.date] = mapped_column(Date)
    rectification_deadline: Mapped[dt.date] = mapped_column(Date)
    spotcheck_deadline: Mapped[dt.date] = mapped_column(Date)
    summary_deadline: Mapped[dt.date] = mapped_column(Date)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CampaignFiling(Base):
    """What a unit handed in for a phase (摸底完成, 整改情况报告, 抽查核查情况)."""

    __tablename__ = "portal_campaign_filing"
    __table_args__ = (UniqueConstraint("campaign_id", "unit_id", "phase", name="uq_portal_campaign_filing"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("portal_campaign.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("portal_unit.id"), index=True)
    phase: Mapped[str] = mapped_column(String(20))
    content: Mapped[str] = mapped_column(Text, default="")
    actor: Mapped[str] = mapped_column(String(100))
    submitted_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
