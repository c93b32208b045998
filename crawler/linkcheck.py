"""Link checking, once per target per sweep, shared by every page and every site.

A target is checked once (muffet's lesson): pages the crawl fetches anyway
count as checked by that fetch; everything else gets one request -- GET with
a few KB for links to pages (a soft 404 shows only in the body), HEAD for
images, scripts, styles and files, falling back to GET when HEAD is refused
(>= 400 or an error other than a timeout).  Every site that links to a target
is told its result as a LinkCheck event.  Who waits on what is kept in the
sweep's ledger (crawler.ledger), so it works across workers too.
"""
from __future__ import annotations

from scrapy import Request

from pucha.filelinks import FILE_EXTENSIONS, is_file_url

from .linkresult import CheckResult
from .settings import HANDLED_STATUSES

PAGE_TAGS = ("a", "iframe")
PEEK_BYTES = 65536

__all__ = ["CheckResult", "FILE_EXTENSIONS", "is_file_url", "check_request", "content_type", "fallback_request",
           "origin"]


def content_type(response) -> str:
    """The response's Content-Type header as text ("" when absent), for crawler.understand.decode."""
    return response.headers.get("Content-Type", b"").decode("latin-1")


def origin(request: Request) -> str:
    """The URL first asked for: after redirects, request.url is the last hop."""
    urls = request.meta.get("redirect_urls")
    return urls[0] if urls else request.url


def check_request(target: str, timeout: float, *, tag: str = "a", method: str | None = None,
                  peek: int = PEEK_BYTES, purpose: str = "link") -> Request:
    if method is None:
        method = "GET" if tag in PAGE_TAGS and not is_file_url(target) else "HEAD"
    return Request(target, method=method, dont_filter=True, priority=-10,
                   meta={"pucha_check": purpose, "download_timeout": timeout, "dont_retry": True,
                         "handle_httpstatus_list": HANDLED_STATUSES, "pucha_max_bytes": peek,
                         "dont_merge_cookies": True})


def fallback_request(request: Request) -> Request | None:
    """HEAD was refused: the same check by GET (a few bytes are enough)."""
    if request.method != "HEAD":
        return None
    return check_request(origin(request), request.meta["download_timeout"], method="GET", peek=1024,
                         purpose=request.meta.get("pucha_check", "link")).replace(
        callback=request.callback, errback=request.errback, cb_kwargs=request.cb_kwargs)
