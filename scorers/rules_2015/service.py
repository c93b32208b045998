"""服务实用情况: guides, their attachments, the online systems."""
from __future__ import annotations

from ..facts import SiteFacts
from pucha.rulebook import Rule, Rulebook
from ..scorecard import Finding, tenths
from pucha.scanstatus import is_unread

from .review import candidate, unread


def guide_elements(facts: SiteFacts, rule: Rule, book: Rulebook) -> Finding:
    f = Finding(rule.id)
    elements = rule.params["elements"]
    for g in facts.guides:
        missing = [e for e in elements if e not in g.found]
        if missing:
            pts = rule.params["points"] * len(missing)
            f.tenths += tenths(pts)
            f.evidence.append({"url": g.url, "missing": missing, "points": pts})
    return f


def attachments(facts: SiteFacts, rule: Rule, book: Rulebook) -> Finding:
    f = Finding(rule.id)
    for target in sorted(facts.attachments):
        checks = facts.attachments[target]
        bad = [c for c in checks if not c.ok and not is_unread(c.error)]
        if not bad and any(is_unread(c.error) for c in checks):
            c = next(c for c in checks if is_unread(c.error))
            f.needs_review.append(unread(facts, rule.id, target, c.error, status=c.status,
                                         points=rule.params["points"], guides=sorted({x.guide for x in checks})[:5]))
        if bad:
            c = bad[0]
            f.tenths += tenths(rule.params["points"])
            f.evidence.append({"url": target, "status": c.status, "error": c.error,
                               "guides": sorted({x.guide for x in checks})[:5]})
    for g in facts.guides:
        for form in g.forms_mentioned:
            f.needs_review.append(candidate(facts, rule.id, "form_not_offered", g.url, term=form,
                                            points=rule.params["form_points"]))
    return f


def online_systems(facts: SiteFacts, rule: Rule, book: Rulebook) -> Finding:
    f = Finding(rule.id)
    seen: set[str] = set()
    for col in facts.site.columns:
        if col.category not in rule.params["categories"] or col.url in seen:
            continue
        seen.add(col.url)
        chk = facts.systems.get(col.url)
        if chk is not None and is_unread(chk.error):
            f.needs_review.append(unread(facts, rule.id, col.url, chk.error, status=chk.status, system=col.name,
                                         points=rule.params["points"]))
        elif chk is not None and not chk.ok:
            f.tenths += tenths(rule.params["points"])
            f.evidence.append({"url": col.url, "system": col.name, "status": chk.status, "error": chk.error})
    return f
