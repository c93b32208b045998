"""Events per second of one stream scorer process from Kafka, beside a bare kafka-python consume loop.

    .venv/bin/python bench/bench_stream_scorer.py [--sites 100] [--events-per-site 1000] [--skip-single]

Starts a private Tansu broker (tests/servicekit) and produces the events of
``--sites`` sites (probes, pages with their links, link checks, list pages,
each site's SiteDone last) twice, under two topic prefixes:

- batched: as ``KafkaSink`` sends them, up to a hundred events of one site
  and kind per message (pucha.transport.packing);
- single: one event per message (``KafkaSink(batch_events=1)``), the format
  before batching, for comparison (skipped with ``--skip-single``).

Each stream is then read twice, by two consumer groups:

- baseline: ``KafkaConsumer.poll`` in a loop, values untouched (events
  counted from the ``n`` header);
- pucha: ``KafkaSource.next_messages`` + ``StreamScorer.apply_message`` + ``step``,
  as ``run_scorer`` does them:
  decode, apply to SiteState, score every site whose events are all in with
  the 2015 rulebook, store its card (embedded store in a temporary directory).

Every rate is in events per second.  The clock starts at the first record of
each pass (a group's first join is not a cost per event).  Target (issue 4):
50,000 events/s per process.
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

from pucha.transport.kafka import KafkaSink, KafkaSource, all_topics  # noqa: E402
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


def produce(bootstrap: str, prefix: str, sites: int, per_site: int, batch_events: int) -> tuple[float, int]:
    """(seconds, messages) to send every site's events, as a crawl would: one write_batch per event."""
    t = time.perf_counter()
    sink = KafkaSink(bootstrap, prefix, partitions=4, batch_events=batch_events)
    for n in range(sites):
        for e in site_events(n, per_site):
            sink.write_batch([e])
    sink.close()
    return time.perf_counter() - t, sink.messages


def bare_consume(bootstrap: str, prefix: str, total: int) -> tuple[float, float]:
    """(seconds, CPU seconds) for kafka-python alone to hand over the messages of ``total`` events."""
    base = KafkaConsumer(*all_topics(prefix), bootstrap_servers=bootstrap, group_id="baseline",
                         auto_offset_reset="earliest", enable_auto_commit=False, session_timeout_ms=6000,
                         heartbeat_interval_ms=2000, max_poll_records=1000)
    seen, start, cpu = 0, None, 0.0
    while seen < total:
        for batch in base.poll(timeout_ms=500).values():
            if start is None:
                start, cpu = time.perf_counter(), time.process_time()
            for r in batch:
                seen += int(dict(r.headers).get("n", b"1"))
    took = time.perf_counter() - start, time.process_time() - cpu
    base.close()
    return took


def score_stream(bootstrap: str, prefix: str, sites: int, workdir: Path) -> tuple[float, float, int]:
    """(seconds, CPU seconds, sites scored) for one StreamScorer to read and score every site."""
    store = EmbeddedStore(workdir / f"results-{prefix}.sqlite3")
    store.begin_sweep(SweepInfo(SWEEP, AS_OF.isoformat(), time.time()))
    scorer = BenchScorer(store, sites)
    source = KafkaSource(bootstrap, "scorer", prefix, session_timeout=6.0, partitions=4)
    start, cpu = None, 0.0
    while scorer.stats.scored < sites:
        messages = source.next_messages(0.5)
        if messages and start is None:
            start, cpu = time.perf_counter(), time.process_time()
        for m in messages:
            scorer.apply_message(m.events, (m.record.topic, m.record.partition), m.record.offset, m.ids)
        scorer.step()
        source.commit_at(scorer.commit_offsets(source))
    took = time.perf_counter() - start, time.process_time() - cpu
    source.close()
    store.close()
    return (*took, scorer.stats.scored)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sites", type=int, default=100)
    ap.add_argument("--events-per-site", type=int, default=1000)
    ap.add_argument("--skip-single", action="store_true", help="measure only the batched stream")
    args = ap.parse_args()
    total = args.sites * args.events_per_site
    modes = [("batched", 100)] + ([] if args.skip_single else [("single", 1)])
    rate = lambda s: total / s  # noqa: E731
    print(f"{total:,} events of {args.sites} sites; rates in events/s")
    with tempfile.TemporaryDirectory() as tmp, TansuBroker(Path(tmp) / "tansu") as broker:
        for mode, per_message in modes:
            sent, messages = produce(broker.bootstrap, mode, args.sites, args.events_per_site, per_message)
            base_s, base_cpu = bare_consume(broker.bootstrap, mode, total)
            ours_s, ours_cpu, scored = score_stream(broker.bootstrap, mode, args.sites, Path(tmp))
            print(f"[{mode}: {messages:,} messages, {total / messages:.1f} events each]     per second  per CPU-second")
            print(f"  producer KafkaSink.write_batch + close:        {rate(sent):10,.0f}")
            print(f"  baseline bare kafka-python consume loop:       {rate(base_s):10,.0f}  {rate(base_cpu):10,.0f}")
            print(f"  pucha stream scorer (decode+apply+score):      {rate(ours_s):10,.0f}  {rate(ours_cpu):10,.0f}  "
                  f"({base_s / ours_s:.2f}x baseline; {scored} sites scored)")
            if mode == "batched":
                met = rate(ours_s) >= 50_000
                print(f"  target 50,000 events/s per process: {'met' if met else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
