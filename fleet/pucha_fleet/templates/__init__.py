"""Template families: how a TRS, Hanweb, old table-layout or modern div-based site renders.

``FAMILIES`` maps the profile's ``family`` to its renderer."""
from __future__ import annotations

from pucha_fleet.templates.base import Family
from pucha_fleet.templates.hanweb import Hanweb
from pucha_fleet.templates.modern import Modern
from pucha_fleet.templates.table import Table
from pucha_fleet.templates.trs import Trs

FAMILIES: dict[str, Family] = {"trs": Trs(), "hanweb": Hanweb(), "table": Table(), "modern": Modern()}
