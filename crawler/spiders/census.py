"""The census spider: every registered site, crawled breadth-first within its host.

For each site it probes the homepage ``probe_rounds`` times (the first
successful probe doubles as the crawl's homepage, so the homepage is asked
for exactly that often), follows the homepage and the registered columns,
their pagination and Hanweb data proxies, reads guides, checks every link
target once, downloads guide attachments without keeping them, opens the
registered online systems, and emits pucha.events for all of it.

Page understanding is crawler.understand; the checks are the ChecksMixin
(crawler.spiders.checks); all mutable bookkeeping is the sweep's ledger
(crawler.ledger), in memory when embedded and in Redis when distributed.
"""
from __future__ import annotations

import time
from datetime import date
from typing import Any, AsyncIterator, Iterable

import scrapy
from scrapy import Request, signals
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response

from pucha import localtime
from crawler.ledger import Ledger, MemoryLedger
from crawler.linkcheck import CheckResult, content_type, origin
from crawler.probes import ProbeSchedule
from crawler.middlewares.challenge import challenge_of
from crawler.scanstatus import BLOCKED, HTTP, classify
from crawler.settings import HANDLED_STATUSES
from crawler.siterun import SiteRun, url_key
from crawler.spiders.checks import ChecksMixin
from crawler.spiders.following import FollowMixin
from crawler.spiders.pagination import PaginationMixin
from crawler.spiders.scripted import ScriptedListsMixin
from crawler.understand.page import understand
from pucha import categories as cat
from pucha.events import Event, GuideElements, InteractionRows, ListItems, Page, SiteDone, TextFinding
from pucha.registry.records import SiteRecord

LIST_ROLES = ("home", "column", "second", "proxy")


class CensusSpider(ChecksMixin, FollowMixin, PaginationMixin, ScriptedListsMixin, scrapy.Spider):
    name = "census"
    forget_finished = True  # drop a site's run once it is done (nothing of it is in flight then)

    def __init__(self, sites: Iterable[SiteRecord] = (), sweep: str = "adhoc", as_of: date | None = None,
                 sink: Any = None, skip: Iterable[str] = (), ledger: Ledger | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.sweep = sweep
        self.as_of = as_of or localtime.today()
        self.sink = sink
        self.ledger = ledger or MemoryLedger()
        self._skip = set(skip)
        # Sites are taken as start() asks for them and let go when done (forget_finished): a
        # national registry streamed from the database (census.sweepjob.SiteSource) is never
        # held whole.  self.runs is the sites started and not finished.
        self._sites = iter(sites)
        self.runs: dict[str, SiteRun] = {}
        self.stats_live = {"pages": 0, "checks": 0, "checks_made": 0, "probes": 0, "sites_done": 0}

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.cfg = crawler.settings["PUCHA_SETTINGS"]
        spider.probes = ProbeSchedule(spider, spider.cfg.probe_rounds, spider.cfg.probe_interval,
                                      spider.cfg.probe_timeout)
        crawler.signals.connect(spider._idle, signal=signals.spider_idle)
        return spider

    # --- events and completion ----------------------------------------------------------------
    def emit(self, event: Event) -> None:
        if event.kind != "site_done":
            self.ledger.note_event(event.site, event.kind, event.event_id)
        if self.sink is not None:
            self.sink.write_batch([event])

    def finish_if_done(self, site: str) -> None:
        if self.ledger.finish(site):
            self._site_done(site)

    def settle(self, site: str) -> None:
        """One item the site owed is paid; the site is done if it was the last (one ledger call)."""
        if self.ledger.pay_and_finish(site):
            self._site_done(site)

    def _site_done(self, site: str) -> None:
        self.stats_live["sites_done"] += 1
        self.emit(SiteDone(self.sweep, site, counts=tuple(sorted(self.ledger.counts(site).items())),
                           pages=self.ledger.pages(site), at=time.time()))
        if self.forget_finished:
            self.runs.pop(site, None)

    def take_runs(self) -> Iterable[SiteRun]:
        """The sites still to start, each made a run (and remembered in self.runs) as it is asked for."""
        for record in self._sites:
            if record.home_url in self._skip or record.home_url in self.runs:
                continue
            run = self.runs[record.home_url] = SiteRun(record)
            yield run

    def _idle(self) -> None:
        if all(self.ledger.is_done(s) for s in self.runs):
            return
        if self.probes.pending_calls:
            raise DontCloseSpider
        # Nothing is in flight, yet some site still owes: an error of ours (a callback that raised).
        # Close those sites with what was observed; their unanswered checks stay unscored.
        waiting = self.ledger.waiting()
        for site in list(self.runs):  # finishing a site may forget its run
            if not self.ledger.is_done(site):
                owed = sorted(t for t, sites in waiting.items() if site in sites)[:5]
                self.logger.warning("site %s closed with %d item(s) owed (unanswered checks: %s)",
                                    site, self.ledger.owed(site), owed)
                self.ledger.force_finish(site)
                self.finish_if_done(site)

    # --- seeds ----------------------------------------------------------------------------------
    async def start(self) -> AsyncIterator[Any]:
        for run in self.take_runs():
            for req in self._seed(run):
                yield req

    def _seed(self, run: SiteRun) -> Iterable[Request]:
        # Build every seed before yielding any: the homepage's probe may come back (and its links be
        # followed) while this generator is still consumed, and a registered column must keep its
        # column role even when the homepage links to it.
        site = run.home
        self.ledger.start_site(site, self.probes.rounds)
        self.ledger.claim(site, url_key(site))
        self.ledger.expect_check(site)
        self.ledger.owe(site)  # the homepage crawl, fed by the first good probe
        seeds: list[Request] = []
        for col in run.site.columns:
            if col.url in ("", "无"):
                continue
            if col.category == cat.ONLINE_SYSTEMS:
                seeds.append(self.system_request(site, col.url))
            elif self.ledger.claim(site, url_key(col.url)):
                role = "consultation" if col.category == cat.CONSULTATION else "column"
                seeds.append(self._page(run, col.url, role=role, depth=0, column=col.url, category=col.category))
        yield from self.probes.first_round(run)
        yield from seeds

    def _page(self, run: SiteRun, url: str, *, role: str, depth: int, column: str | None = None,
              category: str | None = None, page_no: int = 1, method: str = "GET", body: bytes | None = None,
              headers: dict | None = None, check: bool = True) -> Request:
        # Owed, counted, and (a GET) the fetch answers the link check of its URL: one ledger call.
        self.ledger.schedule_page(run.home, url if method == "GET" and check else None)
        meta = {"site": run.home, "role": role, "depth": depth, "column": column, "category": category,
                "page_no": page_no, "handle_httpstatus_list": HANDLED_STATUSES,
                "download_timeout": self.cfg.page_timeout, **self.render_meta(run, role)}
        return Request(url, method=method, body=body, headers=headers, callback=self.parse_page,
                       errback=self.page_error, meta=meta, priority=-depth, dont_filter=True)

    # --- pages ----------------------------------------------------------------------------------
    def parse_page(self, response: Response) -> Iterable[Any]:
        m = response.meta
        run = self.runs[m["site"]]
        self.stats_live["pages"] += 1
        try:
            yield from self._handed_off(self._read(run, m, origin(response.request), response))
        finally:
            self.settle(run.home)

    def page_error(self, failure) -> Iterable[Any]:
        m = failure.request.meta
        run = self.runs[m["site"]]
        try:
            out = (self.render_failed(run, failure) if m.get("playwright")  # not a failed page (scripted)
                   else self._failed_page(run, m, origin(failure.request), None, classify(failure)))
            yield from self._handed_off(out)
        finally:
            self.settle(run.home)

    def _handed_off(self, out: Iterable[Any]) -> Iterable[Request]:
        """Events go to the sink as they are made, requests back to Scrapy.  An event yielded to the item
        pipeline could arrive after the site's SiteDone, which its callback's end sends, and be missed."""
        for obj in out:
            if isinstance(obj, Event):
                self.emit(obj)
            else:
                yield obj

    def _read(self, run: SiteRun, m: dict, url: str, response: Response) -> Iterable[Any]:
        challenge = challenge_of(response)
        if m.get("rendered_list"):  # a script-filled list, rendered in the browser (scripted)
            yield from self.rendered_list(run, m, url, response)
        elif challenge is not None:  # a firewall's page, not the site's: nothing in it is read
            self.logger.info("blocked at %s: %s", url, challenge.reason)
            yield from self._failed_page(run, m, url, response.status, BLOCKED, title=challenge.title)
        elif response.status >= 400:
            yield from self._failed_page(run, m, url, response.status, HTTP)
        elif m["role"] == "proxy":
            yield from self._proxy_page(run, m, url, response)
        elif m["role"] == "json":
            yield from self.json_page(run, m, url, response)
        else:
            view = understand(response.body, response.url, content_type(response), self.as_of,
                              "column" if m["role"] == "second" else m["role"])
            yield from self._understood(run, m, url, response, view)

    def _failed_page(self, run: SiteRun, m: dict, url: str, status: int | None, error: str,
                     title: str = "") -> Iterable[Any]:
        site, role = run.home, m["role"]
        if role not in ("proxy", "json"):  # a data endpoint is not a page, nor a link of the site
            yield Page(self.sweep, site, url=url, ok=False, status=status, error=error, depth=m["depth"],
                       role=role, title=title, at=time.time())
            self.resolve_check(url, CheckResult(ok=False, status=status, error=error))
        if role in LIST_ROLES:
            yield ListItems(self.sweep, site, column=m["column"] or url, page_url=url, role=_list_role(role),
                            opened=False, page_no=m["page_no"], status=status, error=error)
        elif role == "consultation":
            yield InteractionRows(self.sweep, site, column=m["column"], page_url=url, opened=False,
                                  page_no=m["page_no"], status=status, error=error)
        elif role == "guide":
            yield GuideElements(self.sweep, site, url=url, column=m["column"], opened=False)
        elif role == "json":
            yield from self.endpoint_failed(run, m)

    def _understood(self, run: SiteRun, m: dict, url: str, response: Response, view) -> Iterable[Any]:
        site, role = run.home, m["role"]
        yield Page(self.sweep, site, url=url, ok=True, status=response.status, final_url=response.url,
                   depth=m["depth"], role=role, title=view.title[:200],
                   pub_date=view.pub_date.isoformat() if view.pub_date else None, soft404=view.soft404,
                   size=len(response.body), at=time.time())
        self.resolve_check(url, CheckResult(ok=True, status=response.status, final_url=response.url,
                                            soft404=view.soft404))
        for hit in view.findings:
            yield TextFinding(self.sweep, site, url=url, term=hit.term, what=hit.what, context=hit.context,
                              suggestion=hit.suggestion)
        items = () if view.empty_notice else tuple(view.items)
        if view.script_filled:
            yield from self.script_list(run, m, url, response, view)
        elif role in LIST_ROLES:
            yield ListItems(self.sweep, site, column=m["column"] or url, page_url=url, role=_list_role(role),
                            page_no=m["page_no"], items=items, status=response.status)
        elif role == "consultation":
            yield InteractionRows(self.sweep, site, column=m["column"], page_url=url, page_no=m["page_no"],
                                  rows=tuple(view.letters), status=response.status)
        elif role == "guide":
            yield GuideElements(self.sweep, site, url=url, column=m["column"],
                                found=tuple(sorted(view.guide_elements)), forms_mentioned=tuple(view.forms_mentioned))
            for target in dict.fromkeys(view.file_links):
                yield self.attachment_request(site, url, target)
        if role in ("column", "consultation"):
            yield from self._more_pages(run, m, view)
        if m["category"] == cat.GUIDES and role == "column":
            yield from self._guides(run, m, items)
        if role in ("column", "second"):
            yield from self.articles_of_undated(run, m, items)
        yield from self._links(run, m, url, view)

    # --- the homepage, from the first good probe ----------------------------------------------------
    def crawl_home(self, run: SiteRun, response: Response | None, error: str | None = None) -> None:
        """Called by the probe schedule: the first good probe's response, or None when no probe succeeded."""
        if not self.ledger.claim_home(run.home):
            return
        m = {"site": run.home, "role": "home", "depth": 0, "column": run.home, "category": None, "page_no": 1}
        try:
            if response is None:
                out = list(self._failed_page(run, m, run.home, None, error or "unreachable"))
            else:
                out = list(self._read(run, m, run.home, response))
            for obj in out:
                if isinstance(obj, Request):
                    self.crawler.engine.crawl(obj)
                else:
                    self.emit(obj)
        finally:
            self.settle(run.home)


def _list_role(role: str) -> str:
    return {"home": "home", "second": "second_level"}.get(role, "column")
