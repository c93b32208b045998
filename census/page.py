"""`pucha page PATH|URL --as-of DATE`: what pucha reads from one page (SPEC §2).

For spot-check staff who want to know why a column was judged stale, and for
tests: the page is read exactly as the crawl reads it (crawler.understand: the
same charset detection, list, date, pagination, letter and guide readers).
A URL is fetched once, with the census's timeouts and user agent; a PATH is a
saved page read from disk.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from crawler.understand import understand
from crawler.understand.challenge import read_challenge
from pucha.errors import UserError
from pucha.settings import Settings

KINDS = ("auto", "homepage", "list", "article", "letters", "guide")
# pucha page's kinds as the crawl's page roles (crawler.understand.understand)
ROLES = {"homepage": "home", "list": "column", "article": "page", "letters": "consultation", "guide": "guide"}
_HOME_PATHS = {"", "/", "/index.html", "/index.htm", "/index.shtml", "/index.jsp", "/default.html", "/index.php"}


@dataclass
class Fetched:
    url: str
    body: bytes
    content_type: str | None
    scan_status: str  # "ok", or the scan status of SPEC §8
    status: int | None = None  # the HTTP status, for a URL


def fetch(source: str, cfg: Settings, url: str | None = None) -> Fetched:
    """The page's bytes: a URL fetched as the crawl would, or a saved file (``url``: the address it
    was saved from, which its relative links are read against)."""
    if urlsplit(source).scheme in ("http", "https"):
        return _get(source, cfg)
    path = Path(source)
    if not path.is_file():
        raise UserError(f"{source}: 不是可读的文件，也不是 http(s) 网址")
    return Fetched(url or path.resolve().as_uri(), path.read_bytes(), None, "ok")


def _get(url: str, cfg: Settings) -> Fetched:
    import httpx

    try:
        with httpx.Client(follow_redirects=True, max_redirects=cfg.max_redirects, timeout=cfg.page_timeout,
                          headers={"User-Agent": cfg.user_agent.encode("utf-8")}) as client:  # as Scrapy sends it
            r = client.get(url)
    except httpx.TooManyRedirects:
        return Fetched(url, b"", None, "redirects")
    except httpx.TimeoutException:
        return Fetched(url, b"", None, "timeout")
    except httpx.ConnectError as exc:
        text = str(exc).lower()
        status = "dns" if "name" in text or "resolve" in text else "tls" if "ssl" in text else "refused"
        return Fetched(url, b"", None, status)
    except httpx.TransportError:
        return Fetched(url, b"", None, "reset")
    status = "ok" if r.status_code < 400 else "http"
    return Fetched(str(r.url), r.content, r.headers.get("content-type"), status, r.status_code)


def read_page(fetched: Fetched, as_of: date, kind: str = "auto") -> dict:
    """SPEC §2's JSON of one page."""
    if kind not in KINDS:
        raise UserError(f"--kind {kind}: 应为 {'、'.join(KINDS)} 之一")
    out = {"url": fetched.url, "encoding": None, "kind": kind if kind != "auto" else None, "title": "",
           "pub_date": None, "items": [], "next_pages": [], "letters": [], "activities": [],
           "guide_elements": [], "attachments": [], "scan_status": fetched.scan_status,
           "status": fetched.status}
    challenge = read_challenge(fetched.status or 200, fetched.body, fetched.content_type) if fetched.body else None
    if challenge is not None:  # a firewall's page: nothing in it is the site's (SPEC §8)
        out.update(scan_status="blocked", challenge=challenge.reason, title=challenge.title)
        return out
    if fetched.scan_status != "ok" or not fetched.body:
        return out
    views = {role: understand(fetched.body, fetched.url, fetched.content_type, as_of, role)
             for role in ({ROLES[kind]} if kind != "auto" else set(ROLES.values()))}
    kind = kind if kind != "auto" else _guess(fetched.url, views)
    view = views[ROLES[kind]]
    out.update(kind=kind, encoding=view.encoding, title=view.title,
               pub_date=view.pub_date.isoformat() if view.pub_date else None,
               items=[{"title": i.title, "url": i.url, "date": i.date} for i in view.items],
               next_pages=list(view.next_pages))
    if kind in ("list", "letters"):
        # an activity list (surveys, interviews) counts its dated entries (SPEC §4)
        out["activities"] = [{"title": i.title, "date": i.date} for i in view.items if i.date]
    if kind == "letters":
        out["letters"] = [{"title": x.title, "submitted": x.submitted, "replied": x.replied, "status": x.status}
                          for x in view.letters]
    if kind == "guide":
        out["guide_elements"] = sorted(view.guide_elements)
        out["attachments"] = list(view.file_links)
    return out


def _guess(url: str, views: dict) -> str:
    """The kind a page most likely is, from what each reader found in it."""
    if len(views["guide"].guide_elements) >= 4:
        return "guide"
    if len(views["consultation"].letters) >= 3:
        return "letters"
    dated = [i for i in views["column"].items if i.date]
    if urlsplit(url).scheme in ("http", "https") and urlsplit(url).path in _HOME_PATHS and dated:
        return "homepage"
    if len(dated) >= 5 or views["column"].next_pages:
        return "list"
    return "article"


def table(page: dict) -> str:
    """The same facts for a person: one line each, then the entries."""
    lines = [f"{k}: {page[k]}" for k in ("url", "kind", "encoding", "title", "pub_date", "scan_status")]
    for key in ("items", "letters", "activities"):
        if page[key]:
            lines.append(f"{key} ({len(page[key])}):")
            lines += ["  " + "  ".join(str(v) if v is not None else "—" for v in row.values()) for row in page[key]]
    for key in ("next_pages", "guide_elements", "attachments"):
        if page[key]:
            lines.append(f"{key}: " + "、".join(page[key]))
    return "\n".join(lines)


def run_page(cfg: Settings, source: str, as_of: date, kind: str = "auto", fmt: str = "json",
             url: str | None = None) -> str:
    page = read_page(fetch(source, cfg, url), as_of, kind)
    return json.dumps(page, ensure_ascii=False, indent=1) if fmt == "json" else table(page)
