"""Recording and reading reviewer decisions (the `pucha review` command and the portal call these)."""
from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import select

from .decisions import DecisionRecord
from .rulebook import load_rulebook


class DecisionError(ValueError):
    """A decision that cannot be recorded; the message says why."""


def _known_candidate(store: Any, site: str, candidate_id: str) -> dict | None:
    """The candidate in the site's newest scorecard, if the store has it."""
    history = getattr(store, "site_history", None)
    if history is None:
        return None
    for rec in reversed(history(site)):
        for c in rec.get("needs_review", ()):
            if c["id"] == candidate_id:
                return c
    return None


def record_decision(db_url: str, *, site: str, action: str, reviewer: str, as_of: date,
                    candidate_id: str | None = None, rule: str | None = None, count: int | None = None,
                    note: str = "", store: Any = None, rulebook: str = "2015") -> DecisionRecord:
    from pucha.db import ensure_db, session_scope
    from pucha.registry.loader import normalise_url
    from pucha.registry.model import Decision

    book = load_rulebook(rulebook)
    site = normalise_url(site)
    if not reviewer.strip():
        raise DecisionError("reviewer: 请填写复核人")
    if action in ("confirm", "reject"):
        if not candidate_id:
            raise DecisionError("confirm/reject 需要候选问题编号 (needs_review 的 id)")
        cand = _known_candidate(store, site, candidate_id) if store is not None else None
        if store is not None and cand is None:
            raise DecisionError(f"{site} 的评分结果中没有待确认问题 {candidate_id}")
        rule = cand["rule"] if cand else (rule or "")
    elif action == "deduct":
        if rule is None or rule not in {r.id for r in book.rules if r.kind == "manual"}:
            manual = ", ".join(r.id for r in book.rules if r.kind == "manual")
            raise DecisionError(f"--rule {rule!r}: 人工扣分只能用于 {manual}")
        if count is None or count < 0:
            raise DecisionError("--count 必须是不小于 0 的整数")
    else:
        raise DecisionError(f"unknown action {action!r}")
    ensure_db(db_url)
    at = datetime.now(timezone.utc)
    with session_scope(db_url) as s:
        s.add(Decision(home_url=site, candidate_id=candidate_id, rule=rule, action=action, count=count,
                       note=note, reviewer=reviewer.strip(), at=at, as_of=as_of))
    return DecisionRecord(site=site, rule=rule, action=action, reviewer=reviewer.strip(), at=at, as_of=as_of,
                          candidate_id=candidate_id, count=count, note=note)


def load_decisions(db_url: str, sites: list[str] | None = None) -> list[DecisionRecord]:
    from pucha.db import ensure_db, session_scope
    from pucha.registry.model import Decision

    ensure_db(db_url)
    with session_scope(db_url) as s:
        q = select(Decision)
        if sites:
            q = q.where(Decision.home_url.in_(sites))
        out = []
        for d in s.scalars(q):
            at = d.at if d.at.tzinfo else d.at.replace(tzinfo=timezone.utc)
            out.append(DecisionRecord(site=d.home_url, rule=d.rule, action=d.action, reviewer=d.reviewer, at=at,
                                      as_of=d.as_of, candidate_id=d.candidate_id, count=d.count, note=d.note or ""))
        return out
