"""Driving the portal over HTTP in-process, as a browser would: a client
that keeps its cookie, finds the CSRF token in the pages and sends it with
each form; and a small hierarchy of units to drive it with."""
from __future__ import annotations

import re
import socket
import threading
import time
from contextlib import contextmanager
from typing import Iterator
from dataclasses import dataclass, field

from fastapi.testclient import TestClient

from portal import accounts
from portal.models import Account, Unit
from portal.security import hash_secret
from pucha.categories import CATEGORIES
from pucha.db import session_scope

PASSWORD = "Census2015pass"
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


class Portal(TestClient):
    def __init__(self, app, address: str = "testclient"):
        super().__init__(app, follow_redirects=False, client=(address, 50000))

    def token(self) -> str:
        page = self.get("/login")
        if page.status_code == 303:  # must change the password first: that page has the form
            page = self.get("/password")
        return _TOKEN.search(page.text).group(1)

    def form(self, url: str, data: dict | None = None, files=None, **kwargs):
        """POST a form with this session's CSRF token (as the page would)."""
        return self.post(url, data={**(data or {}), "csrf_token": self.token()}, files=files, **kwargs)

    def login(self, username: str, password: str = PASSWORD):
        response = self.form("/login", {"username": username, "password": password})
        assert response.status_code == 303, response.text
        return response


@dataclass
class World:
    """Units by short name, each with one account (same name, PASSWORD)."""

    units: dict[str, int] = field(default_factory=dict)


# name: (parent, kind, unit name, code)
HIERARCHY = {
    "bj": ("national", "province", "北京市人民政府办公厅", "110000"),
    "xc": ("bj", "county", "西城区人民政府办公室", "110102"),
    "dc": ("bj", "county", "东城区人民政府办公室", "110101"),
    "xc_edu": ("xc", "reporting", "西城区教育委员会", ""),
    "dc_edu": ("dc", "reporting", "东城区教育委员会", ""),
    "hn": ("national", "province", "湖南省人民政府办公厅", "430000"),
    "cs": ("hn", "city", "长沙市人民政府办公厅", "430100"),
    "cs_gov": ("cs", "reporting", "长沙市政府门户网站管理中心", ""),
    "tax": ("national", "department", "国家税务总局办公厅", "14"),
    "tax_bj": ("tax", "branch", "北京市税务局", ""),
    "tax_bj_web": ("tax_bj", "reporting", "北京市税务局网站管理科", ""),
}


def build_world(db_url: str) -> World:
    """The hierarchy above, built by the portal's own library functions."""
    world = World()
    with session_scope(db_url) as s:
        root, _ = accounts.create_root(s)
        _ready(root)
        world.units["national"] = root.unit_id
        logins = {"national": root}
        for name, (parent, kind, title, code) in HIERARCHY.items():
            me = logins[parent]
            unit = accounts.create_unit(s, me, s.get(Unit, world.units[parent]), kind, title, code)
            login, _ = accounts.create_account(s, me, unit, name)
            _ready(login)
            world.units[name], logins[name] = unit.id, login
    return world


def _ready(account: Account) -> None:
    # As if the first login had changed the one-time password already.
    account.password_hash = hash_secret(PASSWORD)
    account.must_change_password = False


def site_form(name: str = "西城区教育委员会网站", homepage: str = "http://edu.bjxch.gov.cn/", **changes) -> dict:
    """A valid 附件3/附件4 web form."""
    form = {
        "region": "北京市西城区", "name": name, "site_type": "部门网站", "icp": "京ICP备05060933号",
        "homepage": homepage, "sponsor": "西城区教育委员会", "address": "北京市西城区二龙路1号",
        "leader_name": "张三", "leader_title": "主任", "leader_phone": "010-66001234", "leader_mobile": "13800138000",
        "leader_email": "zhangsan@bjxch.gov.cn", "contact_name": "李四", "contact_phone": "010-66005678",
        "contact_mobile": "无", "contact_email": "lisi@bjxch.gov.cn",
    }
    for i, category in enumerate(CATEGORIES):
        form[f"col_name_{i}"], form[f"col_url_{i}"] = "无", "无"
    form["col_name_1"], form["col_url_1"] = "工作动态;教育新闻", f"{homepage}gzdt/;{homepage}jyxw/"
    form["col_name_2"], form["col_url_2"] = "通知公告", f"{homepage}tzgg/"
    form.update(changes)
    return form


def registration_id(response) -> int:
    assert response.status_code == 303, response.text[:2000]
    return int(response.headers["location"].rsplit("/", 1)[1])


def send_mail(app):
    """One pass of the outbox's sender, as the portal's background task runs it."""
    from portal.outbox import deliver_due

    return deliver_due(app.state.db_url, app.state.settings)


def free_port() -> int:
    """A loopback port free now (for the SMTP server and real uvicorn servers)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def served(app) -> Iterator[int]:
    """The app on a real uvicorn server on loopback, in a thread; its port."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield port
    finally:
        server.should_exit = True
        thread.join(timeout=20)


def file_and_approve(portal, form: dict | None = None, reporter: str = "xc_edu", levels=("xc", "bj")) -> tuple:
    """A new site filed on the web by ``reporter`` and approved by each of ``levels`` in turn: the
    registration id, the reporter's client, the last reviewer's client and that approval's response."""
    edu = portal()
    edu.login(reporter)
    rid = registration_id(edu.form("/registrations", form or site_form()))
    edu.form(f"/registrations/{rid}/submit")
    reviewer = approved = None
    for name in levels:
        reviewer = portal()
        reviewer.login(name)
        approved = reviewer.form(f"/registrations/{rid}/approve")
        assert approved.status_code == 303, approved.text
    return rid, edu, reviewer, approved
