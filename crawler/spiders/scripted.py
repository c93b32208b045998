"""The census spider's script-filled lists (SPEC §5, §8): a mixin of CensusSpider.

A column page whose list box is empty while a script loads the entries is
recorded as ``unreadable`` (not empty) on its first page; the endpoints the
script names are then fetched as the page would fetch them, and the entries
they answer count for the column as its next pages (scorers.facts treats a
column read that way as opened).
"""
from __future__ import annotations

from typing import Any, Iterable

from scrapy.http import Response

from crawler.linkcheck import content_type
from crawler.scanstatus import UNREADABLE
from crawler.siterun import SiteRun, url_key
from crawler.understand.decode import decode
from crawler.understand.scripted import json_items
from pucha.events import ListItems


class ScriptedListsMixin:
    def script_list(self, run: SiteRun, m: dict, url: str, response: Response, view) -> Iterable[Any]:
        self.logger.info("list filled by script at %s (endpoints: %s)", url, view.script_endpoints or "none found")
        yield ListItems(self.sweep, run.home, column=m["column"] or url, page_url=url, role="column",
                        opened=False, page_no=m["page_no"], status=response.status, error=UNREADABLE)
        for i, endpoint in enumerate(view.script_endpoints):
            if self.ledger.claim(run.home, url_key(endpoint)):
                yield self._page(run, endpoint, role="json", depth=m["depth"], column=m["column"] or url,
                                 category=m["category"], page_no=m["page_no"] + 1 + i, check=False)

    def json_page(self, run: SiteRun, m: dict, url: str, response: Response) -> Iterable[Any]:
        text, _ = decode(response.body, content_type(response))
        items = json_items(text, url, self.as_of)
        if items is not None:
            yield ListItems(self.sweep, run.home, column=m["column"], page_url=url, role="column",
                            page_no=m["page_no"], items=tuple(items), status=response.status)
            yield from self.articles_of_undated(run, m, items)

    # provided by CensusSpider
    sweep: str
    as_of: Any
    ledger: Any
    logger: Any

    def _page(self, run: SiteRun, url: str, **kw: Any) -> Any: ...

    def articles_of_undated(self, run: SiteRun, m: dict, items) -> Iterable[Any]: ...
