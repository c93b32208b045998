"""信息更新情况 and the update vetoes: the homepage and the registered columns."""
from __future__ import annotations

from ..facts import ColumnView, SiteFacts
from pucha.rulebook import Rule, Rulebook
from ..scorecard import Finding, tenths
from ..windows import parse, within
from .review import unread


def _homepage_evidence(facts: SiteFacts, window: str) -> dict:
    items = facts.update_items
    recent = [i for i in items if within(i.date, facts.as_of, window)]
    dates = [i.date for i in items if parse(i.date)]
    ev = {"url": facts.home, "navigation_homepage": facts.is_navigation_home,
          "items": len(items), "dated_items": len(dates), "recent_items": len(recent),
          "newest_date": max(dates) if dates else None}
    if facts.is_navigation_home:
        ev["second_level_pages"] = facts.second_level_pages[:20]
    return ev


def _recent_count(facts: SiteFacts, window: str) -> int:
    return sum(1 for i in facts.update_items if within(i.date, facts.as_of, window))


def _home_unread(facts: SiteFacts, rule: Rule, **extra) -> Finding | None:
    """The homepage was a firewall's page: what it would decide goes to a person."""
    ev = facts.home_unread
    if ev is None:
        return None
    return Finding(rule.id, needs_review=[unread(facts, rule.id, facts.home, ev["scan_status"],
                                                 status=ev["status"], **extra)])


def homepage_not_updated(facts: SiteFacts, rule: Rule, book: Rulebook) -> Finding | None:
    if facts.home_unread:
        return _home_unread(facts, rule)
    if _recent_count(facts, rule.params["window"]) == 0:
        return Finding(rule.id, veto=True, evidence=[_homepage_evidence(facts, rule.params["window"])])
    return None


def homepage_few_updates(facts: SiteFacts, rule: Rule, book: Rulebook) -> Finding | None:
    if facts.home_unread:
        return _home_unread(facts, rule, points=rule.params["points"])
    n = _recent_count(facts, rule.params["window"])
    if 1 <= n < rule.params["below"]:
        return Finding(rule.id, tenths=tenths(rule.params["points"]),
                       evidence=[_homepage_evidence(facts, rule.params["window"])])
    return None


def _stale(facts: SiteFacts, view: ColumnView, window: str) -> bool:
    return view.count_within(facts.as_of, window) == 0


def _readable(views: list[ColumnView]) -> list[ColumnView]:
    return [v for v in views if not v.unread]


def _unread_columns(facts: SiteFacts, rule: Rule, views: list[ColumnView], **extra) -> list[dict]:
    return [unread(facts, rule.id, v.column.url, v.error, status=v.status, column=v.column.name,
                   category=v.column.category, **extra) for v in views if v.unread]


def stale_columns(facts: SiteFacts, rule: Rule, book: Rulebook) -> Finding | None:
    p = rule.params
    ev: list[dict] = []
    stale = [v for v in _readable(facts.columns_of(*p["news"])) if _stale(facts, v, p["news_window"])]
    stale += [v for v in _readable(facts.columns_of(*p["notices"])) if _stale(facts, v, p["notices_window"])]
    if len(stale) >= p["stale_count"]:
        ev.append({"test": "a", "count": len(stale), "urls": [v.column.url for v in stale],
                   "columns": [v.evidence() for v in stale]})
    every = facts.columns_of(*set(p["news"]) | set(p["notices"]) | set(book.extra["list_categories"]))
    review = _unread_columns(facts, rule, sorted(every, key=lambda v: v.column.url))
    lists = _readable(facts.columns_of(*book.extra["list_categories"]))
    old = [v for v in lists if _stale(facts, v, p["long_window"])]
    if len(old) >= p["long_count"]:
        ev.append({"test": "b", "count": len(old), "urls": [v.column.url for v in old],
                   "columns": [v.evidence() for v in old]})
    empty = [v for v in lists if v.empty]
    if len(empty) >= p["empty_count"]:
        ev.append({"test": "c", "count": len(empty), "urls": [v.column.url for v in empty],
                   "columns": [v.evidence() for v in empty]})
    if ev:
        return Finding(rule.id, veto=True, evidence=ev, needs_review=review)
    return Finding(rule.id, needs_review=review) if review else None


def stale_column_points(facts: SiteFacts, rule: Rule, book: Rulebook) -> Finding:
    f = Finding(rule.id)
    for group in rule.params["groups"]:
        views = facts.columns_of(*group["categories"])
        f.needs_review += _unread_columns(facts, rule, views, points=group["points"])
        for v in _readable(views):
            if _stale(facts, v, group["window"]):
                f.tenths += tenths(group["points"])
                f.evidence.append({**v.evidence(), "window": group["window"], "points": group["points"]})
    return f
