"""Registry drift: a sweep finds a homepage that redirects to another host,
or that answers with another site's name (the 2016 spot-check found sites
that had moved without telling the registry).  The unit in charge sees a
notice asking it to correct the registration (a change filing), which
resolves the notice once approved and the next sweep agrees.

Each (site, sweep) is checked once and the outcome kept, a clean one too,
so the lists read a table rather than the events.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import DriftNotice, SiteOwner, Unit
from pucha.registry.model import Site, utcnow

KIND_NAMES = {"host": "首页跳转到其他域名", "title": "首页标题与登记的网站名称不符"}


def _host(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def homepage_drift(site: Site, page) -> tuple[str, str, str] | None:
    """(kind, registered, observed) when the homepage page event disagrees with the registry."""
    if not page.ok:
        return None  # an unreachable homepage is the probes' finding, not a move
    final = page.final_url or page.url
    if _host(final) and _host(final) != _host(site.home_url):
        return "host", site.home_url, final
    title = " ".join((page.title or "").split())
    if title and _name_core(site.name) not in title.replace(" ", ""):
        return "title", site.name, title[:1000]
    return None


def _name_core(name: str) -> str:
    # "西城区教育委员会网站" is titled "西城区教育委员会" as often as not.
    name = name.replace(" ", "")
    for suffix in ("门户网站", "政府网站", "网站", "官网"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def check_site(session: Session, store, site: Site, card: dict | None) -> DriftNotice | None:
    """The site's drift notice for the sweep of its card (checked once per sweep), unresolved ones only."""
    if card is None:
        return None
    sweep = card["sweep"]
    row = session.scalar(select(DriftNotice).where(DriftNotice.site_id == site.id, DriftNotice.sweep == sweep))
    if row is None:
        found = None
        for event in store.events(sweep, site.home_url):
            if event.kind == "page" and event.role == "home":
                found = homepage_drift(site, event)
                break
        kind, registered, observed = found or ("", "", "")
        row = DriftNotice(site_id=site.id, sweep=sweep, kind=kind, registered=registered, observed=observed)
        session.add(row)
        # A newer sweep that agrees with the registry settles the older notices.
        if not kind:
            for old in session.scalars(select(DriftNotice).where(DriftNotice.site_id == site.id,
                                                                 DriftNotice.resolved_at.is_(None),
                                                                 DriftNotice.kind != "")):
                old.resolved_at = utcnow()
        session.flush()
    return row if row.kind and row.resolved_at is None else None


def open_notices(session: Session, unit: Unit) -> list[tuple[DriftNotice, Site]]:
    """Unresolved notices of the sites of ``unit`` and the units below it."""
    q = (select(DriftNotice, Site).join(Site, Site.id == DriftNotice.site_id)
         .join(SiteOwner, SiteOwner.site_id == Site.id).join(Unit, Unit.id == SiteOwner.unit_id)
         .where(Unit.path.startswith(unit.path), DriftNotice.kind != "", DriftNotice.resolved_at.is_(None))
         .order_by(DriftNotice.id))
    return [tuple(r) for r in session.execute(q).all()]


def scan(session: Session, store, unit: Unit, cards: dict[str, dict]) -> int:
    """Check the newest card of each site of ``unit`` (home_url -> card); returns notices open."""
    q = (select(Site).join(SiteOwner, SiteOwner.site_id == Site.id).join(Unit, Unit.id == SiteOwner.unit_id)
         .where(Unit.path.startswith(unit.path)))
    return sum(check_site(session, store, site, cards.get(site.home_url)) is not None for site in session.scalars(q))
