"""The census spider's list pagination: next pages and Hanweb's data proxy; a mixin of CensusSpider.

A column's list goes on over the pages its pagination links name (at most
``max_list_pages``), and a Hanweb list's items come from its dataproxy.jsp,
asked by POST as the page's own script asks it (crawler.understand.dataproxy).
"""
from __future__ import annotations

from typing import Any, Iterable
from urllib.parse import urlencode

from scrapy import Request
from scrapy.http import Response

from crawler.linkcheck import content_type
from crawler.siterun import SiteRun, url_key
from crawler.understand.decode import decode
from crawler.understand.page import dataproxy_items
from pucha import categories as cat
from pucha.events import ListItems


class PaginationMixin:
    def _more_pages(self, run: SiteRun, m: dict, view) -> Iterable[Request]:
        if m["page_no"] >= self.cfg.max_list_pages:
            return
        for nxt in view.next_pages[:1]:
            if self.ledger.claim(run.home, url_key(nxt)):
                yield self._page(run, nxt, role=m["role"], depth=m["depth"], column=m["column"],
                                 category=m["category"], page_no=m["page_no"] + 1)
        for call in view.dataproxy:
            req = self._proxy_request(run, m, call, m["page_no"] + 1)
            if req is not None:
                yield req

    def _proxy_request(self, run: SiteRun, m: dict, call, page_no: int) -> Request | None:
        """A Hanweb list's items, fetched the way the page's script would (POST to dataproxy.jsp)."""
        key = url_key(call.url) + "|" + urlencode(sorted(call.formdata.items()))
        if page_no > self.cfg.max_list_pages or not self.ledger.claim(run.home, key):
            return None
        req = self._page(run, call.url, role="proxy", depth=m["depth"], column=m["column"], category=m["category"],
                         page_no=page_no, method="POST", body=urlencode(call.formdata).encode(),
                         headers={"Content-Type": "application/x-www-form-urlencoded"})
        req.meta["proxy_call"] = call
        return req

    def _proxy_page(self, run: SiteRun, m: dict, url: str, response: Response) -> Iterable[Any]:
        text, _ = decode(response.body, content_type(response))
        items, total = dataproxy_items(text, url, self.as_of)
        yield ListItems(self.sweep, run.home, column=m["column"], page_url=url, role="column",
                        page_no=m["page_no"], items=tuple(items), status=response.status)
        call = m.get("proxy_call")
        if call is not None and total:
            for i, nxt in enumerate(call.rest(total, limit=self.cfg.max_list_pages)):
                req = self._proxy_request(run, m, nxt, m["page_no"] + 1 + i)
                if req is not None:
                    yield req
        if m["category"] == cat.GUIDES:
            yield from self._guides(run, m, items)
        yield from self.articles_of_undated(run, m, items)

    # provided by CensusSpider
    cfg: Any
    ledger: Any
    sweep: str
    as_of: Any

    def _page(self, run: SiteRun, url: str, **kw: Any) -> Any: ...

    def _guides(self, run: SiteRun, m: dict, items) -> Iterable[Request]: ...

    def articles_of_undated(self, run: SiteRun, m: dict, items) -> Iterable[Request]: ...
