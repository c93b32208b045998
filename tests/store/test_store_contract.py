"""One contract, two stores: every test here runs against the embedded SQLite store and ClickHouse.

The ClickHouse runs are real (Debian's clickhouse-server on a free loopback
port, tests/servicekit); each test gets a database of its own.
"""
from __future__ import annotations

import random
import time

import pytest

from pucha.errors import ServiceUnavailable
from pucha.events import Item, ListItems, Page, Probe, SiteDone, canonical_choice
from pucha.store.base import SweepInfo
from pucha.store.clickhouse import ClickHouseStore
from pucha.store.clickhouse_sql import MIGRATIONS, SCHEMA_VERSION
from pucha.store.embedded import EmbeddedStore
from pucha.store.regions import region_rows
from servicekit import free_port

A, B, C = "http://a.gov.test/", "http://b.gov.test/", "http://c.gov.test/"


@pytest.fixture(params=["embedded", pytest.param("clickhouse", marks=pytest.mark.services)])
def store(request, tmp_path):
    if request.param == "embedded":
        s = EmbeddedStore(tmp_path / "results.sqlite3")
    else:
        s = ClickHouseStore.from_url(request.getfixturevalue("clickhouse_url"))
    yield s
    s.close()


def site_events(sweep: str, site: str, pages: int = 5) -> list:
    evs: list = [Probe(sweep, site, str(i), site, ok=i % 3 != 0, at=float(i)) for i in range(1, 4)]
    evs += [Page(sweep, site, f"{site}p/{i}.html", ok=True, status=200, title=f"第{i}页 政务公开")
            for i in range(pages)]
    evs.append(ListItems(sweep, site, site, site, "home",
                         items=(Item("通知", f"{site}n/1.html", "2026-11-20"), Item("公告", None, None))))
    return evs


def done(sweep: str, site: str, evs: list) -> SiteDone:
    counts: dict[str, int] = {}
    for e in evs:
        counts[e.kind] = counts.get(e.kind, 0) + 1
    return SiteDone(sweep, site, counts=tuple(sorted(counts.items())), pages=counts.get("page", 0))


def card(sweep: str, site: str, region: str, verdict: str = "pass", tenths: int = 0,
         vetoes: tuple[str, ...] = (), as_of: str = "2026-11-26") -> dict:
    return {"home_url": site, "name": f"网站{site[7]}", "region": region, "site_code": None, "site_type": "门户网站",
            "rulebook": "2015", "as_of": as_of, "sweep": sweep, "verdict": verdict, "total_tenths": tenths,
            "fail_above_tenths": 400, "vetoes": [{"rule": r, "veto": True, "tenths": 0, "evidence": []} for r in vetoes],
            "deductions": [], "needs_review": []}


def test_events_round_trip_in_a_fixed_order(store):
    evs = site_events("s1", A) + site_events("s1", B, pages=3)
    store.write_events(evs)
    by_id = {e.event_id: e for e in evs}
    got = list(store.events("s1", A))
    assert [e.event_id for e in got] == sorted(e.event_id for e in evs if e.site == A)
    assert all(by_id[e.event_id] == e for e in got)  # nested Items and None survive the trip
    whole = list(store.events("s1"))
    assert [(e.site, e.event_id) for e in whole] == sorted((e.site, e.event_id) for e in evs)
    assert list(store.events("other")) == []


def test_writes_are_idempotent_whatever_the_order(store):
    evs = site_events("s1", A, pages=20)
    store.write_events(evs)
    shuffled = evs[:]
    random.Random(4).shuffle(shuffled)
    store.write_events(shuffled)
    store.write_events(shuffled[:7])
    assert store.count_events("s1") == len(evs)
    assert sorted(e.event_id for e in store.events("s1", A)) == sorted(e.event_id for e in evs)


def test_conflicting_duplicates_keep_the_canonical_event(store):
    url = f"{A}x.html"
    first = Page("s1", A, url, ok=False, error="timeout")
    second = Page("s1", A, url, ok=True, status=200, title="标题")
    keep = canonical_choice(first, second)
    store.write_events([first])
    store.write_events([second])
    store.write_events([first])
    assert list(store.events("s1", A)) == [keep]
    assert store.count_events("s1") == 1


def test_done_sites_and_counts_per_site_and_kind(store):
    a, b = site_events("s1", A), site_events("s1", B, pages=2)
    store.write_events(a + [done("s1", A, a)] + b)
    assert store.done_sites("s1") == {A}
    counts = store.count_by_site_kind("s1")
    assert counts[(A, "page")] == 5 and counts[(B, "page")] == 2 and counts[(A, "site_done")] == 1
    assert (B, "site_done") not in counts
    assert store.count_by_site_kind("s1", [B]) == {(B, "probe"): 3, (B, "page"): 2, (B, "list_items"): 1}


def test_sweeps_begin_finish_and_list(store):
    t = time.time()
    store.begin_sweep(SweepInfo("s2", "2026-11-26", t + 1, sites=3, params='{"probe_rounds": 20}'))
    store.begin_sweep(SweepInfo("s1", "2026-11-26", t, sites=2))
    info = store.sweep("s2")
    assert info == SweepInfo("s2", "2026-11-26", t + 1, None, "running", 3, '{"probe_rounds": 20}')
    store.finish_sweep("s2", "failed")
    info = store.sweep("s2")
    assert info.status == "failed" and info.finished is not None and info.finished >= t
    assert [s.sweep for s in store.sweeps()] == ["s1", "s2"]
    assert store.sweep("none") is None
    store.finish_sweep("none")  # nothing to finish: no error, no row
    assert store.sweep("none") is None


def test_scorecards_newest_sweep_per_site_and_region_filter(store):
    t = time.time()
    store.begin_sweep(SweepInfo("old", "2026-11-26", t))
    store.begin_sweep(SweepInfo("new", "2026-11-26", t + 10))
    store.write_scorecards("old", [card("old", A, "北京市", "fail", 450), card("old", B, "天津市")])
    store.write_scorecards("new", [card("new", A, "北京市", "pass", 100)])
    store.write_scorecards("new", [card("new", A, "北京市", "pass", 120)])  # rescored: replaces
    cards = store.scorecards("2026-11-26")
    assert [(c["home_url"], c["sweep"], c["total_tenths"]) for c in cards] == [(A, "new", 120), (B, "old", 0)]
    assert [c["home_url"] for c in store.scorecards("2026-11-26", region="天津市")] == [B]
    assert store.scorecards("2026-11-26", region="上海市") == []
    assert store.scorecards("2025-01-01") == []
    assert [(c["sweep"], c["total_tenths"]) for c in store.site_history(A)] == [("old", 450), ("new", 120)]


def test_region_table(store):
    t = time.time()
    store.begin_sweep(SweepInfo("s1", "2026-11-26", t))
    cards = [card("s1", A, "北京市", "fail", 0, ("availability.unreachable",)),
             card("s1", B, "北京市", "pass", 125),
             card("s1", C, "河北省", "fail", 30, ("updates.home_stale", "availability.unreachable"))]
    store.write_scorecards("s1", cards)
    rows = store.region_table("2026-11-26")
    assert [r.to_dict() for r in rows] == [r.to_dict() for r in region_rows(cards)]
    bj = rows[0].to_dict()
    assert bj == {"region": "北京市", "sites": 2, "passed": 1, "failed": 1, "average_deduction": 6.2,
                  "vetoes": {"availability.unreachable": 1}}
    assert store.region_table("2025-01-01") == []


@pytest.mark.services
def test_clickhouse_schema_is_versioned_and_reopening_migrates_nothing(clickhouse_url):
    s = ClickHouseStore.from_url(clickhouse_url)
    assert s.schema_version() == SCHEMA_VERSION
    s.write_events(site_events("s1", A))
    s.close()
    again = ClickHouseStore.from_url(clickhouse_url)
    assert again.schema_version() == SCHEMA_VERSION
    assert again._execute("SELECT count() FROM schema_version")[0][0] == len(MIGRATIONS)
    assert again.count_events("s1") == 9
    again.close()


@pytest.mark.services
def test_clickhouse_unreachable_is_one_clear_line():
    url = f"clickhouse://127.0.0.1:{free_port()}/pucha"
    with pytest.raises(ServiceUnavailable) as info:
        ClickHouseStore.from_url(url)
    message = str(info.value)
    assert "\n" not in message and message.startswith(f"ClickHouse at {url} does not answer")


def test_clickhouse_url_must_be_clickhouse_scheme():
    with pytest.raises(ValueError, match="PUCHA_CLICKHOUSE_URL"):
        ClickHouseStore.from_url("http://127.0.0.1:8123/pucha")


@pytest.mark.services
@pytest.mark.slow
def test_clickhouse_store_carries_on_after_a_server_restart(clickhouse_private):
    s = ClickHouseStore.from_url(clickhouse_private.url)
    s.write_events(site_events("s1", A))
    clickhouse_private.stop()
    with pytest.raises(ServiceUnavailable, match="ClickHouse at clickhouse://127.0.0.1"):
        s.write_events(site_events("s1", B))
    clickhouse_private.start()
    s.write_events(site_events("s1", B))  # the same store object, a new connection
    assert s.count_events("s1") == 18
    s.close()


def test_every_method_of_the_protocol_is_implemented_by_both_stores():
    # Callers rely on the Protocol alone (no hasattr): a method missing from a store is a bug here.
    from pucha.store.base import ResultStore

    wanted = {n for n in vars(ResultStore) if not n.startswith("_")}
    for cls in (EmbeddedStore, ClickHouseStore):
        assert not wanted - set(dir(cls)), (cls.__name__, sorted(wanted - set(dir(cls))))


def test_rows_and_columns_store_the_same_events_as_write_events(store):
    from pucha.transport.packing import EventColumns

    evs = site_events("s1", A) + [done("s1", A, site_events("s1", A))]
    rows = [(e.sweep, e.site, e.kind, e.event_id, e.to_json()) for e in evs]
    store.write_event_rows(rows[:4])
    cols = EventColumns()
    for r in rows[4:]:
        cols.add_row(*r)
    store.write_event_columns(cols.columns())
    assert sorted(e.to_json() for e in store.events("s1")) == sorted(e.to_json() for e in evs)
    assert [d.site for d in store.site_dones("s1")] == [A]


def test_discard_partial_drops_only_the_unfinished_sites(store):
    evs_a, evs_b = site_events("s1", A), site_events("s1", B)
    store.write_events(evs_a + [done("s1", A, evs_a)] + evs_b)
    dropped = store.discard_partial("s1", {B})
    assert dropped == len(evs_b)
    assert {e.site for e in store.events("s1")} == {A}
    assert store.count_events("s1") == len(evs_a) + 1
    assert store.discard_partial("s1", set()) == 0
