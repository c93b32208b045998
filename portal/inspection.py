"""检查整改: the reporting unit's self-assessment (自查) and the organisation
units' scoring (组织单位检查) of the 评分表's person-judged items.

An organisation unit's confirmations, rejections and manual deductions are
reviewer decisions of the core (scorers.decision_store, the code behind
``pucha review``): the next report, and every table of the portal, counts
them.  A self-assessment is the unit's own statement: shown to the units
above beside the automatic card, it changes no score.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import audit
from portal.errors import PortalError
from portal.models import Account, SelfAssessment, SiteOwner, Unit
from pucha.registry.model import Site, utcnow
from scorers.decision_store import DecisionError, record_decision
from pucha.rulebook import load_rulebook

MAX_NOTE = 2000
MAX_COUNT = 1000


def manual_rules(rulebook: str) -> list[tuple[str, str]]:
    """(rule id, title) of the items a person judges (SPEC §4, M)."""
    return [(r.id, r.title) for r in load_rulebook(rulebook).rules if r.kind == "manual"]


def _count(value: str, what: str) -> int:
    value = (value or "0").strip()
    if not value.isdigit() or int(value) > MAX_COUNT:
        raise PortalError(f"“{what}”须填写 0 到 {MAX_COUNT} 之间的整数，收到“{value[:20]}”", what)
    return int(value)


def _note(text: str) -> str:
    text = (text or "").strip()
    if len(text) > MAX_NOTE:
        raise PortalError(f"说明太长（{len(text)} 个字符，最多 {MAX_NOTE} 个）", "note")
    return text


def owner_of(session: Session, site: Site) -> Unit | None:
    return session.scalar(select(Unit).join(SiteOwner, SiteOwner.unit_id == Unit.id)
                          .where(SiteOwner.site_id == site.id))


def save_self_assessment(session: Session, site: Site, as_of: str, form: dict[str, str], rulebook: str,
                         submit: bool) -> SelfAssessment:
    """Save (or submit) the 自查 of a site verified by its 标识码 and 校验码."""
    answers: dict[str, Any] = {rule: _count(form.get(rule, "0"), title) for rule, title in manual_rules(rulebook)}
    serious = _note(form.get("serious_error", ""))
    if serious:
        answers["serious_error"] = serious
    row = session.scalar(select(SelfAssessment).where(SelfAssessment.site_id == site.id,
                                                      SelfAssessment.as_of == as_of))
    if row is not None and row.state == "submitted":
        raise PortalError("本监测时间点的自查评分表已提交，不能再修改；如需更正请联系上级组织单位")
    if row is None:
        row = SelfAssessment(site_id=site.id, as_of=as_of)
        session.add(row)
    row.answers, row.note, row.updated_at = answers, _note(form.get("note", "")), utcnow()
    if submit:
        row.state, row.submitted_at = "submitted", utcnow()
    session.flush()
    audit.record(session, f"自查:{site.site_code}", "submit_self_assessment" if submit else "save_self_assessment",
                 f"site:{site.id}", owner_of(session, site), after={"as_of": as_of, **answers})
    return row


def self_assessment(session: Session, site: Site, as_of: str) -> SelfAssessment | None:
    return session.scalar(select(SelfAssessment).where(SelfAssessment.site_id == site.id,
                                                       SelfAssessment.as_of == as_of))


def decide_candidate(session: Session, actor: Account, site: Site, db_url: str, store, as_of: str,
                     candidate_id: str, action: str, note: str, rulebook: str) -> None:
    """Confirm or reject a needs_review candidate of the site's scan."""
    if action not in ("confirm", "reject"):
        raise PortalError("操作只能是确认或否定", "action")
    _record(session, actor, site, db_url, store, as_of, rulebook, action=action, candidate_id=candidate_id,
            note=_note(note))


def manual_deductions(session: Session, actor: Account, site: Site, db_url: str, store, as_of: str,
                      form: dict[str, str], rulebook: str) -> None:
    """Enter the counts of inaccurate items (a count of 0 withdraws an earlier one)."""
    note = _note(form.get("note", ""))
    counts = {rule: _count(form.get(rule, ""), title) for rule, title in manual_rules(rulebook)
              if (form.get(rule) or "").strip() != ""}
    if not counts:
        raise PortalError("请至少填写一项人工扣分的数量（填 0 表示撤销）")
    for rule, count in counts.items():
        _record(session, actor, site, db_url, store, as_of, rulebook, action="deduct", rule=rule, count=count,
                note=note)


def _record(session: Session, actor: Account, site: Site, db_url: str, store, as_of: str, rulebook: str,
            **decision: Any) -> None:
    try:
        rec = record_decision(db_url, site=site.home_url, reviewer=actor.username, as_of=date.fromisoformat(as_of),
                              store=store, rulebook=rulebook, **decision)
    except DecisionError as exc:
        raise PortalError(f"未能记录：{exc}") from None
    audit.record(session, actor.username, f"decision_{rec.action}", f"site:{site.id}", owner_of(session, site),
                 after={"rule": rec.rule, "candidate": rec.candidate_id, "count": rec.count, "as_of": as_of},
                 note=rec.note)
