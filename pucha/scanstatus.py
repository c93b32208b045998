"""Scan status names: what kind of failure a fetch met (SPEC §8).

The crawler assigns them (crawler.scanstatus classifies transport errors,
crawler.understand.challenge recognises firewalls); the scorers read them.
Two of them say that pucha could not get at the content, not that the site
failed: such a probe, page or check decides nothing by itself and goes to a
person (needs_review).
"""
from __future__ import annotations

TIMEOUT, DNS, REFUSED, RESET, TLS, HTTP, REDIRECTS, EMPTY, OTHER = (
    "timeout", "dns", "refused", "reset", "tls", "http", "redirects", "empty", "other")
BLOCKED = "blocked"  # a firewall answered with a challenge pucha could not pass
UNREADABLE = "unreadable"  # content pucha could not get at (a script-filled list it could not render)

UNREAD = frozenset({BLOCKED, UNREADABLE})


def is_unread(error: str | None) -> bool:
    """True when a failure is pucha's inability to read, never the site's failure."""
    return error in UNREAD
