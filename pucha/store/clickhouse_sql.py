"""The ClickHouse store's schema and shared subqueries (pucha.store.clickhouse runs them).

Kept to SQL that Debian's clickhouse-server 18.16 and current releases both accept
(see pucha.store.clickhouse)."""
from __future__ import annotations

# Each migration: (version, statements).  Append new ones; never edit an applied one.
MIGRATIONS: list[tuple[int, list[str]]] = [
    (1, [
        """CREATE TABLE IF NOT EXISTS events (
             sweep String, site String, kind String, event_id String, body String)
           ENGINE = ReplacingMergeTree ORDER BY (sweep, site, event_id, cityHash64(body))""",
        """CREATE TABLE IF NOT EXISTS scorecards (
             sweep String, site String, as_of String, rulebook String, region String, verdict String,
             total_tenths Int32, veto_rules Array(String), body String, computed Float64, version UInt64)
           ENGINE = ReplacingMergeTree(version) ORDER BY (as_of, site, sweep, rulebook)""",
        """CREATE TABLE IF NOT EXISTS sweeps (
             sweep String, as_of String, started Float64, finished Float64, has_finished UInt8,
             status String, sites UInt32, params String, version UInt64)
           ENGINE = ReplacingMergeTree(version) ORDER BY sweep""",
    ]),
]
SCHEMA_VERSION = MIGRATIONS[-1][0]

# The newest (by version) state of each sweep, as a subquery.
# Aliases never repeat a column name: ClickHouse resolves an alias everywhere in its SELECT.
_SWEEPS = ("SELECT sweep, argMax(as_of, version) AS w_as_of, argMax(started, version) AS w_started, "
           "argMax(finished, version) AS w_finished, argMax(has_finished, version) AS w_has_finished, "
           "argMax(status, version) AS w_status, argMax(sites, version) AS w_sites, "
           "argMax(params, version) AS w_params FROM sweeps GROUP BY sweep")
# Each sweep's start time, the right side of a JOIN (so aliased: current releases require it).
_STARTED = "(SELECT sweep, argMax(started, version) AS w_started FROM sweeps GROUP BY sweep) AS w"
