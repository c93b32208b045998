"""The probe command of the Kubernetes manifests, `python -m census.distributed.health`, against real services.

Run as the kubelet runs it: a subprocess with PUCHA_* in its environment,
judged by its exit code and its one line per service.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from servicekit import free_port

pytestmark = pytest.mark.services
ROOT = Path(__file__).resolve().parents[2]
POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"


def health(role: str, env_extra: dict[str, str], tmp_path: Path, *more: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PUCHA_")}
    env.update({"PUCHA_HOME": str(tmp_path), "PUCHA_CONFIG": "", "PYTHONPATH": str(ROOT), **env_extra})
    return subprocess.run([sys.executable, "-m", "census.distributed.health", "--role", role, *more], env=env,
                          text=True, capture_output=True, timeout=60, cwd=tmp_path)


def test_every_role_answers_when_its_services_do(redis_ns, kafka_broker, clickhouse_server, tmp_path):
    env = {"PUCHA_DATABASE_URL": POSTGRES, "PUCHA_REDIS_URL": f"{redis_ns.url}?prefix={redis_ns.prefix}",
           "PUCHA_KAFKA_BOOTSTRAP": kafka_broker.bootstrap, "PUCHA_CLICKHOUSE_URL": clickhouse_server.url_for("h")}
    for role, names in (("crawl", ["Database", "Redis", "Kafka"]), ("score", ["Database", "Kafka", "ClickHouse"]),
                        ("ingest", ["Kafka", "ClickHouse"]), ("sweep", ["Database", "Redis", "Kafka", "ClickHouse"]),
                        ("portal", ["Database", "ClickHouse"]), ("monitor", ["Database", "Redis"])):
        out = health(role, env, tmp_path)
        assert out.returncode == 0, (role, out.stdout, out.stderr)
        lines = out.stdout.strip().splitlines()
        assert [line.split()[1] for line in lines] == names, (role, lines)
        assert all(line.startswith("ok ") for line in lines)
    quick = health("sweep", env, tmp_path, "--quick")
    assert quick.returncode == 0, quick.stderr
    assert len(quick.stdout.strip().splitlines()) == 4


def test_a_silent_service_is_named_with_its_url_and_no_password(redis_ns, tmp_path):
    dead = free_port()
    env = {"PUCHA_REDIS_URL": redis_ns.url, "PUCHA_KAFKA_BOOTSTRAP": f"127.0.0.1:{dead}"}
    out = health("crawl", env, tmp_path)
    assert out.returncode == 1
    assert f"FAIL  Kafka at 127.0.0.1:{dead} does not answer" in out.stderr
    assert "Traceback" not in out.stderr
    assert "ok    Redis" in out.stdout  # the others are still checked and reported

    env = {"PUCHA_CLICKHOUSE_URL": f"clickhouse://default:hunter2@127.0.0.1:{dead}/pucha",
           "PUCHA_KAFKA_BOOTSTRAP": f"127.0.0.1:{dead}"}
    for quick in ((), ("--quick",)):
        out = health("ingest", env, tmp_path, *quick)
        assert out.returncode == 1
        assert f"ClickHouse at clickhouse://default:***@127.0.0.1:{dead}/pucha does not answer" in out.stderr
        assert "hunter2" not in out.stdout + out.stderr


def test_postgres_that_refuses_is_a_failure_not_a_hang(tmp_path):
    out = health("portal", {"PUCHA_DATABASE_URL": f"postgresql://postgres@127.0.0.1:{free_port()}/x"}, tmp_path)
    assert out.returncode == 1
    assert "FAIL  Database at postgresql+psycopg://postgres@127.0.0.1:" in out.stderr


def test_missing_or_malformed_settings_exit_2_naming_the_variable(tmp_path):
    out = health("crawl", {}, tmp_path)
    assert out.returncode == 2
    assert out.stderr.strip() == "pucha health: PUCHA_REDIS_URL is not set, and role crawl needs Redis"

    out = health("ingest", {"PUCHA_KAFKA_BOOTSTRAP": "kafka-without-port", "PUCHA_CLICKHOUSE_URL": "x"}, tmp_path)
    assert out.returncode == 2
    assert "PUCHA_KAFKA_BOOTSTRAP='kafka-without-port': expected host:port" in out.stderr

    out = health("ingest", {"PUCHA_KAFKA_BOOTSTRAP": "127.0.0.1:9", "PUCHA_CLICKHOUSE_URL": "http://ch:8123/"},
                 tmp_path)
    assert out.returncode == 2
    assert "PUCHA_CLICKHOUSE_URL='http://ch:8123/': expected clickhouse://host:port/database" in out.stderr

    out = health("crawl", {"PUCHA_PROBE_ROUNDS": "many"}, tmp_path)
    assert out.returncode == 2
    assert "PUCHA_PROBE_ROUNDS='many'" in out.stderr


def test_optional_services_are_checked_only_when_set(tmp_path):
    out = health("portal", {}, tmp_path)  # SQLite registry, embedded results: nothing remote to ask
    assert out.returncode == 0, out.stderr
    assert [line.split()[1] for line in out.stdout.strip().splitlines()] == ["Database"]
