"""Ground truth: each site's scorecard computed from its profile, never from its pages.

This is an independent reading of SPEC §4 and the project's binding
readings (windows are closed intervals, calendar months by relativedelta,
points summed in tenths), so that the scorer can be checked against it.
Next to the verdict it keeps the intermediate facts (failed probes, newest
date per column, broken targets and where they are linked) so a failing
comparison is easy to read.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta

from pucha import categories as C
from pucha_fleet.guides import ELEMENTS
from pucha_fleet.profiles import BROKEN_KINDS, ColumnSpec, Profile
from pucha_fleet.site import Site

LIST_CATEGORIES = (C.NEWS, C.NOTICES, C.POLICIES, C.PLANS, C.PERSONNEL, C.DISCLOSURE_OTHER, C.GUIDES, C.OTHER)
DAY14 = timedelta(days=14)
MONTHS6 = relativedelta(months=6)
YEAR1 = relativedelta(years=1)
MONTHS3 = relativedelta(months=3)


def within(d: date | None, as_of: date, span: timedelta | relativedelta) -> bool:
    """d in the closed window [as_of - span, as_of]; undated and future items are in no window."""
    return d is not None and as_of - span <= d <= as_of


def compute(site: Site, rounds: int) -> dict[str, Any]:
    p, as_of = site.p, site.as_of
    tenths: dict[str, int] = {}  # rule -> points x 10
    vetoes: list[str] = []
    facts: dict[str, Any] = {}

    # --- availability: probes ---------------------------------------------------------------
    failed_rounds = {r: k for r, k in sorted(p.probe_failures.items()) if 1 <= r <= rounds}
    failed = len(failed_rounds)
    facts["probes"] = {"rounds": rounds, "failed": failed, "failed_rounds": failed_rounds}
    if failed * 20 >= rounds:  # failed/rounds >= 5%, exactly
        vetoes.append("veto.unreachable")
    elif failed:
        tenths["availability.homepage"] = 50 * (100 * failed // rounds)

    # --- homepage updates ---------------------------------------------------------------------
    if p.home_kind == "navigation":
        seen = {}
        for col in site.nav_columns():
            if col.opens == "ok" and col.category in LIST_CATEGORIES:
                for it in site.pages(col)[0]:
                    seen.setdefault(site.entry_path(col, it), it.date)
        home_dates = list(seen.values())
    else:
        home_dates = list({path: it.date for path, it in site.home_items()}.values())
    fresh = sum(within(d, as_of, DAY14) for d in home_dates)
    facts["homepage"] = {"kind": p.home_kind, "items": len(home_dates), "within_14_days": fresh,
                         "newest": _iso(max((d for d in home_dates if d and d <= as_of), default=None))}
    if fresh == 0:
        vetoes.append("veto.not_updated")
    elif fresh <= 9:
        tenths["updates.homepage"] = 50

    # --- columns ------------------------------------------------------------------------------
    col_facts = []
    stale_a = stale_b = empty_c = 0
    for col in p.columns:
        if col.category == C.ONLINE_SYSTEMS:
            continue
        dates = [it.date for it in site.entries(col)] if col.opens == "ok" else []
        past = [d for d in dates if d and d <= as_of]
        fact = {"category": col.category, "name": col.name, "url": site.column_url(col),
                "opened": col.opens == "ok", "items": len(dates), "newest": _iso(max(past, default=None))}
        if col.category == C.NEWS and not any(within(d, as_of, DAY14) for d in dates):
            stale_a += 1
            tenths["updates.columns"] = tenths.get("updates.columns", 0) + 30
            fact["stale"] = "14 days"
        if col.category in (C.NOTICES, C.POLICIES) and not any(within(d, as_of, MONTHS6) for d in dates):
            stale_a += 1
            tenths["updates.columns"] = tenths.get("updates.columns", 0) + 40
            fact["stale"] = "6 months"
        if col.category in LIST_CATEGORIES:
            if not any(within(d, as_of, YEAR1) for d in dates):
                stale_b += 1
                fact["stale_1_year"] = True
                if col.category in (C.PERSONNEL, C.PLANS):
                    tenths["updates.columns"] = tenths.get("updates.columns", 0) + 50
            if not dates:
                empty_c += 1
                fact["empty"] = True
        col_facts.append(fact)
    facts["columns"] = col_facts
    facts["stale_columns"] = {"a_news_notices_policies": stale_a, "b_list_stale_1_year": stale_b, "c_list_empty": empty_c}
    if stale_a >= 5 or stale_b >= 10 or empty_c >= 5:
        vetoes.append("veto.stale_columns")

    # --- interaction ---------------------------------------------------------------------------
    consult = p.columns_of(C.CONSULTATION)
    letters = [lt for col in consult if col.opens == "ok" for lt in col.letters]
    recent = [lt for lt in letters if within(lt.submitted, as_of, YEAR1)]
    late = []
    for lt in recent:
        if lt.replied is not None:
            if lt.replied > lt.submitted + MONTHS3:
                late.append({"letter": lt.title, "submitted": _iso(lt.submitted), "replied": _iso(lt.replied)})
        elif lt.status != "replied" and lt.submitted < as_of - MONTHS3:
            late.append({"letter": lt.title, "submitted": _iso(lt.submitted), "replied": None})
    facts["letters"] = {"total": len(letters), "within_1_year": len(recent), "late_or_unanswered": late}
    if late:
        vetoes.append("veto.no_response")
    if not consult or not recent:
        tenths["interaction.consultation"] = 50
    threshold = 6 if p.site_type == C.PORTAL else 3
    for rule, category, none_costs in (("interaction.survey", C.SURVEY, True), ("interaction.interview", C.INTERVIEW, False)):
        cols = p.columns_of(category)
        count = sum(within(it.date, as_of, YEAR1) for col in cols if col.opens == "ok" for it in col.items)
        facts[rule] = {"columns": len(cols), "activities_within_1_year": count, "threshold": threshold}
        if not cols:
            if none_costs:
                tenths[rule] = 50
        elif any(col.opens != "ok" for col in cols) or count == 0:
            tenths[rule] = 50
        elif count < threshold:
            tenths[rule] = 30

    # --- links, guides, attachments, systems ------------------------------------------------
    broken, review = _links(site)
    if p.text_errors:  # one candidate per distinct term on the page (SPEC §4, M)
        review = review + [{"rule": "veto.serious_error", "url": site.url("/about.html")} for _ in set(p.text_errors)]
    facts["broken_links"] = broken
    link_tenths = sum(b["tenths"] for b in broken)
    if link_tenths:
        tenths["availability.links"] = link_tenths
    guide_facts, attach_fail = [], []
    for col in p.columns_of(C.GUIDES):
        if col.opens != "ok":
            continue
        for g in col.guides:
            if not g.opens:
                continue
            missing = [e for e in ELEMENTS if not g.elements.get(e, ("", ""))[1].strip()]
            guide_facts.append({"url": site.url(site.family.article_path(col, g.id, g.date)), "missing": missing})
            attach_fail += [site.url(site.file_path(g, i)) for i, a in enumerate(g.attachments) if a.state != "ok"]
    facts["guides"] = guide_facts
    facts["failed_attachments"] = sorted(set(attach_fail))
    if sum(len(g["missing"]) for g in guide_facts):
        tenths["service.guide"] = 20 * sum(len(g["missing"]) for g in guide_facts)
    if attach_fail:
        tenths["service.attachments"] = 10 * len(set(attach_fail))
    dead = [site.column_url(c) for c in p.columns_of(C.ONLINE_SYSTEMS) if c.system_state != "ok"]
    facts["dead_systems"] = dead
    if dead:
        tenths["service.online_systems"] = 30 * len(dead)

    total = sum(tenths.values())
    return {
        "home_url": site.url("/"), "name": p.name, "region": p.region, "site_type": p.site_type,
        "verdict": "fail" if vetoes or total > 400 else "pass",
        "vetoes": vetoes,
        "deductions": {rule: t / 10 for rule, t in sorted(tenths.items()) if t},
        "total_deduction": total / 10,
        "needs_review": review,
        "purpose": p.purpose,
        "facts": facts,
    }


def _links(site: Site) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    """Distinct broken targets with the pages linking them, and the soft 404s for review."""
    p = site.p
    nav_home = p.home_kind == "navigation"
    nav_keys = {c.key for c in site.nav_columns()}
    sources: dict[str, tuple[str, bool]] = {"home": (site.url("/"), True), "about": (site.url("/about.html"), nav_home)}
    for col in p.columns:
        if col.opens != "ok" or col.category == C.ONLINE_SYSTEMS:
            continue
        second = nav_home and col.key in nav_keys
        sources[f"column:{col.key}"] = (site.column_url(col), second)
        for it in col.items:
            sources[f"article:{it.id}"] = (site.url(site.entry_path(col, it)), False)
        for g in col.guides:
            if g.opens:
                sources[f"guide:{g.id}"] = (site.url(site.family.article_path(col, g.id, g.date)), False)
    links: list[tuple[str, str, bool]] = []  # (target, source url, from homepage level)
    review = []
    for spec in p.links:
        if spec.place not in sources:
            raise ValueError(f"site {p.index}: link {spec.kind}/{spec.ref} placed on {spec.place!r}, a page the site does not serve")
        src, level1 = sources[spec.place]
        target = site.url(site.link_target(spec.kind, spec.ref))
        if spec.kind in BROKEN_KINDS:
            links.append((target, src, level1))
        elif spec.kind == "soft404":
            review.append({"rule": "availability.links", "url": target})
    for col in site.nav_columns():
        if col.opens != "ok":  # the menu of every page, the homepage first, links it
            links.append((site.column_url(col), site.url("/"), True))
    for col in p.columns_of(C.GUIDES):
        if col.opens != "ok":
            continue
        pages = site.pages(col)
        for n, chunk in enumerate(pages, start=1):
            for it in chunk:
                g = next(g for g in col.guides if g.id == it.id)
                if not g.opens:
                    second = n == 1 and nav_home and col.key in nav_keys
                    links.append((site.url(site.family.article_path(col, g.id, g.date)),
                                  site.url(site.family.list_path(col, n)), second))
        for g in col.guides:
            if g.opens:
                src = site.url(site.family.article_path(col, g.id, g.date))
                for i, a in enumerate(g.attachments):
                    if a.state == "404":
                        links.append((site.url(site.file_path(g, i)), src, False))
    by_target: dict[str, dict[str, Any]] = {}
    for target, src, level1 in links:
        b = by_target.setdefault(target, {"target": target, "linked_from": [], "tenths": 1})
        if src not in b["linked_from"]:
            b["linked_from"].append(src)
        if level1:
            b["tenths"] = 10
    review = sorted({r["url"]: r for r in review}.values(), key=lambda r: r["url"])
    return sorted(by_target.values(), key=lambda b: b["target"]), review


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def fleet_truth(sites: list[Site], rounds: int) -> dict[str, Any]:
    """truth.json: as_of, rounds and every site's truth, in fleet order."""
    as_of = sites[0].as_of.isoformat() if sites else None
    return {"as_of": as_of, "rounds": rounds, "sites": [compute(s, rounds) for s in sites]}


__all__ = ["compute", "fleet_truth", "within", "LIST_CATEGORIES"]
