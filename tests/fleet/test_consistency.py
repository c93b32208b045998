"""What the served pages show agrees with the truth computed from the profiles.

A small breadth-first crawl with httpx and lxml (independent of pucha's
crawler) fetches every page of a few hand-designed sites, checks every link
once, and compares the broken targets, their points and the failed guide
attachments with truth.json."""
from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import httpx
import lxml.html
import pytest

from .conftest import HANG, site_by_purpose

LINK_ATTRS = (("a", "href"), ("img", "src"), ("link", "href"), ("script", "src"), ("iframe", "src"))
FILE_EXT = re.compile(r"\.(docx?|xlsx?|pdf|zip|rar|wps|et)$")
PURPOSES = ("navigation homepage, 3 fresh", "total deduction exactly 40.0", "total deduction 40.1", "guides",
            "traps", "5 empty", "TRS var countPage", "every date form", "homepage: 9 distinct")


def crawl(client: httpx.Client, site: dict, column_urls: list[str]) -> tuple[dict[str, set[str]], dict[str, str]]:
    """target -> pages linking it; page url -> html, over every same-site page within depth 4."""
    home = site["home_url"]
    host = urlsplit(home).netloc
    links: dict[str, set[str]] = {}
    pages: dict[str, str] = {}
    queue = [(home, 0)] + [(u, 1) for u in column_urls]
    seen = {u for u, _ in queue}
    while queue:
        url, depth = queue.pop(0)
        try:
            r = client.get(url)
        except httpx.HTTPError:
            continue  # a broken target; the link check below sees it too
        if r.status_code != 200 or "html" not in r.headers.get("content-type", "") or len(r.content) > 2_000_000:
            continue
        text = r.content.decode("utf-8") if site["encoding"] == "utf-8" else r.content.decode(site["encoding"])
        pages[url] = text
        doc = lxml.html.fromstring(text)
        found = [urljoin(url, el.get(attr)) for tag, attr in LINK_ATTRS for el in doc.iter(tag) if el.get(attr)]
        m = re.search(r"createPageHTML\((\d+)|var countPage = (\d+)", text)
        if m:  # TRS pagination lives in a script
            n = int(m.group(1) or m.group(2))
            found += [urljoin(url, f"index_{i}.html") for i in range(1, n)]
        for target in found:
            if target.startswith(("javascript:", "mailto:", "tel:")) or target.endswith("#"):
                continue
            links.setdefault(target, set()).add(url)
            if urlsplit(target).netloc == host and target not in seen and depth < 4 and target != home:
                seen.add(target)
                queue.append((target, depth + 1))
    return links, pages


def broken(client: httpx.Client, target: str) -> bool:
    try:
        r = client.get(target, follow_redirects=True)
    except (httpx.HTTPError, httpx.TooManyRedirects):
        return True
    return r.status_code >= 400


@pytest.mark.parametrize("purpose", PURPOSES)
def test_served_links_agree_with_truth(fleet, purpose):
    site = site_by_purpose(fleet, purpose)
    truth = fleet.truth_of(site["home_url"])
    columns = [c["url"] for c in truth["facts"]["columns"]]
    with httpx.Client(timeout=HANG * 0.6, max_redirects=5) as client:
        links, pages = crawl(client, site, columns)
        home = site["home_url"]
        second = links_on(links, home) if site["home_kind"] == "navigation" else set()
        observed = {}
        for target, sources in links.items():
            if target == home or not broken(client, target):
                continue
            level1 = home in sources or bool(sources & second)
            observed[target] = 10 if level1 else 1
        expected = {b["target"]: b["tenths"] for b in truth["facts"]["broken_links"]}
        assert observed == expected
        files = {t for t, sources in links.items() if FILE_EXT.search(t) and any("guide" in pages.get(s, "") for s in sources)}
        failed = set()
        for f in files:
            try:
                r = client.get(f)
                if r.status_code >= 400 or not r.content:
                    failed.add(f)
            except httpx.HTTPError:
                failed.add(f)
        assert failed == set(truth["facts"]["failed_attachments"])


def links_on(links: dict[str, set[str]], page: str) -> set[str]:
    host = urlsplit(page).netloc
    return {t for t, sources in links.items() if page in sources and urlsplit(t).netloc == host}
