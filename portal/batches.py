"""An imported file's filings as one batch (导入批次): listed, approved or
returned together at a reviewer's level.

The batch is the label portal.files writes into each filing's ``reason``
("导入文件 X.xlsx（批次 202612071403-a3f0）第 n/N 个"), so no table of its
own is needed.  Each filing still moves through portal.review one by one:
approving a batch is approving each of its filings in turn, in one
transaction, so a batch is approved whole or not at all.
"""
from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import review
from portal.errors import NotFound, PortalError
from portal.models import Account, OutboxMail, Registration, Unit

LABEL = re.compile(r"^\d{12}-[0-9a-f]{4}$")


def tag(batch: str) -> str:
    """How the batch is written in a filing's reason (portal.files)."""
    return f"（批次 {batch}）"


def batch_of(registration: Registration) -> str | None:
    found = re.search(r"（批次 (\d{12}-[0-9a-f]{4})）", registration.reason or "")
    return found.group(1) if found and registration.kind != "status" else None


def members(session: Session, actor: Account, batch: str) -> list[Registration]:
    """The filings of ``batch`` the actor may see, in file order; NotFound for none."""
    if not LABEL.match(batch):
        raise NotFound("导入批次")
    rows = session.scalars(select(Registration).join(Unit, Unit.id == Registration.unit_id).where(
        Registration.kind != "status", Registration.reason.contains(tag(batch)),
        Unit.path.startswith(actor.unit.path)).order_by(Registration.id)).all()
    if not rows:
        raise NotFound("导入批次")
    return list(rows)


def pending_here(session: Session, actor: Account, batch: str) -> list[Registration]:
    return [r for r in members(session, actor, batch)
            if r.state == "submitted" and r.pending_unit_id == actor.unit_id]


def approve_all(session: Session, actor: Account, batch: str, note: str = "") -> tuple[int, list[OutboxMail]]:
    """Approve every filing of the batch awaiting the actor's level; how many, and the mail queued with them."""
    pending = pending_here(session, actor, batch)
    if not pending:
        raise PortalError("该批次没有待本单位审核的登记")
    outgoing: list[OutboxMail] = []
    for registration in pending:
        outgoing.extend(review.approve(session, actor, registration, note))
    return len(pending), outgoing


def return_all(session: Session, actor: Account, batch: str, reason: str) -> int:
    """Return every filing of the batch awaiting the actor's level to its reporting unit."""
    pending = pending_here(session, actor, batch)
    if not pending:
        raise PortalError("该批次没有待本单位审核的登记")
    for registration in pending:
        review.return_(session, actor, registration, reason)
    return len(pending)
