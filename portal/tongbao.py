"""The 通报: the census's closing report, generated from the results.

National and per-region figures (sites registered, closed, inspected,
passed, failed by veto and by points), the most frequent problems with
examples, and the units that were late or whose data were wrong.  A region
is a unit directly under the national office (a province or a State
Council department: 各地区、各部门).  An organisation unit below the
national office gets the same document over its own units only.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import campaign as campaigns
from portal import drift, results
from portal.models import Account, Campaign, DriftNotice, Registration, ReviewStep, SiteOwner, Unit
from pucha.registry.model import Site
from pucha.rulebook import load_rulebook

UNOWNED = "（未归属单位的网站）"
EXAMPLES = 3


@dataclass
class Figures:
    name: str
    registered: int = 0
    closed: int = 0
    inspected: int = 0
    passed: int = 0
    failed_veto: int = 0
    failed_points: int = 0

    @property
    def failed(self) -> int:
        return self.failed_veto + self.failed_points

    @property
    def pass_rate(self) -> str:
        return f"{100 * self.passed / self.inspected:.1f}%" if self.inspected else "—"


@dataclass
class Problem:
    rule: str
    title: str
    kind: str  # 单项否决 | 扣分
    sites: int = 0
    examples: list[dict[str, str]] = field(default_factory=list)


def _region_names(session: Session, scope: Unit) -> tuple[dict[int, str], dict[int, str]]:
    """site id -> region name (the unit under ``scope``), and unit id -> that name for every unit."""
    units = session.scalars(select(Unit).where(Unit.path.startswith(scope.path))).all()
    by_id = {u.id: u for u in units}
    region_of_unit: dict[int, str] = {}
    for u in units:
        ids = [int(x) for x in u.path.strip("/").split("/")]
        below = ids[ids.index(scope.id) + 1:] if scope.id in ids else []
        region_of_unit[u.id] = by_id[below[0]].name if below and below[0] in by_id else scope.name
    owners = dict(session.execute(select(SiteOwner.site_id, SiteOwner.unit_id)).all())
    sites = {}
    for site_id, unit_id in owners.items():
        if unit_id in region_of_unit:
            sites[site_id] = region_of_unit[unit_id]
    return sites, region_of_unit


def build(session: Session, store, account: Account, campaign: Campaign, db_url: str, rulebook: str,
          today: dt.date) -> dict[str, Any]:
    scope = session.get(Unit, account.unit_id)
    book = load_rulebook(rulebook)
    site_region, _ = _region_names(session, scope)
    all_sites = session.scalars(select(Site)).all()
    if scope.kind != "national":
        all_sites = [s for s in all_sites if s.id in site_region]
    homes = {s.home_url: s for s in all_sites}
    national = Figures("全国" if scope.kind == "national" else scope.name)
    regions: dict[str, Figures] = {}

    def region(site: Site) -> Figures:
        name = site_region.get(site.id, UNOWNED)
        return regions.setdefault(name, Figures(name))

    for s in all_sites:
        for f in (national, region(s)):
            f.registered += 1
            if s.status in ("closed", "merged"):
                f.closed += 1
    cards = results.visible_cards(store, session, None if scope.kind == "national" else set(homes), db_url,
                                  campaign.as_of, rulebook)
    problems: dict[str, Problem] = {}
    for card in cards:
        site = homes.get(card["home_url"])
        if site is None:
            continue
        for f in (national, region(site)):
            f.inspected += 1
            if card["verdict"] == "pass":
                f.passed += 1
            elif card["vetoes"]:
                f.failed_veto += 1
            else:
                f.failed_points += 1
        seen = [(v["rule"], "单项否决", v["evidence"]) for v in card["vetoes"]]
        seen += [(d["rule"], "扣分", d["evidence"]) for d in card["deductions"] if d["points"]]
        for rule, kind, evidence in seen:
            p = problems.setdefault(rule, Problem(rule, book.titles.get(rule, rule), kind))
            p.sites += 1
            if len(p.examples) < EXAMPLES:
                url = next((e.get("url") or (e.get("urls") or [None])[0] for e in evidence
                            if e.get("url") or e.get("urls")), card["home_url"])
                p.examples.append({"name": card["name"], "home_url": card["home_url"], "url": url,
                                   "region": site_region.get(site.id, UNOWNED)})
    units = session.scalars(select(Unit).where(Unit.path.startswith(scope.path)).order_by(Unit.path)).all()
    late = [d for d in campaigns.duties(session, campaign, units) if d.late(today)]
    return {
        "campaign": campaign, "scope": scope, "today": today, "national": national,
        "regions": [regions[k] for k in sorted(regions, key=lambda n: (n == UNOWNED, n))],
        "problems": sorted(problems.values(), key=lambda p: (-p.sites, p.rule)),
        "late": late, "wrong": wrong_data(session, scope),
    }


def wrong_data(session: Session, scope: Unit) -> list[dict[str, Any]]:
    """Units whose registrations were wrong: homepages that moved or answer with another name, filings returned."""
    out: dict[int, dict[str, Any]] = {}

    def entry(unit: Unit) -> dict[str, Any]:
        return out.setdefault(unit.id, {"unit": unit, "drift": [], "returned": 0})

    for notice, site in drift.open_notices(session, scope):
        owner = session.get(Unit, session.get(SiteOwner, site.id).unit_id)
        entry(owner)["drift"].append(f"{site.name}：{drift.KIND_NAMES[notice.kind]}（{notice.observed}）")
    returned = Counter(r[0] for r in session.execute(
        select(Registration.unit_id).join(ReviewStep, ReviewStep.registration_id == Registration.id)
        .join(Unit, Unit.id == Registration.unit_id)
        .where(ReviewStep.action == "return", Unit.path.startswith(scope.path))))
    for unit_id, n in returned.items():
        entry(session.get(Unit, unit_id))["returned"] = n
    return sorted(out.values(), key=lambda e: e["unit"].path)


def problem_counts(doc: dict[str, Any]) -> dict[str, int]:
    return {p.rule: p.sites for p in doc["problems"]}


def region_rows_for_xlsx(doc: dict[str, Any]) -> list[list[Any]]:
    rows = []
    for f in [*doc["regions"], doc["national"]]:
        rows.append([f.name, f.registered, f.closed, f.inspected, f.passed, f.failed_veto, f.failed_points,
                     f.pass_rate])
    return rows


REGION_HEAD = ["地区/部门", "登记网站", "已关停或整合", "已检查", "合格", "单项否决不合格", "扣分超过40分不合格", "合格率"]


def late_by_unit(doc: dict[str, Any]) -> dict[str, list]:
    grouped: dict[str, list] = defaultdict(list)
    for d in doc["late"]:
        grouped[d.unit.name].append(d)
    return dict(grouped)


def drift_rows(session: Session, scope: Unit) -> list[DriftNotice]:
    return [n for n, _ in drift.open_notices(session, scope)]
