"""A small fleet for the monitor's tests: homepages that fail at known moments and update on known days.

It runs in the test's own event loop and reads the same SimulatedClock as
the monitor, so what a homepage shows depends on the simulated time.  Its
ground truth is computed here from the site plans alone (which simulated
moments fail, which items exist when), through the published schedule of
slots (census.monitor.schedule): the truth of "what a perfect monitor would
have seen".
"""
from __future__ import annotations

import asyncio
import csv
import hashlib
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from aiohttp import web

from census.monitor.clock import day_of, day_start
from pucha.registry.headers import SITE_FORM_HEADERS
from census.monitor.schedule import slots_of_day

HEADERS = SITE_FORM_HEADERS


@dataclass
class Plan:
    """One site: how often it fails, and its homepage items as (publish day, claimed date, title)."""

    key: str
    region: str
    fail_rate: float = 0.0  # the share of moments at which the homepage fails
    outage_days: tuple[int, ...] = ()  # day offsets on which every request fails
    items: list[tuple[int, int, str]] = field(default_factory=list)  # (published offset, claimed offset, title)
    mode: str = "503"  # how it fails: 503 | hang | loop (cycled with the moment's hash)


def fails(plan: Plan, start: date, ts: float) -> bool:
    if (day_of(ts) - start).days in plan.outage_days:
        return True
    h = hashlib.blake2b(f"{plan.key}|{ts:.3f}".encode(), digest_size=8).digest()
    return int.from_bytes(h, "big") / 2**64 < plan.fail_rate


class SimFleet:
    def __init__(self, plans: list[Plan], start: date, clock, hang: float = 2.5):
        self.plans = {p.key: p for p in plans}
        self.start, self.clock, self.hang = start, clock, hang
        self.requests: dict[str, int] = {p.key: 0 for p in plans}  # homepage requests (not redirect hops)
        self.runner: web.AppRunner | None = None
        self.port = 0

    def home(self, key: str) -> str:
        return f"http://127.0.0.1:{self.port}/{key}/"

    async def __aenter__(self) -> "SimFleet":
        app = web.Application()
        app.router.add_get("/{key}/", self.handle)
        self.runner = web.AppRunner(app, shutdown_timeout=0.5)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def __aexit__(self, *exc) -> None:
        assert self.runner is not None
        await self.runner.cleanup()

    async def handle(self, request: web.Request) -> web.StreamResponse:
        plan = self.plans[request.match_info["key"]]
        if "loop" in request.query:  # a hop of a redirect loop: not a new request for the homepage
            n = int(request.query["loop"]) + 1
            raise web.HTTPFound(f"/{plan.key}/?loop={n}")
        self.requests[plan.key] += 1
        now = self.clock.now()
        if fails(plan, self.start, now):
            mode = plan.mode
            if mode == "hang":
                await asyncio.sleep(self.hang)
                return web.Response(text="late")
            if mode == "loop":
                raise web.HTTPFound(f"/{plan.key}/?loop=1")
            return web.Response(status=503, text="Service Unavailable")
        return web.Response(body=self.page(plan, now).encode("gbk"), content_type="text/html", charset="gbk")

    def visible(self, plan: Plan, day: date) -> list[tuple[int, int, str]]:
        return [it for it in plan.items if self.start + timedelta(days=it[0]) <= day]

    def page(self, plan: Plan, now: float) -> str:
        rows = []
        for pub, claimed, title in sorted(self.visible(plan, day_of(now)), reverse=True):
            d = self.start + timedelta(days=claimed)
            rows.append(f'<li><a href="/{plan.key}/art/{pub}_{title}.html">{title}</a>'
                        f'<span>{d.isoformat()}</span></li>')
        return ("<html><head><meta charset='gbk'><title>示例政府网站</title></head><body>"
                "<div class='news'><h2>工作动态</h2><ul>" + "".join(rows) + "</ul></div></body></html>")

    # --- ground truth ------------------------------------------------------------------------
    def slots(self, plan: Plan, first: date, last: date, per_day: int):
        d = max(first, self.start)
        while d <= last:
            yield from slots_of_day(self.home(plan.key), d, per_day)
            d += timedelta(days=1)

    def truth(self, key: str, as_of: date, per_day: int) -> dict:
        """The monitoring rules' outcome at as_of, as SPEC §4 states them."""
        plan = self.plans[key]
        slots = list(self.slots(plan, as_of - timedelta(days=6), as_of, per_day))
        failed = sum(1 for s in slots if fails(plan, self.start, s.due))
        pct = 100 * failed / len(slots)
        recent = [it for it in self.visible(plan, as_of)
                  if as_of - timedelta(days=14) <= self.start + timedelta(days=it[1]) <= as_of]
        vetoes, points = set(), {}
        if pct >= 5:
            vetoes.add("veto.unreachable")
        elif pct >= 1:
            points["availability.homepage"] = 5.0 * int(pct)
        if not recent:
            vetoes.add("veto.not_updated")
        elif len(recent) < 10:
            points["updates.homepage"] = 5.0
        return {"vetoes": vetoes, "points": points, "probes": len(slots), "failed": failed}

    def lies(self, key: str, as_of: date, tolerance: int) -> set[str]:
        plan = self.plans[key]
        return {f"{self.home(key)}art/{pub}_{title}.html" for pub, claimed, title in plan.items
                if 0 < pub <= (as_of - self.start).days and claimed < pub - tolerance}

    def write_registry(self, out: Path) -> tuple[Path, Path]:
        sites, cols = out / "sites.csv", out / "columns.csv"
        with open(sites, "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(HEADERS)
            for i, p in enumerate(self.plans.values()):
                w.writerow([p.region, f"监测测试网站{i + 1}", "部门网站", "无", self.home(p.key), f"测试主管单位{i + 1}",
                            "人民路1号", "王伟", "主任", "010-12345678", "13912345678", f"fzr{i + 1}@example.gov.cn",
                            "李芳", "010-12345679", "13812345678", f"lxr{i + 1}@example.gov.cn"])
        with open(cols, "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(("首页网址", "内容类别", "栏目名称", "栏目地址"))
            from pucha.categories import CATEGORIES
            for p in self.plans.values():
                for c in CATEGORIES:
                    w.writerow([self.home(p.key), c, "无", "无"])
        return sites, cols


def day_start_of(d: date) -> float:
    return day_start(d)
