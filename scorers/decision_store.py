"""Recording and reading reviewer decisions (the `pucha review` command and the portal call these)."""
from __future__ import annotations

from datetime import date, timezone
from typing import Any

from sqlalchemy import select

from pucha import localtime

from .decisions import DecisionRecord
from pucha.rulebook import load_rulebook


class DecisionError(ValueError):
    """A decision that cannot be recorded; the message says why."""


def _listing(store: Any, site: str, candidate_id: str | None) -> tuple[dict | None, str | None]:
    """The newest scorecard of the site that lists the candidate (or, with no
    candidate, the newest scorecard): the report a reviewer acts on.  Returns
    (candidate or None, that scorecard's as_of or None)."""
    history = getattr(store, "site_history", None)
    if history is None:
        return None, None
    for rec in reversed(history(site)):
        if candidate_id is None:
            return None, rec.get("as_of")
        for c in rec.get("needs_review", ()):
            if c["id"] == candidate_id:
                return c, rec.get("as_of")
    return None, None


def record_decision(db_url: str, *, site: str, action: str, reviewer: str, as_of: date | None = None,
                    candidate_id: str | None = None, rule: str | None = None, count: int | None = None,
                    note: str = "", store: Any = None, rulebook: str = "2015") -> DecisionRecord:
    """Record a decision.  Without ``as_of`` it belongs to the report it was
    taken on: a candidate's to the newest scorecard that lists it, a manual
    deduction's to the site's newest scorecard (today, Beijing time, when the
    site has none); it then counts in that report and every later one.  The
    wall clock never decides which report a decision changes."""
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
        cand, listed_on = _listing(store, site, candidate_id) if store is not None else (None, None)
        if store is not None and cand is None:
            raise DecisionError(f"{site} 的评分结果中没有待确认问题 {candidate_id}")
        rule = cand["rule"] if cand else (rule or "")
    elif action == "deduct":
        if rule is None or rule not in {r.id for r in book.rules if r.kind == "manual"}:
            manual = ", ".join(r.id for r in book.rules if r.kind == "manual")
            raise DecisionError(f"--rule {rule!r}: 人工扣分只能用于 {manual}")
        if count is None or count < 0:
            raise DecisionError("--count 必须是不小于 0 的整数")
        listed_on = _listing(store, site, None)[1] if store is not None else None
    else:
        raise DecisionError(f"unknown action {action!r}")
    if as_of is None:
        as_of = date.fromisoformat(listed_on) if listed_on else localtime.today()
    ensure_db(db_url)
    at = localtime.now_utc()
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
