"""The audit log in Chinese, paged and filtered; the open-data export (CSV with
BOM, JSON Lines, dictionary) and the portal serving the newest one."""
from __future__ import annotations

import csv
import json
import re

from portal_client import Portal, build_world
from pucha.store import open_store
from results_world import AS_OF, add_owned_site, card, store_sweep


def test_audit_log_is_chinese_paged_and_filtered(app, db_url):
    world = build_world(db_url)
    bj = Portal(app)
    bj.login("bj")
    for i in range(60):
        bj.form("/units", {"kind": "county", "name": f"测试区{i}", "code": f"1101{50 + i:02d}", "username": f"t{i}"})
    page = bj.get("/audit").text
    assert "创建单位" in page and "共 " in page and "第 1 / " in page and 'id="next"' in page
    assert '"name"' not in page  # values as 名称：…, not JSON
    only = bj.get("/audit?action=create_account&actor=bj").text
    assert "创建账号" in only and "<td>创建单位</td>" not in only
    assert "没有符合条件的记录" in bj.get("/audit?since=2000-01-01&until=2000-01-02").text
    from pucha.localtime import today

    day = today().isoformat()  # Beijing's date: the entries just made are today's there
    count = lambda url: int(re.search(r"共 (\d+) 条", bj.get(url).text).group(1))  # noqa: E731
    everything = count(f"/audit?unit={world.units['bj']}")
    assert everything > 100 and count(f"/audit?since={day}&until={day}&unit={world.units['bj']}") == everything
    assert count(f"/audit?until={day}") == everything and count(f"/audit?since=2000-01-01&until=2000-01-01") == 0
    assert bj.get("/audit?since=nonsense").status_code == 400
    xc = bj.get(f"/audit?unit={world.units['xc']}").text
    table = xc[xc.index('<table id="audit">'):]
    assert "测试区1" not in table and "西城区" in table


def test_open_data_export_and_download(app, db_url, settings, tmp_path):
    from census.opendata import export_open_data

    world = build_world(db_url)
    sid, code, _ = add_owned_site(db_url, world.units["xc_edu"], "西城区教育委员会网站", "http://edu.bjxch.gov.cn/",
                                  "北京市西城区")
    store = open_store(app.state.settings)
    store_sweep(store, [card("http://edu.bjxch.gov.cn/", "西城区教育委员会网站", "北京市西城区", "", veto=True,
                             site_code=code)])
    store.close()
    out = settings.home / "open-data" / AS_OF
    manifest = export_open_data(settings.replace(database_url=db_url), AS_OF, out)
    assert manifest["sites"] == 1 and manifest["results"] == 1
    raw = (out / "results.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader((out / "results.csv").open(encoding="utf-8-sig")))
    assert rows[0]["verdict"] == "fail" and rows[0]["vetoes"] == "veto.stale_columns"
    site = json.loads((out / "sites.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert site["site_code"] == code and "leader_phone" not in site
    assert any(d["field"] == "verdict" for d in json.loads((out / "dictionary.json").read_text(encoding="utf-8")))
    anonymous = Portal(app)
    listing = anonymous.get("/open-data").text
    assert "results.csv" in listing and AS_OF in listing
    assert anonymous.get("/open-data/results.csv").content == raw
    assert anonymous.get("/open-data/..%2Fsecret").status_code == 404
