"""SPEC §8 in the scorer: what met a firewall (`blocked`) or could not be read (`unreadable`) decides
nothing by itself; each rule it would have decided lists it in needs_review, with what a confirmation costs."""
from __future__ import annotations

from dataclasses import replace

import pytest

from pucha import categories as C
from pucha.events import AttachmentCheck, InteractionRows, LinkCheck, ListItems, Probe, SystemCheck

from .builders import (HOME, SWEEP, column, d, guide, healthy, home_items, letters, links, probes, rules, score,
                       site, vetoes)


def review(card, status: str = "blocked") -> set[tuple[str, str]]:
    return {(c["rule"], c["url"]) for c in card.needs_review if c.get("scan_status") == status}


def blocked_probes(n: int, first_slot: int = 100) -> list[Probe]:
    return [Probe(SWEEP, HOME, str(first_slot + i), HOME, ok=False, status=412, error="blocked") for i in range(n)]


def test_blocked_probes_are_left_out_of_the_ratio():
    # 1 failure in 19 counted probes is 5.26 %: a veto; with the 5 blocked ones counted as failures it
    # would be 6 in 24, and as successes 1 in 24 (4.2 %): both wrong.
    card = score(site(), probes(19, 1) + blocked_probes(5) + [home_items(*[d(0)] * 10)])
    assert "veto.unreachable" in vetoes(card)
    (c,) = [c for c in card.needs_review if c["rule"] == "veto.unreachable"]
    assert (c["probes_blocked"], c["probes_counted"], c["statuses"]) == (5, 19, [412])
    card = score(site(), probes(21, 1) + blocked_probes(30) + [home_items(*[d(0)] * 10)])
    assert "veto.unreachable" not in vetoes(card) and rules(card)["availability.homepage"] == 20


def test_every_probe_blocked_is_no_veto_and_a_review():
    blocked_home = ListItems(SWEEP, HOME, HOME, HOME, "home", opened=False, status=200, error="blocked")
    card = score(site(), blocked_probes(20) + [blocked_home])
    assert vetoes(card) == set()
    assert not {"availability.homepage", "updates.homepage"} & set(rules(card))
    assert review(card) >= {("veto.unreachable", HOME), ("veto.not_updated", HOME), ("updates.homepage", HOME)}
    (few,) = [c for c in card.needs_review if c["rule"] == "updates.homepage"]
    assert few["points"] == 5


@pytest.mark.parametrize("status", ["blocked", "unreadable"])
def test_an_unread_column_is_neither_stale_nor_empty(status):
    urls = [f"{HOME}c{i}/" for i in range(5)]  # 5 stale or empty columns make the veto
    s = site(*[(C.NEWS, u) for u in urls])
    unread = [replace(column(u, opened=False), error=status) for u in urls]
    card = score(s, healthy() + unread)
    assert "veto.stale_columns" not in vetoes(card) and "updates.columns" not in rules(card)
    assert review(card, status) >= {(r, u) for r in ("veto.stale_columns", "updates.columns") for u in urls}
    # The same columns failing on the site's side are stale and empty, as before.
    card = score(s, healthy() + [column(u, opened=False) for u in urls])
    assert "veto.stale_columns" in vetoes(card)


def test_a_blocked_link_is_not_broken():
    target = f"{HOME}x.html"
    events = healthy() + [links(HOME, target), LinkCheck(SWEEP, HOME, target, ok=False, status=412, error="blocked")]
    card = score(site(), events)
    assert "availability.links" not in rules(card)
    (c,) = [c for c in card.needs_review if c["rule"] == "availability.links"]
    assert (c["url"], c["scan_status"], c["points"], c["status"]) == (target, "blocked", 1, 412)


def test_blocked_attachments_systems_and_interaction_columns_go_to_review():
    col, zx, zx2, dc = f"{HOME}bszn/", f"{HOME}zx/", f"{HOME}zx2/", f"{HOME}dc/"
    s = site((C.GUIDES, col), (C.ONLINE_SYSTEMS, f"{HOME}sys/"), (C.CONSULTATION, zx), (C.SURVEY, dc))
    g = f"{HOME}bszn/1.html"
    events = healthy() + [
        column(col, d(3)), guide(g, col, ()),
        AttachmentCheck(SWEEP, HOME, g, f"{HOME}f/a.doc", ok=False, status=200, error="blocked"),
        SystemCheck(SWEEP, HOME, f"{HOME}sys/", ok=False, status=412, error="blocked"),
        InteractionRows(SWEEP, HOME, zx, zx, opened=False, status=412, error="blocked"),
        replace(column(dc, opened=False), error="blocked", status=412)]
    card = score(s, events)
    r = rules(card)
    assert not {"service.attachments", "service.online_systems", "interaction.consultation",
                "interaction.survey"} & set(r)
    assert review(card) >= {("service.attachments", f"{HOME}f/a.doc"), ("service.online_systems", f"{HOME}sys/"),
                            ("interaction.consultation", zx), ("interaction.survey", dc)}
    # Letters read in another consultation column within the window decide: nothing goes to a person then.
    s2 = site((C.CONSULTATION, zx), (C.CONSULTATION, zx2))
    card = score(s2, events + [letters(zx2, (d(5), d(4), "replied"))])
    assert "interaction.consultation" not in rules(card) and ("interaction.consultation", zx) not in review(card)
