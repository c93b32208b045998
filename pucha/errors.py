"""Errors shared across pucha's parts."""
from __future__ import annotations


class ServiceUnavailable(RuntimeError):
    """A configured service (Redis, Kafka, ClickHouse, the database) does not answer.

    The message is one line naming the service and its URL; the command line
    prints it instead of a traceback."""

    def __init__(self, service: str, url: str, detail: str = ""):
        self.service, self.url = service, url
        super().__init__(f"{service} at {url} does not answer" + (f": {detail}" if detail else ""))


class UserError(Exception):
    """A problem the user can fix (bad input, an unknown site, a missing import); the command
    line prints it as one line and exits 2.  Raised by library code too, which is why it
    lives here and not in the command line."""
