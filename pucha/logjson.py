"""Structured logs (PUCHA_LOG_FORMAT=json): one JSON object a line, for a cluster's log collector.

Scrapy and the workers log through the standard logging module; switching the
format swaps the formatter of the root logger's handlers, so every logger of
the process (Scrapy's, Twisted's, kafka-python's, ours) writes the same way.
"""
from __future__ import annotations

import json
import logging
import time


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        out = {"time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
               + f".{int(record.msecs):03d}Z", "level": record.levelname, "logger": record.name,
               "message": record.getMessage(), "process": record.process}
        if record.exc_info:
            out["exception"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False)


def use_json_logs(enabled: bool, level: str | int | None = None) -> None:
    """Give every handler of the root logger the JSON formatter (adding a stderr handler if none)."""
    if not enabled:
        return
    root = logging.getLogger()
    if not root.handlers:
        root.addHandler(logging.StreamHandler())
    if level is not None:
        root.setLevel(level)
    for handler in root.handlers:
        handler.setFormatter(JsonFormatter())
