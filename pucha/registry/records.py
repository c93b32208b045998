"""What the rest of pucha reads from the registry: plain frozen records.

The crawler, the scorers and the reports take these, never ORM objects, so
they work the same whether the registry lives in SQLite or PostgreSQL and
can be pickled to worker processes.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ColumnRecord:
    category: str  # one of pucha.categories.CATEGORIES
    name: str
    url: str


@dataclass(frozen=True, slots=True)
class SiteRecord:
    home_url: str  # normalised; the site's key everywhere in pucha
    name: str
    region: str  # 部门/地区
    site_type: str  # 门户网站 | 部门网站 | 其他
    sponsor: str = ""  # 网站主管单位
    site_code: str | None = None  # 网站标识码, once issued
    status: str = "running"  # running | rectifying | closed | merged
    columns: tuple[ColumnRecord, ...] = ()

    def columns_of(self, category: str) -> tuple[ColumnRecord, ...]:
        return tuple(c for c in self.columns if c.category == category)

    @property
    def is_portal(self) -> bool:
        return self.site_type == "门户网站"
