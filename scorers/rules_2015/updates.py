"""信息更新情况 and the update vetoes: the homepage and the registered columns."""
from __future__ import annotations

from ..facts import ColumnView, SiteFacts
from pucha.rulebook import Rule, Rulebook
from ..scorecard import Finding, tenths
from ..windows import parse, within
from .review import undated_unread, unread


def _homepage_evidence(facts: SiteFacts, window: str) -> dict:
    items = facts.update_items
    recent = [i for i in items if within(i.date, facts.as_of, window)]
    dates = [i.date for i in items if parse(i.date)]
    ev = {"url": facts.home, "navigation_homepage": facts.is_navigation_home,
          "items": len(items), "dated_items": len(dates), "recent_items": len(recent),
          "newest_date": max(dates) if dates else None}
    if facts.is_navigation_home:
        ev["second_level_pages"] = facts.second_level_pages[:20]
    ev.update(facts.update_sources)
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


def _home_unknown(facts: SiteFacts, rule: Rule, **extra) -> Finding:
    """Undated homepage entries whose articles pucha could not read could change the count: a person looks."""
    return Finding(rule.id, needs_review=[undated_unread(facts, rule.id, facts.home, facts.update_unknown, **extra)])


def homepage_not_updated(facts: SiteFacts, rule: Rule, book: Rulebook) -> Finding | None:
    if facts.home_unread:
        return _home_unread(facts, rule)
    if _recent_count(facts, rule.params["window"]) == 0:
        if facts.update_unknown:
            return _home_unknown(facts, rule)
        return Finding(rule.id, veto=True, evidence=[_homepage_evidence(facts, rule.params["window"])])
    return None


def homepage_few_updates(facts: SiteFacts, rule: Rule, book: Rulebook) -> Finding | None:
    if facts.home_unread:
        return _home_unread(facts, rule, points=rule.params["points"])
    n, below = _recent_count(facts, rule.params["window"]), rule.params["below"]
    most = n + len(facts.update_unknown)  # if every unreadable article were recent
    if 1 <= n and most < below:
        return Finding(rule.id, tenths=tenths(rule.params["points"]),
                       evidence=[_homepage_evidence(facts, rule.params["window"])])
    if n < below <= most or n == 0 < most:
        return _home_unknown(facts, rule, points=rule.params["points"])
    return None


def _stale(facts: SiteFacts, view: ColumnView, window: str) -> bool:
    return view.count_within(facts.as_of, window) == 0


def _readable(views: list[ColumnView]) -> list[ColumnView]:
    return [v for v in views if not v.unread]


def _unread_columns(facts: SiteFacts, rule: Rule, views: list[ColumnView], **extra) -> list[dict]:
    return [unread(facts, rule.id, v.column.url, v.error, status=v.status, column=v.column.name,
                   category=v.column.category, **extra) for v in views if v.unread]


def _stale_split(facts: SiteFacts, views: list[ColumnView], window: str) -> tuple[list[ColumnView], list[ColumnView]]:
    """The columns stale for sure, and those stale unless an entry whose article pucha could not read is recent."""
    stale = [v for v in _readable(views) if _stale(facts, v, window)]
    return [v for v in stale if not v.unknown], [v for v in stale if v.unknown]


def _unknown_columns(facts: SiteFacts, rule: Rule, views: list[ColumnView], **extra) -> list[dict]:
    return [undated_unread(facts, rule.id, v.column.url, v.unknown, column=v.column.name,
                           category=v.column.category, **extra) for v in views]


def stale_columns(facts: SiteFacts, rule: Rule, book: Rulebook) -> Finding | None:
    p = rule.params
    ev: list[dict] = []
    stale, maybe = _stale_split(facts, facts.columns_of(*p["news"]), p["news_window"])
    more, maybe_more = _stale_split(facts, facts.columns_of(*p["notices"]), p["notices_window"])
    stale, maybe = stale + more, maybe + maybe_more
    if len(stale) >= p["stale_count"]:
        ev.append({"test": "a", "count": len(stale), "urls": [v.column.url for v in stale],
                   "columns": [v.evidence() for v in stale]})
    every = facts.columns_of(*set(p["news"]) | set(p["notices"]) | set(book.extra["list_categories"]))
    review = _unread_columns(facts, rule, sorted(every, key=lambda v: v.column.url))
    lists = _readable(facts.columns_of(*book.extra["list_categories"]))
    old, maybe_old = _stale_split(facts, lists, p["long_window"])
    if len(old) >= p["long_count"]:
        ev.append({"test": "b", "count": len(old), "urls": [v.column.url for v in old],
                   "columns": [v.evidence() for v in old]})
    # Undated entries whose articles pucha could not read matter only where they could tip a count.
    doubtful = {}
    if len(stale) < p["stale_count"] <= len(stale) + len(maybe):
        doubtful.update((v.column.url, v) for v in maybe)
    if len(old) < p["long_count"] <= len(old) + len(maybe_old):
        doubtful.update((v.column.url, v) for v in maybe_old)
    review += _unknown_columns(facts, rule, [doubtful[u] for u in sorted(doubtful)])
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
        stale, maybe = _stale_split(facts, views, group["window"])
        f.needs_review += _unknown_columns(facts, rule, maybe, points=group["points"])
        for v in stale:
            f.tenths += tenths(group["points"])
            f.evidence.append({**v.evidence(), "window": group["window"], "points": group["points"]})
    return f
