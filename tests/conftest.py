"""Fixtures shared by the whole suite.  The real services live in tests/servicekit/."""
from servicekit.fixtures import (  # noqa: F401  (pytest finds fixtures by name)
    clickhouse_private,
    clickhouse_server,
    clickhouse_url,
    kafka_broker,
    kafka_durable,
    kafka_prefix,
    kafka_private,
    redis_ns,
    redis_private,
)
