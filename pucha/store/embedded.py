"""The embedded result store: one SQLite file in PUCHA_HOME.

Events are keyed by their deterministic id; a duplicate replaces the stored
one only when it is the canonical choice (pucha.events), so any order of
arrival leaves the same rows.  Scorecards are kept per sweep: history is
the sweeps table plus every sweep's cards.
"""
from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path
from typing import Iterator, Sequence

from pucha.events import Event, from_json

from .base import SweepInfo
from .regions import RegionRow

SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
  event_id TEXT PRIMARY KEY, sweep TEXT NOT NULL, site TEXT NOT NULL, kind TEXT NOT NULL, body TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS events_site ON events (sweep, site);
CREATE TABLE IF NOT EXISTS sweeps (
  sweep TEXT PRIMARY KEY, as_of TEXT NOT NULL, started REAL NOT NULL, finished REAL,
  status TEXT NOT NULL, sites INTEGER NOT NULL, params TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS scorecards (
  sweep TEXT NOT NULL, site TEXT NOT NULL, as_of TEXT NOT NULL, rulebook TEXT NOT NULL,
  region TEXT NOT NULL, verdict TEXT NOT NULL, total_tenths INTEGER NOT NULL, body TEXT NOT NULL,
  computed REAL NOT NULL, vetoes TEXT NOT NULL DEFAULT '', PRIMARY KEY (sweep, site, as_of, rulebook));
CREATE INDEX IF NOT EXISTS scorecards_asof ON scorecards (as_of, region);
-- The newest-sweep subquery of scorecards() looks a site up by (site, as_of): without this it scans every card.
CREATE INDEX IF NOT EXISTS scorecards_site ON scorecards (site, as_of);
"""


class EmbeddedStore:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._conn().executescript(SCHEMA)
        self._migrate()

    def _migrate(self) -> None:
        """Stores made before the vetoes column: add it and fill it from the cards, once."""
        conn = self._conn()
        cols = {r[1] for r in conn.execute("PRAGMA table_info(scorecards)")}
        if "vetoes" in cols:
            return
        with conn:
            conn.execute("ALTER TABLE scorecards ADD COLUMN vetoes TEXT NOT NULL DEFAULT ''")
            rows = [(_veto_ids(json.loads(b)), rowid) for rowid, b in conn.execute("SELECT rowid, body FROM scorecards")]
            conn.executemany("UPDATE scorecards SET vetoes = ? WHERE rowid = ?", rows)

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=60)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            self._local.conn = conn
        return conn

    # --- events --------------------------------------------------------------------------
    def write_events(self, events: Sequence[Event]) -> None:
        rows = [(e.event_id, e.sweep, e.site, e.kind, e.to_json()) for e in events]
        with self._conn() as c:
            c.executemany(
                "INSERT INTO events VALUES (?,?,?,?,?) ON CONFLICT(event_id) DO UPDATE "
                "SET body = excluded.body WHERE excluded.body < events.body", rows)

    def events(self, sweep: str, site: str | None = None) -> Iterator[Event]:
        if site is None:
            cur = self._conn().execute("SELECT body FROM events WHERE sweep = ? ORDER BY site, event_id", (sweep,))
        else:
            cur = self._conn().execute("SELECT body FROM events WHERE sweep = ? AND site = ? ORDER BY event_id",
                                       (sweep, site))
        for (body,) in cur:
            yield from_json(body)

    def done_sites(self, sweep: str) -> set[str]:
        cur = self._conn().execute("SELECT site FROM events WHERE sweep = ? AND kind = 'site_done'", (sweep,))
        return {r[0] for r in cur}

    def write_event_rows(self, rows: list[tuple[str, str, str, str, str]]) -> None:
        self.write_events([from_json(r[4]) for r in rows])  # the canonical choice needs the events

    def write_event_columns(self, columns: Sequence[Sequence[bytes]]) -> None:
        if columns and len(columns[4]):
            self.write_events([from_json(body) for body in columns[4]])

    def site_dones(self, sweep: str) -> list[Event]:
        cur = self._conn().execute("SELECT body FROM events WHERE sweep = ? AND kind = 'site_done'", (sweep,))
        return [from_json(body) for (body,) in cur]

    def discard_partial(self, sweep: str, sites: set[str]) -> int:
        """Drop the events of sites that never finished, before a resumed sweep crawls them again.

        Their probe rounds and pages are redone whole, so nothing is lost, and a
        half-done round cannot be counted beside its redone twin."""
        with self._conn() as c:
            n = 0
            for site in sites:
                n += c.execute("DELETE FROM events WHERE sweep = ? AND site = ?", (sweep, site)).rowcount
        return n

    def count_events(self, sweep: str) -> int:
        return self._conn().execute("SELECT count(*) FROM events WHERE sweep = ?", (sweep,)).fetchone()[0]

    def count_by_site_kind(self, sweep: str, sites: Sequence[str] | None = None) -> dict[tuple[str, str], int]:
        """(site, kind) -> distinct events stored: what a stream scorer compares with SiteDone.counts."""
        rows = self._conn().execute("SELECT site, kind, count(*) FROM events WHERE sweep = ? GROUP BY site, kind",
                                    (sweep,))
        wanted = None if sites is None else set(sites)
        return {(s, k): n for s, k, n in rows if wanted is None or s in wanted}

    # --- scorecards ------------------------------------------------------------------------
    def write_scorecards(self, sweep: str, cards: Sequence[dict]) -> None:
        import time

        now = time.time()
        rows = [(sweep, c["home_url"], c["as_of"], c["rulebook"], c["region"], c["verdict"],
                 c["total_tenths"], json.dumps(c, ensure_ascii=False, sort_keys=True), now, _veto_ids(c))
                for c in cards]
        with self._conn() as conn:
            conn.executemany("INSERT OR REPLACE INTO scorecards (sweep, site, as_of, rulebook, region, verdict, "
                             "total_tenths, body, computed, vetoes) VALUES (?,?,?,?,?,?,?,?,?,?)", rows)

    def scored_sites(self, sweep: str) -> set[str]:
        """Sites of this sweep that have a scorecard (a distributed sweep is done when all have one)."""
        return {r[0] for r in self._conn().execute("SELECT DISTINCT site FROM scorecards WHERE sweep = ?", (sweep,))}

    def _newest(self, columns: str, as_of: str, region: str | None) -> sqlite3.Cursor:
        """The newest sweep's card per site for as_of (sweeps sort by their start time)."""
        sql = (f"SELECT {columns} FROM (SELECT s.*, row_number() OVER (PARTITION BY s.site "
               "ORDER BY w.started DESC) AS newest FROM scorecards s JOIN sweeps w ON w.sweep = s.sweep "
               "WHERE s.as_of = ?" + (" AND s.region = ?" if region else "") + ") WHERE newest = 1 "
               "ORDER BY region, site")
        return self._conn().execute(sql, [as_of, region] if region else [as_of])

    def scorecards(self, as_of: str, region: str | None = None) -> list[dict]:
        return [json.loads(b) for (b,) in self._newest("body", as_of, region)]

    def region_table(self, as_of: str) -> list[RegionRow]:
        """Per region: sites, passed, failed, vetoes by rule, deductions (pucha.store.regions).

        Read from the cards' summary columns, not their JSON: a national table of
        100,000 sites must come back in well under a second."""
        rows: dict[str, RegionRow] = {}
        for region, verdict, tenths, vetoes in self._newest("region, verdict, total_tenths, vetoes", as_of, None):
            row = rows.get(region)
            if row is None:
                row = rows[region] = RegionRow(region)
            row.sites += 1
            if verdict == "pass":
                row.passed += 1
            else:
                row.failed += 1
            row.deduction_tenths += tenths
            for rule in vetoes.split(",") if vetoes else ():
                row.vetoes[rule] = row.vetoes.get(rule, 0) + 1
        return [rows[r] for r in sorted(rows)]

    def site_history(self, site: str) -> list[dict]:
        cur = self._conn().execute(
            "SELECT s.body FROM scorecards s JOIN sweeps w ON w.sweep = s.sweep WHERE s.site = ? ORDER BY w.started",
            (site,))
        return [json.loads(b) for (b,) in cur]

    # --- sweeps ----------------------------------------------------------------------------
    def begin_sweep(self, info: SweepInfo) -> None:
        with self._conn() as c:
            c.execute("INSERT OR REPLACE INTO sweeps VALUES (?,?,?,?,?,?,?)",
                      (info.sweep, info.as_of, info.started, info.finished, info.status, info.sites, info.params))

    def finish_sweep(self, sweep: str, status: str = "done") -> None:
        import time

        with self._conn() as c:
            c.execute("UPDATE sweeps SET finished = ?, status = ? WHERE sweep = ?", (time.time(), status, sweep))

    def sweep(self, sweep: str) -> SweepInfo | None:
        row = self._conn().execute("SELECT * FROM sweeps WHERE sweep = ?", (sweep,)).fetchone()
        return SweepInfo(*row) if row else None

    def sweeps(self) -> list[SweepInfo]:
        return [SweepInfo(*r) for r in self._conn().execute("SELECT * FROM sweeps ORDER BY started")]

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None


def _veto_ids(card: dict) -> str:
    return ",".join(sorted({v["rule"] for v in card["vetoes"]}))
