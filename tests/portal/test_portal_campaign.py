"""The census campaign over HTTP: the national office sets the four phases,
each unit sees what it owes and by when, the units above see who is late,
and the 通报 comes out as a page, an Excel workbook and a PDF."""
from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess

import pytest
from openpyxl import load_workbook

from portal_client import Portal, build_world
from pucha.store import open_store
from results_world import AS_OF, SERIOUS, add_owned_site, card, store_sweep

PAST, FUTURE = dt.date(2020, 1, 1), dt.date(2099, 12, 31)


def _campaign_form(**deadlines) -> dict:
    form = {"name": "第一次全国政府网站普查", "as_of": AS_OF, "registration_deadline": PAST.isoformat(),
            "rectification_deadline": FUTURE.isoformat(), "spotcheck_deadline": FUTURE.isoformat(),
            "summary_deadline": FUTURE.isoformat()}
    form.update(deadlines)
    return form


@pytest.fixture
def census(app, db_url):
    world = build_world(db_url)
    xc = add_owned_site(db_url, world.units["xc_edu"], "西城区教育委员会网站", "http://edu.bjxch.gov.cn/", "北京市西城区")
    cs = add_owned_site(db_url, world.units["cs_gov"], "长沙市人民政府网站", "http://www.changsha.gov.cn/", "湖南省长沙市")
    store = open_store(app.state.settings)
    store_sweep(store, [card("http://edu.bjxch.gov.cn/", "西城区教育委员会网站", "北京市西城区", "", veto=True),
                        card("http://www.changsha.gov.cn/", "长沙市人民政府网站", "湖南省长沙市", "", tenths=410,
                             candidate=False)], title="长沙市人民政府网站")
    yield {"world": world, "xc": xc, "cs": cs}
    store.close()


def _login(app, name: str) -> Portal:
    client = Portal(app)
    client.login(name)
    return client


def test_campaign_phases_duties_and_who_is_late(app, census):
    national = _login(app, "national")
    assert _login(app, "bj").form("/campaign", _campaign_form()).status_code == 403
    bad = national.form("/campaign", _campaign_form(registration_deadline="2099-13-01"))
    assert bad.status_code == 400 and "统计摸底截止日期" in bad.text
    unordered = national.form("/campaign", _campaign_form(summary_deadline="2021-01-01"))
    assert unordered.status_code == 400 and "依次排列" in unordered.text
    assert national.form("/campaign", _campaign_form()).status_code == 303

    # 长沙's reporting unit registered its site; 湖南's late units are its own business.
    edu = _login(app, "dc_edu").get("/campaign").text
    assert "完成本单位网站基本信息和栏目信息填报" in edu and "已逾期" in edu  # 东城区教育委员会 registered nothing
    xc_edu = _login(app, "xc_edu").get("/campaign").text
    assert "已登记 1 个网站" in xc_edu and "0/1 个网站已提交自查评分表" in xc_edu

    beijing = _login(app, "bj")
    page = beijing.get("/campaign").text
    assert "东城区教育委员会" in page and "长沙" not in page
    late_rows = page.split('id="below"')[1]
    assert '<tr class="late"><td>东城区教育委员会</td><td>统计摸底</td>' in late_rows
    # A province hands in its rectification report once; a reporting unit's duties are met by data.
    campaign_id = int(page.split("/campaign/")[1].split("/")[0])
    assert beijing.form(f"/campaign/{campaign_id}/filings", {"phase": "rectification", "content": ""}).status_code == 400
    assert beijing.form(f"/campaign/{campaign_id}/filings",
                        {"phase": "rectification", "content": "本地区 2 个网站已整改。"}).status_code == 303
    again = beijing.form(f"/campaign/{campaign_id}/filings", {"phase": "rectification", "content": "再报"})
    assert again.status_code == 400 and "不能重复" in again.text
    assert "已完成" in beijing.get("/campaign").text.split('id="mine"')[1].split("</table>")[0]
    assert _login(app, "xc").form(f"/campaign/{campaign_id}/filings",
                                  {"phase": "rectification", "content": "x"}).status_code == 400

    book = load_workbook(io.BytesIO(national.get(f"/campaign/{campaign_id}/export").content))
    rows = [[c.value for c in r] for r in book.active.iter_rows()]
    assert rows[0] == ["单位", "阶段", "应完成事项", "截止日期", "状态", "情况"]
    assert ["东城区教育委员会", "统计摸底"] in [r[:2] for r in rows if r[4] == "已逾期"]


def test_tongbao_figures_problems_and_late_units(app, census, tmp_path):
    national = _login(app, "national")
    national.form("/campaign", _campaign_form())
    campaign_id = int(national.get("/campaign").text.split("/campaign/")[1].split("/")[0])
    xicheng = _login(app, "xc")
    xicheng.form(f"/results/site/{census['xc'][0]}/decide", {"candidate_id": SERIOUS, "action": "confirm"})
    xicheng.get(f"/results/site/{census['xc'][0]}")  # its homepage title does not name it: drift

    page = national.get(f"/campaign/{campaign_id}/tongbao").text
    assert "关于第一次全国政府网站普查情况的通报" in page and "全国政府网站普查办公室" in page
    assert "共登记政府网站 2 个" in page and "共检查网站 2 个，合格 0 个" in page
    assert "因单项否决不合格 1 个，因扣分超过 40 分不合格 1 个" in page
    assert "栏目不更新" in page and "严重错误" in page and "http://edu.bjxch.gov.cn/gzdt/" in page
    assert "东城区教育委员会" in page.split('id="late"')[1]
    wrong = page.split('id="wrong"')[1]
    assert "西城区教育委员会" in wrong and "首页标题与登记的网站名称不符" in wrong
    beijing = _login(app, "bj").get(f"/campaign/{campaign_id}/tongbao").text
    assert "北京市人民政府办公厅" in beijing and "共登记政府网站 1 个" in beijing
    assert "湖南" not in beijing and "长沙市政府门户网站管理中心" not in beijing

    book = load_workbook(io.BytesIO(national.get(f"/campaign/{campaign_id}/tongbao/export").content))
    assert book.sheetnames == ["总体情况", "常见问题", "逾期单位", "数据有误单位"]
    total = [[c.value for c in r] for r in book["总体情况"].iter_rows()][-1]
    assert total[:7] == ["全国", 2, 0, 2, 0, 1, 1]

    if not shutil.which("chromium"):
        pytest.fail("chromium is missing: apt-get install -y chromium (bash .ci/run installs it)")
    pdf = national.get(f"/campaign/{campaign_id}/tongbao/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    path = tmp_path / "tongbao.pdf"
    path.write_bytes(pdf.content)
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
        assert "普查情况的通报" in text.replace(" ", "")
