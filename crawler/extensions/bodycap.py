"""Cut a download short once it has enough bytes, keeping what arrived.

A 3 MB page, a calendar of a thousand months or a 200 MB attachment must not
stall a sweep: past ``request.meta["pucha_max_bytes"]`` (default
PUCHA_MAX_PAGE_BYTES) the download stops and the spider gets the partial
response, flagged "download_stopped".  A link check or an attachment check
asks for a few KB only: the status and the first bytes are all it needs.
"""
from __future__ import annotations

from scrapy import signals
from scrapy.exceptions import StopDownload


class BodyCap:
    def __init__(self, default: int):
        self.default = default

    @classmethod
    def from_crawler(cls, crawler):
        ext = cls(crawler.settings.getint("PUCHA_MAX_PAGE_BYTES", 2_000_000))
        crawler.signals.connect(ext.bytes_received, signal=signals.bytes_received)
        return ext

    def bytes_received(self, data: bytes, request, spider=None) -> None:
        meta = request.meta
        got = meta.get("pucha_bytes", 0) + len(data)
        meta["pucha_bytes"] = got
        if got >= meta.get("pucha_max_bytes", self.default):
            raise StopDownload(fail=False)
