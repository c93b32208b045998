"""Each failure gets its scan status, so that an error is never read as "site down" by mistake."""
from __future__ import annotations

import pytest
from scrapy import exceptions as sx
from twisted.internet import error as terror
from twisted.python.failure import Failure

from crawler.scanstatus import classify


@pytest.mark.parametrize("exc,status", [
    (terror.TimeoutError(), "timeout"),
    (sx.DownloadTimeoutError("took longer"), "timeout"),
    (terror.DNSLookupError(), "dns"),
    (sx.CannotResolveHostError(), "dns"),
    (terror.ConnectionRefusedError(), "refused"),
    (sx.DownloadConnectionRefusedError(), "refused"),
    (terror.ConnectionLost(), "reset"),
    (sx.ResponseDataLossError(), "reset"),
    (sx.IgnoreRequest("max redirections reached"), "redirects"),
    (ValueError("ours"), "other"),
])
def test_classify(exc, status):
    assert classify(Failure(exc)) == status


def test_wrapped_transport_error_is_read_through():
    try:
        try:
            raise terror.ConnectionRefusedError()
        except terror.ConnectionRefusedError as inner:
            raise sx.DownloadFailedError("failed") from inner
    except sx.DownloadFailedError as outer:
        assert classify(outer) == "refused"
