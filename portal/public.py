"""The public database of registered government websites (全国政府网站基本信息数据库).

Anyone may search it by name, region, 主管单位, URL or 网站标识码.  It shows
the public facts of a site, never its persons' telephones or addresses, and
leaves out sites whose first registration is still under review.
"""
from __future__ import annotations

import unicodedata

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import Session

from portal.models import Registration
from pucha.registry.model import Site

PAGE_SIZE = 50
PUBLIC_FIELDS = ("name", "region", "site_type", "sponsor", "homepage", "icp", "site_code", "status")


def _published():
    pending = exists().where(and_(Registration.site_id == Site.id, Registration.kind == "new",
                                  Registration.state != "approved"))
    return ~pending


def search(session: Session, q: str = "", region: str = "", sponsor: str = "",
           page: int = 1) -> tuple[list[Site], int]:
    """Sites matching every term given (substring, case-insensitive), one page of them."""
    query = select(Site).where(_published())
    for column, term in ((None, q), (Site.region, region), (Site.sponsor, sponsor)):
        # No registered value holds a control character (PostgreSQL refuses even to compare a NUL):
        # they cannot match anything, so they are dropped (schemathesis sent /api/v1/sites?q=%00).
        term = "".join(ch for ch in term if unicodedata.category(ch) != "Cc").strip()[:200]
        if not term:
            continue
        pattern = "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        if column is None:
            query = query.where(or_(*(c.ilike(pattern, escape="\\") for c in
                                      (Site.name, Site.home_url, Site.homepage, Site.site_code, Site.sponsor, Site.region))))
        else:
            query = query.where(column.ilike(pattern, escape="\\"))
    total = len(session.scalars(query.with_only_columns(Site.id)).all())
    page = max(1, page)
    sites = session.scalars(query.order_by(Site.id).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)).all()
    return list(sites), total


def public_site(session: Session, site_id: int) -> Site | None:
    if not 0 < site_id < 2 ** 31:
        return None
    return session.scalar(select(Site).where(Site.id == site_id, _published()))
