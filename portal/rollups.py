"""Results rolled up the units' own tree (the accounts' hierarchy), not the
free-text 部门/地区 of the registry: 全国 → 省 / 国务院部门 → 市 → 县, the
vertical systems (branch) under their department, 填报单位 at the leaves.

A site counts in its owner unit and in every unit above it, so a 填报单位
whose sites lie in two regions sees both, and a province's line is the sum
of its cities, counties and own reporting units.  ``unit_rollup`` is the
one function the portal page, its Excel workbook and /api/v1 all read, so
the three give the same numbers.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import SiteOwner, Unit
from portal.models.accounts import KIND_NAMES
from portal.results import reported
from pucha.registry.model import Site

UNOWNED = "（未指定单位的网站）"  # imported by the command line, the national office's


@dataclass
class Rollup:
    unit_id: int | None
    name: str
    kind: str
    depth: int  # 0 for the unit the table is rooted at
    parent_id: int | None
    sites: int = 0
    passed: int = 0
    failed: int = 0
    deduction_tenths: int = 0
    vetoes: dict[str, int] = field(default_factory=dict)  # rule id -> sites vetoed by it

    @property
    def kind_name(self) -> str:
        return KIND_NAMES.get(self.kind, "")

    @property
    def pass_rate(self) -> float | None:
        """Percent of the unit's sites that passed, one decimal; None without sites."""
        return round(100 * self.passed / self.sites, 1) if self.sites else None

    @property
    def mean_deduction(self) -> float:
        """Mean deduction in points, one decimal (附件2 keeps points to tenths)."""
        return round(self.deduction_tenths / self.sites / 10, 1) if self.sites else 0.0

    def count(self, card: dict) -> None:
        self.sites += 1
        if card["verdict"] == "pass":
            self.passed += 1
        else:
            self.failed += 1
        self.deduction_tenths += round(card["total_deduction"] * 10)
        for rule in {v["rule"] for v in card["vetoes"]}:
            self.vetoes[rule] = self.vetoes.get(rule, 0) + 1

    def to_dict(self) -> dict[str, Any]:
        return {"unit_id": self.unit_id, "name": self.name, "kind": self.kind, "kind_name": self.kind_name,
                "depth": self.depth, "parent_id": self.parent_id, "sites": self.sites, "passed": self.passed,
                "failed": self.failed, "pass_rate": self.pass_rate, "mean_deduction": self.mean_deduction,
                "vetoes": dict(sorted(self.vetoes.items()))}


@dataclass
class RollupTable:
    root: Rollup
    rows: list[Rollup]  # the tree in reading order (depth first), the root first
    cards: list[dict]  # the reported cards below the root
    owner_of: dict[str, int | None]  # home_url -> owner unit id
    site_ids: dict[str, int]

    def children(self, unit_id: int | None) -> list[Rollup]:
        return [r for r in self.rows if r.parent_id == unit_id and r is not self.root]

    def row(self, unit_id: int | None) -> Rollup | None:
        return next((r for r in self.rows if r.unit_id == unit_id), None)

    @property
    def rules(self) -> list[str]:
        return sorted({rule for r in self.rows for rule in r.vetoes})


def _order(units: list[Unit], root: Unit) -> list[Unit]:
    """Depth first, siblings by kind (as KIND_NAMES lists them), code, then name."""
    kinds = list(KIND_NAMES)
    below: dict[int | None, list[Unit]] = {}
    for u in units:
        below.setdefault(u.parent_id, []).append(u)
    out: list[Unit] = []

    def walk(u: Unit) -> None:
        out.append(u)
        for child in sorted(below.get(u.id, []), key=lambda c: (kinds.index(c.kind), c.code or "", c.name)):
            walk(child)

    walk(root)
    return out


def unit_rollup(store, session: Session, root: Unit, db_url: str, as_of: str, rulebook: str) -> RollupTable:
    """Every unit at and below ``root`` with its sites' results of ``as_of`` (decisions applied)."""
    units = _order(list(session.scalars(select(Unit).where(Unit.path.startswith(root.path)))), root)
    rows = {u.id: Rollup(u.id, u.name, u.kind, u.path.count("/") - root.path.count("/"),
                         u.parent_id if u.id != root.id else None) for u in units}
    owned = session.execute(select(Site.home_url, Site.id, SiteOwner.unit_id)
                            .join(SiteOwner, SiteOwner.site_id == Site.id)
                            .join(Unit, Unit.id == SiteOwner.unit_id)
                            .where(Unit.path.startswith(root.path))).all()
    owner_of: dict[str, int | None] = {home: unit for home, _, unit in owned}
    site_ids = {home: sid for home, sid, _ in owned}
    national = root.kind == "national"
    if national:
        records = store.scorecards(as_of)
        for home, sid in session.execute(select(Site.home_url, Site.id)).all():
            site_ids.setdefault(home, sid)
    else:
        records = [c for c in store.scorecards(as_of) if c["home_url"] in owner_of]
    cards = reported(records, as_of, db_url, rulebook)
    paths = {u.id: [int(p) for p in u.path.strip("/").split("/")] for u in units}
    unowned = Rollup(None, UNOWNED, "", 1, root.id)
    for card in cards:
        unit = owner_of.get(card["home_url"])
        if unit is None:
            owner_of[card["home_url"]] = None
            unowned.count(card)
            rows[root.id].count(card)
            continue
        for ancestor in paths[unit]:
            if ancestor in rows:
                rows[ancestor].count(card)
    ordered = [rows[u.id] for u in units]
    if unowned.sites:
        ordered.insert(1, unowned)
    return RollupTable(rows[root.id], ordered, cards, owner_of, site_ids)


def cards_below(table: RollupTable, session: Session, unit: Unit | None) -> list[dict]:
    """The cards of the sites at or below ``unit`` (None: the unowned sites), failed first."""
    if unit is None:
        chosen = [c for c in table.cards if table.owner_of.get(c["home_url"]) is None]
    else:
        inside = set(session.scalars(select(Unit.id).where(Unit.path.startswith(unit.path))))
        chosen = [c for c in table.cards if table.owner_of.get(c["home_url"]) in inside]
    return sorted(chosen, key=lambda c: (c["verdict"] == "pass", -c["total_deduction"], c["home_url"]))
