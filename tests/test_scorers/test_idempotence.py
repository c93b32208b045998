"""Replaying, reordering or duplicating a site's events never changes its scorecard."""
from __future__ import annotations

import json

from hypothesis import given, settings, strategies as st

from pucha import categories as C
from pucha.events import Item, ListItems, Probe

from .builders import HOME, attachment, check, column, d, guide, home_items, letters, links, score, site, system

SITE = site((C.NEWS, f"{HOME}dt/"), (C.NOTICES, f"{HOME}tz/"), (C.CONSULTATION, f"{HOME}zx/"),
            (C.SURVEY, f"{HOME}dc/"), (C.GUIDES, f"{HOME}bs/"), (C.ONLINE_SYSTEMS, f"{HOME}sys/"))

days = st.integers(min_value=-3, max_value=500)
maybe_date = st.one_of(st.none(), days.map(d))
targets = st.sampled_from([f"{HOME}t{i}.html" for i in range(6)] + ["http://ext.test/a", "http://ext.test/b"])

event = st.one_of(
    st.builds(lambda slot, ok: Probe("t", HOME, str(slot), HOME, ok=ok), st.integers(1, 25), st.booleans()),
    st.builds(lambda ds: home_items(*ds), st.lists(maybe_date, max_size=12)),
    st.builds(lambda col, ds, page, opened: column(col, *ds, page_no=page, opened=opened),
              st.sampled_from([f"{HOME}dt/", f"{HOME}tz/", f"{HOME}dc/", f"{HOME}bs/"]),
              st.lists(maybe_date, max_size=5), st.integers(1, 3), st.booleans()),
    st.builds(lambda rows: letters(f"{HOME}zx/", *rows),
              st.lists(st.tuples(maybe_date, maybe_date, st.sampled_from([None, "replied", "unreplied"])),
                       max_size=4)),
    st.builds(lambda src, ts: links(src, *ts), st.sampled_from([HOME, f"{HOME}p.html", f"{HOME}dt/"]),
              st.lists(targets, max_size=5, unique=True)),
    st.builds(lambda t, ok, soft: check(t, ok, 200 if ok else 404, soft), targets, st.booleans(), st.booleans()),
    st.builds(lambda n, found: guide(f"{HOME}bs/{n}.html", f"{HOME}bs/", tuple(found)), st.integers(0, 3),
              st.lists(st.sampled_from(["事项名称", "设定依据", "申请条件", "办理材料", "办理地点"]), unique=True)),
    st.builds(lambda n, ok: attachment(f"{HOME}bs/{n}.html", f"{HOME}f{n}.doc", ok), st.integers(0, 3), st.booleans()),
    st.builds(lambda ok: system(f"{HOME}sys/", ok), st.booleans()),
    st.builds(lambda page, ds: ListItems("t", HOME, page, page, "second_level",
                                         items=tuple(Item(f"s{i}", None, x) for i, x in enumerate(ds))),
              st.sampled_from([f"{HOME}p.html", f"{HOME}dt/"]), st.lists(maybe_date, max_size=4)),
)


def canonical(card) -> str:
    return json.dumps(card.to_dict(), sort_keys=True, ensure_ascii=False)


@settings(max_examples=150, deadline=None)
@given(events=st.lists(event, max_size=40), data=st.data())
def test_shuffled_and_duplicated_streams_give_identical_scorecards(events, data):
    expected = canonical(score(SITE, events))
    shuffled = data.draw(st.permutations(events))
    dupes = data.draw(st.lists(st.sampled_from(events), max_size=20)) if events else []
    replay = data.draw(st.permutations(shuffled + dupes + events))
    assert canonical(score(SITE, shuffled)) == expected
    assert canonical(score(SITE, replay)) == expected


def test_the_property_can_see_a_difference():
    """Guard: the comparison above does notice a changed stream."""
    a = [home_items(d(1))]
    b = [home_items(d(20))]
    assert canonical(score(SITE, a)) != canonical(score(SITE, b))
