"""The census spider: every registered site, crawled breadth-first within its host.

For each site it probes the homepage ``probe_rounds`` times (the first
successful probe doubles as the crawl's homepage, so the homepage is asked
for exactly that often), follows the homepage and the registered columns,
their pagination and Hanweb data proxies, reads guides, checks every link
target once, downloads guide attachments without keeping them, opens the
registered online systems, and emits pucha.events for all of it.

Page understanding is crawler.understand; the per-site ledger is
crawler.siterun; the shared link cache is crawler.linkcheck.
"""
from __future__ import annotations

import time
from datetime import date
from urllib.parse import urlencode
from typing import Any, AsyncIterator, Iterable

import scrapy
from scrapy import Request, signals
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response

from crawler.linkcheck import CheckResult, LinkChecker, is_file_url
from crawler.probes import ProbeSchedule
from crawler.scanstatus import EMPTY, HTTP, INTERNAL, classify
from crawler.settings import HANDLED_STATUSES
from crawler.siterun import SiteRun, url_key
from crawler.understand.decode import decode
from crawler.understand.page import dataproxy_items, understand
from pucha import categories as cat
from pucha.events import (AttachmentCheck, Event, GuideElements, InteractionRows, Links, LinkCheck, ListItems,
                          Page, SiteDone, SystemCheck)
from pucha.registry.records import SiteRecord


class CensusSpider(scrapy.Spider):
    name = "census"

    def __init__(self, sites: Iterable[SiteRecord] = (), sweep: str = "adhoc", as_of: date | None = None,
                 sink: Any = None, skip: Iterable[str] = (), **kwargs: Any):
        super().__init__(**kwargs)
        self.sweep = sweep
        self.as_of = as_of or date.today()
        self.sink = sink
        self.runs = {s.home_url: SiteRun(s) for s in sites if s.home_url not in set(skip)}
        self.stats_live = {"pages": 0, "checks": 0, "probes": 0, "sites_done": 0}

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        cfg = crawler.settings["PUCHA_SETTINGS"]
        spider.cfg = cfg
        spider.checker = LinkChecker(cfg.link_timeout, spider._check_result)
        spider.probes = ProbeSchedule(spider, cfg.probe_rounds, cfg.probe_interval, cfg.probe_timeout)
        crawler.signals.connect(spider._idle, signal=signals.spider_idle)
        return spider

    # --- emitting ------------------------------------------------------------------------
    def emit(self, event: Event) -> None:
        run = self.runs.get(event.site)
        if run is not None:
            eid = event.event_id
            if eid not in run.event_ids:
                run.event_ids.add(eid)
                run.emitted[event.kind] += 1
        if self.sink is not None:
            self.sink.write_batch([event])

    def _done_if_finished(self, run: SiteRun) -> None:
        if run.finished():
            run.done = True
            self.stats_live["sites_done"] += 1
            self.emit(SiteDone(self.sweep, run.site.home_url, counts=tuple(sorted(run.emitted.items())),
                               pages=run.pages, at=time.time()))

    def _idle(self) -> None:
        if all(r.done for r in self.runs.values()):
            return
        if self.probes.pending_calls:
            raise DontCloseSpider
        # Nothing is in flight, yet some site still waits: an error of ours (a callback that
        # raised).  Close those sites with what was observed; unanswered checks stay unscored.
        stuck = {t: sites for t, sites in self.checker.waiting.items() if sites}
        for run in self.runs.values():
            if not run.done:
                owed = sorted(t for t, sites in stuck.items() if run.site.home_url in sites)[:5]
                self.logger.warning("site %s closed with %d item(s) owed (unanswered checks: %s)",
                                    run.site.home_url, run.outstanding, owed)
                run.outstanding = 0
                run.probes_left = min(run.probes_left, 0)
                self._done_if_finished(run)

    # --- start ---------------------------------------------------------------------------
    async def start(self) -> AsyncIterator[Any]:
        for run in self.runs.values():
            for req in self._seed(run):
                yield req
        for run in list(self.runs.values()):
            self._done_if_finished(run)

    def _seed(self, run: SiteRun) -> Iterable[Request]:
        # Build every seed before yielding any: the homepage's probe may come back (and its links be
        # followed) while this generator is still being consumed, and a registered column must keep
        # its column role even when the homepage links to it.
        site = run.site
        run.seen.add(url_key(site.home_url))
        self.checker.expect(site.home_url)
        run.probes_left = self.probes.rounds
        run.outstanding += 1  # the homepage crawl, fed by the first good probe
        seeds: list[Request] = []
        for col in site.columns:
            if col.url in ("", "无"):
                continue
            if col.category == cat.ONLINE_SYSTEMS:
                run.outstanding += 1
                seeds.append(self.checker.request(col.url, "GET", peek=4096, purpose="system").replace(
                    cb_kwargs={"site": site.home_url}, callback=self.on_system, errback=self.on_system_error))
                continue
            key = url_key(col.url)
            if key in run.seen:
                continue
            run.seen.add(key)
            role = "consultation" if col.category == cat.CONSULTATION else "column"
            seeds.append(self._page(run, col.url, role=role, depth=0, column=col.url, category=col.category))
        yield from self.probes.first_round(run)
        yield from seeds

    def _page(self, run: SiteRun, url: str, *, role: str, depth: int, column: str | None = None,
              category: str | None = None, page_no: int = 1, method: str = "GET", body: bytes | None = None,
              headers: dict | None = None) -> Request:
        run.outstanding += 1
        run.pages += 1
        if method == "GET" and not body:
            self.checker.expect(url)
        meta = {"site": run.site.home_url, "role": role, "depth": depth, "column": column, "category": category,
                "page_no": page_no, "handle_httpstatus_list": HANDLED_STATUSES,
                "download_timeout": self.cfg.page_timeout}
        return Request(url, method=method, body=body, headers=headers, callback=self.parse_page,
                       errback=self.page_error, meta=meta, priority=-depth, dont_filter=True)

    # --- pages ---------------------------------------------------------------------------
    def parse_page(self, response: Response) -> Iterable[Any]:
        m = response.meta
        run = self.runs[m["site"]]
        url = origin(response.request)
        self.stats_live["pages"] += 1
        try:
            if response.status >= 400:
                yield from self._failed_page(run, m, url, response.status, HTTP)
                return
            if m["role"] == "proxy":
                yield from self._proxy_page(run, m, url, response)
                return
            view = understand(response.body, response.url, response.headers.get("Content-Type", b"").decode(
                "latin-1"), self.as_of, _understand_role(m["role"]))
            yield from self._understood(run, m, url, response, view)
        finally:
            run.outstanding -= 1
            self._done_if_finished(run)

    def page_error(self, failure) -> Iterable[Any]:
        request = failure.request
        m = request.meta
        run = self.runs[m["site"]]
        try:
            yield from self._failed_page(run, m, origin(request), None, classify(failure))
        finally:
            run.outstanding -= 1
            self._done_if_finished(run)

    def _failed_page(self, run: SiteRun, m: dict, url: str, status: int | None, error: str) -> Iterable[Event]:
        site = run.site.home_url
        if m["role"] != "proxy":
            yield Page(self.sweep, site, url=url, ok=False, status=status, error=error, depth=m["depth"],
                       role=m["role"], at=time.time())
            self.checker.resolve(url, CheckResult(ok=False, status=status, error=error))
        if m["role"] in ("home", "column", "second", "proxy"):
            yield ListItems(self.sweep, site, column=m["column"] or url, page_url=url, role=_list_role(m["role"]),
                            opened=False, page_no=m["page_no"], status=status, error=error)
        elif m["role"] == "consultation":
            yield InteractionRows(self.sweep, site, column=m["column"], page_url=url, opened=False,
                                  page_no=m["page_no"], status=status, error=error)
        elif m["role"] == "guide":
            yield GuideElements(self.sweep, site, url=url, column=m["column"], opened=False)

    def _understood(self, run: SiteRun, m: dict, url: str, response: Response, view) -> Iterable[Any]:
        site, role = run.site.home_url, m["role"]
        if role != "proxy":
            yield Page(self.sweep, site, url=url, ok=True, status=response.status, final_url=response.url,
                       depth=m["depth"], role=role, title=view.title[:200],
                       pub_date=view.pub_date.isoformat() if view.pub_date else None, soft404=view.soft404,
                       size=len(response.body), at=time.time())
            self.checker.resolve(url, CheckResult(ok=True, status=response.status, final_url=response.url,
                                                  soft404=view.soft404))
        items = () if view.empty_notice else tuple(view.items)
        if role in ("home", "column", "second", "proxy"):
            yield ListItems(self.sweep, site, column=m["column"] or url, page_url=url, role=_list_role(role),
                            page_no=m["page_no"], items=items, status=response.status)
        elif role == "consultation":
            yield InteractionRows(self.sweep, site, column=m["column"], page_url=url, page_no=m["page_no"],
                                  rows=tuple(view.letters), status=response.status)
        elif role == "guide":
            yield GuideElements(self.sweep, site, url=url, column=m["column"],
                                found=tuple(sorted(view.guide_elements)),
                                forms_mentioned=tuple(view.forms_mentioned))
            for target in dict.fromkeys(view.file_links):
                yield self._attachment(run, url, target)
        if role in ("column", "consultation", "proxy"):
            yield from self._more_pages(run, m, view)
        if m["category"] == cat.GUIDES and role == "column":
            yield from self._guides(run, m, items)
        yield from self._links(run, m, url, view)

    def _guides(self, run: SiteRun, m: dict, items) -> Iterable[Request]:
        """The guides are the pages linked from the 办事指南 columns' lists."""
        for it in items:
            if it.url and run.same_site(it.url) and not is_file_url(it.url):
                req = self._follow(run, it.url, role="guide", depth=m["depth"] + 1, column=m["column"], force=True)
                if req is not None:
                    yield req

    def _more_pages(self, run: SiteRun, m: dict, view) -> Iterable[Request]:
        if m["page_no"] >= self.cfg.max_list_pages:
            return
        for nxt in view.next_pages[:1]:
            key = url_key(nxt)
            if key not in run.seen:
                run.seen.add(key)
                yield self._page(run, nxt, role=m["role"], depth=m["depth"], column=m["column"],
                                 category=m["category"], page_no=m["page_no"] + 1)
        for call in view.dataproxy:
            req = self._proxy_request(run, m, call, m["page_no"] + 1)
            if req is not None:
                yield req

    def _proxy_request(self, run: SiteRun, m: dict, call, page_no: int) -> Request | None:
        """A Hanweb list's items, fetched the way the page's script would (POST to dataproxy.jsp)."""
        key = url_key(call.url) + "|" + "&".join(f"{k}={v}" for k, v in sorted(call.formdata.items()))
        if key in run.seen or page_no > self.cfg.max_list_pages:
            return None
        run.seen.add(key)
        body = urlencode(call.formdata).encode()
        req = self._page(run, call.url, role="proxy", depth=m["depth"], column=m["column"], category=m["category"],
                         page_no=page_no, method="POST", body=body,
                         headers={"Content-Type": "application/x-www-form-urlencoded"})
        req.meta["proxy_call"] = call
        return req

    def _proxy_page(self, run: SiteRun, m: dict, url: str, response: Response) -> Iterable[Any]:
        text, _ = decode(response.body, response.headers.get("Content-Type", b"").decode("latin-1"))
        items, total = dataproxy_items(text, url, self.as_of)
        yield ListItems(self.sweep, run.site.home_url, column=m["column"], page_url=url, role="column",
                        page_no=m["page_no"], items=tuple(items), status=response.status)
        call = m.get("proxy_call")
        if call is not None and total:
            for i, nxt in enumerate(call.rest(total, limit=self.cfg.max_list_pages)):
                req = self._proxy_request(run, m, nxt, m["page_no"] + 1 + i)
                if req is not None:
                    yield req
        if m["category"] == cat.GUIDES:
            yield from self._guides(run, m, items)

    def _links(self, run: SiteRun, m: dict, url: str, view) -> Iterable[Any]:
        site = run.site.home_url
        targets = [t for t, _ in view.links]
        yield Links(self.sweep, site, source=url, targets=tuple(targets), tags=tuple(tag for _, tag in view.links))
        depth = m["depth"] + 1
        for target, tag in view.links:
            if tag == "a" and run.same_site(target) and not is_file_url(target):
                req = self._follow(run, target, role="second" if m["role"] == "home" else "page", depth=depth,
                                   column=target if m["role"] == "home" else None)
                if req is not None:
                    yield req
            run.checks_wanted.add(target)
            run.outstanding += 1
            req = self.checker.want(site, target, tag)
            if req is not None:
                yield req.replace(callback=self.on_check, errback=self.on_check_error)

    def _follow(self, run: SiteRun, url: str, *, role: str, depth: int, column: str | None,
                force: bool = False) -> Request | None:
        key = url_key(url)
        if key in run.seen:
            return None
        if not force and (depth > self.cfg.max_depth or run.pages >= self.cfg.max_pages_per_site):
            return None
        if force and run.pages >= self.cfg.max_pages_per_site * 2:
            return None
        run.seen.add(key)
        return self._page(run, url, role=role, depth=depth, column=column)

    # --- link checks ----------------------------------------------------------------------
    def _check_result(self, site: str, target: str, result: CheckResult) -> None:
        run = self.runs.get(site)
        self.emit(LinkCheck(self.sweep, site, target=target, ok=result.ok, status=result.status,
                            error=result.error, final_url=result.final_url, soft404=result.soft404))
        if run is not None:
            run.outstanding -= 1
            self._done_if_finished(run)

    def on_check(self, response: Response):
        self.stats_live["checks"] += 1
        if response.status >= 400 and response.request.method == "HEAD":
            retry = self.checker.fallback(response.request)
            if retry is not None:
                return [retry.replace(callback=self.on_check, errback=self.on_check_error)]
        soft = False
        if response.status < 400 and response.request.method == "GET" and _is_html(response):
            soft = understand(response.body, response.url, None, self.as_of, "check").soft404
        self.checker.resolve(origin(response.request), CheckResult(
            ok=response.status < 400, status=response.status, final_url=response.url, soft404=soft,
            error=HTTP if response.status >= 400 else None))
        return []

    def on_check_error(self, failure):
        request = failure.request
        error = classify(failure)
        if request.method == "HEAD" and error not in ("timeout", "redirects", "dns", "refused"):
            retry = self.checker.fallback(request)
            if retry is not None:
                return [retry.replace(callback=self.on_check, errback=self.on_check_error)]
        self.checker.resolve(origin(request), CheckResult(ok=False, error=error))
        return []

    # --- attachments and online systems ----------------------------------------------------
    def _attachment(self, run: SiteRun, guide: str, target: str) -> Request:
        run.outstanding += 1
        return self.checker.request(target, "GET", peek=4096, purpose="attachment").replace(
            callback=self.on_attachment, errback=self.on_attachment_error,
            cb_kwargs={"site": run.site.home_url, "guide": guide})

    def on_attachment(self, response: Response, site: str, guide: str):
        empty = len(response.body) == 0 and response.headers.get("Content-Length", b"0") in (b"0", None)
        ok = response.status < 400 and not empty
        err = HTTP if response.status >= 400 else (EMPTY if empty else None)
        self._finish_aux(site, AttachmentCheck(self.sweep, site, guide=guide, target=origin(response.request), ok=ok,
                                               status=response.status, error=err, size=len(response.body)))

    def on_attachment_error(self, failure):
        kw = failure.request.cb_kwargs
        self._finish_aux(kw["site"], AttachmentCheck(self.sweep, kw["site"], guide=kw["guide"],
                                                     target=origin(failure.request), ok=False,
                                                     error=classify(failure)))

    def on_system(self, response: Response, site: str):
        ok = 200 <= response.status < 300
        self._finish_aux(site, SystemCheck(self.sweep, site, url=origin(response.request), ok=ok, status=response.status,
                                           error=None if ok else HTTP))

    def on_system_error(self, failure):
        site = failure.request.cb_kwargs["site"]
        self._finish_aux(site, SystemCheck(self.sweep, site, url=origin(failure.request), ok=False,
                                           error=classify(failure)))

    def _finish_aux(self, site: str, event: Event) -> None:
        run = self.runs[site]
        self.emit(event)
        run.outstanding -= 1
        self._done_if_finished(run)

    # --- the homepage, from the first good probe -------------------------------------------
    def crawl_home(self, run: SiteRun, response: Response | None, error: str | None = None) -> None:
        """Called by the probe schedule: the first good probe's response, or None when no probe succeeded."""
        if run.home_crawled:
            return
        run.home_crawled = True
        m = {"site": run.site.home_url, "role": "home", "depth": 0, "column": run.site.home_url, "category": None,
             "page_no": 1}
        try:
            if response is None:
                out = list(self._failed_page(run, m, run.site.home_url, None, error or "unreachable"))
            else:
                view = understand(response.body, response.url,
                                  response.headers.get("Content-Type", b"").decode("latin-1"), self.as_of, "home")
                out = list(self._understood(run, m, run.site.home_url, response, view))
            for obj in out:
                if isinstance(obj, Request):
                    self.crawler.engine.crawl(obj)
                else:
                    self.emit(obj)
        finally:
            run.outstanding -= 1
            self._done_if_finished(run)


def origin(request: Request) -> str:
    """The URL first asked for: after redirects, request.url is the last hop."""
    urls = request.meta.get("redirect_urls")
    return urls[0] if urls else request.url


def _understand_role(role: str) -> str:
    # A second-level page is read like a column page: its main list, not its sidebars.
    return {"second": "column"}.get(role, role)


def _list_role(role: str) -> str:
    return {"home": "home", "second": "second_level"}.get(role, "column")


def _is_html(response: Response) -> bool:
    ctype = response.headers.get("Content-Type", b"").lower()
    return not ctype or b"html" in ctype


__all__ = ["CensusSpider", "INTERNAL"]
