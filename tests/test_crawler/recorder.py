"""A tiny real HTTP server for crawler tests: serves given pages and records every request."""
from __future__ import annotations

import asyncio
import socket
import struct
import threading
import time
from dataclasses import dataclass, field

from aiohttp import web


WAF_PAGES = {
    "cookie": "<html><head><title></title></head><body><script>document.cookie=\"waf_pass=ok; path=/\";"
              "location.reload();</script></body></html>",
    "wall": "<html><head><meta charset='utf-8'><title>网站防火墙</title></head><body>"
            "<h1>您的访问已被拦截</h1><p>您的请求带有不合法参数，已被网站管理员设置拦截。</p></body></html>",
}


@dataclass
class Hit:
    host: str
    method: str
    path: str
    at: float
    user_agent: str
    cookie: str = ""


@dataclass
class Recorder:
    pages: dict[str, tuple[int, str, str]]  # path -> (status, content type, body)
    hang: set[str] = field(default_factory=set)
    reset_home: set[int] = field(default_factory=set)  # the n-th request of "/" (1-based) is reset
    # A firewall in front: "cookie" answers 412 with a cookie-setting script until the cookie comes
    # back; "wall" answers every request with a 200 block page.
    waf: str | None = None
    hits: list[Hit] = field(default_factory=list)
    host: str = "127.0.0.1"
    port: int = 0

    def __post_init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._started = threading.Event()

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        self.hits.append(Hit(self.host, request.method, request.path_qs, time.monotonic(),
                             request.headers.get("User-Agent", ""), request.headers.get("Cookie", "")))
        if request.path == "/" and sum(h.path == "/" for h in self.hits) in self.reset_home:
            sock = request.transport.get_extra_info("socket")
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # close() sends RST
            request.transport.abort()
            return web.Response(status=500)  # never reaches the client
        if self.waf == "wall" or (self.waf == "cookie" and "waf_pass=ok" not in request.headers.get("Cookie", "")):
            return web.Response(status=200 if self.waf == "wall" else 412, content_type="text/html", charset="utf-8",
                                body=WAF_PAGES[self.waf].encode("utf-8"))
        if request.path in self.hang:
            await asyncio.sleep(3)  # well past the tests' 1 s timeouts
        status, ctype, body = self.pages.get(request.path, (404, "text/html", "<title>404</title>"))
        return web.Response(status=status, body=body.encode("utf-8"), content_type=ctype, charset="utf-8")

    def start(self) -> "Recorder":
        with socket.socket() as s:
            s.bind((self.host, 0))
            self.port = s.getsockname()[1]

        async def main() -> None:
            app = web.Application()
            app.router.add_route("*", "/{tail:.*}", self._handle)
            self._runner = web.AppRunner(app)
            await self._runner.setup()
            await web.TCPSite(self._runner, self.host, self.port).start()
            self._started.set()

        threading.Thread(target=lambda: (self._loop.run_until_complete(main()), self._loop.run_forever()),
                         daemon=True).start()
        self._started.wait(10)
        return self

    def stop(self) -> None:
        async def down() -> None:
            await self._runner.cleanup()

        asyncio.run_coroutine_threadsafe(down(), self._loop).result(60)
        self._loop.call_soon_threadsafe(self._loop.stop)

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.port}/"

    def paths(self, method: str | None = None) -> list[str]:
        return [h.path for h in self.hits if method is None or h.method == method]
