"""The census spider's checks: link targets, guide attachments, online systems.

A mixin of CensusSpider (crawler.spiders.census): these callbacks answer the
check requests the crawl sends, record results in the sweep's ledger and
emit the LinkCheck, AttachmentCheck and SystemCheck events.
"""
from __future__ import annotations

from typing import Any

from scrapy import Request
from scrapy.http import Response

from crawler.linkcheck import CheckResult, check_request, fallback_request, origin
from crawler.middlewares.challenge import challenge_of
from crawler.scanstatus import BLOCKED, EMPTY, HTTP, classify
from crawler.understand.page import understand
from pucha.events import AttachmentCheck, Event, LinkCheck, SystemCheck

_NO_FALLBACK = ("timeout", "redirects", "dns", "refused")


class ChecksMixin:
    # --- link checks ----------------------------------------------------------------------
    def want_check(self, site: str, target: str, tag: str) -> Request | None:
        """Ask for target's result on behalf of site; returns the check request to send, if one is needed.

        Called from a page's callback, which the site still owes: a result already known is told at once,
        with no owing and paying around it (most links of a page are its menu's, known since the first page)."""
        done, send = self.ledger.ask_check(target, site)
        if done is not None:
            self.emit(self._link_check(site, target, done))
            return None
        if not send:  # owed now: the site is told when the check another page asked for answers
            return None
        self.stats_live["checks_made"] += 1
        return check_request(target, self.cfg.link_timeout, tag=tag).replace(
            callback=self.on_check, errback=self.on_check_error)

    def resolve_check(self, target: str, result: CheckResult) -> None:
        for site in self.ledger.resolve_check(target, result):
            self._tell(site, target, result)

    def _link_check(self, site: str, target: str, result: CheckResult) -> LinkCheck:
        return LinkCheck(self.sweep, site, target=target, ok=result.ok, status=result.status, error=result.error,
                         final_url=result.final_url, soft404=result.soft404)

    def _tell(self, site: str, target: str, result: CheckResult) -> None:
        self.emit(self._link_check(site, target, result))
        self.settle(site)

    def on_check(self, response: Response) -> list:
        self.stats_live["checks"] += 1
        if challenge_of(response) is not None:  # not broken: a firewall stood between
            self.resolve_check(origin(response.request), CheckResult(
                ok=False, status=response.status, final_url=response.url, error=BLOCKED))
            return []
        if response.status >= 400:
            retry = fallback_request(response.request)
            if retry is not None:
                return [retry]
        soft = False
        if response.status < 400 and response.request.method == "GET" and _is_html(response):
            soft = understand(response.body, response.url, None, self.as_of, "check").soft404
        self.resolve_check(origin(response.request), CheckResult(
            ok=response.status < 400, status=response.status, final_url=response.url, soft404=soft,
            error=HTTP if response.status >= 400 else None))
        return []

    def on_check_error(self, failure) -> list:
        request = failure.request
        error = classify(failure)
        if error not in _NO_FALLBACK:
            retry = fallback_request(request)
            if retry is not None:
                return [retry]
        self.resolve_check(origin(request), CheckResult(ok=False, error=error))
        return []

    # --- attachments and online systems ----------------------------------------------------
    def attachment_request(self, site: str, guide: str, target: str) -> Request:
        self.ledger.owe(site)
        return check_request(target, self.cfg.link_timeout, method="GET", peek=4096, purpose="attachment").replace(
            callback=self.on_attachment, errback=self.on_attachment_error, cb_kwargs={"site": site, "guide": guide})

    def system_request(self, site: str, url: str) -> Request:
        self.ledger.owe(site)
        return check_request(url, self.cfg.link_timeout, method="GET", peek=4096, purpose="system").replace(
            callback=self.on_system, errback=self.on_system_error, cb_kwargs={"site": site})

    def on_attachment(self, response: Response, site: str, guide: str) -> None:
        empty = not response.body and response.headers.get("Content-Length", b"0") in (b"0", None)
        blocked = challenge_of(response) is not None
        ok = response.status < 400 and not empty and not blocked
        err = BLOCKED if blocked else HTTP if response.status >= 400 else (EMPTY if empty else None)
        self._aux_done(site, AttachmentCheck(self.sweep, site, guide=guide, target=origin(response.request), ok=ok,
                                             status=response.status, error=err, size=len(response.body)))

    def on_attachment_error(self, failure) -> None:
        kw = failure.request.cb_kwargs
        self._aux_done(kw["site"], AttachmentCheck(self.sweep, kw["site"], guide=kw["guide"],
                                                   target=origin(failure.request), ok=False, error=classify(failure)))

    def on_system(self, response: Response, site: str) -> None:
        blocked = challenge_of(response) is not None
        ok = 200 <= response.status < 300 and not blocked
        self._aux_done(site, SystemCheck(self.sweep, site, url=origin(response.request), ok=ok,
                                         status=response.status, error=BLOCKED if blocked else None if ok else HTTP))

    def on_system_error(self, failure) -> None:
        site = failure.request.cb_kwargs["site"]
        self._aux_done(site, SystemCheck(self.sweep, site, url=origin(failure.request), ok=False,
                                         error=classify(failure)))

    def _aux_done(self, site: str, event: Event) -> None:
        self.emit(event)
        self.settle(site)

    # provided by CensusSpider
    def settle(self, site: str) -> None: ...

    def emit(self, event: Any) -> None: ...

    ledger: Any
    cfg: Any
    sweep: str
    as_of: Any
    stats_live: dict


def _is_html(response: Response) -> bool:
    ctype = response.headers.get("Content-Type", b"").lower()
    return not ctype or b"html" in ctype
