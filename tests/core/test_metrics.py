"""Prometheus metrics (issue 14, item 5): what the crawl's events say, counted where they pass; a consumer's
lag per partition; the /metrics endpoint of a real sweep; JSON logs."""
from __future__ import annotations

import json
import logging

from prometheus_client import REGISTRY

from census import metrics
from pucha.events import LinkCheck, Page, Probe, SiteDone
from pucha.logjson import JsonFormatter

SITE = "http://m.gov.test/"


def value(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


class Collect:
    def __init__(self):
        self.batches = []

    def write_batch(self, events):
        self.batches.append(list(events))

    def flush(self):
        return "flushed"


def test_the_crawls_events_are_counted_by_kind_and_scan_status():
    before = {k: value(*k[:1], **dict(k[1:])) for k in [
        ("pucha_pages_total", ("page_role", "column"), ("scan_status", "ok")),
        ("pucha_pages_total", ("page_role", "column"), ("scan_status", "blocked")),
        ("pucha_probes_total", ("scan_status", "timeout")),
        ("pucha_link_checks_total", ("scan_status", "ok")),
        ("pucha_scan_status_total", ("kind", "page"), ("scan_status", "blocked"))]}
    done = value("pucha_sites_done_total")
    inner = Collect()
    sink = metrics.CountingSink(inner)
    batch = [Page("s", SITE, SITE + "a/", ok=True, role="column"),
             Page("s", SITE, SITE + "b/", ok=False, role="column", error="blocked", status=412),
             Probe("s", SITE, "1", SITE, ok=False, error="timeout"),
             LinkCheck("s", SITE, SITE + "x.html", ok=True, status=200), SiteDone("s", SITE)]
    sink.write_batch(batch)
    assert inner.batches == [batch] and sink.flush() == "flushed"  # passed on whole, the rest delegated
    after = {k: value(*k[:1], **dict(k[1:])) for k in before}
    assert [after[k] - before[k] for k in before] == [1, 1, 1, 1, 1]
    assert value("pucha_sites_done_total") - done == 1


class Source:
    positions = {("t", 0): 5}

    def next_batch(self, timeout):
        return [Probe("s", SITE, "1", SITE, ok=True)] * 3

    def lags(self):
        return {("pucha.page", 0): 7, ("pucha.page", 1): 0}


def test_a_consumer_counts_what_it_reads_and_its_lag_per_partition():
    consumed = value("pucha_consumed_events_total", role="score")
    source = metrics.MeasuredSource(Source(), "score")
    assert len(source.next_batch(0.1)) == 3 and source.positions == {("t", 0): 5}
    assert value("pucha_consumed_events_total", role="score") - consumed == 3
    assert value("pucha_consumer_lag_records", role="score", topic="pucha.page", partition="0") == 7
    assert value("pucha_consumer_lag_records", role="score", topic="pucha.page", partition="1") == 0


def test_json_logs_are_one_object_a_line():
    record = logging.LogRecord("pucha.test", logging.WARNING, __file__, 1, "站点 %s 超时", ("x",), None)
    line = JsonFormatter().format(record)
    got = json.loads(line)
    assert (got["level"], got["logger"], got["message"]) == ("WARNING", "pucha.test", "站点 x 超时")
    assert "\n" not in line and got["time"].endswith("Z")
