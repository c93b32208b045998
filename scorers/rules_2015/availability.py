"""网站可用性: homepage probes and link availability."""
from __future__ import annotations

from fractions import Fraction
from math import floor

from ..facts import SiteFacts
from pucha.rulebook import Rule, Rulebook
from ..scorecard import Finding, tenths
from .review import candidate, unread


def _percent(facts: SiteFacts) -> Fraction | None:
    total = len(facts.probes)
    if not total:
        return None
    return Fraction(100 * len(facts.failed_probes), total)


def _probe_evidence(facts: SiteFacts) -> list[dict]:
    failed = facts.failed_probes
    ev = {"url": facts.home, "probes": len(facts.probes), "failed": len(failed),
          "failed_percent": round(float(_percent(facts) or 0), 2)}
    if facts.blocked_probes:
        ev["blocked"] = len(facts.blocked_probes)
    ev["failures"] = [{"slot": p.slot, "status": p.status, "error": p.error, "elapsed_ms": p.elapsed_ms}
                      for p in sorted(failed, key=lambda p: (len(p.slot), p.slot))]
    return [ev]


def probes_veto(facts: SiteFacts, rule: Rule, book: Rulebook) -> Finding | None:
    pct = _percent(facts)
    f = Finding(rule.id)
    if facts.blocked_probes:  # left out of the ratio; a person looks at the site
        blocked = facts.blocked_probes
        f.needs_review.append(unread(facts, rule.id, facts.home, blocked[0].error, probes_blocked=len(blocked),
                                     probes_counted=len(facts.probes),
                                     statuses=sorted({p.status for p in blocked if p.status is not None})))
    if pct is not None and pct >= rule.params["percent"]:
        f.veto, f.evidence = True, _probe_evidence(facts)
    return f if (f.veto or f.needs_review) else None


def probes_deduction(facts: SiteFacts, rule: Rule, book: Rulebook) -> Finding | None:
    pct = _percent(facts)
    if pct is None or pct >= rule.params["veto_percent"] or pct < 1:
        return None
    points = rule.params["points_per_percent"] * floor(pct)
    return Finding(rule.id, tenths=tenths(points), evidence=_probe_evidence(facts))


def broken_links(facts: SiteFacts, rule: Rule, book: Rulebook) -> Finding:
    prominent = facts.prominent_sources
    f = Finding(rule.id)
    p1, p2 = tenths(rule.params["prominent"]), tenths(rule.params["other"])
    for target in sorted(facts.targets):
        t = facts.targets[target]
        if t.unread:  # a firewall's answer is not a broken link
            f.needs_review.append(unread(facts, rule.id, target, t.error, status=t.status,
                                         points=rule.params["prominent"] if t.sources & prominent
                                         else rule.params["other"], linked_from=sorted(t.sources)[:5]))
            continue
        if t.soft404:  # a 200 that says 页面不存在: a person decides
            f.needs_review.append(candidate(facts, rule.id, "soft404", target,
                                            points=rule.params["prominent"] if t.sources & prominent
                                            else rule.params["other"],
                                            linked_from=sorted(t.sources)[:5]))
            continue
        if not t.broken:
            continue
        cost = p1 if t.sources & prominent else p2
        f.tenths += cost
        f.evidence.append({"url": target, "status": t.status, "error": t.error,
                           "linked_from": sorted(t.sources)[:5], "points": cost / 10})
    return f
