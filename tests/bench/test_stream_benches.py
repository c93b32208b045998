"""The event stream's benchmarks run against the real broker and ClickHouse and report events, not messages
(at a size a test can afford; no timing asserted)."""
from __future__ import annotations

import re

import pytest

from .test_benches import run

pytestmark = [pytest.mark.services, pytest.mark.slow]


def test_bench_stream_scorer_scores_every_site_both_ways():
    out = run("bench_stream_scorer.py", "--sites", "4", "--events-per-site", "150")
    assert "600 events of 4 sites; rates in events/s" in out
    m = re.search(r"\[batched: (\d+) messages, ([\d.]+) events each\]", out)
    assert m and int(m.group(1)) < 600 / 10, out  # a site's events of a kind travel together
    assert re.search(r"\[single: 600 messages, 1\.0 events each\]", out), out
    assert len(re.findall(r"\(\d+\.\d\dx baseline; 4 sites scored\)", out)) == 2, out
    assert re.search(r"target 50,000 events/s per process: (met|NOT met)", out), out


def test_bench_ingest_stores_every_event_each_way():
    out = run("bench_ingest.py", "--rows", "3000", "--repeat", "1")
    assert re.search(r"events per round: 3,000 \(\d+ MB of JSON\); rounds: 1; .*; ([\d,]+) messages", out), out
    for label in ("baseline clickhouse-driver raw insert", "per-row  ClickHouseStore.write_event_rows",
                  "pucha    messages -> EventColumns -> insert"):
        assert re.search(re.escape(label) + r".*:\s+[\d,]+\s+[\d,]+", out), (label, out)
    assert re.search(r"end to end .*: +[\d,]+ events/s", out), out
