"""Access control over every route for every role, anonymous included:
no cross-region leak, no action without the CSRF token; and hostile or
malformed input answered with a clear message and no change."""
from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute
from sqlalchemy import func, select

import datetime as dt

from portal.batches import batch_of
from portal.campaign import PHASES
from portal.models import Account, AuditEntry, Campaign, MailboxReport, Recrawl, Registration
from portal_client import file_and_approve, registration_id, site_form
from pucha.store import open_store
from results_world import card, store_sweep
from pucha.db import session_scope
from pucha.registry.model import Site
from pucha.registry.workbook import export_sites, write_workbook

# Every route, and whether anonymous visitors may use it.  A route missing
# here fails the test: whoever adds one decides who may reach it.
PUBLIC = {"/", "/sites", "/sites/{site_id}", "/mailbox", "/mailbox/track", "/code-recovery",
          "/login", "/logout", "/open-data", "/open-data/{name}",
          # /api/v1 (a mounted app; its own route × role tests are tests/portal/test_api_v1.py)
          "/published", "/rollup", "/scorecards", "/scorecards/{site_id}", "/needs-review"}
PRIVATE = {"/password", "/dashboard", "/units", "/units/{unit_id}/accounts", "/accounts/{account_id}/reset",
           "/audit", "/registrations", "/registrations/new", "/registrations/{rid}", "/registrations/{rid}/edit",
           "/registrations/{rid}/submit", "/registrations/{rid}/file", "/registrations/{rid}/approve",
           "/registrations/{rid}/return", "/manage/sites", "/manage/sites/{site_id}",
           "/manage/sites/{site_id}/change", "/manage/sites/{site_id}/changes", "/manage/sites/{site_id}/status",
           "/import", "/export", "/review", "/review/batches/{batch}", "/review/batches/{batch}/approve",
           "/review/batches/{batch}/return", "/closures", "/closures/probe", "/inbox", "/inbox/{report_id}",
           "/inbox/{report_id}/answer",
           # part 2: results, inspection, recrawls, drift, the campaign
           "/results", "/results/export", "/results/sites", "/results/sites/export", "/results/site/{site_id}",
           "/results/site/{site_id}/export", "/results/site/{site_id}/decide", "/results/site/{site_id}/manual",
           "/results/site/{site_id}/recrawl", "/recrawls/{job_id}", "/recrawls/{job_id}/progress", "/drift",
           "/drift/scan", "/self-assessment", "/self-assessment/{site_id}", "/campaign", "/campaign/{campaign_id}/filings",
           "/campaign/{campaign_id}/export", "/campaign/{campaign_id}/tongbao", "/campaign/{campaign_id}/tongbao/export",
           "/campaign/{campaign_id}/tongbao/pdf", "/results/units", "/results/units/{unit_id}",
           "/results/units/{unit_id}/export", "/api-tokens", "/api-tokens/{token_id}/revoke"}
# Not a region's object: every organisation unit reads the campaign, over its own units only.
SHARED = {"/campaign/{campaign_id}/filings", "/campaign/{campaign_id}/export", "/campaign/{campaign_id}/tongbao",
          "/campaign/{campaign_id}/tongbao/export", "/campaign/{campaign_id}/tongbao/pdf"}
# Who may see 西城区's objects: the owner, its county, its province, the national office.
INSIDE = ("xc_edu", "xc", "bj", "national")
OUTSIDE = ("dc_edu", "dc", "hn", "cs_gov", "tax", "tax_bj_web")
SITE_NAME = "西城区教育委员会网站"


def _routes(app):
    """(method, path) of every API route, through included routers at any depth."""
    found, pending = [], list(app.routes)
    while pending:
        route = pending.pop(0)
        if isinstance(route, APIRoute):
            found.extend((method, route.path) for method in sorted(route.methods))
        for nested in (getattr(route, "routes", None), getattr(getattr(route, "original_router", None), "routes", None)):
            pending.extend(nested or ())
    return found


@pytest.fixture
def xc_objects(app, world, portal, db_url, tmp_path):
    """A site of 西城区 with its code, an open change filing, and a mailbox letter."""
    rid, edu, _, _ = file_and_approve(portal)
    with session_scope(db_url) as s:
        site_id = s.scalar(select(Site.id))
        account_id = s.scalar(select(Account.id).where(Account.username == "xc_edu"))
    open_rid = registration_id(edu.form(f"/manage/sites/{site_id}/status", {"status": "rectifying", "reason": "改版"}))
    # An import batch of 西城区: the county files a change of the site by workbook.
    [registered] = export_sites(db_url)
    workbook = write_workbook([{**registered, "leader_title": "副主任"}], tmp_path / "xc.xlsx")
    county = portal()
    county.login("xc")
    with workbook.open("rb") as f:
        assert county.form("/import", {"owner": str(world.units["xc_edu"])},
                           files={"file": ("xc.xlsx", f)}).status_code == 303
    with session_scope(db_url) as s:
        batch = batch_of(s.scalar(select(Registration).where(Registration.reason.contains("批次"))))
    public = portal()
    a, b = map(int, re.search(r"(\d+) \+ (\d+)", public.get("/mailbox").text).groups())
    public.form("/mailbox", {"site_id": str(site_id), "category": "其他", "content": "测试", "challenge": str(a + b)})
    with session_scope(db_url) as s:
        report_id = s.scalar(select(MailboxReport.id))
    with session_scope(db_url) as s:
        # A finished recrawl of the site and a campaign, as part 2 keeps them (no crawl needed here).
        job = Recrawl(site_id=site_id, home_url=s.get(Site, site_id).home_url, unit_id=world.units["xc"], actor="xc",
                      as_of="2026-11-20", state="done", returncode=0)
        campaign = Campaign(name="第一次全国政府网站普查", as_of="2026-11-20", created_by="national",
                            **{attr: dt.date(2026, 12, 1) for _, _, attr in PHASES})
        s.add_all([job, campaign])
        s.flush()
        job_id, campaign_id = job.id, campaign.id
    store = open_store(app.state.settings)
    home = "http://edu.bjxch.gov.cn/"
    store_sweep(store, [card(home, SITE_NAME, "北京市西城区", "")], title="另一个网站")
    store.close()
    return {"name": "results.csv", "token_id": 1, "rid": open_rid, "site_id": site_id, "unit_id": world.units["xc_edu"], "account_id": account_id,
            "report_id": report_id, "job_id": job_id, "batch": batch, "campaign_id": campaign_id}


def _fill(path: str, ids: dict) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: str(ids[m.group(1)]), path)


def _state(db_url):
    with session_scope(db_url) as s:
        return (s.scalar(select(func.count()).select_from(AuditEntry)),
                [(r.state, r.pending_unit_id) for r in s.scalars(select(Registration).order_by(Registration.id))],
                s.scalar(select(func.count()).select_from(MailboxReport)))


def test_every_route_is_classified(app):
    paths = {path for _, path in _routes(app)}
    assert paths == PUBLIC | PRIVATE, f"unclassified: {paths - PUBLIC - PRIVATE}, gone: {(PUBLIC | PRIVATE) - paths}"


def test_anonymous_reaches_only_public_pages(app, xc_objects, portal, db_url):
    anonymous = portal()
    before = _state(db_url)
    for method, path in _routes(app):
        url = _fill(path, xc_objects)
        response = anonymous.get(url) if method == "GET" else anonymous.form(url)
        if path in PUBLIC:
            assert response.status_code < 500, (method, path)
            continue
        assert response.status_code == 303 and response.headers["location"] == "/login", (method, path)
    assert _state(db_url)[1:] == before[1:]


def test_no_unsafe_request_without_the_csrf_token(app, xc_objects, portal, db_url):
    before = _state(db_url)
    for who in (None, "xc_edu", "xc", "national"):
        client = portal()
        if who:
            client.login(who)
        for method, path in _routes(app):
            if method != "POST":
                continue
            url = _fill(path, xc_objects)
            for token in (None, "forged-token"):
                data = {"csrf_token": token} if token else {}
                response = client.post(url, data={**data, "reason": "x", "text": "x", "status": "closed"})
                assert response.status_code == 403 and "CSRF" in response.text, (who, path, token)
    assert _state(db_url) == before


@pytest.mark.parametrize("who", OUTSIDE)
def test_no_cross_region_leak(app, xc_objects, portal, db_url, who):
    client = portal()
    client.login(who)
    before = _state(db_url)
    for method, path in _routes(app):
        if path in PUBLIC or "{" not in path:
            continue
        url = _fill(path, xc_objects)
        response = client.get(url) if method == "GET" else client.form(
            url, {"reason": "x", "text": "x", "status": "closed", "username": "intruder", "action": "confirm",
                  "candidate_id": "c0ffee0000000001", "accuracy.basic_info": "3"})
        allowed = (200, 303, 400, 403, 404) if path in SHARED else (403, 404)
        assert response.status_code in allowed, (who, method, path, response.status_code)
        assert SITE_NAME not in response.text and "zhangsan@" not in response.text
        assert "edu.bjxch" not in response.text, (who, path)
    for path in ("/registrations", "/manage/sites", "/review", "/inbox", "/audit", "/closures", "/dashboard",
                 "/results", "/results/sites?region=北京市西城区", "/results/sites/export?region=北京市西城区",
                 "/drift", "/campaign", f"/campaign/{xc_objects['campaign_id']}/tongbao"):
        response = client.get(path)
        assert SITE_NAME not in response.text and "测试" not in response.text, (who, path)
    assert _state(db_url)[1:] == before[1:]


@pytest.mark.parametrize("who", INSIDE)
def test_the_hierarchy_above_sees_the_site(app, xc_objects, portal, who):
    client = portal()
    client.login(who)
    assert SITE_NAME in client.get(f"/manage/sites/{xc_objects['site_id']}").text
    assert client.get(f"/registrations/{xc_objects['rid']}").status_code == 200
    assert SITE_NAME in client.get(f"/results/site/{xc_objects['site_id']}").text
    assert SITE_NAME in client.get("/results/sites?region=北京市西城区").text
    assert SITE_NAME in client.get("/drift").text
    if who != "xc_edu":
        assert client.get(f"/recrawls/{xc_objects['job_id']}").status_code == 200
        assert "北京市西城区" in client.get("/results").text
    if who != "xc_edu":
        assert SITE_NAME in client.get("/inbox").text
        assert SITE_NAME in client.get(f"/review/batches/{xc_objects['batch']}").text


def test_hostile_and_malformed_input(world, portal, db_url):
    edu = portal()
    edu.login("xc_edu")
    before = _state(db_url)
    huge = edu.form("/registrations", site_form(name="网" * 100_000))
    assert huge.status_code == 400 and "太长" in huge.text
    control = edu.form("/registrations", site_form(address="二龙路\x001号"))
    assert control.status_code == 400 and "控制字符" in control.text
    sql = edu.form("/registrations", site_form(homepage="http://x.gov.cn/'; DROP TABLE site; --"))
    assert sql.status_code == 400 and "不是有效的网址" in sql.text
    assert edu.get("/registrations/abc").status_code == 400
    assert edu.get("/registrations/99999999999999999999").status_code in (400, 404)
    assert edu.form("/manage/sites/1/status", {"status": "deleted", "reason": "x"}).status_code == 404
    assert _state(db_url) == before

    # Script tags are kept as text and shown escaped, never run.
    script = "<script>alert('x')</script>西城区教育网"
    rid = registration_id(edu.form("/registrations", site_form(name=script)))
    page = edu.get(f"/registrations/{rid}").text
    assert "<script>alert" not in page and "&lt;script&gt;" in page

    bj = portal()
    bj.login("bj")
    for data in ({"kind": "county", "name": "x", "code": "11010'", "username": "ok1"},
                 {"kind": "county", "name": "x", "code": "999999", "username": "ok2"},
                 {"kind": "nonsense", "name": "x", "code": "110105", "username": "ok3"},
                 {"kind": "county", "name": "x", "code": "110105", "username": "<b>bad</b>"},
                 {"kind": "county", "name": "", "code": "110105", "username": "ok4"}):
        assert bj.form("/units", data).status_code == 400, data
    assert bj.form("/registrations/abc/approve").status_code == 400
    public = portal()
    assert public.form("/code-recovery", {"what": ""}).status_code == 400
    assert public.form("/code-recovery", {"what": "x" * 5000}).status_code == 400
    assert public.form("/mailbox", {"site_id": "1 OR 1=1", "category": "其他", "content": "x",
                                    "challenge": "0"}).status_code == 400
    assert public.get("/sites", params={"page": "-5"}).status_code == 200
    assert public.get("/mailbox/track", params={"no": "' OR '1'='1"}).status_code == 404
    assert public.get("/nonexistent").status_code == 404
