"""Plugin hooks (pluggy): how rule logic is registered.

A rulebook names each rule's logic; implementations of ``pucha_rule_logic``
return {logic name: function}.  The 2015 logic registers itself the same
way a plugin would, so a 2019 rulebook is a TOML file plus one more plugin.

A logic function is ``fn(facts: SiteFacts, rule: Rule, book: Rulebook) -> Finding | None``.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Callable

import pluggy

hookspec = pluggy.HookspecMarker("pucha")
hookimpl = pluggy.HookimplMarker("pucha")


class Specs:
    @hookspec
    def pucha_rule_logic(self) -> dict[str, Callable]:
        """Return rule logic functions by the name rulebooks use."""


BUILTINS = ("scorers.rules_2015",)


@lru_cache(maxsize=1)
def plugin_manager() -> pluggy.PluginManager:
    pm = pluggy.PluginManager("pucha")
    pm.add_hookspecs(Specs)
    import importlib

    for mod in BUILTINS:
        pm.register(importlib.import_module(mod))
    pm.load_setuptools_entrypoints("pucha")
    return pm


@lru_cache(maxsize=1)
def rule_logic() -> dict[str, Callable]:
    out: dict[str, Callable] = {}
    for table in plugin_manager().hook.pucha_rule_logic():
        out.update(table)
    return out
