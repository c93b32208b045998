"""`python -m census.distributed.health --role ROLE`: do the services this role needs answer?

The exec probe of the Kubernetes manifests (deploy/k8s/): a pod is ready when
every service its role talks to answers within a few seconds.  One line per
service on stdout; exit 0 when all answer, 1 when one does not (the line
names the service and its URL, passwords hidden), 2 when a setting the role
needs is missing or malformed.

``--quick`` only opens a TCP connection to each service (no client library,
no query): the liveness probe, cheap enough to run every few seconds and
failing only when the network path itself is gone.

The checks are kept light on purpose: a probe runs every 10-30 s on every
pod, so it never creates topics, databases or schemas (the workers do that).
"""
from __future__ import annotations

import argparse
import socket
import sys
import time
from dataclasses import dataclass
from typing import Callable
from urllib.parse import urlsplit, urlunsplit

from pucha.errors import ServiceUnavailable
from pucha.settings import ConfigError, Settings

TIMEOUT = 3.0  # seconds each service gets to answer; the probes' timeoutSeconds leave room for four

# Which services each role talks to: (label, setting attribute).  "database" is always set (SQLite by default).
ROLE_SERVICES: dict[str, tuple[str, ...]] = {
    "crawl": ("database", "redis", "kafka"),  # registry records, the frontier, the events
    "score": ("database", "kafka", "clickhouse"),  # registry records, events in, scorecards out
    "ingest": ("kafka", "clickhouse"),
    "sweep": ("database", "redis", "kafka", "clickhouse"),  # the submitter watches all of them
    "portal": ("database", "clickhouse?"),  # ClickHouse when results live there
    "monitor": ("database", "redis?"),  # Redis when the monitor is sharded
}
ROLES = tuple(ROLE_SERVICES)

_SETTING = {"database": "PUCHA_DATABASE_URL", "redis": "PUCHA_REDIS_URL", "kafka": "PUCHA_KAFKA_BOOTSTRAP",
            "clickhouse": "PUCHA_CLICKHOUSE_URL"}
_NAME = {"database": "Database", "redis": "Redis", "kafka": "Kafka", "clickhouse": "ClickHouse"}


class MissingSetting(ValueError):
    """A role needs a service whose setting is not set."""


@dataclass
class Result:
    service: str
    url: str
    ok: bool
    ms: float
    detail: str = ""

    def line(self) -> str:
        if self.ok:
            return f"ok    {_NAME[self.service]} at {self.url} ({self.ms:.0f} ms)"
        return f"FAIL  {_NAME[self.service]} at {self.url} does not answer: {self.detail}"


def redact(url: str) -> str:
    """The URL with its password replaced by ***: probe output ends up in pod events and logs."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)
    userinfo = netloc[0].split(":", 1)[0]
    return urlunsplit(parts._replace(netloc=f"{userinfo}:***@{netloc[1]}"))


def _url(cfg: Settings, service: str) -> str | None:
    from pucha.db import database_url

    return {"database": database_url(cfg), "redis": cfg.redis_url, "kafka": cfg.kafka_bootstrap,
            "clickhouse": cfg.clickhouse_url}[service]


def _endpoints(service: str, url: str) -> list[tuple[str, int]]:
    """Host and port pairs a service URL names (Kafka's bootstrap is host:port[,host:port])."""
    if service == "kafka":
        out = []
        for part in url.split(","):
            host, _, port = part.strip().rpartition(":")
            if not host or not port.isdigit():
                raise MissingSetting(f"PUCHA_KAFKA_BOOTSTRAP={url!r}: expected host:port[,host:port]")
            out.append((host.strip("[]"), int(port)))
        return out
    parts = urlsplit(url)
    if service == "clickhouse" and parts.scheme != "clickhouse":
        raise MissingSetting(f"PUCHA_CLICKHOUSE_URL={redact(url)!r}: expected clickhouse://host:port/database")
    if service == "database" and parts.scheme.startswith("sqlite"):
        return []  # a file: nothing to connect to
    default = {"redis": 6379, "clickhouse": 9000, "database": 5432}[service]
    if not parts.hostname:
        raise MissingSetting(f"{_SETTING[service]}={redact(url)!r}: no host in the URL")
    return [(parts.hostname, parts.port or default)]


# --- the checks: each raises on failure ---------------------------------------------------------

def _tcp(service: str, url: str) -> None:
    for host, port in _endpoints(service, url):
        with socket.create_connection((host, port), timeout=TIMEOUT):
            pass


def _check_database(url: str) -> None:
    from sqlalchemy import create_engine, text

    args = {"connect_timeout": int(TIMEOUT)} if url.startswith(("postgresql", "postgres")) else {}
    engine = create_engine(url, connect_args=args, pool_pre_ping=False)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    finally:
        engine.dispose()


def _check_redis(url: str) -> None:
    import redis

    from crawler.frontier.keys import split_url

    plain, _ = split_url(url)
    client = redis.Redis.from_url(plain, socket_connect_timeout=TIMEOUT, socket_timeout=TIMEOUT)
    try:
        client.ping()
    finally:
        client.close()


def _check_kafka(url: str) -> None:
    _tcp("kafka", url)  # fail fast and plainly before kafka-python's own retries
    from kafka import KafkaAdminClient

    ms = int(TIMEOUT * 1000)
    admin = KafkaAdminClient(bootstrap_servers=url, bootstrap_timeout_ms=ms, request_timeout_ms=ms)
    try:
        admin.list_topics()
    finally:
        admin.close()


def _check_clickhouse(url: str) -> None:
    from clickhouse_driver import Client

    parts = urlsplit(url)
    # Database "default": the store creates its own database, which may not exist before the first worker.
    client = Client(host=parts.hostname, port=parts.port or 9000, database="default",
                    user=parts.username or "default", password=parts.password or "",
                    connect_timeout=TIMEOUT, send_receive_timeout=TIMEOUT, sync_request_timeout=TIMEOUT)
    try:
        client.execute("SELECT 1")
    finally:
        client.disconnect()


_CHECKS: dict[str, Callable[[str], None]] = {"database": _check_database, "redis": _check_redis,
                                             "kafka": _check_kafka, "clickhouse": _check_clickhouse}


def check_role(cfg: Settings, role: str, quick: bool = False) -> list[Result]:
    """Check every service of ``role``; MissingSetting when one it needs is not configured."""
    if role not in ROLE_SERVICES:
        raise MissingSetting(f"unknown role {role!r}; one of {', '.join(ROLES)}")
    results = []
    for spec in ROLE_SERVICES[role]:
        service, optional = spec.rstrip("?"), spec.endswith("?")
        url = _url(cfg, service)
        if not url:
            if optional:
                continue
            raise MissingSetting(f"{_SETTING[service]} is not set, and role {role} needs {_NAME[service]}")
        _endpoints(service, url)  # malformed URLs are a setting error, not an outage
        t0 = time.perf_counter()
        try:
            _tcp(service, url) if quick else _CHECKS[service](url)
        except MissingSetting:
            raise
        except Exception as exc:  # any client error means "does not answer"; say which
            text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            results.append(Result(service, redact(url), False, 0.0, f"{type(exc).__name__}: {text}"[:300]))
            continue
        results.append(Result(service, redact(url), True, (time.perf_counter() - t0) * 1000))
    return results


def require(cfg: Settings, role: str) -> None:
    """Raise ServiceUnavailable naming the first service of ``role`` that does not answer."""
    for r in check_role(cfg, role):
        if not r.ok:
            raise ServiceUnavailable(_NAME[r.service], r.url, r.detail)


def main(argv: list[str] | None = None) -> int:
    from pucha import settings as settings_mod

    ap = argparse.ArgumentParser(prog="python -m census.distributed.health",
                                 description="exit 0 when every service the role needs answers")
    ap.add_argument("--role", choices=ROLES, required=True)
    ap.add_argument("--quick", action="store_true", help="TCP connections only (the liveness probe)")
    args = ap.parse_args(argv)
    try:
        results = check_role(settings_mod.load(), args.role, quick=args.quick)
    except (MissingSetting, ConfigError) as exc:
        print(f"pucha health: {exc}", file=sys.stderr)
        return 2
    for r in results:
        print(r.line(), file=sys.stdout if r.ok else sys.stderr)
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
