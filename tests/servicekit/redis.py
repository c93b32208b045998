"""Redis for the tests: a key namespace on the shared server at 127.0.0.1:6379, or a private server.

The shared server (started by .ci/run where none answers) is used by other
developers' tests at the same time, so each test gets its own key prefix and
only its own keys are deleted afterwards.  A fault test that must take Redis
away starts a private ``RedisServer`` on a free port instead.
"""
from __future__ import annotations

import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

from .procs import ServerProcess, free_port, port_open

SHARED_URL = "redis://127.0.0.1:6379/0"


@dataclass
class RedisNamespace:
    url: str
    prefix: str

    def client(self):
        import redis

        return redis.Redis.from_url(self.url)

    def keys(self) -> list[bytes]:
        return list(self.client().scan_iter(match=f"{self.prefix}*", count=1000))

    def cleanup(self) -> None:
        c = self.client()
        batch = []
        for key in c.scan_iter(match=f"{self.prefix}*", count=1000):
            batch.append(key)
            if len(batch) >= 500:
                c.delete(*batch)
                batch = []
        if batch:
            c.delete(*batch)
        c.close()


def new_namespace(url: str = SHARED_URL) -> RedisNamespace:
    return RedisNamespace(url, f"pucha-test:{uuid.uuid4().hex[:12]}:")


class RedisServer(ServerProcess):
    name = "redis"

    def __init__(self, workdir: str | Path):
        super().__init__(workdir)
        self.port = free_port()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def command(self) -> list[str]:
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        return [binary, "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no",
                "--dir", str(self.workdir)]

    def ready(self) -> bool:
        if not port_open(self.port):
            return False
        import redis

        return bool(redis.Redis(port=self.port, socket_timeout=1).ping())
