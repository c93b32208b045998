"""docs/SPEC.md names every rule id, event kind and subcommand, and README's layout matches the tree."""
from __future__ import annotations

import argparse
import re
from pathlib import Path

from census.cli import build_parser
from pucha.events import KINDS
from pucha.rulebook import RULEBOOK_DIR, load_rulebook

ROOT = Path(__file__).resolve().parents[2]
SPEC = (ROOT / "docs" / "SPEC.md").read_text(encoding="utf-8")


def _subcommands(parser: argparse.ArgumentParser, prefix: str = "pucha") -> list[str]:
    out = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                out.append(f"{prefix} {name}")
                out += _subcommands(sub, f"{prefix} {name}")
    return out


def test_every_rule_id_of_every_rulebook_is_in_the_spec():
    ids = {r.id for path in RULEBOOK_DIR.glob("*.toml") for r in load_rulebook(path.stem).rules}
    assert ids, "no rulebook found"
    assert not {i for i in ids if f"`{i}`" not in SPEC}, "rule ids missing from docs/SPEC.md"


def test_every_event_kind_is_in_the_spec():
    assert not {k for k in KINDS if f"`{k}`" not in SPEC}, "event kinds missing from docs/SPEC.md"


def test_every_subcommand_is_in_the_spec():
    commands = _subcommands(build_parser())
    assert "pucha portal" in commands and "pucha registry import" in commands
    # a subcommand's words, in order, inside one `...` span: `pucha review confirm|reject ...` names both
    spans = [s.replace("\\|", "|") for s in re.findall(r"`(pucha [^`]+)`", SPEC)]

    def named(cmd: str) -> bool:
        words = cmd.split()
        return any(s.split()[:len(words) - 1] == words[:-1]
                   and words[-1] in s.split()[len(words) - 1].split("|") for s in spans if len(s.split()) >= len(words))
    assert not [c for c in commands if not named(c)], "subcommands missing from docs/SPEC.md"


def test_code_cites_the_spec_not_a_contract_outside_the_repository():
    cited = [str(p.relative_to(ROOT)) for d in ("pucha", "crawler", "scorers", "ingest", "census", "portal")
             for p in (ROOT / d).rglob("*.py") if "CONTRACT §" in p.read_text(encoding="utf-8")]
    assert not cited, f"cite docs/SPEC.md (SPEC §N) instead: {cited}"


def test_the_readme_layout_names_every_top_level_package():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    layout = readme.split("## Layout", 1)[1].split("\n## ", 1)[0]
    packages = sorted(p.parent.name for p in ROOT.glob("*/__init__.py")) + ["fleet"]
    assert not [p for p in packages if f"`{p}/`" not in layout], "README's Layout section misses packages"
