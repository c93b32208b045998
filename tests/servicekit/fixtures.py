"""pytest fixtures for the real services, imported by tests/conftest.py.

Session-wide servers are shared by every test that needs them (each test gets
its own ClickHouse database, Kafka topic prefix or Redis key prefix, so
tests do not see each other's data); the ``*_private`` fixtures start a
server of the test's own, for fault tests that stop, kill or restart it.
"""
from __future__ import annotations

import uuid

import pytest

from .clickhouse import ClickHouseServer
from .kafka import MotoS3, TansuBroker
from .redis import RedisNamespace, RedisServer, new_namespace


@pytest.fixture(scope="session")
def clickhouse_server(tmp_path_factory):
    """One ClickHouse server for the session."""
    with ClickHouseServer(tmp_path_factory.mktemp("clickhouse")) as server:
        yield server


@pytest.fixture
def clickhouse_url(clickhouse_server):
    """A PUCHA_CLICKHOUSE_URL naming a database of this test's own (dropped afterwards; pucha creates it)."""
    db = f"t_{uuid.uuid4().hex[:12]}"
    yield clickhouse_server.url_for(db)
    if clickhouse_server.running:
        clickhouse_server.query(f"DROP DATABASE IF EXISTS {db}")


@pytest.fixture
def clickhouse_private(tmp_path):
    """A ClickHouse server of this test's own, to restart or kill mid-test."""
    with ClickHouseServer(tmp_path / "clickhouse") as server:
        yield server


@pytest.fixture(scope="session")
def kafka_broker(tmp_path_factory):
    """One Tansu broker (memory storage) for the session."""
    with TansuBroker(tmp_path_factory.mktemp("tansu")) as broker:
        yield broker


@pytest.fixture
def kafka_prefix():
    """A topic prefix of this test's own on the shared broker."""
    return f"t{uuid.uuid4().hex[:10]}"


@pytest.fixture
def kafka_private(tmp_path):
    """A Tansu broker of this test's own, memory storage (a restart forgets everything)."""
    with TansuBroker(tmp_path / "tansu") as broker:
        yield broker


@pytest.fixture
def kafka_durable(tmp_path):
    """A Tansu broker storing on moto's S3 server, so its topics and offsets survive ``restart()``."""
    with MotoS3(tmp_path / "s3") as s3, TansuBroker(tmp_path / "tansu", s3=s3, bucket="tansu") as broker:
        yield broker


@pytest.fixture
def redis_ns() -> RedisNamespace:
    """A key prefix on the shared Redis at 127.0.0.1:6379; its keys are deleted afterwards."""
    ns = new_namespace()
    try:
        ns.client().ping()
    except Exception as exc:
        pytest.fail(f"Redis at {ns.url} does not answer ({exc}); .ci/run starts redis-server")
    yield ns
    ns.cleanup()


@pytest.fixture
def redis_private(tmp_path):
    """A redis-server of this test's own on a free port, to kill or restart mid-test."""
    with RedisServer(tmp_path / "redis") as server:
        yield server
