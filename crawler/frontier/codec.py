"""Compact serialisation of the census spider's requests for the Redis frontier.

scrapy-redis pickles ``request_to_dict`` (about 1 KB a request, most of it
the 500-entry ``handle_httpstatus_list`` and default fields); a broad crawl
queues millions, so the frontier stores a short JSON array instead: only
fields that differ from their defaults, meta keys abbreviated, the constant
status list as a flag.  Callbacks are named: spider methods by name, the
probe schedule's with a ``p.`` prefix.
"""
from __future__ import annotations

import base64
import dataclasses
import json
import time
from typing import Any

from scrapy import Request

from crawler.settings import HANDLED_STATUSES
from crawler.understand.dataproxy import DataProxyCall

# meta key <-> short key; keys not listed travel under their own name.
_SHORT = {"site": "s", "role": "r", "depth": "d", "column": "c", "category": "k", "page_no": "n",
          "download_timeout": "t", "probe_slot": "ps", "dont_retry": "dr", "download_slot": "ds",
          "pucha_max_bytes": "mb", "pucha_check": "pc", "dont_merge_cookies": "dm", "retry_times": "rt",
          "redirect_urls": "ru", "redirect_times": "rx", "redirect_reasons": "rr", "redirect_ttl": "rl",
          "proxy_call": "pp"}
_LONG = {v: k for k, v in _SHORT.items()}
# Process-local or recomputed meta: never serialised.
_DROP = {"pucha_t", "download_latency", "download_slot_key", "depth_key", "_lid", "_pctx", "handle_httpstatus_list"}


class CodecError(ValueError):
    """A request the frontier cannot carry (an unnamed callback, an unknown meta value)."""


def callback_name(spider: Any, func: Any) -> str | None:
    if func is None:
        return None
    func = getattr(func, "_frontier_orig", func)
    owner = getattr(func, "__self__", None)
    name = getattr(func, "__name__", None)
    if owner is spider:
        return name
    if owner is not None and owner is getattr(spider, "probes", None):
        return "p." + name
    raise CodecError(f"callback {func!r} is neither the spider's nor its probe schedule's")


def resolve(spider: Any, name: str | None) -> Any:
    if not name:
        return None
    if name.startswith("p."):
        return getattr(spider.probes, name[2:])
    return getattr(spider, name)


def _plain(v: Any) -> Any:
    if isinstance(v, DataProxyCall):
        return {"__dp": dataclasses.asdict(v)}
    return v


def _unplain(v: Any) -> Any:
    if isinstance(v, dict) and "__dp" in v:
        return DataProxyCall(**v["__dp"])
    return v


def encode(request: Request, spider: Any) -> str:
    meta = {}
    for k, v in request.meta.items():
        if k in _DROP:
            continue
        meta[_SHORT.get(k, k)] = _plain(v)
    flags = 0
    if request.meta.get("handle_httpstatus_list") == HANDLED_STATUSES:
        flags |= 1
    if request.dont_filter:
        flags |= 2
    row: list[Any] = [request.url, callback_name(spider, request.callback), callback_name(spider, request.errback),
                      request.priority, flags, meta]
    headers = {k.decode("latin-1"): [x.decode("latin-1") for x in v] for k, v in request.headers.items()}
    extra = {}
    if request.method != "GET":
        extra["m"] = request.method
    if request.body:
        extra["b"] = base64.b64encode(request.body).decode("ascii")
    if headers:
        extra["h"] = headers
    if request.cb_kwargs:
        extra["a"] = request.cb_kwargs
    if extra:
        row.append(extra)
    try:
        return json.dumps(row, ensure_ascii=False, separators=(",", ":"))
    except TypeError as exc:
        raise CodecError(f"request {request.url}: {exc}") from None


def decode(text: str | bytes, spider: Any) -> Request:
    row = json.loads(text)
    url, cb, eb, priority, flags, meta = row[:6]
    extra = row[6] if len(row) > 6 else {}
    meta = {_LONG.get(k, k): _unplain(v) for k, v in meta.items()}
    if flags & 1:
        meta["handle_httpstatus_list"] = HANDLED_STATUSES
    if "probe_slot" in meta:  # a probe's fallback clock when the downloader gives no latency
        meta["pucha_t"] = time.monotonic()
    body = base64.b64decode(extra["b"]) if "b" in extra else None
    return Request(url, callback=resolve(spider, cb), errback=resolve(spider, eb), priority=priority,
                   dont_filter=bool(flags & 2), meta=meta, method=extra.get("m", "GET"), body=body,
                   headers=extra.get("h"), cb_kwargs=extra.get("a"))
