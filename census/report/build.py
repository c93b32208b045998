"""The report document: stored scorecards with the reviewers' decisions laid over them."""
from __future__ import annotations

from typing import Any, Iterable

from scorers.decisions import DecisionRecord, apply_decisions
from pucha.rulebook import load_rulebook
from scorers.scorecard import from_record


def build_report(records: Iterable[dict], as_of: str, decisions: Iterable[DecisionRecord] = (),
                 rulebook: str = "2015") -> dict[str, Any]:
    book = load_rulebook(rulebook)
    decisions = list(decisions)
    sites = []
    for rec in records:
        if rec["rulebook"] != book.id:
            continue
        card = from_record(rec)
        apply_decisions(card, decisions, book)
        sites.append(card.to_dict())
    sites.sort(key=lambda s: (s["region"], s["name"], s["home_url"]))
    return {"rulebook": book.id, "as_of": as_of, "sites": sites}
