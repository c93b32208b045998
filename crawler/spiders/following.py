"""Which links the census spider follows: a page's links (each also link-checked), the guides of the
办事指南 columns, and the articles of undated entries, within the depth and page caps."""
from __future__ import annotations

from typing import Any, Iterable

from scrapy import Request

from crawler.linkcheck import is_file_url
from crawler.siterun import SiteRun, url_key
from pucha.events import Links


class FollowMixin:
    def _guides(self, run: SiteRun, m: dict, items) -> Iterable[Request]:
        """The guides are the pages linked from the 办事指南 columns' lists."""
        for it in items:
            if it.url and run.same_site(it.url) and not is_file_url(it.url):
                req = self._follow(run, it.url, role="guide", depth=m["depth"] + 1, column=m["column"], force=True)
                if req is not None:
                    yield req

    def articles_of_undated(self, run: SiteRun, m: dict, items) -> Iterable[Request]:
        """An entry shown without a date takes its article's (SPEC §4), so those articles are fetched
        whatever the depth and page caps.  The homepage's own entries are followed as second-level pages."""
        for it in items:
            if it.date is None and it.url and run.same_site(it.url) and not is_file_url(it.url):
                req = self._follow(run, it.url, role="page", depth=m["depth"] + 1, column=None, force=True)
                if req is not None:
                    yield req

    def _links(self, run: SiteRun, m: dict, url: str, view) -> Iterable[Any]:
        site = run.home
        yield Links(self.sweep, site, source=url, targets=tuple(t for t, _ in view.links),
                    tags=tuple(tag for _, tag in view.links))
        depth = m["depth"] + 1
        from_home = m["role"] == "home"
        for target, tag in view.links:
            if tag == "a" and run.same_site(target) and not is_file_url(target):
                req = self._follow(run, target, role="second" if from_home else "page", depth=depth,
                                   column=target if from_home else None)
                if req is not None:
                    yield req
            req = self.want_check(site, target, tag)
            if req is not None:
                yield req

    def _follow(self, run: SiteRun, url: str, *, role: str, depth: int, column: str | None,
                force: bool = False) -> Request | None:
        cap = self.cfg.max_pages_per_site * (2 if force else 1)
        if not force and depth > self.cfg.max_depth:
            return None
        if not self.ledger.claim_page(run.home, url_key(url), cap):
            return None
        return self._page(run, url, role=role, depth=depth, column=column)

    # provided by CensusSpider
    cfg: Any
    ledger: Any
    sweep: str

    def _page(self, run: SiteRun, url: str, **kw: Any) -> Request: ...

    def want_check(self, site: str, target: str, tag: str) -> Request | None: ...
