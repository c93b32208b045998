"""Sites with owners and codes in the registry, and sweeps of them in the
real result store (embedded or ClickHouse): what part 2's tests read.

Scorecards are written in the stores' record format (scorers.scorecard.
to_record), with evidence shaped as the 2015 rules write it, and the
homepage's Page and Probe events beside them, so the portal reads them
exactly as it reads a sweep's.
"""
from __future__ import annotations

import re
import time

from portal import codes
from portal.models import SiteOwner, Unit
from pucha.db import session_scope
from pucha.events import Page, Probe, SiteDone
from pucha.registry.changes import add_site
from pucha.store.base import SweepInfo

AS_OF = "2026-11-20"
SERIOUS = "c0ffee0000000001"


def site_values(name: str, home: str, region: str) -> dict[str, str]:
    return {"region": region, "name": name, "site_type": "部门网站", "icp": "京ICP备05060933号", "homepage": home,
            "sponsor": name[:-2], "address": "北京市", "leader_name": "张三", "leader_title": "主任",
            "leader_phone": "010-66001234", "leader_mobile": "13800138000", "leader_email": "lead@example.gov.cn",
            "contact_name": "李四", "contact_phone": "010-66005678", "contact_mobile": "无",
            "contact_email": "contact@example.gov.cn"}


def add_owned_site(db_url: str, owner_unit: int, name: str, home: str, region: str) -> tuple[int, str, str]:
    """A registered site of ``owner_unit`` with its 标识码; returns (site id, 标识码, 校验码)."""
    with session_scope(db_url) as s:
        site = add_site(s, site_values(name, home, region), [], "测试")
        s.flush()
        s.add(SiteOwner(site_id=site.id, unit_id=owner_unit))
        s.flush()
        mail = codes.issue(s, site, s.get(Unit, owner_unit), "测试")
        check = re.search(r"校验码：(\w+)", mail.body).group(1)
        return site.id, site.site_code, check


def card(home: str, name: str, region: str, sweep: str, *, veto: bool = False, tenths: int = 13,
         candidate: bool = True, as_of: str = AS_OF, site_code: str | None = None) -> dict:
    vetoes = []
    if veto:
        vetoes.append({"rule": "veto.stale_columns", "veto": True, "tenths": 0, "evidence": [
            {"test": "a", "count": 5, "urls": [f"{home}gzdt/"], "columns": [
                {"url": f"{home}gzdt/", "column": "工作动态", "category": "工作动态", "newest_date": "2026-09-01",
                 "items": 12}]}]})
    deductions = [{"rule": "availability.links", "veto": False, "tenths": tenths, "evidence": [
        {"url": f"{home}broken-{i}.html", "status": 404, "error": None, "linked_from": [home], "points": 0.1}
        for i in range(max(tenths // 10, 1))]}]
    needs = [{"id": SERIOUS, "rule": "veto.serious_error", "what": "misspelt_name", "url": f"{home}news/1.html",
              "term": "国务院办工厅", "suggestion": "国务院办公厅"}] if candidate else []
    total = sum(d["tenths"] for d in deductions)
    return {"home_url": home, "name": name, "region": region, "site_code": site_code, "site_type": "部门网站",
            "rulebook": "2015", "as_of": as_of, "sweep": sweep, "verdict": "fail" if veto or total > 400 else "pass",
            "total_tenths": total, "fail_above_tenths": 400, "vetoes": vetoes, "deductions": deductions,
            "needs_review": needs}


def store_sweep(store, cards: list[dict], *, title: str | None = None, final_url: str | None = None,
                failed_probes: int = 0, as_of: str = AS_OF) -> str:
    """A finished sweep holding these cards, each site's homepage page and 20 probes."""
    sweep = f"{as_of}T{time.strftime('%H%M%S')}-{time.time_ns() % 100000:05d}"
    store.begin_sweep(SweepInfo(sweep, as_of, time.time(), sites=len(cards)))
    events = []
    for c in cards:
        home = c["home_url"]
        events.append(Page(sweep, home, url=home, ok=True, status=200, final_url=final_url or home, role="home",
                           title=title if title is not None else c["name"], at=time.time()))
        for k in range(20):
            events.append(Probe(sweep, home, slot=str(k), url=home, ok=k >= failed_probes,
                                status=200 if k >= failed_probes else None,
                                error=None if k >= failed_probes else "timeout",
                                elapsed_ms=120 + 10 * k, at=time.time() + k))
        events.append(SiteDone(sweep, home, at=time.time()))
    store.write_events(events)
    store.write_scorecards(sweep, [{**c, "sweep": sweep} for c in cards])
    store.finish_sweep(sweep)
    time.sleep(0.01)  # sweeps order by start time
    return sweep
