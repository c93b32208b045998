"""Findings and scorecards (SPEC §3).  Points are kept in tenths, as integers,
so 40.0 and 40.1 never blur through float sums."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Finding:
    rule: str
    veto: bool = False
    tenths: int = 0  # deduction points x 10
    evidence: list[dict[str, Any]] = field(default_factory=list)
    needs_review: list[dict[str, Any]] = field(default_factory=list)

    @property
    def points(self) -> float:
        return round(self.tenths / 10, 1)


def tenths(points: float) -> int:
    return int(round(points * 10))


@dataclass
class Scorecard:
    home_url: str
    name: str
    region: str
    site_code: str | None
    site_type: str
    rulebook: str
    as_of: str
    sweep: str
    vetoes: list[Finding] = field(default_factory=list)
    deductions: list[Finding] = field(default_factory=list)
    needs_review: list[dict[str, Any]] = field(default_factory=list)
    fail_above_tenths: int = 400

    @property
    def total_tenths(self) -> int:
        return sum(f.tenths for f in self.deductions)

    @property
    def total_deduction(self) -> float:
        return round(self.total_tenths / 10, 1)

    @property
    def verdict(self) -> str:
        return "fail" if self.vetoes or self.total_tenths > self.fail_above_tenths else "pass"

    def points_of(self, rule: str) -> float:
        return round(sum(f.tenths for f in self.deductions if f.rule == rule) / 10, 1)

    def to_dict(self) -> dict[str, Any]:
        return {
            "home_url": self.home_url, "name": self.name, "region": self.region,
            "site_code": self.site_code, "site_type": self.site_type, "sweep": self.sweep,
            "verdict": self.verdict,
            "vetoes": [{"rule": f.rule, "evidence": f.evidence} for f in self.vetoes],
            "deductions": [{"rule": f.rule, "points": f.points, "evidence": f.evidence}
                           for f in self.deductions if f.tenths],
            "total_deduction": self.total_deduction,
            "needs_review": self.needs_review,
        }


def to_record(card: Scorecard) -> dict[str, Any]:
    """What the stores keep: the scan's own findings in tenths, before any reviewer decision."""
    def f(x: Finding) -> dict[str, Any]:
        return {"rule": x.rule, "veto": x.veto, "tenths": x.tenths, "evidence": x.evidence}

    return {"home_url": card.home_url, "name": card.name, "region": card.region,
            "site_code": card.site_code, "site_type": card.site_type, "rulebook": card.rulebook,
            "as_of": card.as_of, "sweep": card.sweep, "verdict": card.verdict,
            "total_tenths": card.total_tenths, "fail_above_tenths": card.fail_above_tenths,
            "vetoes": [f(x) for x in card.vetoes], "deductions": [f(x) for x in card.deductions],
            "needs_review": card.needs_review}


def from_record(rec: dict[str, Any]) -> Scorecard:
    def f(x: dict[str, Any]) -> Finding:
        return Finding(x["rule"], veto=x["veto"], tenths=x["tenths"], evidence=list(x["evidence"]))

    return Scorecard(home_url=rec["home_url"], name=rec["name"], region=rec["region"],
                     site_code=rec["site_code"], site_type=rec["site_type"], rulebook=rec["rulebook"],
                     as_of=rec["as_of"], sweep=rec["sweep"],
                     vetoes=[f(x) for x in rec["vetoes"]], deductions=[f(x) for x in rec["deductions"]],
                     needs_review=[dict(c) for c in rec["needs_review"]],
                     fail_above_tenths=rec.get("fail_above_tenths", 400))
