"""The scoring engine: a rulebook applied to a site's state at an as_of.

It knows nothing of any particular rule: each rule's logic comes from the
pucha_rule_logic hook (scorers.hooks), its numbers from the rulebook file.
"""
from __future__ import annotations

from datetime import date
from typing import Iterable

from pucha.registry.records import SiteRecord

from .decisions import DecisionRecord, apply_decisions
from .facts import SiteFacts
from .hooks import rule_logic
from pucha.rulebook import Rulebook, RulebookError, load_rulebook
from .scorecard import Scorecard, tenths
from .state import SiteState


def score_site(site: SiteRecord, state: SiteState, as_of: date, book: Rulebook | None = None,
               decisions: Iterable[DecisionRecord] = ()) -> Scorecard:
    book = book or load_rulebook()
    logic = rule_logic()
    facts = SiteFacts(site, state, as_of)
    card = Scorecard(home_url=site.home_url, name=site.name, region=site.region,
                     site_code=site.site_code, site_type=site.site_type, rulebook=book.id,
                     as_of=as_of.isoformat(), sweep=state.sweep,
                     fail_above_tenths=tenths(book.fail_above))
    for rule in book.rules:
        fn = logic.get(rule.logic)
        if fn is None:
            raise RulebookError(f"rulebook {book.id}: rule {rule.id} names logic {rule.logic!r}, "
                                f"which no plugin provides")
        finding = fn(facts, rule, book)
        if finding is None:
            continue
        card.needs_review.extend(finding.needs_review)
        if finding.veto:
            card.vetoes.append(finding)
        elif finding.tenths:
            card.deductions.append(finding)
    card.needs_review.sort(key=lambda c: (c["rule"], c["url"], c["id"]))
    apply_decisions(card, decisions, book)
    return card
