"""Rendering script-filled lists in headless Chromium (scrapy-playwright; SPEC §5, §8).

Most column pages are read from their HTML; a list that a script fills is
read from the endpoint the script names (crawler.understand.scripted).  What
is left, a list whose data the script computes or whose URL it builds at
run time, is read from the DOM after a browser ran the page's scripts.  A
browser costs a process and a second or more a page, so only those pages are
rendered (PUCHA_RENDER=auto), plus the columns of the sites named in
PUCHA_RENDER_SITES, and the browser starts only with the first of them
(crawler.handlers.CensusDownloadHandler creates the playwright handler
lazily).  A page that cannot be rendered keeps the list ``unreadable``.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from scrapy_playwright.page import PageMethod

from pucha.settings import Settings

# Never needed to read a list, and the bulk of a page's bytes.
SKIPPED_RESOURCES = frozenset({"image", "font", "media"})


def enabled(cfg: Settings) -> bool:
    return cfg.render != "off"


@lru_cache(maxsize=8)
def render_hosts(sites: str) -> frozenset[str]:
    """The hosts of PUCHA_RENDER_SITES: each entry a homepage URL or a bare host name."""
    hosts = set()
    for entry in sites.split(","):
        entry = entry.strip()
        if entry:
            hosts.add((urlsplit(entry).netloc if "//" in entry else entry.split("/")[0]).lower())
    return frozenset(hosts)


def always_rendered(cfg: Settings, home: str) -> bool:
    """True when every column page of the site at `home` is rendered (PUCHA_RENDER_SITES)."""
    return enabled(cfg) and urlsplit(home).netloc.lower() in render_hosts(str(cfg.render_sites or ""))


def page_meta(cfg: Settings) -> dict[str, Any]:
    """Request meta asking scrapy-playwright for the page as the browser leaves it once its scripts have
    run and fetched what they fetch (or PUCHA_RENDER_TIMEOUT has passed)."""
    ms = cfg.render_timeout * 1000
    # Not retried: a page that would not render in this time is unlikely to the next, and costs a tab.
    return {"playwright": True, "dont_retry": True,
            "playwright_page_goto_kwargs": {"wait_until": "domcontentloaded", "timeout": ms},
            "playwright_page_methods": [PageMethod(settle, ms)]}


async def settle(page: Any, timeout_ms: float) -> None:
    """Wait for the page to go network-idle (loaded, then 500 ms without a request).  A page that never
    does (a poll, a hanging request) is read as its DOM stands at the timeout: a list already written
    counts, one still empty stays unreadable (crawler.spiders.scripted.rendered_list)."""
    from playwright.async_api import TimeoutError as PlaywrightTimeout  # imported with the first rendering

    try:
        await page.wait_for_load_state("networkidle", timeout=timeout_ms)
    except PlaywrightTimeout:
        pass


def abort_request(request: Any) -> bool:
    """PLAYWRIGHT_ABORT_REQUEST: a rendered page fetches only from its own host, and no images, fonts
    or media.  The census reads what the site serves; a third-party script or beacon is not the site's,
    and a crawler must not call hosts it was not asked to crawl."""
    if request.resource_type in SKIPPED_RESOURCES:
        return True
    if request.is_navigation_request():
        return False  # the page itself (its redirects were the site's choice, as for any fetch)
    try:
        page_url = request.frame.page.url
    except Exception:  # a service worker's request has no frame: not the page's
        return True
    return urlsplit(request.url).netloc != urlsplit(page_url).netloc


def scrapy_settings(cfg: Settings) -> dict[str, Any]:
    """The PLAYWRIGHT_* settings; read only when a page is rendered (the handler is created then)."""
    ms = cfg.render_timeout * 1000
    return {
        "PLAYWRIGHT_BROWSER_TYPE": "chromium",
        # Debian's chromium: playwright's own download is neither wanted nor possible on a crawl host.
        "PLAYWRIGHT_LAUNCH_OPTIONS": {"executable_path": cfg.browser, "headless": True,
                                      "timeout": ms},
        "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT": ms,
        "PLAYWRIGHT_MAX_CONTEXTS": 1,
        "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": cfg.render_concurrency,
        "PLAYWRIGHT_ABORT_REQUEST": "crawler.render.abort_request",
    }
