"""Results as an account may see them: the result store's scorecards with
the reviewers' decisions laid over them (the same code as ``pucha report``).

The store answers per 部门/地区 of the registry (``region`` of a card); who
may see a card is decided by the portal's hierarchy, through the site's
owner.  So the national office reads the store's own aggregate
(``region_table``, SQL in ClickHouse) corrected for the few decided sites,
and every other unit reads the cards of its own sites only.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from fastapi import Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import Account, SiteOwner, Unit
from census.monitor.schedule import is_monitor_sweep
from pucha.registry.model import Site
from census.report import build_report
from pucha.store import open_store
from pucha.store.regions import RegionRow
from scorers.decision_store import load_decisions
from scorers.decisions import DecisionRecord, effective

PAGE_SIZE = 50


def store_of(request: Request):
    """The app's result store, opened once (ClickHouse when configured)."""
    state = request.app.state
    if getattr(state, "result_store", None) is None:
        state.result_store = open_store(state.settings)
    return state.result_store


def census_dates(store) -> list[str]:
    """The 监测时间点 of the census sweeps, newest first (monitor sweeps are not census rounds)."""
    dates = {s.as_of for s in store.sweeps() if not is_monitor_sweep(s.sweep)}
    return sorted(dates, reverse=True)


def visible_homes(session: Session, account: Account) -> set[str] | None:
    """Home URLs of the sites the account may see; None for the national office (all)."""
    if account.unit.kind == "national":
        return None
    rows = session.execute(select(Site.home_url).join(SiteOwner, SiteOwner.site_id == Site.id)
                           .join(Unit, Unit.id == SiteOwner.unit_id)
                           .where(Unit.path.startswith(account.unit.path)))
    return {r[0] for r in rows}


def visible_regions(session: Session, homes: set[str] | None) -> list[str] | None:
    """The registry's 部门/地区 of those sites (the store's region key)."""
    if homes is None:
        return None
    if not homes:
        return []
    rows = session.execute(select(Site.region).where(Site.home_url.in_(homes)).distinct())
    return sorted(r[0] for r in rows)


def _decisions(db_url: str, as_of: str, sites: Iterable[str] | None = None) -> list[DecisionRecord]:
    return effective(load_decisions(db_url, list(sites) if sites is not None else None), as_of)


def reported(records: list[dict], as_of: str, db_url: str, rulebook: str) -> list[dict]:
    """Cards as the report gives them: decisions applied, points in tenths of a point."""
    if not records:
        return []
    decisions = load_decisions(db_url, [r["home_url"] for r in records]) if len(records) < 500 \
        else load_decisions(db_url)
    return build_report(records, as_of, decisions, rulebook)["sites"]


def _add(row: RegionRow, card: dict, sign: int) -> None:
    """Count (sign 1) or uncount (sign -1) one card in a region row."""
    row.sites += sign
    if card["verdict"] == "pass":
        row.passed += sign
    else:
        row.failed += sign
    tenths = card["total_tenths"] if "total_tenths" in card else round(card["total_deduction"] * 10)
    row.deduction_tenths += sign * tenths
    for rule in {v["rule"] for v in card["vetoes"]}:
        row.vetoes[rule] = row.vetoes.get(rule, 0) + sign
        if not row.vetoes[rule]:
            del row.vetoes[rule]


def region_table(store, session: Session, account: Account, db_url: str, as_of: str,
                 rulebook: str) -> list[RegionRow]:
    """Per 部门/地区: sites, passed, failed, vetoes by rule, deductions; decisions applied."""
    homes = visible_homes(session, account)
    if homes is None:
        rows = {r.region: r for r in store.region_table(as_of)}
        decided = {d.site for d in _decisions(db_url, as_of)}
        for home in decided:
            auto = [c for c in store.site_history(home) if c["as_of"] == as_of and c["rulebook"] == rulebook]
            if not auto or auto[-1]["region"] not in rows:
                continue
            row = rows[auto[-1]["region"]]
            _add(row, auto[-1], -1)
            _add(row, reported([auto[-1]], as_of, db_url, rulebook)[0], 1)
        return [rows[r] for r in sorted(rows)]
    table: dict[str, RegionRow] = {}
    for card in visible_cards(store, session, homes, db_url, as_of, rulebook):
        _add(table.setdefault(card["region"], RegionRow(card["region"])), card, 1)
    return [table[r] for r in sorted(table)]


def visible_cards(store, session: Session, homes: set[str] | None, db_url: str, as_of: str, rulebook: str,
                  region: str | None = None) -> list[dict]:
    """The reported cards of the visible sites (of one region when given)."""
    regions = visible_regions(session, homes)
    if region is not None:
        if regions is not None and region not in regions:
            return []
        regions = [region]
    records: list[dict] = []
    for r in (regions if regions is not None else [None]):
        records.extend(c for c in store.scorecards(as_of, r) if homes is None or c["home_url"] in homes)
    return reported(records, as_of, db_url, rulebook)


@dataclass
class SitePage:
    cards: list[dict[str, Any]]
    total: int
    page: int
    pages: int
    site_ids: dict[str, int]


def site_table(store, session: Session, account: Account, db_url: str, as_of: str, rulebook: str,
               region: str, page: int = 1, verdict: str | None = None) -> SitePage:
    """One page of a region's sites (failed first, then by deduction), for the drill-down."""
    homes = visible_homes(session, account)
    regions = visible_regions(session, homes)
    if regions is not None and region not in regions:
        return SitePage([], 0, 1, 1, {})
    records = [c for c in store.scorecards(as_of, region) if homes is None or c["home_url"] in homes]
    if verdict in ("pass", "fail"):
        # The automatic verdict may change with a decision; filter again after applying them.
        decided = {d.site for d in _decisions(db_url, as_of, [c["home_url"] for c in records])}
        records = [c for c in records if c["verdict"] == verdict or c["home_url"] in decided]
    records.sort(key=lambda c: (c["verdict"] == "pass", -c["total_tenths"], c["home_url"]))
    pages = max(1, -(-len(records) // PAGE_SIZE))
    page = min(max(page, 1), pages)
    # Decisions only move a card within its page's neighbourhood; applying them to the page is exact
    # for what is shown, and keeps a 100,000-site region one page of work.
    cards = reported(records[(page - 1) * PAGE_SIZE: page * PAGE_SIZE], as_of, db_url, rulebook)
    if verdict in ("pass", "fail"):
        cards = [c for c in cards if c["verdict"] == verdict]
    cards.sort(key=lambda c: (c["verdict"] == "pass", -c["total_deduction"], c["home_url"]))
    ids = dict(session.execute(select(Site.home_url, Site.id).where(Site.home_url.in_([c["home_url"] for c in cards]))).all())
    return SitePage(cards, len(records), page, pages, ids)


def site_card(store, db_url: str, home_url: str, as_of: str, rulebook: str) -> tuple[dict | None, list[dict]]:
    """The site's reported card for as_of (newest sweep) and its history of automatic cards."""
    history = [c for c in store.site_history(home_url) if c["rulebook"] == rulebook]
    current = [c for c in history if c["as_of"] == as_of]
    card = reported([current[-1]], as_of, db_url, rulebook)[0] if current else None
    return card, history
