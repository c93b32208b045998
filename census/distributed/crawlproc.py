"""One crawl worker's crawl of one sweep, in a process of its own (Scrapy's reactor runs once a process).

``python -m census.distributed.crawlproc SWEEP``: started by the crawl worker
(census.distributed.worker) for the active sweep; ends when every site of the
sweep is done, or with exit 3 when a service is lost.
"""
from __future__ import annotations

import logging
import sys
from datetime import date

from pucha import settings as settings_mod
from pucha.errors import ServiceUnavailable
from pucha.logjson import use_json_logs

from census import metrics

from .board import SWEEP_PARAMS, SweepBoard


def crawl_sweep(cfg: settings_mod.Settings, sweep: str) -> dict:
    from crawler.frontier.keys import SweepKeys, connect
    from crawler.frontier.ledger import RedisLedger
    from crawler.frontier.spider import DistributedCensusSpider
    from crawler.run import run_crawl
    from pucha.registry.loader import load_sites

    from pucha.transport.kafka import KafkaSink

    client = connect(cfg.redis_url)
    info = SweepBoard(client).get(sweep)
    if info is None:
        raise LookupError(f"sweep {sweep} is not on the board (ended?)")
    cfg = cfg.replace(**{k: v for k, v in info.get("params", {}).items() if k in SWEEP_PARAMS})
    wanted = set(info["sites"])
    sites = [s for s in load_sites(cfg.database_url) if s.home_url in wanted]
    ledger = RedisLedger(client, SweepKeys(client.pucha_prefix, sweep))
    kafka = KafkaSink.from_settings(cfg)
    measured = metrics.serve(cfg)
    sink = metrics.CountingSink(kafka) if measured else kafka
    frontier = {"url": cfg.redis_url, "sweep": sweep, "lease": cfg.frontier_lease, "delay": cfg.delay_per_host,
                "started": info["started"]}
    try:
        return run_crawl(cfg, sites, sweep=sweep, as_of=date.fromisoformat(info["as_of"]), sink=sink, ledger=ledger,
                         spider_cls=DistributedCensusSpider,
                         extra_settings={"SCHEDULER": "crawler.frontier.scheduler.FrontierScheduler",
                                         "FRONTIER_SETTINGS": frontier,
                                         **({"EXTENSIONS": metrics.EXTENSIONS} if measured else {})})
    finally:
        sink.close()


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s crawl %(levelname)s %(message)s")
    cfg = settings_mod.load()
    use_json_logs(cfg.log_format == "json")
    logging.getLogger("kafka").setLevel(logging.WARNING)
    try:
        counts = crawl_sweep(cfg, argv[0])
    except ServiceUnavailable as exc:
        print(f"pucha worker: {exc}", file=sys.stderr)
        return 3
    except RuntimeError as exc:  # the crawl stopped early (a service lost mid-sweep)
        print(f"pucha worker: {exc}", file=sys.stderr)
        return 3
    print(f"crawl of {argv[0]} done: {counts}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
