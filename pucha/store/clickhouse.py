"""The ClickHouse result store (PUCHA_CLICKHOUSE_URL=clickhouse://host:port/db), for distributed sweeps.

Same contract as the embedded store (pucha.store.base), on ClickHouse's
native protocol (clickhouse-driver), with batched inserts.  ClickHouse has no
upserts, so the rules that make writes idempotent are applied when reading:

* events: a replayed event (same id, same body) collapses in the
  ReplacingMergeTree, whose key ends in the body's hash; two bodies under one
  id both stay, and reads take ``min(body)`` per id, which is the canonical
  choice of pucha.events (the JSON that sorts first; byte order is code-point
  order in UTF-8, as in Python and SQLite).
* scorecards and sweeps are versioned (ReplacingMergeTree(version)); reads
  take ``argMax(..., version)``, so they are right before and after merges.

The SQL runs on Debian's clickhouse-server 18.16 and current releases
(tests/store/test_clickhouse_current.py runs it on chdb's): no CTE, one JOIN
per SELECT, written ``ALL INNER JOIN`` (18.16 requires a strictness; ``ANY``
would keep one row per key of the *left* side too since 20.x, so one card per
sweep) with both sides aliased (current releases require it), no DateTime64
or LowCardinality (timestamps are Float64 seconds, like the events').  The schema (``MIGRATIONS``, pucha.store.clickhouse_sql) is
created and migrated here, recorded in ``schema_version``.
"""
from __future__ import annotations

import json
import logging
import threading
import time
from typing import Any, Iterator, Sequence
from urllib.parse import unquote, urlsplit

from clickhouse_driver import Client
from clickhouse_driver import errors as ch_errors

from pucha.errors import ServiceUnavailable
from pucha.events import Event, from_json

from .base import SweepInfo
from .clickhouse_sql import _STARTED, _SWEEPS, MIGRATIONS
from .regions import RegionRow

INSERT_BATCH = 100_000  # rows per INSERT: large blocks are what ClickHouse ingests fast

# The driver logs each failed connect with its traceback; ServiceUnavailable says it in one line instead.
logging.getLogger("clickhouse_driver.connection").setLevel(logging.ERROR)

# Errors that mean "the server is not there", as opposed to a bad query.
_DOWN = (ch_errors.NetworkError, ch_errors.SocketTimeoutError, ConnectionError, EOFError, OSError)

def _version() -> int:
    """Versions order rewrites of one row; nanoseconds keep two writes in one process apart."""
    return time.time_ns()


class ClickHouseStore:
    def __init__(self, host: str, port: int, database: str, user: str = "default", password: str = "",
                 url: str | None = None):
        self.host, self.port, self.database = host, port, database
        self.user, self.password = user, password
        self.url = url or f"clickhouse://{host}:{port}/{database}"
        self._local = threading.local()
        self._execute("SELECT 1", database="default")
        self._execute(f"CREATE DATABASE IF NOT EXISTS {_ident(database)}", database="default")
        self.migrate()

    @classmethod
    def from_url(cls, url: str) -> "ClickHouseStore":
        parts = urlsplit(url)
        if parts.scheme != "clickhouse" or not parts.hostname:
            raise ValueError(f"PUCHA_CLICKHOUSE_URL={url!r}: expected clickhouse://host:port/database")
        database = parts.path.strip("/") or "pucha"
        return cls(parts.hostname, parts.port or 9000, database, unquote(parts.username or "default"),
                   unquote(parts.password or ""), url=url)

    # --- connection ------------------------------------------------------------------------
    def _client(self, database: str) -> Client:
        clients = getattr(self._local, "clients", None)
        if clients is None:
            clients = self._local.clients = {}
        client = clients.get(database)
        if client is None:
            client = clients[database] = Client(host=self.host, port=self.port, database=database, user=self.user,
                                                password=self.password, connect_timeout=5,
                                                send_receive_timeout=120, compression=False)
        return client

    def _execute(self, sql: str, params: Any = None, database: str | None = None, **kw: Any) -> Any:
        client = self._client(database or self.database)
        try:
            try:
                return client.execute(sql, params, **kw)
            except _DOWN:
                # Once more on a new connection: after a server restart the old socket is dead though
                # the server is back.  Safe for inserts too: every write here is idempotent.
                client.disconnect()
                return client.execute(sql, params, **kw)
        except _DOWN as exc:
            client.disconnect()
            raise ServiceUnavailable("ClickHouse", self.url, _one_line(exc)) from None
        except ch_errors.ServerException as exc:
            if exc.code in (ch_errors.ErrorCodes.UNKNOWN_DATABASE,) and database is None:
                raise ServiceUnavailable("ClickHouse", self.url, f"database {self.database} is gone") from None
            raise

    def _insert(self, table: str, columns: str, rows: list[tuple]) -> None:
        # Columnar blocks: the driver writes each column in one pass instead of transposing row by row.
        for i in range(0, len(rows), INSERT_BATCH):
            block = [list(col) for col in zip(*rows[i:i + INSERT_BATCH])]
            self._execute(f"INSERT INTO {table} ({columns}) VALUES", block, columnar=True)

    # --- schema ----------------------------------------------------------------------------
    def schema_version(self) -> int:
        rows = self._execute("SELECT max(version) FROM schema_version")
        return int(rows[0][0]) if rows else 0

    def migrate(self) -> None:
        """Apply the migrations this database has not seen; safe when two processes race (all DDL is IF NOT EXISTS)."""
        self._execute("CREATE TABLE IF NOT EXISTS schema_version (version UInt32, applied Float64) "
                      "ENGINE = MergeTree ORDER BY version")
        current = self.schema_version()
        for version, statements in MIGRATIONS:
            if version <= current:
                continue
            for sql in statements:
                self._execute(sql)
            self._execute("INSERT INTO schema_version (version, applied) VALUES", [(version, time.time())])

    # --- events ----------------------------------------------------------------------------
    def write_events(self, events: Sequence[Event]) -> None:
        rows = [(e.sweep, e.site, e.kind, e.event_id, e.to_json()) for e in events]
        if rows:
            self._insert("events", "sweep, site, kind, event_id, body", rows)

    def write_event_rows(self, rows: list[tuple[str, str, str, str, str]]) -> None:
        """Rows already serialised (sweep, site, kind, event_id, body JSON): ingest's fast path."""
        if rows:
            self._insert("events", "sweep, site, kind, event_id, body", rows)

    def write_event_columns(self, columns: Sequence[Sequence[bytes]]) -> None:
        """Events as five columns of UTF-8 bytes (sweep, site, kind, event_id, body): ingest's fastest path.
        Bytes go to the server as they are (no encoding per value), in one INSERT of blocks of INSERT_BATCH
        rows, so the server writes one block while the driver serialises the next."""
        if columns and len(columns[4]):
            self._execute("INSERT INTO events (sweep, site, kind, event_id, body) VALUES", list(columns),
                          columnar=True, settings={"strings_as_bytes": True, "insert_block_size": INSERT_BATCH})

    def events(self, sweep: str, site: str | None = None) -> Iterator[Event]:
        if site is None:
            sql = ("SELECT min(body) FROM events WHERE sweep = %(sweep)s "
                   "GROUP BY site, event_id ORDER BY site, event_id")
        else:
            sql = ("SELECT min(body) FROM events WHERE sweep = %(sweep)s AND site = %(site)s "
                   "GROUP BY event_id ORDER BY event_id")
        for (body,) in self._execute(sql, {"sweep": sweep, "site": site}):
            yield from_json(body)

    def done_sites(self, sweep: str) -> set[str]:
        rows = self._execute("SELECT DISTINCT site FROM events WHERE sweep = %(sweep)s AND kind = 'site_done'",
                             {"sweep": sweep})
        return {r[0] for r in rows}

    def site_dones(self, sweep: str) -> list:
        """The sweep's SiteDone events (what each site's crawl counted), without reading its other events."""
        from pucha.events import from_json

        rows = self._execute("SELECT min(body) FROM events WHERE sweep = %(sweep)s AND kind = 'site_done' "
                             "GROUP BY site, event_id", {"sweep": sweep})
        return [from_json(r[0]) for r in rows]

    def discard_partial(self, sweep: str, sites: set[str]) -> int:
        """As the embedded store's: a resumed sweep redoes these sites whole.  ClickHouse deletes by
        mutation, which runs in the background; wait for it, or the redone events would meet the old."""
        if not sites:
            return 0
        where = {"sweep": sweep, "sites": tuple(sorted(sites))}
        n = self._execute("SELECT count() FROM events WHERE sweep = %(sweep)s AND site IN %(sites)s", where)[0][0]
        if n:
            self._execute("ALTER TABLE events DELETE WHERE sweep = %(sweep)s AND site IN %(sites)s", where)
            deadline = time.monotonic() + 120
            while self._execute("SELECT count() FROM system.mutations WHERE database = currentDatabase() "
                                "AND table = 'events' AND is_done = 0")[0][0]:
                if time.monotonic() > deadline:
                    raise ServiceUnavailable("ClickHouse", self.url, "the deletion of partial events did not finish")
                time.sleep(0.05)
        return n

    def count_events(self, sweep: str) -> int:
        return int(self._execute("SELECT uniqExact(event_id) FROM events WHERE sweep = %(sweep)s",
                                 {"sweep": sweep})[0][0])

    def count_by_site_kind(self, sweep: str, sites: Sequence[str] | None = None) -> dict[tuple[str, str], int]:
        """(site, kind) -> distinct events stored: what a stream scorer compares with SiteDone.counts."""
        sql = "SELECT site, kind, uniqExact(event_id) FROM events WHERE sweep = %(sweep)s"
        if sites is not None:
            if not sites:
                return {}
            sql += " AND site IN %(sites)s"
        rows = self._execute(sql + " GROUP BY site, kind", {"sweep": sweep, "sites": tuple(sites or ())})
        return {(s, k): int(n) for s, k, n in rows}

    # --- scorecards ------------------------------------------------------------------------
    def write_scorecards(self, sweep: str, cards: Sequence[dict]) -> None:
        now, version = time.time(), _version()
        rows = [(sweep, c["home_url"], c["as_of"], c["rulebook"], c["region"], c["verdict"], c["total_tenths"],
                 sorted({v["rule"] for v in c["vetoes"]}), json.dumps(c, ensure_ascii=False, sort_keys=True),
                 now, version + i) for i, c in enumerate(cards)]
        if rows:
            self._insert("scorecards", "sweep, site, as_of, rulebook, region, verdict, total_tenths, veto_rules, "
                         "body, computed, version", rows)

    def scored_sites(self, sweep: str) -> set[str]:
        """Sites of this sweep that have a scorecard (a distributed sweep is done when all have one)."""
        return {r[0] for r in self._execute("SELECT DISTINCT site FROM scorecards WHERE sweep = %(sweep)s",
                                            {"sweep": sweep})}

    def _newest_cards_sql(self, region: str | None) -> str:
        """Per site, the card of the newest sweep (by start time) for the as_of: one JOIN, no CTE.

        Aliases differ from column names (c_*, n_*): ClickHouse resolves an alias
        everywhere in its SELECT, WHERE included."""
        where = "as_of = %(as_of)s" + (" AND region = %(region)s" if region else "")
        return (
            "SELECT site, argMax(c_region, w_started) AS n_region, argMax(c_verdict, w_started) AS n_verdict, "
            "argMax(c_tenths, w_started) AS n_tenths, argMax(c_vetoes, w_started) AS n_vetoes, "
            "argMax(c_body, w_started) AS n_body FROM ("
            " SELECT site, sweep, rulebook, argMax(region, version) AS c_region,"
            " argMax(verdict, version) AS c_verdict, argMax(total_tenths, version) AS c_tenths,"
            " argMax(veto_rules, version) AS c_vetoes, argMax(body, version) AS c_body"
            f" FROM scorecards WHERE {where} GROUP BY site, sweep, rulebook"
            f") AS c ALL INNER JOIN {_STARTED} USING sweep GROUP BY site")

    def scorecards(self, as_of: str, region: str | None = None) -> list[dict]:
        sql = f"SELECT n_body FROM ({self._newest_cards_sql(region)}) ORDER BY n_region, site"
        return [json.loads(b) for (b,) in self._execute(sql, {"as_of": as_of, "region": region})]

    def region_table(self, as_of: str) -> list[RegionRow]:
        newest = self._newest_cards_sql(None)
        params = {"as_of": as_of}
        rows: dict[str, RegionRow] = {}
        for reg, sites, passed, failed, tenths in self._execute(
                f"SELECT n_region, count(), countIf(n_verdict = 'pass'), countIf(n_verdict != 'pass'), "
                f"sum(n_tenths) FROM ({newest}) GROUP BY n_region ORDER BY n_region", params):
            rows[reg] = RegionRow(reg, int(sites), int(passed), int(failed), int(tenths))
        for reg, rule, n in self._execute(
                f"SELECT n_region, rule, count() FROM ({newest}) ARRAY JOIN n_vetoes AS rule "
                f"GROUP BY n_region, rule", params):
            rows[reg].vetoes[rule] = int(n)
        return [rows[r] for r in sorted(rows)]

    def site_history(self, site: str) -> list[dict]:
        sql = ("SELECT c_body FROM (SELECT sweep, as_of, rulebook, argMax(body, version) AS c_body FROM scorecards "
               "WHERE site = %(site)s GROUP BY sweep, as_of, rulebook) "
               f"AS c ALL INNER JOIN {_STARTED} USING sweep ORDER BY w_started, as_of, rulebook")
        return [json.loads(b) for (b,) in self._execute(sql, {"site": site})]

    # --- sweeps ----------------------------------------------------------------------------
    def _write_sweep(self, info: SweepInfo) -> None:
        self._insert("sweeps", "sweep, as_of, started, finished, has_finished, status, sites, params, version",
                     [(info.sweep, info.as_of, info.started, info.finished or 0.0, int(info.finished is not None),
                       info.status, info.sites, info.params, _version())])

    def begin_sweep(self, info: SweepInfo) -> None:
        self._write_sweep(info)

    def finish_sweep(self, sweep: str, status: str = "done") -> None:
        info = self.sweep(sweep)
        if info is None:
            return  # as the embedded store's UPDATE: no such sweep, nothing to finish
        self._write_sweep(SweepInfo(info.sweep, info.as_of, info.started, time.time(), status, info.sites,
                                    info.params))

    def sweep(self, sweep: str) -> SweepInfo | None:
        rows = self._execute(f"SELECT * FROM ({_SWEEPS}) WHERE sweep = %(sweep)s", {"sweep": sweep})
        return _sweep_info(rows[0]) if rows else None

    def sweeps(self) -> list[SweepInfo]:
        return [_sweep_info(r) for r in self._execute(f"SELECT * FROM ({_SWEEPS}) ORDER BY w_started")]

    def close(self) -> None:
        for client in (getattr(self._local, "clients", None) or {}).values():
            client.disconnect()
        self._local.clients = {}


def _sweep_info(row: tuple) -> SweepInfo:
    sweep, as_of, started, finished, has_finished, status, sites, params = row
    return SweepInfo(sweep, as_of, started, finished if has_finished else None, status, int(sites), params)


def _ident(name: str) -> str:
    if not name.replace("_", "").isalnum():
        raise ValueError(f"PUCHA_CLICKHOUSE_URL: database name {name!r} must be letters, digits and _")
    return name


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
