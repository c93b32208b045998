"""Trends: per site and per region, availability and homepage updates by day.

One ``monitor_daily`` row per site and day is written when the day closes
(daily.py); the per-region series are sums over those rows, so the portal's
charts and ``pucha report --trends`` read small tables, never the probes.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Iterable

from sqlalchemy import Engine, and_, case, delete, func, select

from pucha.registry.records import SiteRecord
from pucha.errors import UserError

from .clock import day_of
from .lies import first_seen
from .monitor_db import daily
from .scoring import MonitoredEvents


def trend_row(site: SiteRecord, day: date, mon: MonitoredEvents, verdict: str | None) -> dict[str, Any]:
    """The day's row of one site, from its monitoring events around that day."""
    todays = [p for p in mon.probes() if day_of(p.at) == day]
    window = mon.probes()
    _, seen = first_seen(mon.snapshots(None))
    items = [(d, it) for d, it in seen.values() if d <= day]
    dates = sorted(it.date[:10] for _, it in items if it.date and it.date[:10] <= day.isoformat())
    return {"site": site.home_url, "day": day.isoformat(), "region": site.region,
            "probes": len(todays), "failed": sum(1 for p in todays if not p.ok),
            "new_items": sum(1 for d, _ in items if d == day),
            "dated_items": sum(1 for d in dates if d == day.isoformat()),
            "newest_date": dates[-1] if dates else None,
            "window_probes": len(window), "window_failed": sum(1 for p in window if not p.ok),
            "verdict": verdict}


def write_rows(engine: Engine, rows: Iterable[dict[str, Any]]) -> None:
    rows = list(rows)
    if not rows:
        return
    with engine.begin() as c:
        for r in rows:  # replace: a day closed again (after a restart) gives the same rows
            c.execute(delete(daily).where(and_(daily.c.site == r["site"], daily.c.day == r["day"])))
        c.execute(daily.insert(), rows)


def _availability(probes: int, failed: int) -> float | None:
    return round(100.0 * (probes - failed) / probes, 2) if probes else None


def site_trends(engine: Engine, site: str, first: date, last: date) -> list[dict[str, Any]]:
    q = (select(daily).where(daily.c.site == site, daily.c.day >= first.isoformat(),
                             daily.c.day <= last.isoformat()).order_by(daily.c.day))
    with engine.connect() as c:
        rows = [dict(r) for r in c.execute(q).mappings()]
    for r in rows:
        r["availability"] = _availability(r["probes"], r["failed"])
    return rows


def region_trends(engine: Engine, first: date, last: date, region: str | None = None) -> list[dict[str, Any]]:
    """Per region and day: sites, probes, failed probes, availability %, new items, failing sites."""
    q = (select(daily.c.region, daily.c.day, func.count().label("sites"), func.sum(daily.c.probes).label("probes"),
                func.sum(daily.c.failed).label("failed"), func.sum(daily.c.new_items).label("new_items"),
                func.sum(daily.c.dated_items).label("dated_items"),
                func.sum(case((daily.c.verdict == "fail", 1), else_=0)).label("failing"))
         .where(daily.c.day >= first.isoformat(), daily.c.day <= last.isoformat())
         .group_by(daily.c.region, daily.c.day).order_by(daily.c.region, daily.c.day))
    if region:
        q = q.where(daily.c.region == region)
    with engine.connect() as c:
        rows = [dict(r) for r in c.execute(q).mappings()]
    for r in rows:
        r["availability"] = _availability(r["probes"], r["failed"])
    return rows


def trends_document(engine: Engine, as_of: date, days: int = 14, region: str | None = None) -> dict[str, Any]:
    """What the portal's charts and ``report --trends --format json`` get: regions, and sites of one region."""
    first = as_of - timedelta(days=days - 1)
    doc: dict[str, Any] = {"as_of": as_of.isoformat(), "first_day": first.isoformat(),
                           "regions": region_trends(engine, first, as_of, region)}
    if region:
        with engine.connect() as c:
            sites = [r[0] for r in c.execute(select(daily.c.site).where(daily.c.region == region).distinct()
                                            .order_by(daily.c.site))]
        doc["sites"] = {s: site_trends(engine, s, first, as_of) for s in sites}
    return doc


def render_trends(doc: dict[str, Any]) -> str:
    """A plain table: one line per region (or site) and day."""
    def pct(v: float | None) -> str:
        return "-" if v is None else f"{v:.1f}%"

    lines = [f"监测趋势 {doc['first_day']} 至 {doc['as_of']}",
             f"{'地区':<12}{'日期':<12}{'网站数':>6}{'探测':>8}{'失败':>6}{'可用率':>9}{'新增信息':>8}{'不合格':>6}"]
    for r in doc["regions"]:
        lines.append(f"{r['region']:<12}{r['day']:<12}{r['sites']:>6}{r['probes']:>8}{r['failed']:>6}"
                     f"{pct(r['availability']):>9}{r['new_items']:>8}{r['failing']:>6}")
    for site, rows in doc.get("sites", {}).items():
        lines.append("")
        lines.append(site)
        for r in rows:
            lines.append(f"  {r['day']:<12}{r['probes']:>8}{r['failed']:>6}{pct(r['availability']):>9}"
                         f"{r['new_items']:>8}  最新信息 {r['newest_date'] or '-'}  {r['verdict'] or ''}")
    if not doc["regions"]:
        lines.append("（没有监测数据：先运行 pucha monitor）")
    return "\n".join(lines) + "\n"


def report_trends(settings, as_of: date, fmt: str = "table", region: str | None = None, days: int = 14) -> str:
    """``pucha report --trends``: the 14 days ending with as_of, as a table or JSON."""
    import json

    from .monitor_db import monitor_engine

    doc = trends_document(monitor_engine(settings.database_url), as_of, days, region)
    if fmt == "json":
        return json.dumps(doc, ensure_ascii=False, indent=2)
    if fmt != "table":

        raise UserError(f"--trends 只支持 --format table 或 json，收到 {fmt}")
    return render_trends(doc)
