"""The event schema: JSON round trip, deterministic ids, versions."""
from __future__ import annotations

import pytest

from pucha import events as ev


def samples() -> list[ev.Event]:
    return [
        ev.Probe("s", "http://a/", "3", "http://a/", ok=False, status=503, error="http", elapsed_ms=12),
        ev.Page("s", "http://a/", "http://a/x.html", ok=True, status=200, title="标题", pub_date="2026-11-20"),
        ev.Links("s", "http://a/", "http://a/", targets=("http://a/x.html", "http://a/i.png"), tags=("a", "img")),
        ev.LinkCheck("s", "http://a/", "http://a/i.png", ok=False, status=404, error="http"),
        ev.ListItems("s", "http://a/", "http://a/c/", "http://a/c/index_1.html", "column", page_no=2,
                     items=(ev.Item("新闻", "http://a/c/1.html", "2026-11-20"), ev.Item("无日期"))),
        ev.InteractionRows("s", "http://a/", "http://a/zx/", "http://a/zx/",
                           rows=(ev.Letter("来信", None, "2026-01-01", None, "unreplied"),)),
        ev.GuideElements("s", "http://a/", "http://a/g.html", "http://a/bs/", found=("事项名称",)),
        ev.AttachmentCheck("s", "http://a/", "http://a/g.html", "http://a/f.doc", ok=False, error="empty"),
        ev.SystemCheck("s", "http://a/", "http://sys/", ok=True, status=200),
        ev.TextFinding("s", "http://a/", "http://a/x.html", "中华人民共合国", "misspelt_name"),
        ev.SiteDone("s", "http://a/", counts=(("page", 3),), pages=3),
    ]


@pytest.mark.parametrize("event", samples(), ids=lambda e: e.kind)
def test_json_round_trip(event):
    back = ev.from_json(event.to_json())
    assert back == event and back.event_id == event.event_id and type(back) is type(event)


def test_every_kind_is_sampled():
    assert {e.kind for e in samples()} == set(ev.KINDS)


def test_ids_depend_on_identity_not_on_observation():
    a = ev.Probe("s", "http://a/", "3", "http://a/", ok=False)
    b = ev.Probe("s", "http://a/", "3", "http://a/", ok=True, status=200)
    c = ev.Probe("s", "http://a/", "4", "http://a/", ok=False)
    assert a.event_id == b.event_id != c.event_id
    assert ev.Probe("other", "http://a/", "3", "http://a/", ok=False).event_id != a.event_id
    assert ev.canonical_choice(a, b) is ev.canonical_choice(b, a)


def test_unknown_and_newer_events_are_refused():
    with pytest.raises(ev.SchemaError, match="unknown event kind"):
        ev.from_dict({"kind": "nope", "sweep": "s", "site": "x"})
    d = samples()[0].to_dict()
    d["v"] = ev.SCHEMA_VERSION + 1
    with pytest.raises(ev.SchemaError, match="newer"):
        ev.from_dict(d)
    with pytest.raises(ev.SchemaError, match="bad probe"):
        ev.from_dict({"kind": "probe", "sweep": "s"})
