"""Firewall challenges: a response that is a web application firewall's, not the site's page.

Real government sites sit behind firewalls that answer an unknown client with
a challenge a browser passes unseen (SPEC §5, §8): a 412/202/521 page with a
script that sets a cookie and reloads, or a notice such as 访问被拦截.  Read as
a page, it would be a failed probe, a broken link or an empty column; read
here, it is the scan status ``blocked`` (or, where the script only sets
literal cookies, a challenge the crawler passes as a browser would:
crawler.middlewares.challenge).

The markers are data (challenge.toml beside this file), each taken from a
published block page.  Only the response's own signs count: a firewall that
is merely present (a header, a cookie) does not make a real page a challenge.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from .decode import decode

MARKERS = Path(__file__).with_name("challenge.toml")
# A challenge is small and links to almost nothing: a larger or link-rich body is a real page, and is
# never decoded here (this runs on every response the crawl gets).
_LARGEST = 64_000
_MOST_LINKS = 30

_SCRIPT_RE = re.compile(r"<script\b", re.I)
_STRIP_RE = re.compile(r"<script\b.*?</script\s*>|<style\b.*?</style\s*>|<!--.*?-->|<[^>]+>", re.I | re.S)
_SPACE_RE = re.compile(r"\s+")
_TITLE_RE = re.compile(r"<title[^>]*>(.*?)</title", re.I | re.S)
_COOKIE_SET_RE = re.compile(r"document\.cookie\s*=(?!=)", re.I)
# A plain assignment: string literals, each optionally in parentheses, joined by +, then the statement's end.
_LITERAL = r"""\(?\s*(?:'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")\s*\)?"""
_PLAIN_RE = re.compile(rf"\s*({_LITERAL}(?:\s*\+\s*{_LITERAL})*)\s*(?:;|\n|</script|$)", re.I)
_RELOAD_RE = re.compile(r"location\.reload\s*\(|location(?:\.href)?\s*=\s*(?:window\.)?location\b"
                        r"|location\.replace\s*\(\s*(?:window\.)?location\b", re.I)
_STRING_RE = re.compile(r"""'((?:[^'\\\n]|\\.)*)'|"((?:[^"\\\n]|\\.)*)\"""")


@dataclass(frozen=True)
class Challenge:
    """What was met: ``cookies`` is set when a browser would pass it by setting just those."""

    reason: str  # readable Chinese, for the evidence
    status: int
    title: str = ""
    cookies: dict[str, str] = field(default_factory=dict)

    @property
    def passable(self) -> bool:
        return bool(self.cookies)


@dataclass(frozen=True)
class _Markers:
    script_statuses: frozenset[int]
    limit_statuses: frozenset[int]
    max_text_chars: int
    phrases: tuple[str, ...]
    assets: re.Pattern[str]


@lru_cache(maxsize=1)
def _markers() -> _Markers:
    data = tomllib.loads(MARKERS.read_text(encoding="utf-8"))
    return _Markers(frozenset(data["script_statuses"]), frozenset(data["limit_statuses"]),
                    int(data["max_text_chars"]), tuple(p.lower() for p in data["phrases"]),
                    re.compile("|".join(f"(?:{a})" for a in data["assets"]), re.I))


def read_challenge(status: int, body: bytes, content_type: str | None = None,
                   set_cookies: Iterable[bytes] = ()) -> Challenge | None:
    """The challenge this response is, or None for a real answer of the site (whatever its status)."""
    m = _markers()
    if status in m.limit_statuses:
        return Challenge(f"HTTP {status}：网站限制访问频率", status)
    if len(body) > _LARGEST or status in (301, 302, 303, 307, 308) or body.count(b"<a ") > _MOST_LINKS:
        return None
    html, _ = decode(body, content_type)
    text = _SPACE_RE.sub(" ", _STRIP_RE.sub(" ", html)).strip()
    title = _title(html)
    scripted = bool(_SCRIPT_RE.search(html))
    if len(text) > m.max_text_chars:
        return None
    sets_cookie = scripted and "document.cookie" in html
    # A short scripted page with a challenge status, or (any status) one whose script sets a cookie
    # and loads the same page again.
    if (scripted and status in m.script_statuses) or (sets_cookie and _RELOAD_RE.search(html)):
        cookies = _plain_cookies(html) if sets_cookie else None
        if cookies is not None:
            cookies = {**_header_cookies(set_cookies), **cookies}
        reason = "以脚本设置 cookie 后刷新的验证页" if sets_cookie else "须执行脚本的验证页"
        return Challenge(f"HTTP {status}：{reason}", status, title, cookies or {})
    low = text.lower()
    hit = next((p for p in m.phrases if p in low), None)
    if hit is None:
        asset = m.assets.search(html)
        hit = asset.group(0) if asset else None
    if hit is None:
        return None
    return Challenge(f"HTTP {status}：防火墙拦截页（“{hit}”）", status, title)


def _title(html: str) -> str:
    t = _TITLE_RE.search(html)
    return _SPACE_RE.sub(" ", t.group(1)).strip()[:100] if t else ""


def _plain_cookies(html: str) -> dict[str, str] | None:
    """The cookies the page's scripts set, if every assignment is plain literals; None otherwise.

    Anything computed (arithmetic, functions, variables: 加速乐's second stage, 瑞数) needs a
    script engine, and a crawler that guessed at it would read a challenge as the site."""
    out: dict[str, str] = {}
    sets = list(_COOKIE_SET_RE.finditer(html))
    if not sets:
        return None
    for at in sets:
        plain = _PLAIN_RE.match(html, at.end())
        if plain is None:
            return None
        expr = plain.group(1)
        value = "".join(_unescape(a or b) for a, b in _STRING_RE.findall(expr))
        pair = value.split(";", 1)[0]
        name, eq, val = pair.partition("=")
        if not eq or not name.strip():
            return None
        out[name.strip()] = val.strip()
    return out


def _unescape(s: str) -> str:
    return re.sub(r"\\(.)", r"\1", s)


def _header_cookies(set_cookies: Iterable[bytes]) -> dict[str, str]:
    """Cookies the challenge set by header (a browser keeps them for the reload)."""
    out: dict[str, str] = {}
    for raw in set_cookies:
        name, eq, val = raw.decode("latin-1").split(";", 1)[0].partition("=")
        if eq and name.strip():
            out[name.strip()] = val.strip()
    return out
