"""Review level by level (逐级审核): submit, approve or return, apply.

A filing climbs from the reporting unit's organisation unit up to the
province (or the State Council department, or the national office for a
unit directly under it); each level approves it or returns it with a
reason, and a returned filing is corrected and submitted again from the
bottom.  The last approval writes the filing into the registry through
pucha.registry.changes (so the site's history stays in one place) and, for
a new site, issues its 网站标识码 and 校验码 (portal.codes) and queues their
mail in the same transaction (portal.outbox).
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import audit, codes, outbox
from portal.errors import Forbidden, PortalError
from portal.filings import MAX_REASON, _check_homepage_free, _own_editable
from portal.models import Account, OutboxMail, Registration, ReviewStep, SiteOwner, Unit
from pucha.registry.changes import add_site, change_site
from pucha.registry.model import Site, utcnow

# Where review ends: these units approve for everything below them.
TOP_KINDS = ("province", "department", "national")


def chain(session: Session, reporting_unit: Unit) -> list[Unit]:
    """The organisation units that review a filing of ``reporting_unit``, bottom up."""
    levels: list[Unit] = []
    unit = reporting_unit.parent
    while unit is not None:
        levels.append(unit)
        if unit.kind in TOP_KINDS:
            break
        unit = unit.parent
    return levels


def submit(session: Session, actor: Account, registration: Registration) -> None:
    _own_editable(actor, registration)
    if not registration.form:
        raise PortalError("登记内容为空，请先填写并保存")
    if registration.kind == "new":
        _check_homepage_free(session, registration.form["homepage"], registration)
    levels = chain(session, actor.unit)
    if not levels:
        raise PortalError("本单位没有上级组织单位，无法提交审核")
    _move(session, actor, registration, "submitted", levels[0], "submit")


def approve(session: Session, actor: Account, registration: Registration, note: str = "") -> list[OutboxMail]:
    """Approve at the actor's level; the mail it queued (the codes, sent once committed)."""
    _check_turn(actor, registration)
    levels = chain(session, session.get(Unit, registration.unit_id))
    position = [u.id for u in levels].index(actor.unit_id)
    if position + 1 < len(levels):
        _move(session, actor, registration, "submitted", levels[position + 1], "approve", note)
        return []
    _move(session, actor, registration, "approved", None, "approve", note)
    return _apply(session, actor, registration)


def return_(session: Session, actor: Account, registration: Registration, reason: str) -> None:
    _check_turn(actor, registration)
    reason = reason.strip()
    if not reason:
        raise PortalError("退回须填写原因", "reason")
    if len(reason) > MAX_REASON:
        raise PortalError(f"退回原因太长（{len(reason)} 个字符，最多 {MAX_REASON} 个）", "reason")
    _move(session, actor, registration, "returned", None, "return", reason)


def start_at(session: Session, registration: Registration, actor: Account, unit: Unit, note: str) -> None:
    """Put an imported filing under review at ``unit`` (the importer's level)."""
    _move(session, actor, registration, "submitted", unit, "import", note)


def _check_turn(actor: Account, registration: Registration) -> None:
    if registration.state != "submitted":
        raise PortalError("该登记当前不在审核中")
    if registration.pending_unit_id != actor.unit_id:
        raise Forbidden("该登记当前不由本单位审核")


def _move(session: Session, actor: Account, registration: Registration, state: str,
          pending: Unit | None, action: str, note: str = "") -> None:
    before = {"state": registration.state, "pending_unit": registration.pending_unit_id}
    registration.state, registration.pending_unit_id = state, pending.id if pending else None
    registration.updated_at = utcnow()
    registration.steps.append(ReviewStep(actor=actor.username, unit_id=actor.unit_id, action=action, note=note))
    audit.record(session, actor.username, f"{action}_registration", f"registration:{registration.id}",
                 session.get(Unit, registration.unit_id), before=before,
                 after={"state": state, "pending_unit": registration.pending_unit_id}, note=note)


def _apply(session: Session, actor: Account, registration: Registration) -> list[OutboxMail]:
    source = f"门户审核通过：{actor.username}（登记 {registration.id}）"
    columns = [tuple(c) for c in registration.columns]
    if registration.kind == "status":
        site = session.get(Site, registration.site_id)
        change_site(session, site, source, {"status": registration.target_status})
        return []
    if registration.site_id is None:
        _check_homepage_free(session, registration.form["homepage"], registration)
        site = add_site(session, dict(registration.form), columns, source)
        session.flush()
        registration.site_id = site.id
        session.add(SiteOwner(site_id=site.id, unit_id=registration.unit_id))
    else:
        site = session.get(Site, registration.site_id)
        change_site(session, site, source, dict(registration.form), columns)
        if session.get(SiteOwner, site.id) is None:
            # A site registered from the command line, owned by no unit until
            # an organisation unit's import of it is approved.
            session.add(SiteOwner(site_id=site.id, unit_id=registration.unit_id))
    session.flush()
    if site.site_code:
        return []
    owner = session.get(Unit, session.scalar(select(SiteOwner.unit_id).where(SiteOwner.site_id == site.id)))
    message = codes.issue(session, site, owner, actor.username)
    # Queued in the approval's transaction: both commit, or neither does.
    return [outbox.enqueue(session, message, "site_code", registration_id=registration.id, site_id=site.id,
                           unit_id=owner.id)]
