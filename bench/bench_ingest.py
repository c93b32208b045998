"""Rows per second into ClickHouse: pucha's store write (the ingest path) beside clickhouse-driver's raw insert.

    .venv/bin/python bench/bench_ingest.py [--rows 300000] [--repeat 3]

Starts a private ClickHouse server (tests/servicekit), makes ``--rows``
realistic event rows (Page and ListItems JSON, as ingest takes them from the
Kafka headers), and times, interleaved round by round so that the shared
machine's load falls on both alike:

- baseline: ``Client.execute("INSERT INTO raw ... VALUES", rows)`` into a
  table of the same shape, in blocks of the same size;
- pucha: ``ClickHouseStore.write_event_rows(rows)``, what ``run_ingest`` calls.

Target (issue 4): at least 200,000 rows/s batched.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from clickhouse_driver import Client  # noqa: E402

from pucha.events import Item, ListItems, Page  # noqa: E402
from pucha.store.clickhouse import INSERT_BATCH, ClickHouseStore  # noqa: E402
from servicekit import ClickHouseServer  # noqa: E402


def make_rows(n: int, sweep: str) -> list[tuple]:
    rows = []
    for i in range(n):
        site = f"http://www.s{i % 2000}.gov.cn/"
        if i % 5:
            e = Page(sweep, site, f"{site}art/2026/{i}.html", ok=i % 23 != 0, status=200, depth=2,
                     title=f"关于印发第{i}号通知的通知", pub_date="2026-11-02", size=18000 + i % 999, at=1.79e9 + i)
        else:
            e = ListItems(sweep, site, f"{site}col/{i % 17}/", f"{site}col/{i % 17}/index_{i}.html", "column",
                          items=tuple(Item(f"条目{j}", f"{site}a/{i}/{j}.html", "2026-10-0" + str(j % 9 + 1))
                                      for j in range(8)))
        rows.append((e.sweep, e.site, e.kind, e.event_id, e.to_json()))
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=300_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp, ClickHouseServer(Path(tmp) / "ch", database="bench") as server:
        store = ClickHouseStore.from_url(server.url)
        raw = Client(host="127.0.0.1", port=server.tcp_port, database="bench", compression=False)
        raw.execute("CREATE TABLE raw (sweep String, site String, kind String, event_id String, body String) "
                    "ENGINE = ReplacingMergeTree ORDER BY (sweep, site, event_id, cityHash64(body))")
        timings: dict[str, list[float]] = {"baseline": [], "pucha": []}
        for r in range(args.repeat):
            rows = make_rows(args.rows, f"bench-{r}")
            t = time.perf_counter()
            for i in range(0, len(rows), INSERT_BATCH):
                raw.execute("INSERT INTO raw (sweep, site, kind, event_id, body) VALUES", rows[i:i + INSERT_BATCH])
            timings["baseline"].append(time.perf_counter() - t)
            t = time.perf_counter()
            store.write_event_rows(rows)
            timings["pucha"].append(time.perf_counter() - t)
        stored = store.count_events("bench-0")
        raw.disconnect()
        store.close()
    if stored != args.rows:
        print(f"error: {stored} events stored of {args.rows}")
        return 1
    base = args.rows / statistics.median(timings["baseline"])
    ours = args.rows / statistics.median(timings["pucha"])
    print(f"rows per round: {args.rows:,}; rounds: {args.repeat}; block: {INSERT_BATCH:,} rows; server 18.16 on loopback")
    print(f"baseline clickhouse-driver raw insert: {base:12,.0f} rows/s")
    print(f"pucha ClickHouseStore.write_event_rows: {ours:11,.0f} rows/s  ({ours / base:.2f}x baseline)")
    print(f"target 200,000 rows/s: {'met' if ours >= 200_000 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
