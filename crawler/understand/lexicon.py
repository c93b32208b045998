"""Candidates for 严重错误: official names written wrong and words that have no place on a
government site, found in a page's visible text (the list is lexicon.toml beside this file).

Only candidates: a person decides (SPEC §4, M), so the list favours
strings that are wrong wherever they appear over clever guesses.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from lxml.html import HtmlElement

from .dom import body_text

LEXICON = Path(__file__).with_name("lexicon.toml")
CONTEXT = 20


@dataclass(frozen=True)
class TermHit:
    term: str
    what: str  # misspelt_name | banned_word
    context: str
    suggestion: str = ""


@lru_cache(maxsize=1)
def _lexicon() -> tuple[re.Pattern[str], dict[str, tuple[str, str]]]:
    data = tomllib.loads(LEXICON.read_text(encoding="utf-8"))
    table: dict[str, tuple[str, str]] = {w: ("misspelt_name", r) for w, r in data["misspelt"].items() if w != r}
    table.update({w: ("banned_word", "") for w in data["banned"]["words"]})
    # Longest first, so a longer wrong form wins over a shorter one inside it.
    pattern = re.compile("|".join(re.escape(t) for t in sorted(table, key=len, reverse=True)))
    return pattern, table


def text_findings(doc: HtmlElement) -> list[TermHit]:
    """Distinct hits in the page's visible text, with a little context each."""
    pattern, table = _lexicon()
    text = body_text(doc)
    hits: dict[str, TermHit] = {}
    for m in pattern.finditer(text):
        term = m.group(0)
        if term in hits:
            continue
        what, right = table[term]
        ctx = text[max(0, m.start() - CONTEXT):m.end() + CONTEXT].replace("\n", " ").strip()
        hits[term] = TermHit(term, what, ctx, right)
    return list(hits.values())
