"""互动回应情况 and 互动回应差."""
from __future__ import annotations

from ..facts import SiteFacts
from pucha.rulebook import Rule, Rulebook
from ..scorecard import Finding, tenths
from ..windows import add, parse, window_start, within
from .review import undated_unread, unread


def no_response(facts: SiteFacts, rule: Rule, book: Rulebook) -> Finding | None:
    p = rule.params
    cols = [c for c in facts.site.columns if c.category in p["categories"]]
    late_cutoff = window_start(facts.as_of, p["reply_within"])
    ev = []
    for page, row in facts.letters(cols):
        sub = parse(row.submitted)
        if not within(row.submitted, facts.as_of, p["window"]):
            continue
        replied = parse(row.replied)
        item = {"url": row.url or page, "title": row.title, "submitted": row.submitted,
                "replied": row.replied, "status": row.status}
        if replied is not None:
            if replied > add(sub, p["reply_within"]):
                ev.append({**item, "problem": "replied_late"})
        elif row.status != "replied" and sub < late_cutoff:
            ev.append({**item, "problem": "unreplied"})
    return Finding(rule.id, veto=True, evidence=ev) if ev else None


def consultation(facts: SiteFacts, rule: Rule, book: Rulebook) -> Finding | None:
    p = rule.params
    cols = [c for c in facts.site.columns if c.category in p["categories"]]
    if not cols:
        return Finding(rule.id, tenths=tenths(p["none"]), evidence=[{"url": facts.home, "problem": "none_registered"}])
    recent = [r for _, r in facts.letters(cols) if within(r.submitted, facts.as_of, p["window"])]
    blocked = facts.interaction_unread(cols)
    if not recent and blocked:  # the letters may be behind the firewall: a person looks
        return Finding(rule.id, needs_review=[unread(facts, rule.id, url, ev["scan_status"], status=ev["status"],
                                                     points=p["unused"]) for url, ev in sorted(blocked.items())])
    if not recent:
        opened = facts.interaction_opened(cols)
        return Finding(rule.id, tenths=tenths(p["unused"]),
                       evidence=[{"url": c.url, "column": c.name, "opened": opened.get(c.url, False),
                                  "letters_within_window": 0} for c in cols])
    return None


def activities(facts: SiteFacts, rule: Rule, book: Rulebook) -> Finding | None:
    """调查征集 / 互动访谈: dated items of the columns' lists are the activities."""
    p = rule.params
    views = facts.columns_of(*p["categories"])
    if not views:
        if p["none"]:
            return Finding(rule.id, tenths=tenths(p["none"]), evidence=[{"url": facts.home, "problem": "none_registered"}])
        return None
    count = sum(v.count_within(facts.as_of, p["window"]) for v in views)
    needed = p["portal_min"] if facts.site.is_portal else p["other_min"]
    failed = any(not v.opened and not v.unread for v in views)  # a column of the site's that does not open
    # What pucha could not read decides: unread columns, or undated entries whose articles it could not read.
    doubtful = [v for v in views if v.unread or v.unknown]
    if doubtful and not failed:
        if count >= needed:
            return None
        points = p["unusable"] if count == 0 else p["few"]
        return Finding(rule.id, needs_review=[
            unread(facts, rule.id, v.column.url, v.error, status=v.status, column=v.column.name, points=points)
            if v.unread else
            undated_unread(facts, rule.id, v.column.url, v.unknown, column=v.column.name, points=points)
            for v in doubtful])
    ev = [{**v.evidence(), "activities_within_window": v.count_within(facts.as_of, p["window"])} for v in views]
    if any(not v.opened for v in views) or count == 0:
        return Finding(rule.id, tenths=tenths(p["unusable"]), evidence=ev)
    if count < needed:
        return Finding(rule.id, tenths=tenths(p["few"]), evidence=[{"url": facts.home, "activities": count, "needed": needed}] + ev)
    return None
