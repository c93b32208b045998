"""Reviewer decisions laid over a scan's scorecard (SPEC §4, M).

A reviewer confirms or rejects a needs_review candidate, or enters a manual
deduction (accuracy.basic_info, accuracy.service_guide: a count of
inaccurate items).  Decisions are kept in the registry database
(pucha.registry.model.Decision) and applied at report time, so "the next
report counts it" without a new sweep.  For a candidate, the newest decision
on its id with ``as_of`` not after the report's holds; for a manual rule, the
newest entry per site and rule (a count of 0 withdraws it).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Iterable

from pucha.rulebook import Rulebook
from .scorecard import Finding, Scorecard, tenths


@dataclass(frozen=True)
class DecisionRecord:
    site: str
    rule: str
    action: str  # confirm | reject | deduct
    reviewer: str
    at: datetime
    as_of: date
    candidate_id: str | None = None
    count: int | None = None
    note: str = ""


def effective(decisions: Iterable[DecisionRecord], as_of: str) -> list[DecisionRecord]:
    """The decisions in force for a report at as_of: the newest per candidate / per manual rule."""
    latest: dict[tuple, DecisionRecord] = {}
    for d in decisions:
        if d.as_of.isoformat() > as_of:
            continue
        key = (d.site, d.candidate_id) if d.candidate_id else (d.site, "manual", d.rule)
        prev = latest.get(key)
        if prev is None or (d.at, d.action) > (prev.at, prev.action):
            latest[key] = d
    return sorted(latest.values(), key=lambda d: (d.at, d.rule))


def apply_decisions(card: Scorecard, decisions: Iterable[DecisionRecord], book: Rulebook) -> None:
    mine = [d for d in effective(decisions, card.as_of) if d.site == card.home_url]
    if not mine:
        return
    by_candidate = {c["id"]: c for c in card.needs_review}
    for d in mine:
        who = {"reviewer": d.reviewer, "at": d.at.isoformat(timespec="seconds"), "note": d.note}
        if d.candidate_id:
            cand = by_candidate.get(d.candidate_id)
            if cand is None:
                continue  # the candidate is not in this scan (fixed since): nothing to decide
            cand["decision"] = {"action": d.action, **who}
            if d.action != "confirm":
                continue
            rule = book.rule(cand["rule"])
            evidence = [{**{k: v for k, v in cand.items() if k != "decision"}, "confirmed_by": d.reviewer}]
            if rule.is_veto:
                card.vetoes.append(Finding(rule.id, veto=True, evidence=evidence))
            else:
                _add_points(card, rule.id, tenths(float(cand.get("points", 0))), evidence)
        elif d.action == "deduct" and d.count:
            rule = book.rule(d.rule)
            pts = tenths(rule.params.get("points", 1) * d.count)
            _add_points(card, rule.id, pts, [{"url": card.home_url, "count": d.count, **who}])
    card.vetoes.sort(key=lambda f: [r.id for r in book.rules].index(f.rule))


def _add_points(card: Scorecard, rule: str, pts: int, evidence: list[dict]) -> None:
    for f in card.deductions:
        if f.rule == rule:
            f.tenths += pts
            f.evidence.extend(evidence)
            return
    card.deductions.append(Finding(rule, tenths=pts, evidence=evidence))
