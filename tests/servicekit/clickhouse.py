"""Debian's ClickHouse server (18.16 here; current releases too) in a temporary directory.

The package's own config.xml and users.xml are copied and rewritten: every
path into the work directory, one ``listen_host`` (127.0.0.1), free HTTP and
native ports, and the ports the tests do not use (TLS, interserver, MySQL,
PostgreSQL) removed, so several servers can run side by side with the
system's.  Data stays in the work directory, so ``restart()`` keeps it.
"""
from __future__ import annotations

import shutil
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

from .procs import ServerProcess, free_port, port_open

CONFIG_DIR = Path("/etc/clickhouse-server")
# Ports a test server does not need; left in, they would collide with the system's server.
_DROPPED = ("https_port", "tcp_port_secure", "interserver_http_port", "mysql_port", "postgresql_port",
            "grpc_port", "interserver_https_port")


def server_command() -> list[str]:
    """The server binary: Debian's clickhouse-server, or the single `clickhouse` binary of newer packages."""
    for path in ("/usr/sbin/clickhouse-server", "/usr/bin/clickhouse-server"):
        if Path(path).exists():
            return [path]
    for path in ("/usr/bin/clickhouse", shutil.which("clickhouse") or ""):
        if path and Path(path).exists():
            return [path, "server"]
    raise FileNotFoundError("clickhouse-server is not installed (apt-get install clickhouse-server; .ci/run does it)")


class ClickHouseServer(ServerProcess):
    name = "clickhouse"
    start_timeout = 60.0

    def __init__(self, workdir: str | Path, database: str = "pucha_test"):
        super().__init__(workdir)
        self.http_port = free_port()
        self.tcp_port = free_port()
        self.database = database

    @property
    def url(self) -> str:
        """The PUCHA_CLICKHOUSE_URL of this server."""
        return f"clickhouse://127.0.0.1:{self.tcp_port}/{self.database}"

    def url_for(self, database: str) -> str:
        return f"clickhouse://127.0.0.1:{self.tcp_port}/{database}"

    def prepare(self) -> None:
        d = self.workdir
        tree = ET.parse(CONFIG_DIR / "config.xml")
        root = tree.getroot()

        def put(tag: str, text: str) -> None:
            el = root.find(tag)
            if el is None:
                el = ET.SubElement(root, tag)
            el.text = text

        for tag in _DROPPED:
            for el in root.findall(tag):
                root.remove(el)
        for el in root.findall("listen_host"):
            root.remove(el)
        put("listen_host", "127.0.0.1")
        put("http_port", str(self.http_port))
        put("tcp_port", str(self.tcp_port))
        for tag, sub in (("path", "data"), ("tmp_path", "tmp"), ("user_files_path", "user_files"),
                         ("format_schema_path", "format_schemas")):
            (d / sub).mkdir(exist_ok=True)
            put(tag, f"{d / sub}/")
        # Small caches: the machine is shared, and the tests' tables are tiny.
        put("mark_cache_size", str(256 << 20))
        put("uncompressed_cache_size", str(256 << 20))
        logger = root.find("logger")
        if logger is None:
            logger = ET.SubElement(root, "logger")
        for tag, name in (("log", "server.log"), ("errorlog", "server.err.log")):
            el = logger.find(tag)
            if el is None:
                el = ET.SubElement(logger, tag)
            el.text = str(d / name)
        users = root.find("user_directories/users_xml/path")
        if users is not None:  # newer releases
            users.text = str(d / "users.xml")
        put("users_config", str(d / "users.xml"))
        tree.write(d / "config.xml", encoding="utf-8", xml_declaration=True)
        shutil.copy(CONFIG_DIR / "users.xml", d / "users.xml")

    def command(self) -> list[str]:
        return [*server_command(), f"--config-file={self.workdir / 'config.xml'}"]

    def ready(self) -> bool:
        if not port_open(self.tcp_port):
            return False
        with urllib.request.urlopen(f"http://127.0.0.1:{self.http_port}/ping", timeout=1) as r:
            return r.read().strip() == b"Ok."

    def query(self, sql: str) -> str:
        """Run one statement over HTTP (for fixtures and checks; pucha itself uses the native protocol)."""
        req = urllib.request.Request(f"http://127.0.0.1:{self.http_port}/", data=sql.encode("utf-8"))
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.read().decode("utf-8")

    def log_tail(self, lines: int = 15) -> str:
        err = self.workdir / "server.err.log"
        if err.exists():
            text = err.read_text(encoding="utf-8", errors="replace").strip().splitlines()
            return " | ".join(text[-lines:]) or super().log_tail(lines)
        return super().log_tail(lines)
