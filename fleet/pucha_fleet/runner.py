"""Running the fleet: ``python -m pucha_fleet serve ...`` and ``FleetProcess`` for tests and ``pucha demo``.

``serve`` generates the profiles, binds every site, writes registry.xlsx,
sites.csv, columns.csv, truth.json and fleet.json into the output directory,
prints ``READY <dir>/fleet.json`` and serves until SIGTERM or SIGINT.
``FleetProcess`` runs that as a subprocess and always stops it.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import queue
import signal
import subprocess
import sys
import threading
from datetime import date
from pathlib import Path
from typing import Any

from pucha_fleet.export import write_registry
from pucha_fleet.generate import generate
from pucha_fleet.server import Fleet
from pucha_fleet.truth import fleet_truth


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="python -m pucha_fleet", description="合成政府网站群（测试、演示、基准）")
    sub = ap.add_subparsers(dest="command", required=True)
    s = sub.add_parser("serve", help="生成并启动网站群")
    s.add_argument("--out", required=True, type=Path, help="输出目录：registry.xlsx、truth.json、fleet.json")
    s.add_argument("--sites", type=int, default=40, help="网站数量")
    s.add_argument("--seed", type=int, default=1)
    s.add_argument("--as-of", required=True, type=_date, help="监测时间点 YYYY-MM-DD")
    s.add_argument("--rounds", type=int, default=20, help="每次普查的首页探测轮数")
    s.add_argument("--hang", type=float, default=20.0, help="挂起响应的秒数（须大于爬虫超时）")
    s.add_argument("--pages-per-site", type=int, default=None, help="每站大约页数（基准测试）")
    s.add_argument("--ip-prefix", default="127.31", help="回环地址前两段，如 127.31")
    args = ap.parse_args(argv)
    if args.sites < 1:
        ap.error(f"--sites 须为正整数，收到 {args.sites}")
    if args.rounds < 1:
        ap.error(f"--rounds 须为正整数，收到 {args.rounds}")
    if args.hang <= 0:
        ap.error(f"--hang 须为正数，收到 {args.hang}")
    parts = args.ip_prefix.split(".")
    if len(parts) != 2 or parts[0] != "127" or not parts[1].isdigit() or not 0 <= int(parts[1]) <= 255:
        ap.error(f"--ip-prefix 须形如 127.N（0-255），收到 {args.ip_prefix!r}")
    return args


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期须为 YYYY-MM-DD，收到 {text!r}") from None


async def serve(args: argparse.Namespace) -> None:
    profiles = generate(args.sites, args.seed, args.as_of, args.rounds, args.pages_per_site)
    fleet = Fleet(profiles, args.as_of, args.rounds, args.hang, args.ip_prefix)
    net = await fleet.start()
    try:
        sites = [fleet.sites[k] for k in sorted(fleet.sites, key=lambda k: fleet.sites[k].p.index)]
        out: Path = args.out
        out.mkdir(parents=True, exist_ok=True)
        write_registry(sites, out)
        _write_json(out / "truth.json", {**fleet_truth(sites, args.rounds), "seed": args.seed})
        _write_json(out / "fleet.json", {
            "as_of": args.as_of.isoformat(), "seed": args.seed, "rounds": args.rounds, "hang": args.hang,
            "pid": os.getpid(), "external": net.external, "dead": net.dead,
            "sites": [{"index": s.p.index, "home_url": s.url("/"), "name": s.p.name, "region": s.p.region,
                       "site_type": s.p.site_type, "family": s.p.family, "encoding": s.p.encoding,
                       "declaration": s.p.declaration, "home_kind": s.p.home_kind, "purpose": s.p.purpose,
                       "pages": len(s.routes)} for s in sites],
        })
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        print(f"READY {out / 'fleet.json'}", flush=True)
        await stop.wait()
    finally:
        await fleet.stop()


def _write_json(path: Path, data: Any) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(path)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    asyncio.run(serve(args))
    return 0


class FleetError(RuntimeError):
    """The fleet process did not start; the message carries its stderr."""


class FleetProcess:
    """``with FleetProcess(out_dir, sites=40, seed=1, as_of=..., rounds=20, hang=3) as fleet:``

    Starts ``python -m pucha_fleet serve`` as a subprocess, waits for READY and
    exposes ``.truth`` (truth.json), ``.registry_xlsx``, ``.sites`` (fleet.json's
    site list) and ``.info`` (all of fleet.json); stops the process on exit."""

    def __init__(self, out_dir: str | Path, *, sites: int = 40, seed: int = 1, as_of: date | str = "2026-11-26",
                 rounds: int = 20, hang: float = 20.0, pages_per_site: int | None = None,
                 ip_prefix: str = "127.31", startup_timeout: float = 60.0):
        self.out_dir = Path(out_dir)
        as_of = as_of.isoformat() if isinstance(as_of, date) else as_of
        self.cmd = [sys.executable, "-m", "pucha_fleet", "serve", "--out", str(self.out_dir), "--sites", str(sites),
                    "--seed", str(seed), "--as-of", as_of, "--rounds", str(rounds), "--hang", str(hang),
                    "--ip-prefix", ip_prefix]
        if pages_per_site:
            self.cmd += ["--pages-per-site", str(pages_per_site)]
        self.startup_timeout = startup_timeout
        self.proc: subprocess.Popen[str] | None = None
        self.info: dict[str, Any] = {}
        self.truth: dict[str, Any] = {}

    @property
    def registry_xlsx(self) -> Path:
        return self.out_dir / "registry.xlsx"

    @property
    def sites_csv(self) -> Path:
        return self.out_dir / "sites.csv"

    @property
    def columns_csv(self) -> Path:
        return self.out_dir / "columns.csv"

    @property
    def sites(self) -> list[dict[str, Any]]:
        return self.info["sites"]

    def truth_of(self, home_url: str) -> dict[str, Any]:
        for t in self.truth["sites"]:
            if t["home_url"] == home_url:
                return t
        raise KeyError(f"no fleet site {home_url}")

    def start(self) -> "FleetProcess":
        self.out_dir.mkdir(parents=True, exist_ok=True)
        stderr = open(self.out_dir / "fleet.log", "w", encoding="utf-8")
        self.proc = subprocess.Popen(self.cmd, stdout=subprocess.PIPE, stderr=stderr, text=True, cwd=_repo_root(),
                                     env=fleet_env())
        stderr.close()
        lines: queue.Queue[str | None] = queue.Queue()

        def read() -> None:
            assert self.proc and self.proc.stdout
            for line in self.proc.stdout:
                lines.put(line)
            lines.put(None)

        threading.Thread(target=read, daemon=True).start()
        try:
            while True:
                line = lines.get(timeout=self.startup_timeout)
                if line is None:
                    raise FleetError(f"网站群进程启动失败：{(self.out_dir / 'fleet.log').read_text(encoding='utf-8')[-2000:]}")
                if line.startswith("READY "):
                    fleet_json = Path(line.split(" ", 1)[1].strip())
                    break
        except queue.Empty:
            self.stop()
            raise FleetError(f"网站群进程 {self.startup_timeout} 秒内未就绪") from None
        except BaseException:
            self.stop()
            raise
        self.info = json.loads(fleet_json.read_text(encoding="utf-8"))
        self.truth = json.loads((self.out_dir / "truth.json").read_text(encoding="utf-8"))
        return self

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc.stdout:
            self.proc.stdout.close()
        self.proc = None

    def __enter__(self) -> "FleetProcess":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _repo_root() -> str:
    return str(Path(__file__).resolve().parents[2])


def fleet_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for a ``python -m pucha_fleet`` child: this package importable even where it is
    not installed (the tests find it through pytest's ``pythonpath``, a child process would not)."""
    env = dict(os.environ if env is None else env)
    here = str(Path(__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (here, env.get("PYTHONPATH", "")) if p)
    return env
