"""The fleet served for real: encodings as declared, probe counting, failures as real servers fail."""
from __future__ import annotations

import re
import socket
import threading
import time
import xml.etree.ElementTree as ET

import httpx
import pytest

from .conftest import HANG, ROUNDS, site_by_purpose

COLUMN_PATHS = re.compile(r'<div class="nav">.*?</div>', re.S)


def first_column_url(client: httpx.Client, site: dict) -> str:
    # Read the menu off /about.html: the homepage is kept for probe counting.
    html = client.get(site["home_url"] + "about.html").content.decode("gb18030", "replace")
    paths = re.findall(r'href="(/[^"]+)"', COLUMN_PATHS.search(html).group(0))
    return site["home_url"].rstrip("/") + paths[1]  # [0] is the column of 机构职能, the next one has items


def test_every_site_answers_in_its_declared_encoding(fleet):
    with httpx.Client(timeout=5) as c:
        for site in fleet.sites:
            r = c.get(first_column_url(c, site))
            assert r.status_code == 200, site
            enc, decl = site["encoding"], site["declaration"]
            header = r.headers["content-type"].lower()
            head = r.content[:600].decode("ascii", "replace").lower()
            assert ("charset=" in header) is (decl == "header"), (site["index"], header)
            assert ("<meta charset=" in head) is (decl == "meta"), site["index"]
            assert ("http-equiv" in head) is (decl == "http-equiv"), site["index"]
            if decl != "none":
                assert enc in header + head, (site["index"], enc)
            text = r.content.decode(enc)  # really in that encoding
            assert site["name"] in text
            if enc != "utf-8":
                with pytest.raises(UnicodeDecodeError):
                    r.content.decode("utf-8")


def test_probe_rounds_count_homepage_requests_hang_and_reset(fleet):
    site = site_by_purpose(fleet, "probes: one hang past the timeout, one reset")
    url = site["home_url"]
    outcomes = []
    with httpx.Client(timeout=0.5) as c:
        for _ in range(ROUNDS):
            try:
                outcomes.append(c.get(url).status_code)
            except httpx.TimeoutException:
                outcomes.append("timeout")
            except (httpx.RemoteProtocolError, httpx.ReadError, httpx.ConnectError) as exc:
                outcomes.append("reset:" + type(exc).__name__)
    assert outcomes[0] == "timeout"
    assert str(outcomes[1]).startswith("reset:")
    assert outcomes[2:] == [200] * (ROUNDS - 2)
    # Round 1 again: the hang ends after HANG seconds, with a gateway error rather than the page.
    t0 = time.monotonic()
    r = httpx.get(url, timeout=HANG + 5)
    assert r.status_code == 504 and time.monotonic() - t0 >= HANG - 0.05


def test_a_hang_does_not_block_other_requests(fleet):
    site = site_by_purpose(fleet, "traps")
    truth = fleet.truth_of(site["home_url"])
    hang_url = next(b["target"] for b in truth["facts"]["broken_links"] if "/slow/" in b["target"])
    started = threading.Event()

    def slow():
        started.set()
        httpx.get(hang_url, timeout=HANG + 5)

    t = threading.Thread(target=slow)
    t.start()
    started.wait()
    t0 = time.monotonic()
    r = httpx.get(site["home_url"] + "about.html", timeout=5)
    assert r.status_code == 200 and time.monotonic() - t0 < HANG / 2
    t.join()


def test_503_probe_and_error_statuses(fleet):
    site = site_by_purpose(fleet, "probes: ceil(rounds/20)")
    r = httpx.get(site["home_url"], timeout=5)  # round 1
    assert r.status_code == 503
    assert httpx.get(site["home_url"] + "no/such/page.html").status_code == 404


def test_redirect_loop_loops_and_dead_host_refuses(fleet):
    site = site_by_purpose(fleet, "traps")
    truth = fleet.truth_of(site["home_url"])
    loop = next(b["target"] for b in truth["facts"]["broken_links"] if "/go/" in b["target"])
    with pytest.raises(httpx.TooManyRedirects):
        httpx.get(loop, follow_redirects=True, timeout=5)
    with pytest.raises(httpx.ConnectError):
        httpx.get(fleet.info["dead"] + "/x.html", timeout=2)


def test_hanweb_dataproxy_answers_xml(fleet):
    site = site_by_purpose(fleet, "Hanweb data proxy")
    with httpx.Client(timeout=5) as c:
        col_url = first_column_url(c, site)
        page = c.get(col_url).content.decode("gbk")
        assert "<li>" not in page  # the page itself shows no item
        m = re.search(r"columnid:(\d+).*?unitid:(\d+)", page)
        columnid, unitid = m.group(1), m.group(2)
        url = site["home_url"] + "module/web/jpage/dataproxy.jsp"
        r = c.post(url, params={"startrecord": 1, "endrecord": 10, "perpage": 5},
                   data={"col": 1, "appid": 1, "webid": site["index"] + 1, "path": "/", "columnid": columnid,
                         "unitid": unitid, "sourceContentType": 1, "permissiontype": 0})
        assert r.status_code == 200 and "xml" in r.headers["content-type"]
        root = ET.fromstring(r.content)
        assert root.tag == "datastore" and int(root.findtext("totalrecord")) > 10
        records = root.find("recordset").findall("record")
        assert len(records) == 10 and all(rec.text.startswith("<li>") for rec in records)
        r = c.post(url, params={"startrecord": 1, "endrecord": 5, "perpage": 5}, data={"columnid": "abc"})
        assert r.status_code == 400 and "columnid" in r.text


def test_soft_404_big_page_calendar_and_robots(fleet):
    site = site_by_purpose(fleet, "traps")
    truth = fleet.truth_of(site["home_url"])
    with httpx.Client(timeout=5) as c:
        soft = c.get(truth["needs_review"][0]["url"])
        assert soft.status_code == 200 and "页面不存在" in soft.text
        base = site["home_url"].rstrip("/")
        big = c.get(base + "/big/x.html")
        assert big.status_code == 200 and len(big.content) >= 3 * 1024 * 1024
        cal = c.get(base + "/calendar/?month=2026-12")
        assert 'href="/calendar/?month=2027-01"' in cal.text
        assert c.get(base + "/calendar/?month=nonsense").status_code == 404
        delay = site_by_purpose(fleet, "no interaction columns")
        assert "Crawl-delay: 1" in c.get(delay["home_url"] + "robots.txt").text


def test_stopping_leaves_nothing_listening(tmp_path):
    from pucha_fleet import FleetProcess

    with FleetProcess(tmp_path, sites=2, seed=1, as_of="2026-11-26", rounds=5, hang=1) as f:
        host, port = f.sites[0]["home_url"][7:-1].split(":")
        assert httpx.get(f.sites[1]["home_url"] + "about.html").status_code == 200
        proc = f.proc
    assert proc.poll() is not None
    with pytest.raises(OSError):
        socket.create_connection((host, int(port)), timeout=1).close()
