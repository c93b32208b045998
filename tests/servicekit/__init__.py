"""Real services for the tests, on free loopback ports: ClickHouse, Tansu (Kafka), moto (S3), Redis.

The classes start, restart and stop one server each (procs.ServerProcess);
fixtures.py wraps them as pytest fixtures, which tests/conftest.py imports.
"""
from .clickhouse import ClickHouseServer
from .kafka import MotoS3, TansuBroker, tansu_binary
from .procs import ServerProcess, ServiceStartError, free_port, port_open
from .redis import RedisNamespace, RedisServer, new_namespace

__all__ = ["ClickHouseServer", "MotoS3", "TansuBroker", "tansu_binary", "ServerProcess", "ServiceStartError",
           "free_port", "port_open", "RedisNamespace", "RedisServer", "new_namespace"]
