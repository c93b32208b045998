"""The item pipeline: pucha's events leave the crawl here, into the configured sink."""
from __future__ import annotations

from pucha.events import Event


class EventPipeline:
    """Hands each event to ``spider.sink`` (in-process hand-off or Kafka, see pucha.bus)."""

    def process_item(self, item, spider=None):
        if isinstance(item, Event):
            spider.emit(item)
        return item
