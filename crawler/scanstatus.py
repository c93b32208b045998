"""Scan status: what kind of failure a fetch met (after US Site Scanning's practice).

A status names the failure so that a report can tell "the site did not
answer" from "the site answered 404"; pucha scores only failures of the
site; an error of pucha's own raises no event at all (the spider closes the
site with what it observed), so it can never be scored as the site's.
"""
from __future__ import annotations

from twisted.internet import error as terror
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived

from scrapy import exceptions as sx
from scrapy.exceptions import IgnoreRequest

from pucha.scanstatus import (BLOCKED, DNS, EMPTY, HTTP, OTHER, REDIRECTS, REFUSED, RESET, TIMEOUT, TLS,
                              UNREADABLE)

__all__ = ["BLOCKED", "DNS", "EMPTY", "HTTP", "OTHER", "REDIRECTS", "REFUSED", "RESET", "TIMEOUT", "TLS",
           "UNREADABLE", "classify"]

def _scrapy(*names: str) -> tuple[type, ...]:
    # Scrapy 2.13+ wraps transport errors in its own types; older ones raise Twisted's.
    return tuple(getattr(sx, n) for n in names if hasattr(sx, n))


_BY_TYPE: tuple[tuple[tuple[type, ...], str], ...] = (
    ((terror.TimeoutError, terror.TCPTimedOutError) + _scrapy("DownloadTimeoutError"), TIMEOUT),
    ((terror.DNSLookupError,) + _scrapy("CannotResolveHostError"), DNS),
    ((terror.ConnectionRefusedError,) + _scrapy("DownloadConnectionRefusedError"), REFUSED),
    ((terror.ConnectionLost, terror.ConnectionDone, terror.ConnectError)
     + _scrapy("ResponseDataLossError", "DownloadFailedError"), RESET),
)


def classify(failure: Failure | BaseException) -> str:
    exc = failure.value if isinstance(failure, Failure) else failure
    try:
        from twisted.internet.defer import TimeoutError as DeferTimeout
    except ImportError:  # pragma: no cover
        DeferTimeout = ()  # type: ignore[assignment]
    if isinstance(exc, DeferTimeout):
        return TIMEOUT
    if isinstance(exc, IgnoreRequest):
        return REDIRECTS if "redirect" in str(exc).lower() else OTHER
    if isinstance(exc, (ResponseFailed, ResponseNeverReceived)):
        reasons = getattr(exc, "reasons", []) or []
        for r in reasons:
            inner = classify(r) if isinstance(r, Failure) else OTHER
            if inner in (TLS, TIMEOUT):
                return inner
        return RESET
    name = type(exc).__module__ + "." + type(exc).__name__
    if "SSL" in name or "ssl" in name or "TLS" in name:
        return TLS
    cause = exc.__cause__ or exc.__context__
    if cause is not None and isinstance(exc, _scrapy("DownloadFailedError")):
        inner = classify(cause)  # the transport error inside Scrapy's wrapper says more
        if inner != OTHER:
            return inner
    for types, status in _BY_TYPE:
        if isinstance(exc, types):
            return status
    return OTHER
