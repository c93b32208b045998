"""The registry's tables: sites (附件3), their columns (附件4), the history of
every change, and the reviewers' decisions the scorers apply.

Other parts of pucha read sites through ``pucha.registry.loader`` as plain
records; these ORM classes are for the registry, the importer and the portal.
The schema is created by the Alembic revision ``0001_registry``: a change
here needs a new revision there.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (JSON, CheckConstraint, Date, DateTime, ForeignKey,
                        Integer, String, Text, UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pucha.db import Base
from pucha.localtime import now_utc

SITE_STATUSES: tuple[str, ...] = ("running", "rectifying", "closed", "merged")
DECISION_ACTIONS: tuple[str, ...] = ("confirm", "reject", "deduct")

# The fields of a site that come from the registration form, in 附件3 order;
# history, change detection and the workbook writer all go by this list.
FORM_FIELDS: tuple[str, ...] = (
    "region", "name", "site_type", "icp", "homepage", "sponsor", "address",
    "leader_name", "leader_title", "leader_phone", "leader_mobile", "leader_email",
    "contact_name", "contact_phone", "contact_mobile", "contact_email",
)


def utcnow() -> dt.datetime:
    return now_utc()


class Site(Base):
    __tablename__ = "site"
    __table_args__ = (
        CheckConstraint("status IN ('running', 'rectifying', 'closed', 'merged')", name="ck_site_status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    home_url: Mapped[str] = mapped_column(String(1000), unique=True)  # loader.normalise_url
    region: Mapped[str] = mapped_column(String(200))  # 部门/地区
    name: Mapped[str] = mapped_column(String(200))
    site_type: Mapped[str] = mapped_column(String(20))  # pucha.categories.SITE_TYPES
    icp: Mapped[str] = mapped_column(String(100))  # "无" when the site has none
    homepage: Mapped[str] = mapped_column(String(1000))  # 首页网址 as written in the form
    sponsor: Mapped[str] = mapped_column(String(200))  # 网站主管单位
    address: Mapped[str] = mapped_column(String(500))
    leader_name: Mapped[str] = mapped_column(String(100))
    leader_title: Mapped[str] = mapped_column(String(100))
    leader_phone: Mapped[str] = mapped_column(String(200))
    leader_mobile: Mapped[str] = mapped_column(String(200))
    leader_email: Mapped[str] = mapped_column(String(300))
    contact_name: Mapped[str] = mapped_column(String(100))
    contact_phone: Mapped[str] = mapped_column(String(200))
    contact_mobile: Mapped[str] = mapped_column(String(200))
    contact_email: Mapped[str] = mapped_column(String(300))
    site_code: Mapped[str | None] = mapped_column(String(20), unique=True)  # 网站标识码
    check_code_hash: Mapped[str | None] = mapped_column(String(200))  # 校验码, hashed
    status: Mapped[str] = mapped_column(String(20), default="running")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    columns: Mapped[list[Column]] = relationship(
        back_populates="site", order_by="Column.position", cascade="all, delete-orphan")
    history: Mapped[list[SiteHistory]] = relationship(
        back_populates="site", order_by="SiteHistory.id", cascade="all, delete-orphan")

    def form_values(self) -> dict[str, str]:
        return {f: getattr(self, f) for f in FORM_FIELDS}

    def __repr__(self) -> str:
        return f"<Site {self.home_url} {self.name}>"


class Column(Base):
    __tablename__ = "site_column"
    __table_args__ = (UniqueConstraint("site_id", "position", name="uq_site_column_position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"), index=True)
    category: Mapped[str] = mapped_column(String(20))  # pucha.categories.CATEGORIES
    name: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(1000))
    position: Mapped[int] = mapped_column(Integer)  # order in the registration file

    site: Mapped[Site] = relationship(back_populates="columns")

    def as_dict(self) -> dict[str, str]:
        return {"category": self.category, "name": self.name, "url": self.url}


class SiteHistory(Base):
    """One change of a site: what it was and what it became (changed fields only)."""

    __tablename__ = "site_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    source: Mapped[str] = mapped_column(String(500))  # the file imported, or who changed it
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # None: the site was added
    after: Mapped[dict[str, Any]] = mapped_column(JSON)

    site: Mapped[Site] = relationship(back_populates="history")


class Decision(Base):
    """A reviewer's decision on a scan candidate or a manual deduction.

    Keyed by home_url rather than a foreign key: a decision stays on record
    even if its site is later removed and registered again.
    """

    __tablename__ = "decision"
    __table_args__ = (
        CheckConstraint("action IN ('confirm', 'reject', 'deduct')", name="ck_decision_action"),
        CheckConstraint("count IS NULL OR count >= 0", name="ck_decision_count"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    home_url: Mapped[str] = mapped_column(String(1000), index=True)
    candidate_id: Mapped[str | None] = mapped_column(String(200))
    rule: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(10))
    count: Mapped[int | None] = mapped_column(Integer)  # manual deductions: inaccurate items
    note: Mapped[str] = mapped_column(Text, default="")
    reviewer: Mapped[str] = mapped_column(String(100))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    as_of: Mapped[dt.date] = mapped_column(Date)
