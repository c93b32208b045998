"""Generated sites for bench_crawl.py's rendering measurement: some columns' lists are written by script.

Each site (its own loopback address, one port for all) has a homepage, four
registered columns of ``ITEMS`` entries and their articles.  One column in
four is script-filled: its HTML list box is empty and an inline script
writes the entries from data it holds, so only a browser can read it
(crawler.render); the others are plain HTML.  A sweep with PUCHA_RENDER=off
reads those lists as ``unreadable``; with auto it renders exactly them.
"""
from __future__ import annotations

import asyncio
import json
import socket
import threading
from pathlib import Path

from aiohttp import web
from openpyxl import Workbook

from pucha.registry.headers import COLUMN_FORM_HEADERS, SITE_FORM_HEADERS

COLUMNS = (("工作动态", "dt"), ("通知公告", "tz"), ("政策文件", "zc"), ("规划计划", "gh"))
ITEMS = 10
HEAD = "<html><head><meta charset='utf-8'><title>{t}</title></head><body>"


def _li(entries: list[tuple[str, str, str]]) -> str:
    return "".join(f"<li><a href='{u}'>{t}</a><span>{d}</span></li>" for u, t, d in entries)


def site_pages(i: int) -> dict[str, str]:
    """The pages of site i by path; column c of site i is script-filled when (i + c) % 4 == 0."""
    pages = {}
    home = [(f"/{COLUMNS[c][1]}/{k}.html", f"站点{i}首页新闻第{k}条", f"2026-11-2{k}") for c in range(2) for k in range(3)]
    links = "".join(f"<a href='/{slug}/'>{name}</a>" for name, slug in COLUMNS)
    pages["/"] = HEAD.format(t=f"测试站点{i}") + links + f"<ul>{_li(home)}</ul></body></html>"
    for c, (name, slug) in enumerate(COLUMNS):
        entries = [(f"/{slug}/{k}.html", f"{name}第{k}条信息", f"2026-11-{25 - k:02d}") for k in range(ITEMS)]
        if (i + c) % 4 == 0:
            rows = json.dumps(entries, ensure_ascii=False)
            body = ("<ul id='list'></ul><script>var rows = " + rows + ";var box = document.getElementById('list');"
                    "rows.forEach(function (r) { var li = document.createElement('li');"
                    "li.innerHTML = '<a href=\"' + r[0] + '\">' + r[1] + '</a><span>' + r[2] + '</span>';"
                    "box.appendChild(li); });</script>")
        else:
            body = f"<ul>{_li(entries)}</ul>"
        pages[f"/{slug}/"] = HEAD.format(t=name) + body + "</body></html>"
        for u, t, _ in entries:
            pages[u] = HEAD.format(t=t) + f"<h1>{t}</h1><p>正文。</p></body></html>"
    return pages


class RenderSites:
    """`n` generated sites served on 127.0.3.1, 127.0.3.2, ... from a thread of this process."""

    def __init__(self, n: int):
        self.n = n
        self.pages = [site_pages(i) for i in range(n)]
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._started = threading.Event()

    def host(self, i: int) -> str:
        return f"127.0.3.{i + 1}"

    def home(self, i: int) -> str:
        return f"http://{self.host(i)}:{self.port}/"

    @property
    def scripted(self) -> int:
        return sum((i + c) % 4 == 0 for i in range(self.n) for c in range(len(COLUMNS)))

    async def _handle(self, request: web.Request) -> web.Response:
        i = int(request.host.split(":")[0].rsplit(".", 1)[1]) - 1
        body = self.pages[i].get(request.path)
        if body is None:
            return web.Response(status=404, text="<title>404</title>", content_type="text/html")
        return web.Response(text=body, content_type="text/html", charset="utf-8")

    def __enter__(self) -> "RenderSites":
        with socket.socket() as s:
            s.bind((self.host(0), 0))
            self.port = s.getsockname()[1]

        async def main() -> None:
            app = web.Application()
            app.router.add_route("GET", "/{tail:.*}", self._handle)
            self._runner = web.AppRunner(app, access_log=None)
            await self._runner.setup()
            for i in range(self.n):
                await web.TCPSite(self._runner, self.host(i), self.port).start()
            self._started.set()

        threading.Thread(target=lambda: (self._loop.run_until_complete(main()), self._loop.run_forever()),
                         daemon=True).start()
        if not self._started.wait(30):
            raise SystemExit("render sites did not start")
        return self

    def __exit__(self, *exc) -> None:
        asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)

    def registry(self, path: Path) -> Path:
        wb = Workbook()
        ws = wb.active
        ws.title = "网站基本信息"
        ws.append(list(SITE_FORM_HEADERS))
        for i in range(self.n):
            ws.append(["北京市", f"测试站点{i}", "部门网站", f"京ICP备{10000 + i}号", self.home(i), "北京市测试局",
                       "北京市东城区1号", "张三", "主任", "010-12345678", "13800138000", f"a{i}@test.gov.cn", "李四",
                       "010-12345679", "13800138001", f"b{i}@test.gov.cn"])
        cols = wb.create_sheet("栏目基本信息")
        cols.append(list(COLUMN_FORM_HEADERS))
        for i in range(self.n):
            for name, slug in COLUMNS:
                cols.append([self.home(i), name, name, f"{self.home(i)}{slug}/"])
        wb.save(path)
        return path
