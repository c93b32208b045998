"""Per-region results (the portal's result table): one row per region of the newest cards of an as_of.

Both stores answer ``region_table(as_of)`` with these rows: the embedded one
builds them from its cards here, ClickHouse aggregates in SQL and fills the
same dataclass, so the portal reads either without knowing which.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable


@dataclass
class RegionRow:
    region: str
    sites: int = 0
    passed: int = 0
    failed: int = 0
    deduction_tenths: int = 0  # summed over the region's sites
    vetoes: dict[str, int] = field(default_factory=dict)  # rule id -> sites vetoed by it

    @property
    def average_deduction(self) -> float:
        """Average deduction in points, one decimal (附件2 keeps points to tenths)."""
        return round(self.deduction_tenths / self.sites / 10, 1) if self.sites else 0.0

    def to_dict(self) -> dict:
        return {"region": self.region, "sites": self.sites, "passed": self.passed, "failed": self.failed,
                "average_deduction": self.average_deduction, "vetoes": dict(sorted(self.vetoes.items()))}


def region_rows(cards: Iterable[dict]) -> list[RegionRow]:
    """Rows sorted by region, from scorecard records (scorers.scorecard.to_record)."""
    rows: dict[str, RegionRow] = {}
    for card in cards:
        row = rows.get(card["region"])
        if row is None:
            row = rows[card["region"]] = RegionRow(card["region"])
        row.sites += 1
        if card["verdict"] == "pass":
            row.passed += 1
        else:
            row.failed += 1
        row.deduction_tenths += card["total_tenths"]
        for rule in {v["rule"] for v in card["vetoes"]}:
            row.vetoes[rule] = row.vetoes.get(rule, 0) + 1
    return [rows[r] for r in sorted(rows)]
