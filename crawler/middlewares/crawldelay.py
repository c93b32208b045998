"""robots.txt Crawl-delay, honoured per host (Scrapy's RobotsTxtMiddleware reads Disallow only).

The first request to a host waits for that host's robots.txt; a Crawl-delay
longer than the census delay becomes the host's download-slot delay.  The
census office can turn this off (PUCHA_ROBOTS_OVERRIDE).  Disallow rules are
not applied: the census has to see every government site.
"""
from __future__ import annotations

import asyncio
import logging

from protego import Protego
from scrapy import Request
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.utils.httpobj import urlparse_cached

logger = logging.getLogger(__name__)


class CrawlDelayMiddleware:
    def __init__(self, crawler):
        if not crawler.settings.getbool("PUCHA_ROBOTS_CRAWL_DELAY"):
            raise NotConfigured
        self.crawler = crawler
        self.agent = crawler.settings.get("USER_AGENT") or "*"
        self._hosts: dict[str, asyncio.Future] = {}

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def process_request(self, request: Request, spider=None):
        if request.meta.get("pucha_robots") or request.meta.get("dont_obey_robotstxt"):
            return None
        parsed = urlparse_cached(request)
        netloc = parsed.netloc
        fut = self._hosts.get(netloc)
        if fut is None:
            fut = self._hosts[netloc] = asyncio.get_event_loop().create_future()
            robots = Request(f"{parsed.scheme}://{netloc}/robots.txt", priority=1000, dont_filter=True,
                             meta={"pucha_robots": True, "dont_retry": True, "handle_httpstatus_all": True,
                                   "download_timeout": 10})
            try:
                resp = await self.crawler.engine.download_async(robots)
                self._apply(request, resp)
            except Exception as exc:  # no robots.txt is the usual case
                logger.debug("robots.txt of %s: %s", netloc, exc)
            finally:
                fut.set_result(None)
        elif not fut.done():
            await fut
        return None

    def _apply(self, request: Request, resp: Response) -> None:
        if resp.status != 200 or not resp.body:
            return
        try:
            delay = Protego.parse(resp.body.decode("utf-8", "replace")).crawl_delay(self.agent)
        except Exception:
            return
        if not delay:
            return
        downloader = self.crawler.engine.downloader
        # The crawl's slot of this host (the request at hand may be a probe on a slot of its own).
        key = urlparse_cached(request).hostname or ""
        downloader.per_slot_settings.setdefault(key, {})
        if delay > downloader.per_slot_settings[key].get("delay", 0):
            downloader.per_slot_settings[key]["delay"] = float(delay)
            if key in downloader.slots:
                downloader.slots[key].delay = max(downloader.slots[key].delay, float(delay))
