"""Redis memory per seen URL and per queued request: pucha's frontier beside scrapy-redis's, in one run.

    .venv/bin/python bench/bench_redis_frontier.py [--requests 100000] [--sites 400]

Starts a redis-server of its own on a free port (tests/servicekit), so
nothing else's keys are counted, and makes ``--requests`` census requests as
the census spider makes them (article pages of ``--sites`` government sites,
with the spider's meta: site, role, depth, column, 内容类别, page number, the
handled-status list, the download timeout).  Each structure is measured alone
on an empty database, as ``INFO memory`` used_memory after minus before,
divided by the number of requests:

- seen URLs: pucha's ``SweepDupeFilter`` (a set of 64-bit fingerprints per
  sweep and site) and the census spider's own URL claims (``RedisLedger.claim``,
  the same per-site sets), beside scrapy-redis's ``RFPDupeFilter`` (one set of
  40-character SHA1 hex digests);
- queued requests: pucha's ``HostQueues.push`` of ``codec.encode`` (a list per
  host and priority band, compact JSON) beside scrapy-redis's ``PriorityQueue``
  (one sorted set of pickled ``request_to_dict``).

Targets (issue 4): at most 100 bytes per seen URL and 300 per queued request.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

import redis  # noqa: E402
from scrapy import Request, Spider  # noqa: E402
from scrapy_redis import picklecompat  # noqa: E402
from scrapy_redis.dupefilter import RFPDupeFilter  # noqa: E402
from scrapy_redis.queue import PriorityQueue  # noqa: E402

from crawler.frontier.codec import encode  # noqa: E402
from crawler.frontier.dupefilter import SweepDupeFilter  # noqa: E402
from crawler.frontier.journal import child_id  # noqa: E402
from crawler.frontier.keys import SweepKeys  # noqa: E402
from crawler.frontier.ledger import RedisLedger  # noqa: E402
from crawler.frontier.queue import HostQueues  # noqa: E402
from crawler.settings import HANDLED_STATUSES  # noqa: E402
from servicekit import RedisServer  # noqa: E402

TARGET_SEEN, TARGET_QUEUED = 100, 300
SWEEP = "2026-11-26T080000-a1b2c3"
CATEGORIES = ("工作动态", "通知公告", "政策文件", "人事信息", "规划计划", "政府信息公开目录")


class CensusLikeSpider(Spider):
    """Named callbacks as the census spider's (crawler/spiders/census.py): both queues store them by name."""

    name = "census"

    def parse_page(self, response):  # pragma: no cover - never called
        return []

    def page_error(self, failure):  # pragma: no cover - never called
        return []


def census_requests(n: int, sites: int, spider: Spider) -> list[Request]:
    out = []
    for i in range(n):
        s = i % sites
        home = f"http://www.{['gd', 'js', 'sc', 'hn', 'sd'][s % 5]}{s}.gov.cn/"
        col = f"{home}col/col{1000 + i % 17}/index.html"
        url = f"{home}art/2026/{11 - i % 10}/{i // sites % 28 + 1}/art_{1000 + i % 17}_{i}.html"
        meta = {"site": home, "role": "page", "depth": 2, "column": col, "category": CATEGORIES[i % 6],
                "page_no": 1, "handle_httpstatus_list": HANDLED_STATUSES, "download_timeout": 15.0}
        out.append(Request(url, callback=spider.parse_page, errback=spider.page_error, meta=meta, priority=-2,
                           dont_filter=True))
    return out


def used_memory(client) -> int:
    return int(client.info("memory")["used_memory"])


def measure(client, label: str, fill) -> tuple[float, float]:
    """(bytes per request, seconds) of ``fill()`` on an empty database."""
    client.flushall()
    time.sleep(0.2)  # lazy frees of the last flush
    before = used_memory(client)
    t0 = time.perf_counter()
    n = fill()
    seconds = time.perf_counter() - t0
    per = (used_memory(client) - before) / n
    print(f"  {label:<58} {per:8.1f} B/request  ({n:,} in {seconds:.1f} s)", flush=True)
    return per, seconds


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=100_000)
    ap.add_argument("--sites", type=int, default=400, help="the requests are spread over this many sites")
    args = ap.parse_args()
    spider = CensusLikeSpider()
    reqs = census_requests(args.requests, args.sites, spider)
    keys = SweepKeys("pucha:", SWEEP)

    with tempfile.TemporaryDirectory() as tmp, RedisServer(Path(tmp) / "redis") as server:
        client = redis.Redis(port=server.port)
        version = client.info("server")["redis_version"]
        print(f"redis-server {version} of its own on port {server.port}; {args.requests:,} census requests "
              f"over {args.sites} sites ({args.requests // args.sites} each)\n")

        def pipelined(calls) -> int:
            pipe = client.pipeline(transaction=False)
            for n, call in enumerate(calls, 1):
                call(pipe)
                if n % 1000 == 0:
                    pipe.execute()
            pipe.execute()
            return args.requests

        print("seen URLs")
        base_df = RFPDupeFilter(client, key="census:dupefilter")
        base_seen, _ = measure(client, "baseline: scrapy-redis RFPDupeFilter (SHA1 hex, one set)", lambda: pipelined(
            [lambda p, r=r: p.sadd(base_df.key, base_df.request_fingerprint(r)) for r in reqs]))
        df = SweepDupeFilter(client, keys)

        def fill_df() -> int:  # request_seen itself, one round trip each, as the scheduler calls it
            for r in reqs:
                r.dont_filter = False
                if df.request_seen(r):
                    raise AssertionError(f"{r.url} seen twice")
            return len(reqs)

        pucha_seen, _ = measure(client, "pucha: SweepDupeFilter (64-bit per sweep and site)", fill_df)
        ledger = RedisLedger(client, keys)
        claim_seen, _ = measure(client, "pucha: RedisLedger.claim (the census spider's URL claims)",
                                lambda: sum(ledger.claim(r.meta["site"], r.url) for r in reqs))

        print("queued requests")
        base_q = PriorityQueue(client, spider, "%(spider)s:requests", serializer=picklecompat)
        base_queued, _ = measure(client, "baseline: scrapy-redis PriorityQueue (pickled, one zset)",
                                 lambda: [base_q.push(r) for r in reqs] and len(reqs))
        queues = HostQueues(client, keys, delay=0.5)
        pucha_queued, _ = measure(client, "pucha: HostQueues (a list per host, compact JSON)", lambda: pipelined(
            [lambda p, r=r, i=i: queues.push(r.meta["site"].split("/")[2], r.priority, child_id(f"j{i}", "1"),
                                             encode(r, spider), pipe=p) for i, r in enumerate(reqs)]))
        payload = sum(len(encode(r, spider).encode()) for r in reqs[:1000]) / 1000
        pickled = sum(len(base_q._encode_request(r)) for r in reqs[:1000]) / 1000
        client.flushall()
        client.close()

    print(f"\nencoded request: pucha {payload:.0f} bytes, scrapy-redis {pickled:.0f} bytes (mean of 1,000)")
    print(f"seen URL:       pucha {pucha_seen:.1f} B (ledger claims {claim_seen:.1f} B) vs scrapy-redis "
          f"{base_seen:.1f} B: {base_seen / pucha_seen:.1f}x smaller; target <= {TARGET_SEEN} B: "
          f"{'met' if max(pucha_seen, claim_seen) <= TARGET_SEEN else 'MISSED'}")
    print(f"queued request: pucha {pucha_queued:.1f} B vs scrapy-redis {base_queued:.1f} B: "
          f"{base_queued / pucha_queued:.1f}x smaller; target <= {TARGET_QUEUED} B: "
          f"{'met' if pucha_queued <= TARGET_QUEUED else 'MISSED'}")
    return 0 if max(pucha_seen, claim_seen) <= TARGET_SEEN and pucha_queued <= TARGET_QUEUED else 1


if __name__ == "__main__":
    sys.exit(main())
