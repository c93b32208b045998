"""Changing a registered site, with its history: the one way to do it.

The importer and the portal's edits both come here, so that every change of
a site leaves a ``site_history`` row saying what it was, what it became and
who or what changed it, and a change that changes nothing leaves none.
"""
from __future__ import annotations

from typing import Any, Sequence

from sqlalchemy.orm import Session

from pucha.registry.loader import normalise_url
from pucha.registry.model import FORM_FIELDS, SITE_STATUSES, Column, Site, SiteHistory, utcnow

ColumnRow = tuple[str, str, str]  # category, name, url, in registration order
CHANGEABLE = (*FORM_FIELDS, "status", "site_code")


def add_site(session: Session, values: dict[str, str], columns: list[ColumnRow], source: str) -> Site:
    """Register a new site (``values`` has every FORM_FIELDS key, already checked)."""
    site = Site(home_url=normalise_url(values["homepage"]), status="running", **values)
    session.add(site)
    site.columns = [_column(c, i) for i, c in enumerate(columns)]
    after: dict[str, Any] = {**values, "columns": [_column_dict(c) for c in columns]}
    site.history.append(SiteHistory(source=source, before=None, after=after))
    return site


def add_sites(session: Session, new: Sequence[tuple[dict[str, str], list[ColumnRow]]], source: str,
              batch: int = 2000) -> None:
    """add_site for many sites: the same rows (site, its columns, one history row), written by
    Core executemany in batches.  An ORM object per site and column, flushed through the unit of
    work, was most of the time and memory of a national import (bench/bench_registry.py)."""
    sites, columns, history = Site.__table__, Column.__table__, SiteHistory.__table__
    conn = session.connection()
    for start in range(0, len(new), batch):
        chunk = new[start:start + batch]
        now = utcnow()
        ids = conn.execute(sites.insert().returning(sites.c.id, sort_by_parameter_order=True),
                           [{**values, "home_url": normalise_url(values["homepage"]), "status": "running",
                             "created_at": now, "updated_at": now} for values, _ in chunk]).scalars().all()
        column_rows = [{"site_id": site_id, "category": c, "name": n, "url": u, "position": i}
                       for site_id, (_, rows) in zip(ids, chunk) for i, (c, n, u) in enumerate(rows)]
        if column_rows:
            conn.execute(columns.insert(), column_rows)
        conn.execute(history.insert(), [
            {"site_id": site_id, "at": now, "source": source, "before": None,
             "after": {**values, "columns": [_column_dict(c) for c in rows]}}
            for site_id, (values, rows) in zip(ids, chunk)])


def change_site(session: Session, site: Site, source: str, values: dict[str, Any] | None = None,
                columns: list[ColumnRow] | None = None) -> bool:
    """Apply ``values`` (some of CHANGEABLE) and, when given, replace the
    columns; record what changed.  True when anything did."""
    unknown = set(values or {}) - set(CHANGEABLE)
    if unknown:
        raise ValueError(f"不能这样修改网站的字段：{'、'.join(sorted(unknown))}")
    if values and values.get("status", site.status) not in SITE_STATUSES:
        raise ValueError(f"网站状态应为 {'、'.join(SITE_STATUSES)} 之一，而不是 {values['status']!r}")
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for field, value in (values or {}).items():
        if getattr(site, field) != value:
            before[field], after[field] = getattr(site, field), value
            setattr(site, field, value)
    if "homepage" in after:
        site.home_url = normalise_url(site.homepage)
    old_columns = [(c.category, c.name, c.url) for c in site.columns]
    if columns is not None and old_columns != columns:
        before["columns"] = [_column_dict(c) for c in old_columns]
        after["columns"] = [_column_dict(c) for c in columns]
        site.columns.clear()
        session.flush()  # the old rows go before the new ones take their positions
        site.columns.extend(_column(c, i) for i, c in enumerate(columns))
    if not after:
        return False
    site.updated_at = utcnow()
    site.history.append(SiteHistory(source=source, before=before, after=after))
    return True


def _column(row: ColumnRow, position: int) -> Column:
    category, name, url = row
    return Column(category=category, name=name, url=url, position=position)


def _column_dict(row: ColumnRow) -> dict[str, str]:
    return dict(zip(("category", "name", "url"), row))
