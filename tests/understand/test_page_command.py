"""`pucha page` (SPEC §2): what pucha reads from one page, as JSON, for saved files and URLs."""
from __future__ import annotations

import http.server
import json
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urljoin

import pytest

from census.page import fetch, read_page
from pucha import settings as settings_mod

from .test_real_pages import ACCEPTED_UNCERTAIN, AS_OF, DEFAULT_URL, LABELS, REAL

FIELDS = {"url", "encoding", "kind", "title", "pub_date", "items", "next_pages", "letters", "activities",
          "guide_elements", "attachments", "scan_status"}


def _page(sample, kind="auto"):
    cfg = settings_mod.load({}, config="/nonexistent.toml")
    return read_page(fetch(str(REAL / sample["file"]), cfg, sample.get("page_url") or DEFAULT_URL), AS_OF, kind)


@pytest.mark.parametrize("sample", LABELS, ids=[s["id"] for s in LABELS])
def test_every_labelled_fact_of_the_real_pages(sample):
    page = _page(sample)
    truth = sample["truth"]
    assert FIELDS <= set(page) and page["scan_status"] == "ok"
    assert page["kind"] == sample["kind"]  # told apart without --kind
    assert page["encoding"] == "utf-8"
    if sample["kind"] == "article":
        if sample.get("uncertain") or truth.get("uncertain"):
            assert page["pub_date"] in ACCEPTED_UNCERTAIN[sample["id"]]
        else:
            assert page["pub_date"] == truth["pub_date"], truth["pub_date_basis"]
        return
    got = {(i["title"], i["date"]) for i in page["items"]}
    wanted = [(it["title"], it["date"]) for lst in truth["lists"] for it in lst["items"]]
    assert not [w for w in wanted if w not in got]
    assert max(i["date"] for i in page["items"] if i["date"]) == truth["newest_date"]
    base = sample.get("page_url") or DEFAULT_URL
    assert page["next_pages"] == ([urljoin(base, truth["next_page"])] if truth["next_page"] else []) or \
        urljoin(base, truth["next_page"]) in page["next_pages"]


def test_an_explicit_kind_is_kept():
    article = next(s for s in LABELS if s["kind"] == "article")
    assert _page(article, "list")["kind"] == "list"


GBK_LIST = """<html><head><meta charset="gbk"><title>通知公告</title></head><body><ul class="list">
<li><a href="/tzgg/1.html">关于开展政府网站普查的通知</a><span>2026-11-20</span></li>
<li><a href="/tzgg/2.html">关于做好年度报告工作的通知</a><span>(11-02)</span></li>
<li><a href="/tzgg/3.html">关于征求意见的公告</a><span>2026年10月8日</span></li>
<li><a href="/tzgg/4.html">人事任免公示</a><span>2026/09/30</span></li>
<li><a href="/tzgg/5.html">停电通知</a><span>2026.09.01</span></li>
</ul><a href="index_1.html">下一页</a></body></html>""".encode("gbk")
LETTERS = """<html><head><meta charset="utf-8"><title>书记信箱</title></head><body><table>
<tr><th>标题</th><th>来信时间</th><th>回复时间</th><th>状态</th></tr>
<tr><td><a href="/x/1">咨询办证</a></td><td>2026-10-01</td><td>2026-10-05</td><td>已回复</td></tr>
<tr><td><a href="/x/2">道路维修</a></td><td>2026-06-01</td><td></td><td>未回复</td></tr>
<tr><td><a href="/x/3">噪音投诉</a></td><td>2026-09-12</td><td>2026-09-20</td><td>已办结</td></tr>
</table></body></html>""".encode("utf-8")


@pytest.fixture
def site():
    pages = {"/tzgg/index.html": ("text/html", GBK_LIST), "/hdjl/index.html": ("text/html; charset=utf-8", LETTERS),
             "/waf/index.html": ("text/html", b"<script>var $_ts={};$_ts.cd='qx';</script><script src='/a.js'>"
                                              b"</script>")}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            ctype, body = pages.get(self.path, ("text/html", b""))
            self.send_response(412 if self.path.startswith("/waf/") else 200 if self.path in pages else 404)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *a):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "census", "page", *args], capture_output=True, text=True,
                          timeout=120, env={"PATH": "/usr/bin:/bin", "PUCHA_CONFIG": ""}, cwd=Path(__file__).parent)


def test_a_gbk_list_by_url(site):
    out = _cli(f"{site}/tzgg/index.html", "--as-of", "2026-11-26")
    assert out.returncode == 0, out.stderr
    page = json.loads(out.stdout)
    assert (page["kind"], page["encoding"], page["scan_status"]) == ("list", "gb18030", "ok")
    assert [i["date"] for i in page["items"]] == ["2026-11-20", "2026-11-02", "2026-10-08", "2026-09-30", "2026-09-01"]
    assert page["items"][0] == {"title": "关于开展政府网站普查的通知", "url": f"{site}/tzgg/1.html", "date": "2026-11-20"}
    assert page["next_pages"] == [f"{site}/tzgg/index_1.html"]
    assert len(page["activities"]) == 5


def test_a_letter_list_by_url(site):
    page = json.loads(_cli(f"{site}/hdjl/index.html", "--as-of", "2026-11-26", "--kind", "letters").stdout)
    assert page["letters"] == [
        {"title": "咨询办证", "submitted": "2026-10-01", "replied": "2026-10-05", "status": "replied"},
        {"title": "道路维修", "submitted": "2026-06-01", "replied": None, "status": "unreplied"},
        {"title": "噪音投诉", "submitted": "2026-09-12", "replied": "2026-09-20", "status": "replied"}]


def test_what_cannot_be_read_is_named(site, tmp_path):
    missing = _cli(str(tmp_path / "absent.html"), "--as-of", "2026-11-26")
    assert missing.returncode == 2 and "absent.html" in missing.stderr and not missing.stdout
    bad_date = _cli(str(REAL / LABELS[0]["file"]), "--as-of", "2026-13-01")
    assert bad_date.returncode == 2 and "2026-13-01" in bad_date.stderr
    gone = json.loads(_cli(f"{site}/nothing.html", "--as-of", "2026-11-26").stdout)
    assert (gone["scan_status"], gone["status"], gone["items"]) == ("http", 404, [])
    refused = json.loads(_cli("http://127.0.0.1:1/", "--as-of", "2026-11-26").stdout)
    assert refused["scan_status"] == "refused"
    waf = json.loads(_cli(f"{site}/waf/index.html", "--as-of", "2026-11-26").stdout)
    assert (waf["scan_status"], waf["status"], waf["items"]) == ("blocked", 412, [])
    assert "HTTP 412" in waf["challenge"]


def test_the_table_format_shows_the_same_facts(site):
    out = _cli(f"{site}/tzgg/index.html", "--as-of", "2026-11-26", "--format", "table").stdout
    assert "kind: list" in out and "关于开展政府网站普查的通知" in out and "2026-11-02" in out
