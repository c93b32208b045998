"""Running the census spider in this process (the embedded sweep and `pucha worker --role crawl`)."""
from __future__ import annotations

import logging
from datetime import date
from typing import Any, Callable, Iterable

from scrapy.crawler import CrawlerProcess

from pucha.logjson import use_json_logs
from pucha.registry.records import SiteRecord
from pucha.settings import Settings

from .settings import scrapy_settings
from .spiders.census import CensusSpider


def run_crawl(cfg: Settings, sites: Iterable[SiteRecord], *, sweep: str, as_of: date, sink: Any,
              skip: Iterable[str] = (), on_tick: Callable[[dict], None] | None = None,
              extra_settings: dict | None = None, ledger: Any = None,
              spider_cls: type = CensusSpider) -> dict:
    """Crawl the sites; blocks until every site is done.  Returns the spider's live counts.

    Scrapy's reactor runs once per process: call this once (the CLI does)."""
    # A site's 500 after retries is an observation (a Page event), not an error of the crawl.
    logging.getLogger("scrapy.downloadermiddlewares.retry").setLevel(logging.CRITICAL)
    settings = scrapy_settings(cfg)
    extra = dict(extra_settings or {})
    if "EXTENSIONS" in extra:  # added to the crawler's own, not instead of them
        extra["EXTENSIONS"] = {**settings["EXTENSIONS"], **extra["EXTENSIONS"]}
    settings.update(extra)
    if cfg.log_format == "json":  # our handler on the root logger instead of Scrapy's, before Scrapy logs
        use_json_logs(True, level=settings.get("LOG_LEVEL"))
        settings["LOG_INSTALL_ROOT_HANDLER"] = False
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(spider_cls)
    state: dict = {}

    if on_tick is not None:
        from scrapy import signals
        from twisted.internet.task import LoopingCall

        def opened(spider) -> None:
            # the caller's progress display, a few times a second, on the crawl's own reactor
            state["loop"] = LoopingCall(lambda: on_tick(dict(spider.stats_live)))
            state["loop"].start(0.5, now=False)

        def closed(spider) -> None:
            loop = state.get("loop")
            if loop is not None and loop.running:
                loop.stop()
            on_tick(dict(spider.stats_live))

        crawler.signals.connect(opened, signal=signals.spider_opened)
        crawler.signals.connect(closed, signal=signals.spider_closed)
    # The sites as given, not a list of them: the spider takes them as it starts them (a stream of the
    # national registry is never held whole).
    process.crawl(crawler, sites=sites, sweep=sweep, as_of=as_of, sink=sink, skip=list(skip), ledger=ledger)
    process.start()
    spider = crawler.spider
    if spider is None or crawler.stats.get_value("finish_reason") not in ("finished",):
        reason = crawler.stats.get_value("finish_reason") if crawler.stats else None
        raise RuntimeError(f"the crawl did not finish (finish_reason={reason!r}); see the log above")
    return dict(spider.stats_live)
