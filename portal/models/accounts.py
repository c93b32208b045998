"""Units (组织单位 and 填报单位), their accounts, failed logins and the audit log."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pucha.db import Base
from pucha.registry.model import utcnow

# Organisation units (附件1 一(一)): the national office, local governments'
# offices and State Council departments' offices; "branch" is a unit inside a
# department's vertically managed system (its sites report through the
# department, 四(三)).  "reporting" is a 填报单位, the body in charge of sites.
ORG_KINDS: tuple[str, ...] = ("national", "province", "city", "county", "department", "branch")
UNIT_KINDS: tuple[str, ...] = (*ORG_KINDS, "reporting")
KIND_NAMES: dict[str, str] = {
    "national": "全国普查办", "province": "省级组织单位", "city": "市级组织单位",
    "county": "县级组织单位", "department": "国务院部门", "branch": "部门系统内单位",
    "reporting": "填报单位",
}


class Unit(Base):
    __tablename__ = "portal_unit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("portal_unit.id"), index=True)
    # "/1/7/23/": the ids from the root down to this unit; a unit sees the
    # units whose path starts with its own (one indexed LIKE, any depth).
    path: Mapped[str] = mapped_column(String(400), index=True, default="")
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    # GB/T 2260 region code (6 digits) for national and local units, the
    # 2-digit department code for departments; None for reporting units.
    code: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    parent: Mapped[Unit | None] = relationship(remote_side="Unit.id")

    @property
    def is_org(self) -> bool:
        return self.kind in ORG_KINDS

    @property
    def kind_name(self) -> str:
        return KIND_NAMES[self.kind]

    def contains(self, other: Unit) -> bool:
        return other.path.startswith(self.path)


class Account(Base):
    __tablename__ = "portal_account"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("portal_unit.id"), index=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # Bumped by every password change or reset: sessions carry the epoch they
    # were opened in, so a reset ends every session opened before it.
    session_epoch: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    unit: Mapped[Unit] = relationship(lazy="joined")


class LoginFailure(Base):
    """A failed login from an address: the per-address brake on guessing."""

    __tablename__ = "portal_login_failure"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    address: Mapped[str] = mapped_column(String(100), index=True)
    username: Mapped[str] = mapped_column(String(200))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)


class AuditEntry(Base):
    """Who did what to which object, when, with the values before and after."""

    __tablename__ = "portal_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[str] = mapped_column(String(100))  # username, or "公众" / "系统"
    # The unit the object belongs to: who may read the entry (its ancestors).
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("portal_unit.id"), index=True)
    action: Mapped[str] = mapped_column(String(50))
    target: Mapped[str] = mapped_column(String(200))  # "account:12", "registration:3", ...
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(Text, default="")
