"""Workbook import by an organisation unit (issue 12): a file changes
nothing in the registry before the last approval, as the web form does not;
a file with one bad row files nothing; a workbook declaring A1:XFD3000 is
refused at once; and the parse does not hold up other requests."""
from __future__ import annotations

import re
import threading
import time
import zipfile
from pathlib import Path

import httpx
import openpyxl
import pytest
from sqlalchemy import func, select

from portal.models import Registration
from portal_client import PASSWORD, file_and_approve, registration_id, send_mail, site_form
from portal_client import served as serve_app
from pucha.categories import CATEGORIES
from pucha.db import session_scope
from pucha.registry.model import Site
from pucha.registry.workbook import export_sites, write_workbook

CHECK = re.compile(r"校验码：(\w+)")


def _approve_up(portal, rid, *levels):
    for name in levels:
        reviewer = portal()
        reviewer.login(name)
        assert reviewer.form(f"/registrations/{rid}/approve").status_code == 303


def _registered(portal, db_url) -> str:
    """A site of 西城区教育委员会, through the web form and review; its code."""
    file_and_approve(portal)
    with session_scope(db_url) as s:
        return s.scalar(select(Site.site_code))


def _import(client, world, path: Path, name: str | None = None):
    with path.open("rb") as f:
        return client.form("/import", {"owner": str(world.units["xc_edu"])},
                           files={"file": (name or path.name, f)})


def _count(db_url, model) -> int:
    with session_scope(db_url) as s:
        return s.scalar(select(func.count()).select_from(model))


def test_imported_email_reaches_the_registry_only_on_the_last_approval(world, portal, app, smtp, db_url, tmp_path):
    code = _registered(portal, db_url)
    [site] = export_sites(db_url)
    site["leader_email"] = "taker@example.org"
    path = write_workbook([site], tmp_path / "变更.xlsx")
    county = portal()
    county.login("xc")
    done = _import(county, world, path)
    assert done.status_code == 303, done.text
    with session_scope(db_url) as s:
        assert s.scalar(select(Site.leader_email)) == "zhangsan@bjxch.gov.cn"
        filing = s.scalar(select(Registration).where(Registration.state == "submitted"))
        rid = filing.id
        assert filing.kind == "change" and filing.form["leader_email"] == "taker@example.org"
        assert "导入文件 变更.xlsx" in filing.reason and "第 1/1 个" in filing.reason
    page = county.get(f"/registrations/{rid}").text
    assert "taker@example.org" in page and "zhangsan@bjxch.gov.cn" in page  # the reviewer sees old and new
    assert "变更.xlsx" in county.get("/review").text

    # 标识码找回 meanwhile: the new check code goes to the registered persons, not to the file's.
    send_mail(app)  # the site code's mail of the first approval
    before = len(smtp.messages)
    portal().form("/code-recovery", {"what": code})
    send_mail(app)  # the outbox's pass, as the portal's background sender runs it
    assert len(smtp.messages) == before + 1
    rcpt, _ = smtp.messages[-1]
    assert sorted(rcpt) == ["lisi@bjxch.gov.cn", "zhangsan@bjxch.gov.cn"]
    assert smtp.to("taker@example.org") == []

    _approve_up(portal, rid, "xc", "bj")
    with session_scope(db_url) as s:
        assert s.scalar(select(Site.leader_email)) == "taker@example.org"
        assert s.get(Registration, rid).state == "approved"


def test_a_file_with_one_bad_row_files_nothing(world, portal, db_url, tmp_path):
    _registered(portal, db_url)
    [site] = export_sites(db_url)
    good = {**site, "leader_email": "new@bjxch.gov.cn"}
    other = {**site, "name": "西城区教育考试中心", "homepage": "http://ks.bjxch.gov.cn/",
             "contact_email": "not-an-email", "columns": []}
    path = write_workbook([good, other], tmp_path / "两个.xlsx")
    filings = _count(db_url, Registration)
    county = portal()
    county.login("xc")
    page = _import(county, world, path)
    assert page.status_code == 400 and "未导入" in page.text
    assert "网站基本信息 第3行" in page.text and "不是有效的电子邮箱" in page.text
    assert _count(db_url, Registration) == filings
    with session_scope(db_url) as s:
        assert s.scalar(select(Site.leader_email)) == "zhangsan@bjxch.gov.cn"

    # A row the rules accept but the registry does not: a new site that
    # another unit's open filing already claims.  Nothing of the file either.
    east = portal()
    east.login("dc_edu")
    registration_id(east.form("/registrations", site_form("西城区教育考试中心", "http://ks.bjxch.gov.cn/")))
    filings = _count(db_url, Registration)
    path = write_workbook([good, {**other, "contact_email": "lx@bjxch.gov.cn"}], tmp_path / "已有.xlsx")
    page = _import(county, world, path)
    assert page.status_code == 400 and "网站基本信息 第3行 首页网址" in page.text and "未办结的登记" in page.text
    assert _count(db_url, Registration) == filings and _count(db_url, Site) == 1
    with session_scope(db_url) as s:
        assert s.scalar(select(Site.leader_email)) == "zhangsan@bjxch.gov.cn"


def test_a_batch_is_approved_or_returned_whole(world, portal, app, smtp, db_url, tmp_path):
    _registered(portal, db_url)
    [site] = export_sites(db_url)
    new = {**site_form("西城区教育考试中心", "http://ks.bjxch.gov.cn/", leader_email="ks@bjxch.gov.cn"),
           "columns": site["columns"]}
    path = write_workbook([{**site, "leader_title": "副主任"}, new], tmp_path / "批.xlsx")
    county = portal()
    county.login("xc")
    assert _import(county, world, path).status_code == 303
    review = county.get("/review").text
    batch = re.search(r'href="/review/batches/([\w-]+)"', review).group(1)
    page = county.get(f"/review/batches/{batch}").text
    assert "第 1/2 个" in page and "第 2/2 个" in page and "整批审核通过（2 个）" in page

    empty = county.form(f"/review/batches/{batch}/return", {"reason": ""})
    assert empty.status_code == 400 and "原因" in empty.text
    assert county.form(f"/review/batches/{batch}/return", {"reason": "职务有误"}).status_code == 303
    with session_scope(db_url) as s:
        assert {r.state for r in s.scalars(select(Registration).where(Registration.reason.contains(batch)))} \
            == {"returned"}
        ids = s.scalars(select(Registration.id).where(Registration.reason.contains(batch))).all()
    edu = portal()
    edu.login("xc_edu")
    for rid in ids:
        assert edu.form(f"/registrations/{rid}/submit").status_code == 303
    # Resubmitted from the bottom: the county approves the batch, then the province.
    for level in ("xc", "bj"):
        reviewer = portal()
        reviewer.login(level)
        assert reviewer.form(f"/review/batches/{batch}/approve").status_code == 303
        assert "没有待本单位审核" in reviewer.form(f"/review/batches/{batch}/approve").text
    with session_scope(db_url) as s:
        assert s.scalar(select(Site.leader_title).where(Site.home_url == "http://edu.bjxch.gov.cn/")) == "副主任"
        assert s.scalar(select(Site.site_code).where(Site.home_url == "http://ks.bjxch.gov.cn/")) == "1101020002"
    send_mail(app)  # the codes were queued with the batch's approval
    assert len(smtp.to("ks@bjxch.gov.cn")) == 1
    assert portal().get(f"/review/batches/{batch}").status_code == 303  # anonymous: to the login


def _declare(path: Path, ref: str) -> None:
    """Rewrite the 网站基本信息 sheet's <dimension ref> (the first sheet openpyxl writes)."""
    with zipfile.ZipFile(path) as z:
        parts = {i.filename: z.read(i) for i in z.infolist()}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = re.sub(rb'<dimension ref="[^"]*"', f'<dimension ref="{ref}"'.encode(), parts[sheet])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)


def test_a_workbook_declaring_a1_xfd3000_is_refused_at_once(world, portal, db_url, tmp_path):
    path = write_workbook([{**site_form(), "columns": []}], tmp_path / "宽.xlsx")
    book = openpyxl.load_workbook(path)
    book["网站基本信息"]["XFD3000"] = " "  # one sparse cell: openpyxl then declares A1:XFD3000
    book.save(path)
    assert path.stat().st_size < 20_000
    county = portal()
    county.login("xc")
    started = time.monotonic()
    page = _import(county, world, path)
    assert time.monotonic() - started < 2
    assert page.status_code == 400
    assert "工作表“网站基本信息”声明的范围为 A1:XFD3000" in page.text and "最多 64 列" in page.text
    assert _count(db_url, Registration) == 0


def test_rows_beyond_the_cap_are_refused_though_the_range_hides_them(app, world, portal, db_url, tmp_path):
    app.state.settings = app.state.settings.replace(portal_import_max_rows=5)
    sites = [{**site_form(f"网站{n}", f"http://s{n}.bjxch.gov.cn/"), "columns": []} for n in range(8)]
    path = write_workbook(sites, tmp_path / "长.xlsx")
    _declare(path, "A1:P2")  # the writer's word: two rows
    county = portal()
    county.login("xc")
    page = _import(county, world, path)
    assert page.status_code == 400 and "工作表“网站基本信息”超过 5 行" in page.text
    _declare(path, "A1:P9")
    page = _import(county, world, path)
    assert page.status_code == 400 and "声明的范围为 A1:P9（9 行 × 16 列）" in page.text and "最多 5 行" in page.text
    assert _count(db_url, Registration) == 0


@pytest.fixture
def served(app):
    with serve_app(app) as port:
        yield f"http://127.0.0.1:{port}"


def _logged_in(base: str, username: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=30)
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
    answer = client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token})
    assert answer.status_code == 303, answer.text
    return client


def test_other_requests_are_served_while_a_workbook_is_parsed(world, served, monkeypatch, tmp_path):
    """The parse is held until another request has been answered: were it
    run on the event loop, that request would wait for it, and time out."""
    from pucha.registry import importer

    sites = [{**site_form(f"网站{n}", f"http://s{n}.bjxch.gov.cn/"),
              "columns": [{"category": CATEGORIES[2], "name": "通知公告", "url": f"http://s{n}.bjxch.gov.cn/tzgg/"}]}
             for n in range(200)]
    path = write_workbook(sites, tmp_path / "大.xlsx")
    parsing, answered = threading.Event(), threading.Event()
    real = importer.read_workbook

    def slow_read(*args, **kwargs):
        parsing.set()
        answered.wait(15)
        return real(*args, **kwargs)

    monkeypatch.setattr(importer, "read_workbook", slow_read)
    county = _logged_in(served, "xc")
    token = re.search(r'name="csrf_token" value="([^"]+)"', county.get("/import").text).group(1)
    outcome = {}

    def upload():
        with path.open("rb") as f:
            outcome["import"] = county.post("/import", data={"owner": str(world.units["xc_edu"]), "csrf_token": token},
                                            files={"file": (path.name, f)})

    uploader = threading.Thread(target=upload)
    uploader.start()
    try:
        assert parsing.wait(15), "the import never started parsing"
        started = time.monotonic()
        page = httpx.get(f"{served}/login", timeout=5)
        assert page.status_code == 200 and time.monotonic() - started < 3
    finally:
        answered.set()
        uploader.join(30)
    assert outcome["import"].status_code == 303, outcome["import"].text[:2000]
    assert "200 个网站的登记进入审核" in county.get("/review").text
    county.close()
