"""Every Redis key of a sweep, under one prefix, and their expiry when the sweep ends.

``{prefix}{sweep}:`` starts every key of a sweep -- its queues, leases,
journals, ledger and counters -- so ending a sweep expires exactly its keys
and bounded memory follows: nothing of a finished sweep outlives
``END_TTL``.  Keys are also given ``SAFETY_TTL`` when first written, so a
sweep that is never ended cannot keep its keys for ever.  (A single Redis,
not Redis Cluster: scripts build key names from this prefix.)
"""
from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from pucha.errors import ServiceUnavailable

DEFAULT_PREFIX = "pucha:"
SAFETY_TTL = 14 * 86400  # a sweep that nobody ends
END_TTL = 3600  # an ended sweep's keys, kept an hour for a late look


def split_url(url: str) -> tuple[str, str]:
    """PUCHA_REDIS_URL may carry ``?prefix=NAME:`` (several censuses, or tests, on one Redis)."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query)
    prefix = DEFAULT_PREFIX
    rest = []
    for k, v in query:
        if k == "prefix":
            prefix = v
        else:
            rest.append((k, v))
    return urlunsplit(parts._replace(query=urlencode(rest))), prefix


def connect(url: str, *, check: bool = True):
    """A Redis client for PUCHA_REDIS_URL and the key prefix; ServiceUnavailable when it does not answer."""
    import redis

    plain, prefix = split_url(url)
    try:
        client = redis.Redis.from_url(plain, socket_connect_timeout=3, socket_timeout=30,
                                      health_check_interval=15)
        if check:
            client.ping()
    except (redis.RedisError, OSError, ValueError) as exc:
        raise ServiceUnavailable("Redis", url, str(exc).splitlines()[0] if str(exc) else type(exc).__name__) from None
    client.pucha_prefix = prefix  # type: ignore[attr-defined]
    return client


class SweepKeys:
    def __init__(self, prefix: str, sweep: str):
        self.prefix = prefix
        self.sweep = sweep
        self.base = f"{prefix}{sweep}:"

    def __getattr__(self, name: str) -> str:
        return self.base + name

    def pattern(self) -> str:
        return self.base + "*"


def expire_sweep(client, prefix: str, sweep: str, ttl: int = END_TTL) -> int:
    """The sweep has ended: give every one of its keys a short life.  Returns the keys touched."""
    n = 0
    pipe = client.pipeline(transaction=False)
    for key in client.scan_iter(match=SweepKeys(prefix, sweep).pattern(), count=1000):
        pipe.expire(key, ttl)
        n += 1
        if n % 1000 == 0:
            pipe.execute()
    pipe.execute()
    return n
