"""The logic of the 2015 rulebook, registered like any plugin would be."""
from __future__ import annotations

from typing import Callable

from ..hooks import hookimpl
from . import availability, interaction, review, service, updates


@hookimpl
def pucha_rule_logic() -> dict[str, Callable]:
    return {
        "probes_veto": availability.probes_veto,
        "probes_deduction": availability.probes_deduction,
        "broken_links": availability.broken_links,
        "homepage_not_updated": updates.homepage_not_updated,
        "homepage_few_updates": updates.homepage_few_updates,
        "stale_columns": updates.stale_columns,
        "stale_column_points": updates.stale_column_points,
        "no_response": interaction.no_response,
        "consultation": interaction.consultation,
        "activities": interaction.activities,
        "guide_elements": service.guide_elements,
        "attachments": service.attachments,
        "online_systems": service.online_systems,
        "confirmed_only": review.confirmed_only,
        "manual": review.manual,
    }
