"""The public side: the searchable database of registered sites and the
census mailbox; and site lifecycle (closing a site, probing it until gone)."""
from __future__ import annotations

import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from sqlalchemy import select

from portal.models import ClosureCheck, MailboxReport
from portal_client import registration_id, site_form
from pucha.db import session_scope
from pucha.registry.model import Site

QUESTION = re.compile(r"验证题：(\d+) \+ (\d+) = \?")
TRACKING = re.compile(r'id="tracking">(\w+)<')


def _register(portal, who, county, **form):
    client = portal()
    client.login(who)
    rid = registration_id(client.form("/registrations", site_form(**form)))
    client.form(f"/registrations/{rid}/submit")
    for name in (county, "bj"):
        reviewer = portal()
        reviewer.login(name)
        reviewer.form(f"/registrations/{rid}/approve")
    return client, rid


def _site_id(db_url, name) -> int:
    with session_scope(db_url) as s:
        return s.scalar(select(Site.id).where(Site.name == name))


def test_search_by_name_region_sponsor_url_and_code(world, portal, db_url):
    _register(portal, "xc_edu", "xc", name="西城区教育委员会网站")
    _register(portal, "dc_edu", "dc", name="东城区教育委员会网站", homepage="http://jw.bjdch.gov.cn/",
              region="北京市东城区", sponsor="东城区教育委员会")
    pending = portal()
    pending.login("xc_edu")
    registration_id(pending.form("/registrations", site_form("审核中的网站", "http://pending.bjxch.gov.cn/")))
    public = portal()
    for query, expected in ((("q", "西城区教育"), ["西城区教育委员会网站"]),
                            (("region", "东城区"), ["东城区教育委员会网站"]),
                            (("sponsor", "教育委员会"), ["西城区教育委员会网站", "东城区教育委员会网站"]),
                            (("q", "jw.bjdch.gov.cn"), ["东城区教育委员会网站"]),
                            (("q", "1101020001"), ["西城区教育委员会网站"]),
                            (("q", "审核中"), []),
                            (("q", "%' OR 1=1 --"), []),
                            (("q", "_"), [])):
        page = public.get("/sites", params=dict([query]))
        assert page.status_code == 200
        found = re.findall(r'<a href="/sites/\d+">([^<]+)</a>', page.text)
        assert found == expected, (query, found)
    site = public.get(f"/sites/{_site_id(db_url, '西城区教育委员会网站')}")
    assert site.status_code == 200 and "1101020001" in site.text
    assert "zhangsan@" not in site.text and "13800138000" not in site.text  # persons stay private
    assert public.get("/sites/999999").status_code == 404


def test_mailbox_report_reaches_the_unit_and_is_answered(world, portal, db_url):
    _register(portal, "xc_edu", "xc")
    site_id = _site_id(db_url, "西城区教育委员会网站")
    public = portal()
    form = public.get(f"/mailbox?site={site_id}")
    a, b = map(int, QUESTION.search(form.text).groups())
    data = {"site_id": str(site_id), "site_text": "", "category": "内容不更新", "content": "通知公告栏目半年未更新"}
    wrong = public.form("/mailbox", {**data, "challenge": str(a + b + 1)})
    assert wrong.status_code == 400 and "验证题" in wrong.text
    with session_scope(db_url) as s:
        assert s.scalar(select(MailboxReport)) is None
    a, b = map(int, QUESTION.search(wrong.text).groups())
    sent = public.form("/mailbox", {**data, "challenge": str(a + b)})
    assert sent.status_code == 200
    tracking = TRACKING.search(sent.text).group(1)
    replay = public.form("/mailbox", {**data, "challenge": str(a + b)})
    assert replay.status_code == 400  # a challenge answers once

    county = portal()
    county.login("xc")
    assert tracking in county.get("/inbox").text
    with session_scope(db_url) as s:
        report_id = s.scalar(select(MailboxReport.id))
    neighbour = portal()
    neighbour.login("dc")
    assert tracking not in neighbour.get("/inbox").text
    assert neighbour.get(f"/inbox/{report_id}").status_code == 404
    assert neighbour.form(f"/inbox/{report_id}/answer", {"text": "x"}).status_code == 404
    province = portal()
    province.login("bj")
    assert tracking in province.get("/inbox").text  # it sees below, but the county answers
    assert province.form(f"/inbox/{report_id}/answer", {"text": "x"}).status_code == 403
    assert "办理中" in public.get("/mailbox/track", params={"no": tracking}).text
    assert county.form(f"/inbox/{report_id}/answer", {"text": "已督促更新，谢谢监督"}).status_code == 303
    page = public.get("/mailbox/track", params={"no": tracking.lower()})
    assert "已答复" in page.text and "已督促更新，谢谢监督" in page.text
    assert public.get("/mailbox/track", params={"no": "20261126XXXXXXXX"}).status_code == 404


def test_a_report_about_an_unknown_site_goes_to_the_national_office(world, portal):
    public = portal()
    a, b = map(int, QUESTION.search(public.get("/mailbox").text).groups())
    sent = public.form("/mailbox", {"site_text": "某个未登记的网站 http://fake.gov.cn", "category": "其他",
                                    "content": "疑似假冒政府网站", "challenge": str(a + b)})
    tracking = TRACKING.search(sent.text).group(1)
    national = portal()
    national.login("national")
    assert tracking in national.get("/inbox").text


class _Alive(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write("<title>升级改版中</title>".encode())

    def log_message(self, *args):
        pass


def test_closed_site_still_online_is_flagged_until_it_is_gone(world, portal, db_url):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Alive)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    home = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        owner, _ = _register(portal, "xc_edu", "xc", homepage=home)
        site_id = _site_id(db_url, "西城区教育委员会网站")
        same = owner.form(f"/manage/sites/{site_id}/status", {"status": "running", "reason": "x"})
        assert same.status_code == 400
        rid = registration_id(owner.form(f"/manage/sites/{site_id}/status",
                                         {"status": "closed", "reason": "并入区政府门户网站"}))
        owner.form(f"/registrations/{rid}/submit")
        with session_scope(db_url) as s:
            assert s.get(Site, site_id).status == "running"  # not before review
        for name in ("xc", "bj"):
            reviewer = portal()
            reviewer.login(name)
            reviewer.form(f"/registrations/{rid}/approve")
        with session_scope(db_url) as s:
            assert s.get(Site, site_id).status == "closed"
        county = portal()
        county.login("xc")
        county.form("/closures/probe")
        flagged = county.get("/closures").text
        assert "仍可访问（HTTP 200）" in flagged
        neighbour = portal()
        neighbour.login("dc")
        neighbour.form("/closures/probe")
        assert "仍可访问（" not in neighbour.get("/closures").text
    finally:
        server.shutdown()
        server.server_close()
    for _ in range(4):  # gone now: three failed probes and it is no longer probed
        county.form("/closures/probe")
    assert "仍可访问（" not in county.get("/closures").text
    with session_scope(db_url) as s:
        answered = s.scalars(select(ClosureCheck.answered).order_by(ClosureCheck.id)).all()
    assert answered == [True, False, False, False]
