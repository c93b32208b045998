"""The audit log: every change the portal makes, who made it, before and after.

Entries are written in the transaction of the change itself, so there is
no change without its entry and no entry for a change that was rolled back.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import AuditEntry, Unit

PUBLIC = "公众"
SYSTEM = "系统"


def record(session: Session, actor: str, action: str, target: str, unit: Unit | None,
           before: dict[str, Any] | None = None, after: dict[str, Any] | None = None,
           note: str = "") -> None:
    session.add(AuditEntry(actor=actor, action=action, target=target,
                           unit_id=unit.id if unit else None, before=before, after=after, note=note))


def entries_for(session: Session, unit: Unit, limit: int = 200) -> list[AuditEntry]:
    """The entries about ``unit`` and the units below it, newest first."""
    query = (select(AuditEntry).join(Unit, AuditEntry.unit_id == Unit.id)
             .where(Unit.path.startswith(unit.path)).order_by(AuditEntry.id.desc()).limit(limit))
    return list(session.scalars(query))
