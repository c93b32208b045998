"""Firewall challenges met on the way (SPEC §5, §8): passed where a browser would, else marked.

Every response is read by crawler.understand.challenge.  A challenge whose
script only sets literal cookies is passed as a browser passes it: the
cookies are kept for the host (the census sends no cookies otherwise) and
the same request is sent once more with them; this counts as the same
probe, page or check.  Any other challenge, or one met again right after its
cookies were sent, reaches the spider marked ``pucha_challenge`` in its
meta, and the spider records the scan status ``blocked`` with the evidence
instead of reading the page.

Enabled in crawler.settings' DOWNLOADER_MIDDLEWARES below RedirectMiddleware
(600), so it sees the response after redirects.
"""
from __future__ import annotations

import logging
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.http import Response

from crawler.linkcheck import content_type
from crawler.understand.challenge import Challenge, read_challenge

logger = logging.getLogger(__name__)

META = "pucha_challenge"  # the Challenge a response met, for the spider
_PASSED = "pucha_challenge_passed"


class ChallengeMiddleware:
    def __init__(self) -> None:
        self.jar: dict[str, dict[str, str]] = {}  # host -> cookies a challenge asked for

    def process_request(self, request: Request, spider=None) -> None:
        cookies = self.jar.get(_host(request.url))
        if cookies and b"Cookie" not in request.headers:
            request.headers["Cookie"] = _cookie_header(cookies)
        return None

    def process_response(self, request: Request, response: Response, spider=None) -> Request | Response:
        found = read_challenge(response.status, response.body, content_type(response),
                               response.headers.getlist("Set-Cookie"))
        if found is None:
            return response
        if found.passable and not request.meta.get(_PASSED):
            host = _host(request.url)
            self.jar[host] = {**self.jar.get(host, {}), **found.cookies}
            logger.debug("challenge at %s: passed with cookies %s", request.url, sorted(found.cookies))
            headers = request.headers.copy()
            headers["Cookie"] = _cookie_header(self.jar[host])
            return request.replace(headers=headers, dont_filter=True, meta={**request.meta, _PASSED: True})
        request.meta[META] = found
        return response


def challenge_of(response: Response) -> Challenge | None:
    """The challenge a response met, as the middleware marked it."""
    return response.meta.get(META)


def _host(url: str) -> str:
    return urlsplit(url).netloc.lower()


def _cookie_header(cookies: dict[str, str]) -> str:
    return "; ".join(f"{k}={v}" for k, v in sorted(cookies.items()))
