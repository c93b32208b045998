"""The census spider's script-filled lists (SPEC §5, §8): a mixin of CensusSpider.

A column page whose list box is empty while a script loads the entries is
recorded as ``unreadable`` (not empty) on its first page; the endpoints the
script names are then fetched as the page would fetch them, and the entries
they answer count for the column as its next pages (scorers.facts treats a
column read that way as opened).  Where the script names no endpoint, or
its endpoints answer no list, the page is rendered in headless Chromium
(crawler.render, PUCHA_RENDER=auto) and the entries the script wrote into
the DOM count the same way.  A page that cannot be rendered adds nothing:
the column stays ``unreadable``.
"""
from __future__ import annotations

from typing import Any, Iterable

from scrapy.http import Response

from crawler import render
from crawler.linkcheck import content_type
from crawler.middlewares.challenge import challenge_of
from crawler.scanstatus import UNREADABLE
from crawler.siterun import SiteRun, url_key
from crawler.understand.decode import decode
from crawler.understand.page import understand
from crawler.understand.scripted import MAX_ENDPOINTS, json_items
from pucha.events import ListItems

RENDERED = "#rendered"  # the page_url of a list read from the browser's DOM


class ScriptedListsMixin:
    def script_list(self, run: SiteRun, m: dict, url: str, response: Response, view) -> Iterable[Any]:
        self.logger.info("list filled by script at %s (endpoints: %s)", url, view.script_endpoints or "none found")
        yield ListItems(self.sweep, run.home, column=m["column"] or url, page_url=url, role="column",
                        opened=False, page_no=m["page_no"], status=response.status, error=UNREADABLE)
        rendered = bool(m.get("playwright"))  # already the browser's DOM: rendering it again shows no more
        for i, endpoint in enumerate(view.script_endpoints):
            if self.ledger.claim(run.home, url_key(endpoint)):
                req = self._page(run, endpoint, role="json", depth=m["depth"], column=m["column"] or url,
                                 category=m["category"], page_no=m["page_no"] + 1 + i, check=False)
                if not rendered:  # where the endpoint answers no list, the page is rendered instead
                    req.meta["script_page"] = (url, m["page_no"])
                yield req
        if not view.script_endpoints and not rendered:
            yield from self.render_instead(run, m, url, m["page_no"])

    def json_page(self, run: SiteRun, m: dict, url: str, response: Response) -> Iterable[Any]:
        text, _ = decode(response.body, content_type(response))
        items = json_items(text, url, self.as_of)
        if items is not None:
            yield ListItems(self.sweep, run.home, column=m["column"], page_url=url, role="column",
                            page_no=m["page_no"], items=tuple(items), status=response.status)
            yield from self.articles_of_undated(run, m, items)
        else:
            yield from self.endpoint_failed(run, m)

    def endpoint_failed(self, run: SiteRun, m: dict) -> Iterable[Any]:
        """A script's endpoint that answered no list (an error, not JSON, no array of entries)."""
        if m.get("script_page"):
            yield from self.render_instead(run, m, *m["script_page"])

    # --- rendering (crawler.render) ------------------------------------------------------------
    def render_meta(self, run: SiteRun, role: str) -> dict[str, Any]:
        """The request meta of a page of `role`: a browser's for the column pages of PUCHA_RENDER_SITES."""
        if role == "column" and render.always_rendered(self.cfg, run.home):
            return render.page_meta(self.cfg)
        return {}

    def render_instead(self, run: SiteRun, m: dict, page_url: str, page_no: int) -> Iterable[Any]:
        """The script-filled page at `page_url`, once more through the browser (at most once a page)."""
        if not render.enabled(self.cfg) or not self.ledger.claim(run.home, "render " + url_key(page_url)):
            return
        # Its entries count as a page after the endpoints' (page 1 stays the unreadable HTML).
        req = self._page(run, page_url, role="column", depth=m["depth"], column=m["column"] or page_url,
                         category=m["category"], page_no=page_no + 1 + MAX_ENDPOINTS, check=False)
        req.meta.update(render.page_meta(self.cfg), rendered_list=True)
        yield req

    def rendered_list(self, run: SiteRun, m: dict, url: str, response: Response) -> Iterable[Any]:
        """The entries a script wrote into a rendered page; nothing when it still shows none."""
        if response.status >= 400 or challenge_of(response) is not None:
            self.logger.info("rendered list at %s not read: HTTP %s or a challenge", url, response.status)
            return
        view = understand(response.body, response.url, content_type(response), self.as_of, "column")
        items = () if view.empty_notice else tuple(view.items)
        if not items:
            self.logger.info("rendered list at %s shows no entries either", url)
            return
        # An event's identity is its column and page_url: the HTML's unreadable page 1 and the DOM's
        # entries are two observations of one URL, so the rendered one is told apart by a fragment.
        yield ListItems(self.sweep, run.home, column=m["column"], page_url=url + RENDERED, role="column",
                        page_no=m["page_no"], items=items, status=response.status)
        yield from self.articles_of_undated(run, m, items)

    def render_failed(self, run: SiteRun, failure) -> Iterable[Any]:
        """A page the browser could not render (no browser, a crash, the timeout).  A script-filled list
        stays unreadable; a column of PUCHA_RENDER_SITES is fetched again as HTML and read as any page."""
        request = failure.request
        self.logger.warning("could not render %s: %s", request.url, failure.getErrorMessage()[:200])
        if request.meta.get("rendered_list"):
            return
        self.ledger.owe(run.home)  # paid by the fetch's own callback
        yield request.replace(meta={k: v for k, v in request.meta.items() if not k.startswith("playwright") and k != "dont_retry"})

    # provided by CensusSpider
    sweep: str
    as_of: Any
    cfg: Any
    ledger: Any
    logger: Any

    def _page(self, run: SiteRun, url: str, **kw: Any) -> Any: ...

    def articles_of_undated(self, run: SiteRun, m: dict, items) -> Iterable[Any]: ...
