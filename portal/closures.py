"""Closed and merged sites, probed until they are really gone.

The 2016 spot check found sites reported closed that were still online.  A
closed (关停) or merged (整合) site's homepage is probed on each run; one that
still answers with a 2xx page is flagged to its unit; after GONE_AFTER
failed probes in a row it counts as gone and is no longer probed.
"""
from __future__ import annotations

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import ClosureCheck, SiteOwner, Unit
from pucha.registry.model import Site

GONE_AFTER = 3


def _gone(session: Session, site: Site) -> bool:
    last = session.scalars(select(ClosureCheck.answered).where(ClosureCheck.site_id == site.id)
                           .order_by(ClosureCheck.id.desc()).limit(GONE_AFTER)).all()
    return len(last) == GONE_AFTER and not any(last)


def probe_closed(session: Session, unit: Unit | None = None, timeout: float = 15.0,
                 user_agent: str = "pucha") -> list[ClosureCheck]:
    """Probe each closed or merged site (of ``unit`` and below, or all) not yet gone."""
    query = select(Site).where(Site.status.in_(("closed", "merged"))).order_by(Site.id)
    if unit is not None:
        query = (query.join(SiteOwner, SiteOwner.site_id == Site.id).join(Unit, Unit.id == SiteOwner.unit_id)
                 .where(Unit.path.startswith(unit.path)))
    checks = []
    with httpx.Client(timeout=timeout, follow_redirects=True, max_redirects=5,
                      headers={"User-Agent": user_agent.encode("utf-8")}) as client:
        # The census User-Agent names itself in Chinese: sent as UTF-8, not ASCII.
        for site in session.scalars(query).all():
            if _gone(session, site):
                continue
            try:
                response = client.get(site.home_url)
                answered = 200 <= response.status_code < 300
                detail = f"HTTP {response.status_code}"
            except httpx.HTTPError as exc:
                answered, detail = False, f"{type(exc).__name__}: {exc}"[:300]
            check = ClosureCheck(site_id=site.id, answered=answered, detail=detail)
            session.add(check)
            checks.append(check)
    session.flush()
    return checks


def still_online(session: Session, unit: Unit) -> list[tuple[Site, ClosureCheck]]:
    """Closed or merged sites of ``unit`` and below whose latest probe got an answer."""
    flagged = []
    query = (select(Site).join(SiteOwner, SiteOwner.site_id == Site.id).join(Unit, Unit.id == SiteOwner.unit_id)
             .where(Unit.path.startswith(unit.path), Site.status.in_(("closed", "merged"))).order_by(Site.id))
    for site in session.scalars(query):
        last = session.scalar(select(ClosureCheck).where(ClosureCheck.site_id == site.id)
                              .order_by(ClosureCheck.id.desc()).limit(1))
        if last is not None and last.answered:
            flagged.append((site, last))
    return flagged
