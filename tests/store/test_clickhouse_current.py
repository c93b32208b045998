"""The ClickHouse store's SQL on a current ClickHouse (chdb embeds 26.x in-process).

The `services` tests run the store against Debian's clickhouse-server 18.16; a
production cluster runs a current release, whose SQL differs in places (the
meaning of ``ANY INNER JOIN`` changed in 20.x, for one).  Here the very same
ClickHouseStore, with only its transport swapped (``_execute``: the driver's
own client-side parameter rendering, then chdb's Session.query), runs its DDL,
its INSERTs (the same rows, rendered as VALUES) and every query of
pucha.store.clickhouse / clickhouse_sql:

* the whole store contract (tests/store/test_store_contract.py) is imported and
  run against it, with the same asserted answers as for the embedded store;
* one set of events, sweeps and scorecards is written to both this store and
  the embedded one, and every read method must answer the same.
"""
from __future__ import annotations

import inspect
import json
from typing import Any

import chdb
import chdb.session
import pytest
from clickhouse_driver.util.escape import escape_param, escape_params

import test_store_contract as contract
from pucha.store.base import SweepInfo
from pucha.store.clickhouse import ClickHouseStore
from pucha.store.clickhouse_sql import _STARTED, _SWEEPS, MIGRATIONS
from pucha.store.embedded import EmbeddedStore
A, B, C = contract.A, contract.B, contract.C

# Every contract test that takes a `store` runs here too, against the `store` fixture below
# (new contract tests join without being listed).
for _name, _test in vars(contract).items():
    if _name.startswith("test_") and "store" in inspect.signature(_test).parameters:
        globals()[_name] = _test


def _literal(value: Any) -> str:
    # Bytes come from write_event_columns (strings_as_bytes): the driver sends them raw, SQL needs text.
    if isinstance(value, bytes):
        value = value.decode("utf-8")
    return str(escape_param(value, None))


class ChdbStore(ClickHouseStore):
    """ClickHouseStore on a chdb Session: every statement the store builds, sent as SQL text."""

    def __init__(self, session: chdb.session.Session, database: str = "pucha"):
        self._session = session
        self._current_db: str | None = None
        self.statements: list[str] = []
        super().__init__("chdb", 0, database, url=f"chdb:///{database}")

    def _execute(self, sql: str, params: Any = None, database: str | None = None, columnar: bool = False,
                 settings: dict | None = None) -> Any:
        db = database or self.database
        if db != self._current_db:
            self._session.query(f"USE {db}")
            self._current_db = db
        if isinstance(params, (list, tuple)):  # an INSERT: the driver's data blocks, as VALUES rows
            rows = list(zip(*params)) if columnar else params
            if not rows:
                return None
            sql += " " + ", ".join("(" + ", ".join(_literal(v) for v in row) + ")" for row in rows)
        elif params is not None:  # what clickhouse-driver does with a dict: render it into the query text
            sql = sql % escape_params(params, None)
        self.statements.append(sql)
        out = self._session.query(sql, "JSONCompact").bytes()
        if not out.strip():
            return []
        doc = json.loads(out)
        wide = [t["type"] in ("UInt64", "Int64") for t in doc["meta"]]
        # 64-bit integers may come quoted in JSON; the driver gives ints.
        return [tuple(int(v) if w and isinstance(v, str) else v for v, w in zip(row, wide)) for row in doc["data"]]

    def close(self) -> None:
        pass  # the session belongs to the fixture


@pytest.fixture(scope="module")
def session():
    s = chdb.session.Session()
    yield s
    s.close()


_n = iter(range(10**6))


@pytest.fixture
def store(session):
    # A database per test, as the services tests have: the contract tests assume an empty store.
    yield ChdbStore(session, f"pucha_t{next(_n)}")


def test_the_engine_is_a_current_clickhouse(session):
    version = session.query("SELECT version()", "CSV").bytes().decode().strip().strip('"')
    assert int(version.split(".")[0]) >= 24, version


def _fill(s) -> None:
    """Two sweeps over three sites and two regions, replays, a rescore and an unfinished site."""
    t = 1_700_000_000.25
    s.begin_sweep(SweepInfo("old", "2026-11-26", t, sites=3, params='{"probe_rounds": 20}'))
    s.begin_sweep(SweepInfo("new", "2026-11-26", t + 10, sites=2))
    for sweep in ("old", "new"):
        a, b = contract.site_events(sweep, A), contract.site_events(sweep, B, pages=2)
        s.write_events(a + [contract.done(sweep, A, a)] + b)
        s.write_events(a[:3])  # a replay
    c = contract.site_events("old", C, pages=1)
    s.write_event_rows([(e.sweep, e.site, e.kind, e.event_id, e.to_json()) for e in c])
    s.write_scorecards("old", [contract.card("old", A, "北京市", "fail", 450, ("availability.unreachable",)),
                               contract.card("old", B, "天津市", "pass", 30),
                               contract.card("old", C, "北京市", "fail", 0, ("updates.home_stale",))])
    s.write_scorecards("new", [contract.card("new", A, "北京市", "pass", 100)])
    s.write_scorecards("new", [contract.card("new", A, "北京市", "pass", 120),  # rescored: replaces
                               contract.card("new", B, "天津市", "fail", 410)])
    s.write_scorecards("new", [contract.card("new", B, "天津市", "pass", 5, as_of="2026-12-01")])
    s.finish_sweep("old")


def _answers(s) -> dict:
    def info(i: SweepInfo | None) -> tuple | None:
        return None if i is None else (i.sweep, i.as_of, i.started, i.finished is not None, i.status, i.sites,
                                       i.params)
    return {
        "events": [e.to_json() for e in s.events("old")] + [e.to_json() for e in s.events("new")],
        "events_site": [e.to_json() for e in s.events("new", B)],
        "done_sites": s.done_sites("old"),
        "site_dones": sorted(d.to_json() for d in s.site_dones("new")),
        "count_events": (s.count_events("old"), s.count_events("new"), s.count_events("none")),
        "by_site_kind": (s.count_by_site_kind("old"), s.count_by_site_kind("new", [B]),
                         s.count_by_site_kind("new", [])),
        "scored_sites": (s.scored_sites("old"), s.scored_sites("new")),
        "scorecards": (s.scorecards("2026-11-26"), s.scorecards("2026-11-26", region="北京市"),
                       s.scorecards("2026-12-01"), s.scorecards("2025-01-01")),
        "region_table": ([r.to_dict() for r in s.region_table("2026-11-26")],
                         [r.to_dict() for r in s.region_table("2026-12-01")]),
        "site_history": (s.site_history(A), s.site_history(B), s.site_history("http://none.test/")),
        "sweep": (info(s.sweep("old")), info(s.sweep("new")), info(s.sweep("none"))),
        "sweeps": [info(i) for i in s.sweeps()],
        "discard": (s.discard_partial("old", {C}), s.count_events("old"), s.done_sites("old")),
    }


def test_every_read_answers_as_the_embedded_store(store, tmp_path):
    embedded = EmbeddedStore(tmp_path / "results.sqlite3")
    try:
        for s in (embedded, store):
            _fill(s)
        want, got = _answers(embedded), _answers(store)
    finally:
        embedded.close()
    for key in want:
        assert got[key] == want[key], key
    # Not vacuous: the newest sweep's cards across sites and regions, and the old sweep's history.
    assert [(c["home_url"], c["sweep"], c["total_tenths"]) for c in got["scorecards"][0]] == [
        (A, "new", 120), (C, "old", 0), (B, "new", 410)]
    assert [r["sites"] for r in got["region_table"][0]] == [2, 1]
    assert got["discard"][0] == len(contract.site_events("old", C, pages=1))


def test_every_statement_of_the_schema_and_its_subqueries_ran(store, tmp_path):
    _fill(store)
    _answers(store)
    ran = "\n".join(store.statements)
    for _, statements in MIGRATIONS:
        for sql in statements:
            assert sql in ran
    assert _SWEEPS in ran and _STARTED in ran
