"""What the other parts of pucha call: the sites as plain records, and the
one URL normaliser that makes a homepage the same key everywhere.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from pucha.db import ensure_db, session_scope
from pucha.registry.model import Site
from pucha.registry.records import ColumnRecord, SiteRecord

_DEFAULT_PORTS = {"http": 80, "https": 443}


def normalise_url(url: str) -> str:
    """The canonical form of a URL: the registry's key and the crawler's.

    Scheme and host lower-case, the default port dropped, "/" for an empty
    path, the fragment dropped (it never reaches the server); path and query
    are kept as written, since servers may treat their case as meaningful.
    Raises ValueError for what is not an absolute URL with a host.
    """
    text = url.strip()
    parts = urlsplit(text)
    if not parts.scheme or not parts.hostname:
        raise ValueError(f"不是带主机名的完整网址: {url!r}")
    scheme = parts.scheme.lower()
    host = parts.hostname  # already lower-case, without IPv6 brackets
    if ":" in host:
        host = f"[{host}]"
    port = parts.port  # ValueError for a port that is not a number
    netloc = host if port is None or port == _DEFAULT_PORTS.get(scheme) else f"{host}:{port}"
    userinfo = parts.netloc.rpartition("@")[0] if "@" in parts.netloc else ""
    if userinfo:
        netloc = f"{userinfo}@{netloc}"
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))


class UnknownSiteError(LookupError):
    """Sites asked for by homepage that are not in the registry."""


def load_sites(url: str | None = None, homes: list[str] | None = None) -> list[SiteRecord]:
    """The registered sites, in registration order, with their columns in form order.

    ``url`` is the database (default: the configured one).  ``homes`` limits
    the answer to those homepages (any spelling normalise_url accepts), in
    the order given; a homepage that is not registered raises
    UnknownSiteError naming it rather than being silently left out.
    """
    ensure_db(url)
    wanted = [normalise_url(h) for h in homes] if homes is not None else None
    with session_scope(url) as session:
        query = select(Site).options(selectinload(Site.columns)).order_by(Site.id)
        if wanted is not None:
            query = query.where(Site.home_url.in_(wanted))
        sites = {s.home_url: _record(s) for s in session.scalars(query)}
    if wanted is None:
        return list(sites.values())
    missing = [h for h in wanted if h not in sites]
    if missing:
        raise UnknownSiteError(f"未登记的网站：{'、'.join(missing)}")
    return [sites[h] for h in dict.fromkeys(wanted)]


BATCH = 1000  # sites a query: memory stays at one batch of ORM objects, whatever the registry's size


def iter_sites(url: str | None = None, *, exclude_status: tuple[str, ...] = (), homes: set[str] | None = None,
               batch: int = BATCH, on_query: Callable[[], None] | None = None) -> Iterator[SiteRecord]:
    """The registered sites as load_sites gives them, read ``batch`` at a time (keyset by id).

    For `pucha sweep` over a national registry (86,000 sites, 1.5 million columns): load_sites
    holds every ORM object at once.  Each batch is two queries (sites, then their columns) in a
    session of its own, so nothing is held open between batches; ``on_query`` (tests, the
    bench) is called once a batch.  ``homes`` limits it to those homepages (normalised)."""
    ensure_db(url)
    last = 0
    while True:
        with session_scope(url) as session:
            query = select(Site).options(selectinload(Site.columns)).where(Site.id > last)
            if exclude_status:
                query = query.where(Site.status.not_in(exclude_status))
            if homes is not None:  # a few sites (pucha sweep --site): normalised homepages
                query = query.where(Site.home_url.in_(sorted(homes)))
            sites = list(session.scalars(query.order_by(Site.id).limit(batch)))
            if on_query is not None:
                on_query()
            records = [_record(s) for s in sites]
        if not sites:
            return
        last = sites[-1].id
        yield from records
        if len(sites) < batch:
            return


def count_sites(url: str | None = None, *, exclude_status: tuple[str, ...] = ()) -> int:
    ensure_db(url)
    with session_scope(url) as session:
        query = select(func.count()).select_from(Site)
        if exclude_status:
            query = query.where(Site.status.not_in(exclude_status))
        return int(session.scalar(query))


def site_homes(url: str | None = None, *, exclude_status: tuple[str, ...] = ()) -> set[str]:
    """The homepages alone (a resumed sweep's bookkeeping): 86,000 strings, not 86,000 records."""
    ensure_db(url)
    with session_scope(url) as session:
        query = select(Site.home_url)
        if exclude_status:
            query = query.where(Site.status.not_in(exclude_status))
        return set(session.scalars(query))


def _record(site: Site) -> SiteRecord:
    return SiteRecord(
        home_url=site.home_url,
        name=site.name,
        region=site.region,
        site_type=site.site_type,
        sponsor=site.sponsor,
        site_code=site.site_code,
        status=site.status,
        columns=tuple(ColumnRecord(c.category, c.name, c.url) for c in site.columns),
    )
