"""scrapy-redis's dupefilter, keyed per sweep and per site, with 8-byte fingerprints.

scrapy-redis keeps one set of 40-character SHA1 hex digests per spider that
never expires (about 100 bytes a URL); here a request's fingerprint is a
64-bit integer in the set of its site (``{sweep}:seen:{site}``, an intset
while small), and the set expires with the sweep (crawler.frontier.keys).
The census spider claims its URLs in the ledger and sends its requests with
``dont_filter``; this filter serves requests that do not.
"""
from __future__ import annotations

import hashlib
import json

from scrapy_redis.dupefilter import RFPDupeFilter
from w3lib.url import canonicalize_url

from .keys import SAFETY_TTL, SweepKeys


class SweepDupeFilter(RFPDupeFilter):
    def __init__(self, server, keys: SweepKeys, debug: bool = False):
        super().__init__(server, key=keys.base + "seen", debug=debug)
        self.keys = keys

    def request_fingerprint(self, request) -> str:
        data = json.dumps([request.method, canonicalize_url(request.url), (request.body or b"").hex()])
        return str(int.from_bytes(hashlib.blake2b(data.encode(), digest_size=8).digest(), "big", signed=True))

    def key_for(self, request) -> str:
        site = request.meta.get("site") or ""
        return f"{self.key}:{site}"

    def request_seen(self, request) -> bool:
        key = self.key_for(request)
        p = self.server.pipeline(transaction=False)
        p.sadd(key, self.request_fingerprint(request))
        p.expire(key, SAFETY_TTL, nx=True)
        added, _ = p.execute()
        return added == 0

    def clear(self) -> None:
        """Never on a worker's close: the sweep's keys expire when the sweep ends (keys.expire_sweep)."""

    def close(self, reason: str = "") -> None:
        pass
