"""Events packed several to a Kafka message (pucha.transport.packing) and decoded many at once (from_dicts)."""
from __future__ import annotations

import json

import pytest

from pucha import events as ev
from pucha.transport import packing

from .test_events import samples


def test_from_dicts_gives_what_from_dict_gives():
    dicts = [json.loads(e.to_json()) for e in samples()]
    fast = ev.from_dicts(dicts)
    for orig, back in zip(samples(), fast):
        assert back == orig and type(back) is type(orig) and repr(back) == repr(orig)
        assert back.to_json() == orig.to_json() and back.event_id == orig.event_id


@pytest.mark.parametrize("d", [
    {"kind": "page", "sweep": "s", "site": "x", "url": "u", "ok": True, "title": ["a", ["b"]]},  # list off-schema
    {"kind": "page", "sweep": "s", "site": "x", "url": "u", "ok": True, "later_field": 1},  # a newer producer's key
    {"kind": "page", "sweep": "s", "site": "x", "url": "u", "ok": True},  # no "v": an older producer
    {"kind": "site_done", "sweep": "s", "site": "x", "counts": [["page", 3], ["probe", 2]]},
    {"kind": "list_items", "sweep": "s", "site": "x", "column": "c", "page_url": "p", "role": "column",
     "items": [{"title": "t", "url": None, "date": "2026-01-01"}]},
], ids=["list-off-schema", "unknown-key", "no-version", "nested-tuples", "value-objects"])
def test_from_dicts_follows_from_dict_on_unusual_input(d):
    one, many = ev.from_dict(dict(d)), ev.from_dicts([dict(d)])[0]
    assert many == one and repr(many) == repr(one)


@pytest.mark.parametrize("d, message", [
    ({"kind": "probe", "sweep": "s"}, "bad probe"),
    ({"kind": "nope", "sweep": "s", "site": "x"}, "unknown event kind"),
    ({"kind": "page", "sweep": "s", "site": "x", "url": "u", "ok": True, "v": ev.SCHEMA_VERSION + 1}, "newer"),
    ({"kind": "list_items", "sweep": "s", "site": "x", "column": "c", "page_url": "p", "role": "column",
      "items": [["t"]]}, "bad list_items"),
])
def test_from_dicts_refuses_what_from_dict_refuses(d, message):
    with pytest.raises(ev.SchemaError, match=message):
        ev.from_dicts([d])


def test_a_packed_message_gives_back_rows_dicts_and_ids():
    evs = [ev.Page("s", "http://a/", f"http://a/{i}.html", ok=True, title="标题\n第二行") for i in range(5)]
    value, headers = packing.pack("s", "page", [e.to_json() for e in evs], [e.event_id for e in evs])
    h = packing.header_map(headers)
    assert h["n"] == b"5" and value.count(b"\n") == 4  # the title's newline is escaped inside the JSON
    assert packing.rows(b"http://a/", value, h) == [("s", "http://a/", "page", e.event_id, e.to_json()) for e in evs]
    assert ev.from_dicts(packing.decode_dicts(value, h)) == evs
    assert packing.ids(h, 5) == [e.event_id for e in evs]
    assert packing.ids(h, 4) is None


def test_messages_whose_headers_disagree_with_their_value_are_named():
    e = ev.Probe("s", "http://a/", "1", "http://a/", ok=True)
    value, headers = packing.pack("s", "probe", [e.to_json()], [e.event_id])
    h = packing.header_map(headers)
    with pytest.raises(packing.BadMessage, match="header n=2 but 1 events"):
        packing.rows(b"http://a/", value, {**h, "n": b"2"})
    with pytest.raises(packing.BadMessage, match="1 events but 5 characters of ids"):
        packing.rows(b"http://a/", value, {**h, "ids": b"abcde"})
    assert packing.decode_dicts(value + b"\n{broken", {**h, "n": b"2"}) is None  # read one by one instead


def test_a_message_of_the_earlier_format_is_one_event():
    e = ev.Probe("s", "http://a/", "1", "http://a/", ok=True)
    h = {"sweep": b"s", "kind": b"probe", "id": e.event_id.encode()}
    assert packing.has_row_headers(h)
    assert packing.rows(b"http://a/", e.to_json().encode(), h) == [("s", "http://a/", "probe", e.event_id,
                                                                    e.to_json())]
    assert ev.from_dicts(packing.decode_dicts(e.to_json().encode(), h)) == [e]


def _general(text):
    """The general path (json.loads + from_dict): what from_json must always agree with."""
    return ev.from_dict(json.loads(text))


@pytest.mark.parametrize("text", [
    '{"at":0,"kind":"probe","ok":true,"site":"x","slot":"1","sweep":"s","url":"u","v":1}',  # int in a float field
    '{"at": 17, "kind":"page","ok":true,"site":"x","sweep":"s","url":"u"}',  # spaced, no "v"
    '{"at":1.5,"kind":"page","ok":1,"site":"x","sweep":"s","url":"u","v":1}',  # an int for a bool
    '{"kind":"page","ok":true,"site":"x","sweep":"s","url":"u","title":null,"v":1}',  # null for a str
    '{"kind":"page","ok":true,"site":"x","sweep":"s","url":"u","later":[1],"v":1}',  # a newer producer's key
    '{"kind":"list_items","sweep":"s","site":"x","column":"c","page_url":"p","role":"column",'
    '"items":[{"title":"t","later":1}],"v":1}',  # a newer producer's key in an item
    '{"counts":[["page",3]],"kind":"site_done","site":"x","sweep":"s","v":1}',
], ids=["int-at", "spaced-old", "int-bool", "null-str", "unknown-key", "unknown-item-key", "counts"])
def test_from_json_gives_what_the_general_path_gives(text):
    fast, general = ev.from_json(text), _general(text)
    assert fast == general and repr(fast) == repr(general) and fast.to_json() == general.to_json()
    assert ev.from_json(text.encode()) == general


def test_from_json_keeps_an_integer_where_the_schema_says_float():
    e = ev.from_json('{"at":0,"kind":"probe","ok":true,"site":"x","slot":"1","sweep":"s","url":"u","v":1}')
    assert type(e.at) is int and '"at":0,' in e.to_json()  # re-encoded as written, not as 0.0


@pytest.mark.parametrize("text, message", [
    ('{"kind":"probe","sweep":"s"}', "bad probe"),
    ('{"kind":"nope","sweep":"s","site":"x"}', "unknown event kind"),
    ('{"kind":"page","ok":true,"site":"x","sweep":"s","url":"u","v":2}', "newer"),
])
def test_from_json_refuses_what_from_dict_refuses(text, message):
    with pytest.raises(ev.SchemaError, match=message):
        ev.from_json(text)
    with pytest.raises(ValueError):
        ev.from_json('{"kind":"page",')


def test_a_message_decodes_at_once_or_not_at_all():
    from pucha.eventcodec import from_lines
    evs = [ev.Page("s", "http://a/", f"http://a/{i}.html", ok=True, title="标题\n第二行", at=1.7e9 + i)
           for i in range(5)]
    value = "\n".join(e.to_json() for e in evs).encode()
    assert from_lines(value, "page", 5) == evs
    assert from_lines(value, "page", 4) is None  # the header disagrees
    assert from_lines(value, "probe", 5) is None  # lines of another kind
    newer = value.replace(b'"v":1', b'"v":2', 1)
    assert from_lines(newer, "page", 5) is None
    integer = value.replace(b'"at":1700000000.0', b'"at":1700000000', 1)
    assert from_lines(integer, "page", 5) is None  # from_json reads that line as written
    assert from_lines(value + b"\n{broken", "page", 6) is None
