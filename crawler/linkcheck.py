"""Link checking, once per target per sweep, shared by every page and every site.

A target is checked once (muffet's lesson): pages the crawl fetches anyway
count as checked by that fetch; everything else gets one request -- GET with
a few KB for links to pages (a soft 404 shows only in the body), HEAD for
images, scripts, styles and files, falling back to GET when HEAD is refused
(>= 400 or an error other than a timeout).  Every site that links to a target
is told its result as a LinkCheck event.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable
from urllib.parse import urlsplit

from scrapy import Request

from .settings import HANDLED_STATUSES

FILE_EXTENSIONS = (".doc", ".docx", ".xls", ".xlsx", ".pdf", ".zip", ".rar", ".7z", ".wps", ".et", ".dps",
                   ".ppt", ".pptx", ".txt", ".ofd", ".jpg", ".jpeg", ".png", ".gif", ".bmp", ".webp", ".svg",
                   ".ico", ".css", ".js", ".mp4", ".mp3", ".avi", ".flv", ".swf", ".xml", ".json", ".apk", ".exe")
PAGE_TAGS = ("a", "iframe")
PEEK_BYTES = 65536


def is_file_url(url: str) -> bool:
    path = urlsplit(url).path.lower()
    return path.endswith(FILE_EXTENSIONS)


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    status: int | None = None
    error: str | None = None
    final_url: str | None = None
    soft404: bool = False
    size: int = 0


class LinkChecker:
    def __init__(self, timeout: float, on_result: Callable[[str, str, CheckResult], None]):
        self.timeout = timeout
        self.on_result = on_result  # (site, target, result) -> None
        self.results: dict[str, CheckResult] = {}
        self.waiting: dict[str, list[str]] = {}  # target -> sites waiting
        self.requests_made = 0

    def pending(self, target: str) -> bool:
        return target in self.waiting

    def expect(self, target: str) -> None:
        """The crawl will fetch this target itself; its result will come through resolve()."""
        self.waiting.setdefault(target, [])

    def want(self, site: str, target: str, tag: str) -> Request | None:
        """Ask for target's result on behalf of site.  Returns a request to schedule, if one is needed."""
        done = self.results.get(target)
        if done is not None:
            self.on_result(site, target, done)
            return None
        if target in self.waiting:
            self.waiting[target].append(site)
            return None
        self.waiting[target] = [site]
        self.requests_made += 1
        return self.request(target, "GET" if tag in PAGE_TAGS and not is_file_url(target) else "HEAD")

    def request(self, target: str, method: str, *, peek: int = PEEK_BYTES, purpose: str = "link") -> Request:
        return Request(target, method=method, dont_filter=True, priority=-10,
                       meta={"pucha_check": purpose, "download_timeout": self.timeout, "dont_retry": True,
                             "handle_httpstatus_list": HANDLED_STATUSES, "pucha_max_bytes": peek,
                             "dont_merge_cookies": True})

    def resolve(self, target: str, result: CheckResult) -> None:
        if target in self.results:
            return
        self.results[target] = result
        for site in self.waiting.pop(target, ()):
            self.on_result(site, target, result)

    def fallback(self, request: Request) -> Request | None:
        """HEAD was refused: the same check by GET (a few bytes are enough)."""
        if request.method != "HEAD":
            return None
        urls = request.meta.get("redirect_urls")
        return self.request(urls[0] if urls else request.url, "GET", peek=1024,
                            purpose=request.meta.get("pucha_check", "link"))
