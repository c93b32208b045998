"""Events per second of one stream scorer process from Kafka, beside a bare kafka-python consume loop.

    .venv/bin/python bench/bench_stream_scorer.py [--sites 100] [--events-per-site 1000]

Starts a private Tansu broker (tests/servicekit), produces the events of
``--sites`` sites (probes, pages with their links, link checks, list pages,
each site's SiteDone last) once, then reads the same messages twice with
two consumer groups:

- baseline: ``KafkaConsumer.poll`` in a loop, values untouched;
- pucha: ``KafkaSource.next_records`` + ``StreamScorer.apply`` + ``step``:
  decode, apply to SiteState, score every site whose events are all in with
  the 2015 rulebook, store its card (embedded store in a temporary directory).

The clock starts at the first record of each pass (a group's first join is
not a cost per event).  Target (issue 4): 50,000 events/s per process.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from kafka import KafkaConsumer  # noqa: E402

from pucha.distributed.kafka import KafkaSink, KafkaSource, all_topics  # noqa: E402
from pucha.events import Item, LinkCheck, Links, ListItems, Page, Probe, SiteDone  # noqa: E402
from pucha.registry.records import ColumnRecord, SiteRecord  # noqa: E402
from pucha.store.base import SweepInfo  # noqa: E402
from pucha.store.embedded import EmbeddedStore  # noqa: E402
from scorers.stream import StreamScorer  # noqa: E402
from servicekit import TansuBroker  # noqa: E402

SWEEP, AS_OF = "bench", date(2026, 11, 26)


def site_events(n: int, per_site: int) -> list:
    home = f"http://www.s{n}.gov.cn/"
    evs: list = [Probe(SWEEP, home, str(r), home, ok=r % 9 != 0, status=200, at=1.79e9 + r) for r in range(20)]
    col = f"{home}col/1/"
    evs += [ListItems(SWEEP, home, col, f"{col}index_{p}.html", "column", page_no=p + 1,
                      items=tuple(Item(f"通知{p}-{j}", f"{col}{p}/{j}.html", f"2026-11-{j % 20 + 1:02d}")
                                  for j in range(10))) for p in range(5)]
    i = 0
    while len(evs) < per_site - 1:
        url = f"{home}art/{i}.html"
        evs.append(Page(SWEEP, home, url, ok=True, status=200, depth=2, title=f"第{i}号文件", pub_date="2026-11-02"))
        evs.append(Links(SWEEP, home, url, targets=(f"{home}art/{i + 1}.html", f"{home}img/{i}.png"),
                         tags=("a", "img")))
        evs.append(LinkCheck(SWEEP, home, f"{home}img/{i}.png", ok=i % 31 != 0, status=200 if i % 31 else 404))
        i += 1
    evs = evs[:per_site - 1]
    counts: dict[str, int] = {}
    for e in evs:
        counts[e.kind] = counts.get(e.kind, 0) + 1
    evs.append(SiteDone(SWEEP, home, counts=tuple(sorted(counts.items())), pages=counts.get("page", 0)))
    return evs


class BenchScorer(StreamScorer):
    """The registry of the generated sites, instead of a database."""

    def __init__(self, store, sites: int):
        super().__init__(store, None)
        self._sites = {f"http://www.s{n}.gov.cn/": SiteRecord(
            f"http://www.s{n}.gov.cn/", f"网站{n}", "北京市", "部门网站",
            columns=(ColumnRecord("通知公告", "通知", f"http://www.s{n}.gov.cn/col/1/"),)) for n in range(sites)}

    def site_record(self, home: str):
        return self._sites.get(home)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sites", type=int, default=100)
    ap.add_argument("--events-per-site", type=int, default=1000)
    args = ap.parse_args()
    total = args.sites * args.events_per_site
    with tempfile.TemporaryDirectory() as tmp, TansuBroker(Path(tmp) / "tansu") as broker:
        t = time.perf_counter()
        sink = KafkaSink(broker.bootstrap, "bench", partitions=4)
        for n in range(args.sites):
            sink.write_batch(site_events(n, args.events_per_site))
        sink.close()
        print(f"produced {total:,} events for {args.sites} sites in {time.perf_counter() - t:.1f} s")

        base = KafkaConsumer(*all_topics("bench"), bootstrap_servers=broker.bootstrap, group_id="baseline",
                             auto_offset_reset="earliest", enable_auto_commit=False, session_timeout_ms=6000,
                             heartbeat_interval_ms=2000, max_poll_records=5000)
        seen, start = 0, None
        while seen < total:
            for batch in base.poll(timeout_ms=500).values():
                start = start or time.perf_counter()
                seen += len(batch)
        base_s = time.perf_counter() - start
        base.close()

        store = EmbeddedStore(Path(tmp) / "results.sqlite3")
        store.begin_sweep(SweepInfo(SWEEP, AS_OF.isoformat(), time.time()))
        scorer = BenchScorer(store, args.sites)
        source = KafkaSource(broker.bootstrap, "scorer", "bench", session_timeout=6.0, partitions=4)
        start = None
        while scorer.stats.scored < args.sites:
            records = source.next_records(0.5)
            if records and start is None:
                start = time.perf_counter()
            for record, event in records:
                scorer.apply(event, (record.topic, record.partition), record.offset)
            scorer.step()
            source.commit_at(scorer.commit_offsets(source))
        ours_s = time.perf_counter() - start
        source.close()
        store.close()
    base_rate, ours_rate = total / base_s, total / ours_s
    print(f"baseline bare kafka-python consume loop: {base_rate:10,.0f} events/s")
    print(f"pucha stream scorer (decode+apply+score): {ours_rate:9,.0f} events/s  "
          f"({ours_rate / base_rate:.2f}x baseline; {scorer.stats.scored} sites scored)")
    print(f"target 50,000 events/s per process: {'met' if ours_rate >= 50_000 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
