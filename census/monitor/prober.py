"""One homepage probe over aiohttp (附件2: a probe fails after 15 s).

A probe is a single GET (no retry: a retry would hide a failure) that
succeeds when a 2xx response, after at most ``max_redirects`` redirects,
arrives complete within ``timeout`` seconds.  Anything else fails, with a
scan status naming why (the crawler's vocabulary, crawler/scanstatus.py):
timeout, dns, refused, reset, tls, http, redirects, other; and ``blocked``
when a firewall answered with a challenge (crawler.understand.challenge),
which is neither a success nor a failure of the site (SPEC §8).  The monitor
does not pass even plain cookie challenges: the sweep's crawl does.

aiohttp rather than Scrapy: a probe is one request with no follow-up, and
a long-running monitor wants a light event loop it owns (Scrapy's reactor
runs once per process).
"""
from __future__ import annotations

import asyncio
import logging
import ssl
import time
from dataclasses import dataclass

import aiohttp

from crawler.understand.challenge import read_challenge
from pucha.scanstatus import BLOCKED

log = logging.getLogger("census.monitor")

KEEP_BYTES = 2_000_000  # what a snapshot may read of a homepage; the rest is downloaded and dropped


@dataclass(slots=True)
class ProbeResult:
    ok: bool
    status: int | None = None
    error: str | None = None
    elapsed_ms: int = 0
    final_url: str | None = None
    body: bytes = b""
    content_type: str | None = None


def new_session(user_agent: str, connections: int = 1024) -> aiohttp.ClientSession:
    """The monitor's one HTTP session.  No keep-alive: a site's next probe is an hour away."""
    connector = aiohttp.TCPConnector(limit=connections, force_close=True, ttl_dns_cache=3600,
                                     enable_cleanup_closed=True)
    return aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.DummyCookieJar(),
                                 headers={"User-Agent": user_agent, "Cache-Control": "no-cache",
                                          "Pragma": "no-cache"},
                                 auto_decompress=True)


async def probe(session: aiohttp.ClientSession, url: str, timeout: float, max_redirects: int = 5,
                keep_body: bool = True) -> ProbeResult:
    t0 = time.monotonic()
    result = ProbeResult(ok=False)
    try:
        async with asyncio.timeout(timeout):
            async with session.get(url, max_redirects=max_redirects, allow_redirects=True,
                                   ssl=False) as resp:
                result.status = resp.status
                result.final_url = str(resp.url)
                result.content_type = resp.headers.get("Content-Type")
                body = bytearray()
                async for chunk in resp.content.iter_chunked(65536):
                    if keep_body and len(body) < KEEP_BYTES:
                        body += chunk[:KEEP_BYTES - len(body)]
                result.body = bytes(body)
                if read_challenge(resp.status, result.body, result.content_type) is not None:
                    result.error, result.body = BLOCKED, b""
                elif 200 <= resp.status < 300:
                    result.ok = True
                else:
                    result.error = "http"
    except TimeoutError:
        result.error = "timeout"
    except aiohttp.TooManyRedirects:
        result.error = "redirects"
    except aiohttp.ClientConnectorDNSError:
        result.error = "dns"
    except (aiohttp.ClientConnectorSSLError, aiohttp.ClientSSLError, ssl.SSLError):
        result.error = "tls"
    except aiohttp.ClientConnectorError as exc:
        result.error = "refused" if isinstance(exc.os_error, ConnectionRefusedError) else "reset"
    except (aiohttp.ServerDisconnectedError, aiohttp.ClientPayloadError, aiohttp.ClientOSError,
            ConnectionError):
        result.error = "reset"
    except (aiohttp.ClientError, ValueError):
        result.error = "other"
    except Exception:  # anything else is still a probe that did not succeed; say what it was
        log.exception("probe of %s failed unexpectedly", url)
        result.error = "other"
    if not result.ok:
        result.body = b""
    result.elapsed_ms = int((time.monotonic() - t0) * 1000)
    return result
