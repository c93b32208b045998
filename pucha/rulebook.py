"""Rulebooks as data: pucha/rulebooks/<id>.toml, validated on load.

The rule table is a fact of the core: the scorers apply it (scorers/, by the logic each rule
names), the monitor takes its week and threshold from it, the crawler's guide reader the
names of the guide elements it looks for (``guide_elements``)."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

RULEBOOK_DIR = Path(__file__).with_name("rulebooks")
KINDS = ("veto", "deduction", "manual")


class RulebookError(ValueError):
    pass


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    kind: str  # veto | deduction | manual
    logic: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def is_veto(self) -> bool:
        return self.kind == "veto"


@dataclass(frozen=True)
class Rulebook:
    id: str
    title: str
    fail_above: float
    rules: tuple[Rule, ...]
    extra: dict[str, Any] = field(default_factory=dict)

    def rule(self, rule_id: str) -> Rule:
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise KeyError(f"rulebook {self.id} has no rule {rule_id!r}")

    @property
    def titles(self) -> dict[str, str]:
        return {r.id: r.title for r in self.rules}


@lru_cache(maxsize=8)
def load_rulebook(name: str = "2015", path: str | None = None) -> Rulebook:
    p = Path(path) if path else RULEBOOK_DIR / f"{name}.toml"
    if not p.is_file():
        known = ", ".join(sorted(x.stem for x in RULEBOOK_DIR.glob("*.toml")))
        raise RulebookError(f"no rulebook {name!r} (known: {known})")
    data = tomllib.loads(p.read_text(encoding="utf-8"))
    rules = []
    for i, r in enumerate(data.get("rule", []), 1):
        missing = [k for k in ("id", "title", "kind", "logic") if k not in r]
        if missing:
            raise RulebookError(f"{p}: rule #{i} lacks {', '.join(missing)}")
        if r["kind"] not in KINDS:
            raise RulebookError(f"{p}: rule {r['id']}: kind must be one of {KINDS}")
        rules.append(Rule(r["id"], r["title"], r["kind"], r["logic"], dict(r.get("params", {}))))
    ids = [r.id for r in rules]
    if len(set(ids)) != len(ids):
        raise RulebookError(f"{p}: duplicate rule ids")
    extra = {k: v for k, v in data.items() if k not in ("id", "title", "fail_above", "rule")}
    return Rulebook(str(data["id"]), data["title"], float(data["fail_above"]), tuple(rules), extra)


def guide_elements(book: Rulebook | None = None) -> tuple[str, ...]:
    """The elements a service guide must show (service.guide's ``elements``), in the table's order."""
    book = book or load_rulebook()
    return tuple(book.rule("service.guide").params["elements"])
