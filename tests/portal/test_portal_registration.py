"""Registration and review (统计摸底) through the HTTP API: the web form with
the notice's rules, 生成文件, review level by level with returns, the
网站标识码 and 校验码 mailed on the province's approval, 标识码找回, file
import by an organisation unit, 导出上报表."""
from __future__ import annotations

import io
import re

import openpyxl
from sqlalchemy import func, select

from portal import codes
from portal.models import Registration
from portal_client import registration_id, send_mail, site_form
from pucha.db import session_scope
from pucha.registry.importer import import_registry
from pucha.registry.model import Site, SiteHistory

CHECK = re.compile(r"校验码：(\w+)")


def _count(url, model) -> int:
    with session_scope(url) as s:
        return s.scalar(select(func.count()).select_from(model))


def _approve_up(portal, rid, *levels):
    for name in levels:
        reviewer = portal()
        reviewer.login(name)
        assert reviewer.form(f"/registrations/{rid}/approve").status_code == 303


def test_register_review_and_issue_code(world, portal, smtp, db_url, app):
    edu = portal()
    edu.login("xc_edu")
    rid = registration_id(edu.form("/registrations", site_form()))
    assert _count(db_url, Site) == 0  # a draft is not yet in the registry
    assert edu.form(f"/registrations/{rid}/submit").status_code == 303

    province = portal()
    province.login("bj")
    assert province.form(f"/registrations/{rid}/approve").status_code == 403  # the county's turn first
    county = portal()
    county.login("xc")
    assert f"/registrations/{rid}" in county.get("/review").text
    returned = county.form(f"/registrations/{rid}/return", {"reason": ""})
    assert returned.status_code == 400 and "原因" in returned.text
    county.form(f"/registrations/{rid}/return", {"reason": "办公地址应写到门牌号"})
    assert "已退回" in edu.get(f"/registrations/{rid}").text
    fixed = site_form(address="北京市西城区二龙路1号院3号楼")
    assert edu.form(f"/registrations/{rid}", fixed).status_code == 303
    edu.form(f"/registrations/{rid}/submit")
    _approve_up(portal, rid, "xc", "bj")

    page = edu.get(f"/registrations/{rid}").text
    assert "已通过" in page and "办公地址应写到门牌号" in page  # the history keeps every step
    with session_scope(db_url) as s:
        site = s.scalar(select(Site))
        code, site_id = site.site_code, site.id
        assert site.address == "北京市西城区二龙路1号院3号楼"
        assert [c.name for c in site.columns] == ["工作动态", "教育新闻", "通知公告"]
        steps = [st.action for st in s.get(Registration, rid).steps]
    assert code == "1101020001"
    assert steps == ["save", "submit", "return", "save", "submit", "approve", "approve"]
    assert "待发送" in page and "已发送" not in page and not smtp.messages  # queued, the outbox sends it
    send_mail(app)
    assert "已发送" in edu.get(f"/registrations/{rid}").text
    [mail] = smtp.to("zhangsan@bjxch.gov.cn")
    assert smtp.to("lisi@bjxch.gov.cn") == [mail]
    body = mail.get_content()
    assert code in body and "【全国政府网站普查】" in mail["Subject"]
    check = CHECK.search(body).group(1)
    with session_scope(db_url) as s:
        assert codes.verify(s, code, check).id == site_id
        assert check not in (s.get(Site, site_id).check_code_hash or "")

    # A second site of the same county takes the next number.
    rid2 = registration_id(edu.form("/registrations", site_form("西城区教育考试中心", "http://ks.bjxch.gov.cn/")))
    edu.form(f"/registrations/{rid2}/submit")
    _approve_up(portal, rid2, "xc", "bj")
    with session_scope(db_url) as s:
        assert s.scalar(select(Site.site_code).where(Site.name == "西城区教育考试中心")) == "1101020002"


def test_department_sites_get_bm_codes(world, portal, smtp, db_url, app):
    web = portal()
    web.login("tax_bj_web")
    form = site_form("国家税务总局北京市税务局", "http://beijing.chinatax.gov.cn/", region="国家税务总局",
                     leader_email="web@bjtax.gov.cn", contact_email="lx@bjtax.gov.cn")
    rid = registration_id(web.form("/registrations", form))
    web.form(f"/registrations/{rid}/submit")
    _approve_up(portal, rid, "tax_bj", "tax")
    with session_scope(db_url) as s:
        assert s.scalar(select(Site.site_code)) == "bm14000001"
    send_mail(app)
    assert len(smtp.to("web@bjtax.gov.cn")) == 1


def test_form_rules_give_clear_messages_and_save_nothing(world, portal, db_url):
    edu = portal()
    edu.login("xc_edu")
    bad = site_form(leader_email="not-an-email", icp="", leader_name="无", contact_phone="无",
                    col_name_2="通知公告;公示", col_url_2="http://edu.bjxch.gov.cn/tzgg/",
                    homepage="javascript:alert(1)")
    page = edu.form("/registrations", bad)
    assert page.status_code == 400
    for message in ("不是有效的电子邮箱", "必填，不能为空（确无内容请填“无”）", "必填，不能填“无”",
                    "不能都填“无”", "应一一对应", "应以 http:// 或 https:// 开头"):
        assert message in page.text, message
    assert _count(db_url, Registration) == 0


def test_generated_file_is_what_an_organisation_unit_imports(world, portal, db_url, tmp_path):
    edu = portal()
    edu.login("xc_edu")
    rid = registration_id(edu.form("/registrations", site_form()))
    download = edu.get(f"/registrations/{rid}/file")
    assert download.status_code == 200 and "spreadsheetml" in download.headers["content-type"]
    path = tmp_path / "生成文件.xlsx"
    path.write_bytes(download.content)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["网站基本信息", "栏目基本信息"]

    county = portal()
    county.login("xc")
    owner = world.units["xc_edu"]
    with path.open("rb") as f:
        done = county.form("/import", {"owner": str(owner)}, files={"file": ("生成文件.xlsx", f)})
    assert done.status_code == 303, done.text
    with session_scope(db_url) as s:
        imported = s.scalar(select(Registration).where(Registration.state == "submitted"))
        assert imported.pending_unit_id == world.units["xc"] and imported.steps[-1].action == "import"
        # The draft the file was generated from is what goes under review, not a second filing.
        assert imported.id == rid and _count(db_url, Registration) == 1
        assert "导入文件 生成文件.xlsx" in imported.reason
    assert _count(db_url, Site) == 0  # nothing reaches the registry before the last approval
    _approve_up(portal, imported.id, "xc", "bj")
    with session_scope(db_url) as s:
        assert s.scalar(select(Site.name)) == "西城区教育委员会网站"
        assert s.scalar(select(Site.site_code)) == "1101020001"


def test_bad_or_foreign_import_changes_nothing(world, portal, db_url, tmp_path):
    bad = tmp_path / "bad.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "网站基本信息"
    book.active.append(["网站名称"])
    book.create_sheet("栏目基本信息")
    book.save(bad)
    county = portal()
    county.login("xc")
    with bad.open("rb") as f:
        page = county.form("/import", {"owner": str(world.units["xc_edu"])}, files={"file": ("bad.xlsx", f)})
    assert page.status_code == 400 and "未导入" in page.text
    # A site of 东城区 cannot be overwritten by 西城区's import.
    east = portal()
    east.login("dc_edu")
    rid = registration_id(east.form("/registrations", site_form(homepage="http://www.bjdch.gov.cn/")))
    east.form(f"/registrations/{rid}/submit")
    _approve_up(portal, rid, "dc", "bj")
    foreign = tmp_path / "foreign.xlsx"
    dc_file = east.get(f"/registrations/{rid}/file").content
    foreign.write_bytes(dc_file)
    with session_scope(db_url) as s:
        before = s.scalar(select(func.count()).select_from(SiteHistory))
    with foreign.open("rb") as f:
        page = county.form("/import", {"owner": str(world.units["xc_edu"])}, files={"file": ("foreign.xlsx", f)})
    assert page.status_code == 403 and "已由其他地区或部门登记" in page.text
    # Nor may a county import for a reporting unit of another county.
    with foreign.open("rb") as f:
        page = county.form("/import", {"owner": str(world.units["dc_edu"])}, files={"file": ("foreign.xlsx", f)})
    assert page.status_code == 400
    with session_scope(db_url) as s:
        assert s.scalar(select(func.count()).select_from(SiteHistory)) == before


def test_code_recovery_mails_a_new_check_code_to_the_two_persons_only(world, portal, smtp, db_url, app):
    edu = portal()
    edu.login("xc_edu")
    rid = registration_id(edu.form("/registrations", site_form()))
    edu.form(f"/registrations/{rid}/submit")
    _approve_up(portal, rid, "xc", "bj")
    send_mail(app)
    first = CHECK.search(smtp.to("zhangsan@bjxch.gov.cn")[0].get_content()).group(1)
    public = portal()
    unknown = public.form("/code-recovery", {"what": "http://nowhere.example.gov.cn/"})
    done = public.form("/code-recovery", {"what": "1101020001"})
    assert unknown.status_code == done.status_code == 200 and 'id="done"' in unknown.text  # no oracle
    assert "待发送" in done.text and "已发送" not in done.text
    send_mail(app)
    assert len(smtp.messages) == 2  # the first mail (two recipients) and this one
    rcpt, message = smtp.messages[-1]
    assert sorted(rcpt) == ["lisi@bjxch.gov.cn", "zhangsan@bjxch.gov.cn"]
    second = CHECK.search(message.get_content()).group(1)
    with session_scope(db_url) as s:
        assert codes.verify(s, "1101020001", second)
        try:
            codes.verify(s, "1101020001", first)
            raise AssertionError("the old check code still works")
        except codes.PortalError as exc:
            assert "不正确" in str(exc)
    public.form("/code-recovery", {"what": "http://edu.bjxch.gov.cn/"})
    send_mail(app)
    assert len(smtp.messages) == 2  # a second request within minutes sends nothing


def test_export_report_is_a_printable_workbook_of_the_units_sites(world, portal, db_url):
    for who, home in (("xc_edu", "http://edu.bjxch.gov.cn/"), ("dc_edu", "http://www.bjdch.gov.cn/")):
        client = portal()
        client.login(who)
        rid = registration_id(client.form("/registrations", site_form(homepage=home)))
        client.form(f"/registrations/{rid}/submit")
        _approve_up(portal, rid, "xc" if who == "xc_edu" else "dc", "bj")
    county = portal()
    county.login("xc")
    response = county.get("/export")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "政府网站基本信息上报表"
    values = [c for row in sheet.iter_rows(values_only=True) for c in row if c]
    assert "1101020001" in values and "1101010001" not in values  # only its own
    assert any(str(v).startswith("填报人") for v in values)
    assert sheet.page_setup.orientation == "landscape"
    province = portal()
    province.login("bj")
    sheet = openpyxl.load_workbook(io.BytesIO(province.get("/export").content)).active
    values = [c for row in sheet.iter_rows(values_only=True) for c in row if c]
    assert "1101020001" in values and "1101010001" in values


def test_cli_import_reads_the_generated_file(world, portal, db_url, tmp_path):
    edu = portal()
    edu.login("xc_edu")
    rid = registration_id(edu.form("/registrations", site_form()))
    path = tmp_path / "f.xlsx"
    path.write_bytes(edu.get(f"/registrations/{rid}/file").content)
    result = import_registry(path, url=db_url)
    assert result.added == 1 and result.columns == 3


def test_change_of_a_registered_site_is_reviewed_then_applied(world, portal, smtp, db_url, app):
    edu = portal()
    edu.login("xc_edu")
    rid = registration_id(edu.form("/registrations", site_form()))
    edu.form(f"/registrations/{rid}/submit")
    _approve_up(portal, rid, "xc", "bj")
    with session_scope(db_url) as s:
        site_id = s.scalar(select(Site.id))
    form = edu.form(f"/manage/sites/{site_id}/change")
    assert form.status_code == 200 and "北京市西城区二龙路1号" in form.text  # prefilled with the registry's values
    changed = site_form(contact_name="王五", col_name_3="政策文件", col_url_3="http://edu.bjxch.gov.cn/zcwj/")
    change = registration_id(edu.form(f"/manage/sites/{site_id}/changes", changed))
    edu.form(f"/registrations/{change}/submit")
    with session_scope(db_url) as s:
        assert s.get(Site, site_id).contact_name == "李四"  # not before review
    _approve_up(portal, change, "xc", "bj")
    with session_scope(db_url) as s:
        site = s.get(Site, site_id)
        assert site.contact_name == "王五" and site.site_code == "1101020001"
        assert [c.category for c in site.columns][-1] == "政策文件"
        last = s.scalars(select(SiteHistory).where(SiteHistory.site_id == site_id).order_by(SiteHistory.id)).all()[-1]
        assert last.before["contact_name"] == "李四" and "门户审核通过" in last.source
    send_mail(app)
    assert len(smtp.messages) == 1  # the code is not issued again
    taken = edu.form("/registrations", site_form(name="重复登记", homepage="HTTP://EDU.BJXCH.GOV.CN"))
    assert taken.status_code == 400 and "已由其他网站登记" in taken.text
