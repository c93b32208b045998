"""The HTTP download handler: Scrapy's, plus a fresh connection for every homepage probe.

Twisted's connection pool quietly re-sends an idempotent request when a
reused keep-alive connection dies before the answer (a stale connection is
usually the client's bad luck, not the server's fault).  For a probe that
hides exactly what it must see: a homepage that resets the connection would
count as up.  So probes (``request.meta["pucha_fresh_connection"]``) go
through a second handler whose pool keeps no connections: each probe opens
its own, as a visitor's browser would, and a reset is a failed probe.
"""
from __future__ import annotations

from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.http import Request, Response
from twisted.web.client import HTTPConnectionPool


class CensusDownloadHandler(HTTP11DownloadHandler):
    def __init__(self, crawler):
        super().__init__(crawler)
        from twisted.internet import reactor  # the reactor Scrapy installed

        self._fresh = HTTP11DownloadHandler(crawler)
        pool = HTTPConnectionPool(reactor, persistent=False)
        pool._factory = self._pool._factory  # Scrapy's lenient HTTP/1.1 client factory
        pool.retryAutomatically = False
        self._fresh._pool = pool

    async def download_request(self, request: Request) -> Response:
        if request.meta.get("pucha_fresh_connection"):
            return await self._fresh.download_request(request)
        return await super().download_request(request)

    async def close(self) -> None:
        await self._fresh.close()
        await super().close()
