"""Template families: how a TRS, Hanweb, old table-layout or modern div-based site renders.

``FAMILIES`` maps the profile's ``family`` to its renderer."""
from __future__ import annotations

from pucha.fleet.templates.base import Family
from pucha.fleet.templates.hanweb import Hanweb
from pucha.fleet.templates.modern import Modern
from pucha.fleet.templates.table import Table
from pucha.fleet.templates.trs import Trs

FAMILIES: dict[str, Family] = {"trs": Trs(), "hanweb": Hanweb(), "table": Table(), "modern": Modern()}
