"""SPEC §4: an entry shown without a date takes its article's publication date; one whose article pucha
could not read (a firewall, never fetched) decides nothing against the site and goes to a person."""
from __future__ import annotations

from pucha import categories as C
from pucha.events import Page

from .builders import HOME, SWEEP, column, d, healthy, home_items, probes, rules, score, site, vetoes


def article(url: str, pub: str | None, ok: bool = True, error: str | None = None) -> Page:
    return Page(SWEEP, HOME, url, ok=ok, error=error, role="page", pub_date=pub)


def test_undated_homepage_entries_are_dated_by_their_articles():
    items = home_items(*[None] * 10)
    arts = [article(f"{HOME}a/{i}.html", d(i)) for i in range(10)]
    card = score(site(), probes(20, 0) + [items] + arts)
    assert vetoes(card) == set() and "updates.homepage" not in rules(card)
    # Articles that give no date: no dated item, a navigation entry with nothing under it.
    undated = [article(f"{HOME}a/{i}.html", None) for i in range(10)]
    assert "veto.not_updated" in vetoes(score(site(), probes(20, 0) + [items] + undated))
    # Articles never fetched: what they say is unknown, and decides nothing.
    card = score(site(), probes(20, 0) + [items])
    assert vetoes(card) == set() and {c["rule"] for c in card.needs_review} >= {"veto.not_updated"}


def test_a_homepage_whose_undated_entries_met_a_firewall_is_a_review_not_a_veto():
    items = home_items(*[None] * 3)
    arts = [article(f"{HOME}a/{i}.html", None, ok=False, error="blocked") for i in range(3)]
    card = score(site(), probes(20, 0) + [items] + arts)
    assert "veto.not_updated" not in vetoes(card) and "updates.homepage" not in rules(card)
    got = {c["rule"]: c for c in card.needs_review if c["url"] == HOME}
    assert set(got) >= {"veto.not_updated", "updates.homepage"}
    assert got["veto.not_updated"]["scan_status"] == "blocked" and got["veto.not_updated"]["undated_unread"] == 3
    # One readable article dated today and two unknown: 1 to 3 fresh entries, 5 points whatever they hold.
    arts[0] = article(f"{HOME}a/0.html", d(0))
    card = score(site(), probes(20, 0) + [items] + arts)
    assert rules(card)["updates.homepage"] == 5 and vetoes(card) == set()


def test_an_article_without_a_date_leaves_its_entry_undated():
    url = f"{HOME}tz/"
    s = site((C.NOTICES, url))
    card = score(s, healthy() + [column(url, None, None), article(f"{url}0.html", None), article(f"{url}1.html", None)])
    assert rules(card)["updates.columns"] == 4
    card = score(s, healthy() + [column(url, None, None), article(f"{url}0.html", d(30)), article(f"{url}1.html", None)])
    assert "updates.columns" not in rules(card)


def test_surveys_dated_by_unread_articles_go_to_a_person():
    url = f"{HOME}dc/"
    s = site((C.SURVEY, url), (C.INTERVIEW, f"{HOME}ft/"))
    events = healthy() + [column(f"{HOME}ft/", *[d(5)] * 6), column(url, d(10), None, None)]
    blocked = [article(f"{url}1.html", None, ok=False, error="blocked"), article(f"{url}2.html", None, ok=False,
                                                                               error="blocked")]
    card = score(s, events + blocked)
    assert "interaction.survey" not in rules(card)
    (c,) = [c for c in card.needs_review if c["rule"] == "interaction.survey"]
    assert (c["points"], c["undated_unread"]) == (3, 2)
    # The same articles read, undated: 1 activity, fewer than 6: 3 points.
    card = score(s, events + [article(f"{url}1.html", None), article(f"{url}2.html", None)])
    assert rules(card)["interaction.survey"] == 3
