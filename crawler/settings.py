"""Scrapy settings of pucha's crawl, derived from pucha's own settings (pucha.settings).

Scrapy's defaults stay where they are right for a broad, polite crawl of
government sites; what differs is set here, each with its reason.  Running
`scrapy crawl census` from the checkout uses these too (scrapy.cfg).
"""
from __future__ import annotations

from typing import Any

from crawler import render
from pucha import settings as pucha_settings

# Status codes that reach the spider instead of being dropped: every status
# but the redirects, which RedirectMiddleware must still follow (at most 5).
HANDLED_STATUSES = [s for s in range(100, 600) if s not in (301, 302, 303, 307, 308)]


def scrapy_settings(cfg: pucha_settings.Settings | None = None) -> dict[str, Any]:
    cfg = cfg or pucha_settings.load()
    return {
        "BOT_NAME": "pucha",
        "SPIDER_MODULES": ["crawler.spiders"],
        "USER_AGENT": cfg.user_agent,
        "LOG_LEVEL": cfg.log_level,
        "TELNETCONSOLE_ENABLED": False,
        # Politeness: per-host concurrency and a fixed delay ("at least 0.5 s between requests").
        "CONCURRENT_REQUESTS": cfg.concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": cfg.concurrency_per_host,
        "DOWNLOAD_DELAY": cfg.delay_per_host,
        "DOWNLOAD_DELAY_JITTER": 0,
        "DOWNLOAD_TIMEOUT": cfg.page_timeout,
        # The census must see a site even where robots.txt disallows it (a State Council mandate);
        # robots.txt is still read for its Crawl-delay (crawler.middlewares.crawldelay).
        "ROBOTSTXT_OBEY": False,
        "PUCHA_ROBOTS_CRAWL_DELAY": cfg.robots_obey and not cfg.robots_override,
        "COOKIES_ENABLED": False,
        "REDIRECT_MAX_TIMES": cfg.max_redirects,
        "RETRY_TIMES": cfg.retries,
        # Breadth-first (Scrapy's FAQ): FIFO queues, priority by depth.
        "DEPTH_PRIORITY": 1,
        "SCHEDULER_DISK_QUEUE": "scrapy.squeues.PickleFifoDiskQueue",
        "SCHEDULER_MEMORY_QUEUE": "scrapy.squeues.FifoMemoryQueue",
        # Host-aware scheduling for broad crawls (Scrapy's DownloaderAwarePriorityQueue).
        "SCHEDULER_PRIORITY_QUEUE": "scrapy.pqueues.DownloaderAwarePriorityQueue",
        "DOWNLOAD_MAXSIZE": max(cfg.max_page_bytes * 8, 16_000_000),
        "PUCHA_MAX_PAGE_BYTES": cfg.max_page_bytes,
        # Scrapy starts CONCURRENT_ITEMS asyncio tasks for every callback's output (default 100);
        # pucha's pipeline never awaits, so more than one only costs: a third of the crawl's CPU
        # went to creating those tasks (bench/bench_crawl.py, bench/README.md).
        "CONCURRENT_ITEMS": 1,
        "REACTOR_THREADPOOL_MAXSIZE": 20,
        "DNSCACHE_ENABLED": True,
        "AJAXCRAWL_ENABLED": False,
        "HTTPCACHE_ENABLED": False,
        # Probes get a connection of their own each (crawler.handlers explains why).
        "DOWNLOAD_HANDLERS": {"http": "crawler.handlers.CensusDownloadHandler",
                              "https": "crawler.handlers.CensusDownloadHandler"},
        "DOWNLOADER_MIDDLEWARES": {
            "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
            "crawler.middlewares.retry.BackoffRetryMiddleware": 550,
            "crawler.middlewares.crawldelay.CrawlDelayMiddleware": 560,
            # Below RedirectMiddleware (600): a challenge is read after the redirects it came through.
            "crawler.middlewares.challenge.ChallengeMiddleware": 590,
            "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
            "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
        },
        "SPIDER_MIDDLEWARES": {
            # Sites are followed by the spider's own host checks; depth is its own too.
            "scrapy.spidermiddlewares.depth.DepthMiddleware": None,
        },
        "EXTENSIONS": {
            "crawler.extensions.bodycap.BodyCap": 100,
        },
        "ITEM_PIPELINES": {"crawler.pipelines.EventPipeline": 100},
        "PUCHA_SETTINGS": cfg,
        # Script-filled lists in headless Chromium (crawler.render); scrapy-playwright needs the asyncio
        # reactor, Scrapy's default (TWISTED_REACTOR is left as it is).
        **render.scrapy_settings(cfg),
    }


# `scrapy crawl census` from the checkout: module-level settings for Scrapy's project loader.
globals().update({k: v for k, v in scrapy_settings().items() if k.isupper() and k != "PUCHA_SETTINGS"})
