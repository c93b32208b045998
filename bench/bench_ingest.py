"""Events per second into ClickHouse: ingest's write from the Kafka messages beside clickhouse-driver's raw insert.

    .venv/bin/python bench/bench_ingest.py [--rows 300000] [--repeat 3]

Starts a private ClickHouse server (tests/servicekit), makes ``--rows``
realistic events (Page and ListItems JSON), packs them into Kafka message
values and headers as KafkaSink does (pucha.transport.packing), and times,
interleaved round by round so that the shared machine's load falls on all
alike:

- baseline: ``Client.execute("INSERT INTO raw ... VALUES", rows)`` of the
  rows as tuples of str, into a table of the same shape, in blocks of the
  same size;
- per-row: ``ClickHouseStore.write_event_rows(rows)``, ingest's path before
  batching (rows as ``KafkaSource.next_rows`` gives them);
- pucha: ``EventColumns.add_message`` per message then
  ``ClickHouseStore.write_event_columns``, what ``run_ingest`` does: bytes
  cut from the message values, no str per event.

Then, end to end (skipped with ``--skip-kafka``): the same events are sent
by KafkaSink to a private Tansu broker, and ``run_ingest`` moves them into
ClickHouse, timed from its start to the last event stored and committed.

Each path writes its own sweep of the same events; every rate counts events
(rows) per second of wall clock, and per CPU-second of this process and the
ClickHouse server together, which the load of a shared machine does not change.
Target (issue 4): at least 200,000 rows/s batched.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from clickhouse_driver import Client  # noqa: E402

from pucha.transport import packing  # noqa: E402
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


def server_cpu(pid: int) -> float:
    """CPU seconds the ClickHouse server has used (user + system, from /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def make_messages(rows: list[tuple]) -> list[tuple[bytes, bytes, dict[str, bytes]]]:
    """(key, value, headers) of the messages KafkaSink would send for these rows, batched as it batches."""
    groups: dict[tuple, list[tuple]] = {}
    for row in rows:
        groups.setdefault((row[2], row[0], row[1]), []).append(row)
    out = []
    for (kind, sweep, site), group in groups.items():
        for i in range(0, len(group), packing.BATCH_EVENTS):
            part = group[i:i + packing.BATCH_EVENTS]
            value, headers = packing.pack(sweep, kind, [r[4] for r in part], [r[3] for r in part])
            out.append((site.encode(), value, packing.header_map(headers)))
    return out


def raw_consume(bootstrap: str, topics: list[str], n: int) -> float:
    """Events per second of a plain kafka-python consumer reading the topics from the start as fast as it can, with
    KafkaSource's fetch sizes and no ingest work (no group, no commit, events counted from the ``n`` headers): the
    broker's and the client's ceiling, beside which run_ingest's end-to-end rate is read (issue 14)."""
    from kafka import KafkaConsumer

    t = time.perf_counter()
    consumer = KafkaConsumer(*topics, bootstrap_servers=bootstrap, group_id=None, auto_offset_reset="earliest",
                             enable_auto_commit=False, fetch_max_wait_ms=200, max_poll_records=100_000,
                             max_partition_fetch_bytes=8 * 1024 * 1024, fetch_max_bytes=64 * 1024 * 1024)
    seen = 0
    try:
        while seen < n:
            if time.perf_counter() - t > 300:
                raise RuntimeError(f"the raw consumer read {seen} of {n} events in 300 s")
            for records in consumer.poll(timeout_ms=500).values():
                for r in records:
                    seen += int(dict(r.headers)["n"])
        return n / (time.perf_counter() - t)
    finally:
        consumer.close()


def from_kafka(url: str, n: int, workdir: Path) -> tuple[float, int, float]:
    """(events per second, messages sent) of run_ingest moving events from a Tansu broker into ClickHouse, from its
    start to the last event stored and committed.  Its consumer joins its group before the events are sent (a first join
    is not a cost per event), and the last partial batch waits 0.25 s instead of run_ingest's 1 s."""
    from ingest.kafka_to_store import IngestStats, run_ingest
    from pucha import settings as settings_mod
    from pucha.events import from_json
    from pucha.store import open_store
    from pucha.transport.kafka import KafkaSink, KafkaSource
    from servicekit import TansuBroker

    with TansuBroker(workdir / "tansu") as broker:
        source = KafkaSource(broker.bootstrap, "ingest", "bench", session_timeout=6.0, partitions=4)
        while not source.consumer.assignment():
            assert source.next_columns(0.2).body == []
        sink = KafkaSink(broker.bootstrap, "bench", partitions=4)
        for row in make_rows(n, "kafka"):
            sink.write_batch([from_json(row[4])])
        sink.close()
        cfg = settings_mod.load({"PUCHA_HOME": str(workdir), "PUCHA_CLICKHOUSE_URL": url},
                                config=workdir / "none.toml")
        stop, stats = threading.Event(), IngestStats()
        worker = threading.Thread(target=run_ingest, args=(source, open_store(cfg), stop),
                                  kwargs={"stats": stats, "flush_seconds": 0.25})
        t = time.perf_counter()
        worker.start()
        while stats.rows < n:
            if not worker.is_alive():
                raise RuntimeError("run_ingest stopped before storing every event (see its traceback above)")
            time.sleep(0.005)
        took = time.perf_counter() - t
        stop.set()
        worker.join()
        from pucha.transport.kafka.topics import all_topics
        raw = raw_consume(broker.bootstrap, all_topics("bench", ["page", "list_items"]), n)
    return n / took, sink.messages, raw


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=300_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--skip-kafka", action="store_true", help="skip the end-to-end pass from Kafka")
    args = ap.parse_args()
    paths = ("baseline", "per-row", "pucha")
    timings: dict[str, list[tuple[float, float]]] = {p: [] for p in paths}
    with tempfile.TemporaryDirectory() as tmp, ClickHouseServer(Path(tmp) / "ch", database="bench") as server:
        store = ClickHouseStore.from_url(server.url)
        raw = Client(host="127.0.0.1", port=server.tcp_port, database="bench", compression=False)
        raw.execute("CREATE TABLE raw (sweep String, site String, kind String, event_id String, body String) "
                    "ENGINE = ReplacingMergeTree ORDER BY (sweep, site, event_id, cityHash64(body))")

        def timed(path: str, work) -> None:
            t, cpu = time.perf_counter(), time.process_time() + server_cpu(server.proc.pid)
            work()
            timings[path].append((time.perf_counter() - t, time.process_time() + server_cpu(server.proc.pid) - cpu))

        def baseline(rows: list[tuple]) -> None:
            for i in range(0, len(rows), INSERT_BATCH):
                raw.execute("INSERT INTO raw (sweep, site, kind, event_id, body) VALUES", rows[i:i + INSERT_BATCH])

        def ours(messages: list) -> None:
            cols = packing.EventColumns()
            for key, value, headers in messages:
                cols.add_message(key, value, headers)
            store.write_event_columns(cols.columns())

        mb = 0.0
        for r in range(args.repeat):
            rows = make_rows(args.rows, f"bench-{r}")
            mb = sum(len(row[4].encode()) for row in rows) / 1e6
            messages = make_messages(make_rows(args.rows, f"batched-{r}"))
            per_row = make_rows(args.rows, f"rows-{r}")
            timed("baseline", lambda: baseline(rows))
            timed("per-row", lambda: store.write_event_rows(per_row))
            timed("pucha", lambda: ours(messages))
        stored = {p: store.count_events(f"{s}-0") for p, s in (("per-row", "rows"), ("pucha", "batched"))}
        raw.disconnect()
        store.close()
        kafka = None if args.skip_kafka else from_kafka(server.url, args.rows, Path(tmp))
    if any(n != args.rows for n in stored.values()):
        print(f"error: events stored {stored}, want {args.rows} each")
        return 1
    rate = {p: (args.rows / statistics.median(w for w, _ in timings[p]),
                args.rows / statistics.median(c for _, c in timings[p])) for p in paths}
    print(f"events per round: {args.rows:,} ({mb:.0f} MB of JSON); rounds: {args.repeat}; "
          f"block: {INSERT_BATCH:,} rows; {len(messages):,} messages")
    print("                                                  events/s   per CPU-second (client + server)")
    print(f"baseline clickhouse-driver raw insert (rows):  {rate['baseline'][0]:11,.0f}  {rate['baseline'][1]:11,.0f}")
    print(f"per-row  ClickHouseStore.write_event_rows:     {rate['per-row'][0]:11,.0f}  {rate['per-row'][1]:11,.0f}")
    print(f"pucha    messages -> EventColumns -> insert:   {rate['pucha'][0]:11,.0f}  {rate['pucha'][1]:11,.0f}"
          f"  ({rate['pucha'][0] / rate['baseline'][0]:.2f}x baseline)")
    if kafka is not None:
        print(f"end to end   KafkaSink -> Tansu -> run_ingest -> ClickHouse: {kafka[0]:11,.0f} events/s  "
              f"({kafka[1]:,} messages, {args.rows / kafka[1]:.1f} events each: the sink's 1 s hold splits batches)")
        print(f"beside it    plain kafka-python consumer, same topics, no ingest work: {kafka[2]:11,.0f} events/s "
              f"(the broker's and client's ceiling)")
    print(f"target 200,000 rows/s: {'met' if rate['pucha'][0] >= 200_000 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
