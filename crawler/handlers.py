"""The HTTP download handler: Scrapy's, plus a fresh connection for every homepage probe, plus a browser.

Twisted's connection pool quietly re-sends an idempotent request when a
reused keep-alive connection dies before the answer (a stale connection is
usually the client's bad luck, not the server's fault).  For a probe that
hides exactly what it must see: a homepage that resets the connection would
count as up.  So probes (``request.meta["pucha_fresh_connection"]``) go
through a second handler whose pool keeps no connections: each probe opens
its own, as a visitor's browser would, and a reset is a failed probe.

Pages to render (``request.meta["playwright"]``, crawler.render) go to
scrapy-playwright's handler, created with the first of them: installed as
the DOWNLOAD_HANDLERS itself it would start playwright's driver with the
engine, and every sweep would pay for a browser most never use.
"""
from __future__ import annotations

import asyncio
from typing import Any

from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.http import Request, Response
from twisted.web.client import HTTPConnectionPool


class NoBrowser(RuntimeError):
    """The browser could not be started: a page to render fails with this (its list stays unreadable)."""


class CensusDownloadHandler(HTTP11DownloadHandler):
    def __init__(self, crawler):
        super().__init__(crawler)
        from twisted.internet import reactor  # the reactor Scrapy installed

        self._fresh = HTTP11DownloadHandler(crawler)
        pool = HTTPConnectionPool(reactor, persistent=False)
        pool._factory = self._pool._factory  # Scrapy's lenient HTTP/1.1 client factory
        pool.retryAutomatically = False
        self._fresh._pool = pool
        self.renderer: Any = None  # scrapy_playwright's handler, once a page needs rendering
        self._render_error: BaseException | None = None
        self._render_lock: asyncio.Lock | None = None

    async def download_request(self, request: Request) -> Response:
        if request.meta.get("playwright"):
            renderer = await self._renderer()
            return await renderer.download_request(request)
        if request.meta.get("pucha_fresh_connection"):
            return await self._fresh.download_request(request)
        return await super().download_request(request)

    async def _renderer(self) -> Any:
        """scrapy-playwright's handler with its browser running, started by the first caller.  A browser
        that cannot start fails every later rendering at once: those lists stay unreadable, and the sweep
        does not pay a failed launch per page."""
        if self._render_lock is None:
            self._render_lock = asyncio.Lock()
        async with self._render_lock:
            if self._render_error is not None:
                raise NoBrowser(f"no browser to render with: {self._render_error}")
            if self.renderer is None:
                from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler

                renderer = ScrapyPlaywrightDownloadHandler(self._crawler)
                try:
                    # The engine_started signal it waits for has long fired: start it here.  Both are
                    # scrapy-playwright internals, pinned with it in pyproject.toml.
                    await renderer._maybe_launch_in_thread()
                    await renderer._maybe_launch_browser()
                except Exception as exc:
                    self._render_error = exc
                    await _quietly_close(renderer)
                    raise NoBrowser(f"no browser to render with: {exc}") from exc
                self.renderer = renderer
        return self.renderer

    async def close(self) -> None:
        if self.renderer is not None:
            await _quietly_close(self.renderer)
        await self._fresh.close()
        await super().close()


async def _quietly_close(renderer: Any) -> None:
    try:
        await renderer.close()
    except Exception:  # a browser that died already: nothing left to close
        pass
