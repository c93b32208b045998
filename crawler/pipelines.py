"""The item pipeline: pucha's events leave the crawl here, into the spider's sink."""
from __future__ import annotations

from pucha.events import Event


class EventPipeline:
    """Hands each event to the spider's ``emit`` (in-process hand-off or Kafka, see pucha.transport)."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def process_item_async(self, item):
        if isinstance(item, Event):
            self.crawler.spider.emit(item)
        return item

    def process_item(self, item):
        if isinstance(item, Event):
            self.crawler.spider.emit(item)
        return item
