"""A service that does not answer when `pucha sweep` or `pucha worker` starts: one line naming it and its URL.

The other two services are up (the session's), the third points at a port
nothing listens on; the command exits 3 (pucha.errors.ServiceUnavailable,
printed by the CLI) without a traceback.
"""
from __future__ import annotations

import pytest

from servicekit import free_port
from sweepkit import AS_OF, base_env, pucha

pytestmark = pytest.mark.services

COMMANDS = {"sweep": ["sweep", "--as-of", AS_OF, "--probe-rounds", "1", "-q"], "worker": ["worker", "--role", "all"]}
NAMES = {"redis": "Redis", "kafka": "Kafka", "clickhouse": "ClickHouse"}


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("down", sorted(NAMES))
def test_a_service_down_at_start_is_one_line(down, command, tmp_path, redis_ns, kafka_broker, kafka_prefix,
                                             clickhouse_url):
    port = free_port()
    urls = {"redis": f"redis://127.0.0.1:{port}/0" if down == "redis" else f"{redis_ns.url}?prefix={redis_ns.prefix}",
            "kafka": f"127.0.0.1:{port}" if down == "kafka" else kafka_broker.bootstrap,
            "clickhouse": f"clickhouse://127.0.0.1:{port}/pucha" if down == "clickhouse" else clickhouse_url}
    env = dict(base_env(tmp_path), PUCHA_REDIS_URL=urls["redis"], PUCHA_KAFKA_BOOTSTRAP=urls["kafka"],
               PUCHA_KAFKA_TOPIC_PREFIX=kafka_prefix, PUCHA_CLICKHOUSE_URL=urls["clickhouse"])
    out = pucha(COMMANDS[command], env, timeout=120)
    lines = out.stderr.strip().splitlines()
    assert out.returncode == 3, out.stderr[-2000:]
    assert len(lines) == 1, out.stderr[-2000:]
    assert NAMES[down] in lines[0] and urls[down] in lines[0], lines[0]
    assert "Traceback" not in out.stderr + out.stdout
