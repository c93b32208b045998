"""Retries with exponential backoff (Scrapy's RetryMiddleware retries at once).

A struggling government server is better served by waiting: the n-th retry
of a request waits RETRY_BACKOFF_BASE * 2**(n-1) seconds (capped at
RETRY_BACKOFF_MAX) before it is handed back to the scheduler.
"""
from __future__ import annotations

import asyncio

from scrapy.downloadermiddlewares.retry import RetryMiddleware


class BackoffRetryMiddleware(RetryMiddleware):
    def __init__(self, settings):
        super().__init__(settings)
        self.base = settings.getfloat("RETRY_BACKOFF_BASE", 1.0)
        self.cap = settings.getfloat("RETRY_BACKOFF_MAX", 30.0)

    async def _wait(self, result):
        if result is not None and hasattr(result, "meta") and result is not None:
            n = result.meta.get("retry_times", 1)
            delay = min(self.base * 2 ** (n - 1), self.cap)
            if delay > 0:
                await asyncio.sleep(delay)
        return result

    async def process_response(self, request, response, spider=None):
        result = super().process_response(request, response)
        if result is not response:
            return await self._wait(result)
        return result

    async def process_exception(self, request, exception, spider=None):
        result = super().process_exception(request, exception)
        if result is None:
            return None
        return await self._wait(result)
