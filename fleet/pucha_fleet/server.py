"""One asyncio process serving every fleet site on its own loopback address.

Each site listens on 127.P.x.y (its own host, since crawlers rate-limit per
host) on a port the kernel picks; an "external" host answers for links off
the sites, and one address is left with nothing listening.  Failures happen
as real servers fail them: 503, a hang then 504, an aborted connection
(RST), 404, an empty 200, redirect loops, a 3 MB page.

Homepage probe failures are the only thing that depends on request order:
the i-th request of a site's homepage path is probe round ((i-1) mod rounds)+1.
"""
from __future__ import annotations

import asyncio
import socket
import struct
from datetime import date
from aiohttp import web

from pucha_fleet.profiles import Profile
from pucha_fleet.site import Net, Route, Site
from pucha_fleet.templates.hanweb import DATAPROXY

SOFT404 = ("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>404 页面不存在</title></head>"
           "<body><h1>404</h1><p>对不起，您访问的页面不存在或已被删除。</p><a href=\"/\">返回首页</a></body></html>")
NOT_FOUND = "<html><head><title>404 Not Found</title></head><body><h1>404 Not Found</h1><p>页面不存在</p></body></html>"
BIG_BYTES = 3 * 1024 * 1024


def address(ip_prefix: str, i: int) -> str:
    """The loopback address of site ``i``: ip_prefix is two octets such as "127.31"."""
    return f"{ip_prefix}.{i // 200}.{i % 200 + 1}"


def free_port(host: str) -> int:
    s = socket.socket()
    try:
        s.bind((host, 0))
        return s.getsockname()[1]
    finally:
        s.close()


class Fleet:
    def __init__(self, profiles: list[Profile], as_of: date, rounds: int, hang: float, ip_prefix: str = "127.31"):
        if rounds < 1:
            raise ValueError(f"rounds must be at least 1, not {rounds}")
        self.profiles = profiles
        self.as_of = as_of
        self.rounds = rounds
        self.hang = hang
        self.ip_prefix = ip_prefix
        self.sites: dict[tuple[str, int], Site] = {}
        self.home_hits: dict[int, int] = {}
        self.net: Net | None = None
        self._runner: web.AppRunner | None = None
        self._external: tuple[str, int] | None = None
        self._big: bytes | None = None

    async def start(self) -> Net:
        app = web.Application(client_max_size=1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self.handle)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=0.5)
        await self._runner.setup()
        bound: dict[int, str] = {}
        for p in self.profiles:
            host = address(self.ip_prefix, p.index)
            bound[p.index] = f"http://{host}:{await self._listen(host)}"
        ext_host = f"{self.ip_prefix}.250.1"
        ext_port = await self._listen(ext_host)
        self._external = (ext_host, ext_port)
        dead_host = f"{self.ip_prefix}.251.1"
        self.net = Net(sites=bound, external=f"http://{ext_host}:{ext_port}", dead=f"http://{dead_host}:{free_port(dead_host)}")
        for p in self.profiles:
            site = Site(p, self.as_of, self.net)
            host, port = site.base.removeprefix("http://").split(":")
            self.sites[(host, int(port))] = site
        return self.net

    async def _listen(self, host: str) -> int:
        assert self._runner is not None
        tcp = web.TCPSite(self._runner, host, 0, backlog=512, reuse_address=False)
        await tcp.start()
        return tcp._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # --- answering -----------------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.StreamResponse:
        sock = request.transport.get_extra_info("sockname") if request.transport else None
        key = (sock[0], sock[1]) if sock else None
        if key == self._external:
            return self.external(request)
        site = self.sites.get(key)  # type: ignore[arg-type]
        if site is None:
            return web.Response(status=421, text=f"no fleet site at {key}")
        path = request.path
        if path == "/":
            n = self.home_hits.get(site.p.index, 0) + 1
            self.home_hits[site.p.index] = n
            failure = site.p.probe_failures.get((n - 1) % self.rounds + 1)
            if failure == "503":
                return self.send(site, Route(status=503, render=lambda: "<h1>503 Service Unavailable</h1>"))
            if failure == "hang":
                return await self.hang_then_fail()
            if failure == "reset":
                return self.reset(request)
        if path == DATAPROXY and site.p.family == "hanweb":
            return await self.dataproxy(site, request)
        if path.startswith("/slow/"):
            return await self.hang_then_fail()
        if path.startswith("/go/") and path.endswith(("/a", "/b")):
            other = path[:-1] + ("b" if path.endswith("/a") else "a")
            raise web.HTTPFound(other)
        if path.startswith("/notice/"):
            return web.Response(body=SOFT404.encode("utf-8"), content_type="text/html", charset="utf-8")
        if path.startswith("/big/"):
            return web.Response(body=self.big(), content_type="text/html", charset="utf-8")
        if path == "/calendar/":
            return self.calendar(site, request.query.get("month", ""))
        route = site.routes.get(request.path_qs)
        if route is None:
            return self.send(site, Route(status=404, render=lambda: NOT_FOUND))
        return self.send(site, route)

    def send(self, site: Site, route: Route) -> web.Response:
        body = route.render() if route.render else b""
        ctype = route.ctype
        if isinstance(body, str):
            body = body.encode(site.p.encoding)
            if ctype == "text/html" and site.p.declaration == "header":
                ctype = f"text/html; charset={site.p.encoding.upper()}"
        return web.Response(status=route.status, body=body, headers={"Content-Type": ctype, **route.headers})

    async def hang_then_fail(self) -> web.Response:
        # Past any sensible timeout, then a gateway error: a patient client still sees a failure.
        await asyncio.sleep(self.hang)
        return web.Response(status=504, text="504 Gateway Time-out")

    def reset(self, request: web.Request) -> web.Response:
        transport = request.transport
        if transport is not None:
            raw = transport.get_extra_info("socket")
            if raw is not None:  # linger 0: close() sends RST, as a crashed server does
                raw.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            transport.abort()
        return web.Response(status=500)  # never reaches the client

    async def dataproxy(self, site: Site, request: web.Request) -> web.Response:
        form = await request.post() if request.method == "POST" else {}
        def arg(name: str, default: str | None = None) -> str | None:
            v = request.query.get(name) or form.get(name)  # type: ignore[union-attr]
            return v if isinstance(v, str) else default
        try:
            columnid = int(arg("columnid", "") or "")
            start = int(arg("startrecord", "1") or 1)
            perpage = int(arg("perpage", "15") or 15)
            end = int(arg("endrecord", str(start + perpage - 1)) or 0)
        except ValueError:
            return web.Response(status=400, text="dataproxy: columnid, startrecord, endrecord and perpage must be integers")
        xml = site.dataproxy(columnid, start, end, perpage)
        if xml is None:
            return web.Response(status=404, text=f"dataproxy: no column {columnid}")
        return web.Response(body=xml.encode("utf-8"), content_type="text/xml", charset="utf-8")

    def calendar(self, site: Site, month: str) -> web.Response:
        """An infinite calendar: every month links to the next and the previous one."""
        try:
            y, m = (int(x) for x in month.split("-"))
            if not 1 <= m <= 12 or not 1900 <= y <= 9999:
                raise ValueError
        except ValueError:
            return self.send(site, Route(status=404, render=lambda: NOT_FOUND))
        prev_m = f"{y - 1}-12" if m == 1 else f"{y}-{m - 1:02d}"
        next_m = f"{y + 1}-01" if m == 12 else f"{y}-{m + 1:02d}"
        days = "".join(f"<td>{d}</td>" for d in range(1, 29))
        html = (f"<html><head><title>活动日历 {y}年{m}月</title></head><body><h1>{y}年{m}月</h1>"
                f"<table><tr>{days}</tr></table><a href=\"/calendar/?month={prev_m}\">上个月</a> "
                f"<a href=\"/calendar/?month={next_m}\">下个月</a></body></html>")
        return web.Response(body=html.encode("utf-8"), content_type="text/html", charset="utf-8")

    def big(self) -> bytes:
        if self._big is None:
            unit = "<p>本期公报全文。各地区、各部门要认真贯彻执行。</p>\n".encode("utf-8")
            head = b"<html><head><meta charset=\"utf-8\"><title>\xe5\x85\xac\xe6\x8a\xa5</title></head><body>"
            self._big = head + unit * ((BIG_BYTES - len(head)) // len(unit) + 1) + b"</body></html>"
        return self._big

    def external(self, request: web.Request) -> web.Response:
        if request.path.startswith("/gone/"):
            return web.Response(status=404, body=NOT_FOUND.encode("utf-8"), content_type="text/html", charset="utf-8")
        return web.Response(body="<html><head><title>中国政府网</title></head><body><p>中国政府网</p></body></html>".encode("utf-8"),
                            content_type="text/html", charset="utf-8")

