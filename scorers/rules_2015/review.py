"""Candidates for a person (SPEC §4, M) and the rules only a person decides."""
from __future__ import annotations

import hashlib
from typing import Any

from ..facts import SiteFacts
from pucha.rulebook import Rule, Rulebook
from ..scorecard import Finding


def candidate_id(site: str, rule: str, what: str, key: str) -> str:
    """Stable across sweeps, so a decision on a candidate holds when the next sweep finds it again."""
    return hashlib.blake2b(f"{site}\x1f{rule}\x1f{what}\x1f{key}".encode(), digest_size=8).hexdigest()


def candidate(facts: SiteFacts, rule: str, what: str, url: str, **extra: Any) -> dict[str, Any]:
    c = {"id": candidate_id(facts.home, rule, what, url + "\x1f" + str(extra.get("term", ""))),
         "rule": rule, "what": what, "url": url}
    c.update(extra)
    return c


def unread(facts: SiteFacts, rule: str, url: str, scan_status: str | None, **extra: Any) -> dict[str, Any]:
    """What pucha could not read (SPEC §8), for a person to decide: the rule it would have decided, where,
    and why (``scan_status``: blocked or unreadable); ``points`` is what a confirmation would cost."""
    return candidate(facts, rule, scan_status or "blocked", url, scan_status=scan_status or "blocked", **extra)


def undated_unread(facts: SiteFacts, rule: str, url: str, unknown: dict[str, str], **extra: Any) -> dict[str, Any]:
    """Entries shown without a date whose articles pucha could not read (``unknown``: URL -> scan status):
    their dates could change what ``rule`` decides at ``url`` (a column or the homepage)."""
    return unread(facts, rule, url, sorted(set(unknown.values()))[0], articles=sorted(unknown)[:20],
                  undated_unread=len(unknown), **extra)


def confirmed_only(facts: SiteFacts, rule: Rule, book: Rulebook) -> Finding:
    """严重错误: the scan only lists candidates; a confirmation (scorers.decisions) makes the veto."""
    f = Finding(rule.id)
    for t in facts.text_findings:
        f.needs_review.append(candidate(facts, rule.id, t.what, t.url, term=t.term,
                                        context=t.context, suggestion=t.suggestion))
    return f


def manual(facts: SiteFacts, rule: Rule, book: Rulebook) -> None:
    """Entered by a reviewer only (scorers.decisions)."""
    return None
