"""Good registration files land in the registry, whatever their form:
xlsx, CSV in UTF-8 (with or without BOM) or GB18030/GBK, Traditional
headers, 附件3's two-row header; re-imports update and keep history."""
from __future__ import annotations

import copy

import openpyxl
import pytest
from sqlalchemy import select

from pucha.db import session_scope
from pucha.registry.importer import import_registry
from pucha.registry.loader import UnknownSiteError, load_sites
from pucha.registry.model import Site, SiteHistory
from pucha.registry.records import ColumnRecord
from pucha.registry.workbook import export_sites, write_workbook
from registry_samples import (COLUMN_HEADERS, COLUMNS, SITE, SITE_HEADERS, column_rows, counts,
                              sample_sites, site_rows, write_csv)

TIANXIN = "http://www.tianxin.gov.cn/"
EXPECTED_COLUMNS = (
    ColumnRecord("工作动态", "政务动态", "http://www.tianxin.gov.cn/zwdt/"),
    ColumnRecord("工作动态", "部门动态", "http://www.tianxin.gov.cn/bmdt/"),
    ColumnRecord("通知公告", "通知公告", "http://www.tianxin.gov.cn/tzgg/index.html"),
    ColumnRecord("政务咨询类栏目", "区长信箱", "http://www.tianxin.gov.cn/hdjl/qzxx/"),
    ColumnRecord("在线申报查询系统", "网上办事大厅", "https://zwfw.tianxin.gov.cn/"),
)


def test_xlsx_round_trip(db_url, tmp_path):
    sites = sample_sites(3)
    sites[0]["homepage"] = "HTTP://WWW0.Tianxin.gov.cn:80"
    path = write_workbook(sites, tmp_path / "registry.xlsx")

    result = import_registry(path, url=db_url)

    assert (result.added, result.updated, result.unchanged, result.columns) == (3, 0, 0, 9)
    assert "新增网站 3 个" in str(result)
    records = load_sites(db_url)
    assert [r.home_url for r in records] == ["http://www0.tianxin.gov.cn/", "http://www1.tianxin.gov.cn/",
                                             "http://www2.tianxin.gov.cn/"]
    first = records[0]
    assert (first.name, first.region, first.site_type, first.sponsor, first.status, first.site_code) == (
        "天心区人民政府0", "湖南省长沙市天心区", "门户网站", "长沙市天心区人民政府办公室", "running", None)
    assert [(c.category, c.name, c.url) for c in first.columns] == [
        ("工作动态", "政务动态", "http://www0.tianxin.gov.cn/zwdt/"),
        ("通知公告", "通知公告", "http://www0.tianxin.gov.cn/tzgg/"),
        ("政策文件", "政策文件", "http://www0.tianxin.gov.cn/zcwj/"),
    ]
    exported = export_sites(db_url)
    assert exported[1]["contact_phone"] == "0731-85899002-8" and exported[1]["contact_mobile"] == "无"
    assert exported[0]["homepage"] == "HTTP://WWW0.Tianxin.gov.cn:80"  # as written; the key is normalised

    # What the registry exports imports back to the very same registry.
    again = import_registry(write_workbook(exported, tmp_path / "again.xlsx"), url=db_url)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 3)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_csv_in_each_encoding(db_url, tmp_path, encoding):
    site = dict(SITE)
    # 䶮 exists in GB18030 but not in GBK: it proves the file was read as GB18030.
    site["leader_name"] = "刘䶮" if encoding == "gb18030" else "刘岩"
    sites_csv = write_csv(tmp_path / "sites.csv", SITE_HEADERS, site_rows([site]), encoding)
    columns_csv = write_csv(tmp_path / "columns.csv", COLUMN_HEADERS,
                            [[SITE["homepage"], *c] for c in COLUMNS], encoding)

    result = import_registry(sites_csv, columns_csv, url=db_url)

    assert (result.added, result.columns) == (1, 5)
    [record] = load_sites(db_url)
    assert record.home_url == TIANXIN and record.name == "天心区人民政府"
    assert record.columns == EXPECTED_COLUMNS
    assert export_sites(db_url)[0]["leader_name"] == site["leader_name"]


def test_traditional_headers_and_values(db_url, tmp_path):
    book = openpyxl.Workbook()
    sites = book.active
    sites.title = "網站基本資訊"
    sites.append(["部門/地區", "網站名稱", "網站類型", "ICP備案編號", "首頁網址", "網站主管單位", "辦公地址",
                  "負責人姓名", "負責人職務", "負責人辦公電話", "負責人手機", "負責人電子郵箱",
                  "聯繫人姓名", "聯繫人辦公電話", "聯繫人手機", "聯繫人電子郵箱"])
    sites.append(["國家品質監督檢驗檢疫總局", "中國標準化研究院", "部門網站", "無", "http://www.cnis.gov.cn/",
                  "中國標準化研究院辦公室", "北京市海澱區知春路4號", "王強", "處長", "010-58811000", "無",
                  "wangq@cnis.gov.cn", "趙敏", "010-58811001", "13911112222", "zhaom@cnis.gov.cn"])
    columns = book.create_sheet("欄目基本資訊")
    columns.append(["首頁網址", "內容類別", "欄目名稱", "欄目地址"])
    columns.append(["http://www.cnis.gov.cn/", "人事資訊", "人事資訊", "http://www.cnis.gov.cn/rsxx/"])
    columns.append(["http://www.cnis.gov.cn/", "線上(申報、查詢)系統", "網上辦事", "http://www.cnis.gov.cn/bs/"])
    columns.append(["http://www.cnis.gov.cn/", "資訊公開其他", "無", "無"])
    columns.append(["http://www.cnis.gov.cn/", "互動訪談類欄目", "在線訪談", "http://www.cnis.gov.cn/ft/"])
    book.save(tmp_path / "繁體.xlsx")

    result = import_registry(tmp_path / "繁體.xlsx", url=db_url)

    assert (result.added, result.columns) == (1, 3)
    [record] = load_sites(db_url)
    assert record.site_type == "部门网站"  # folded to the contract's spelling
    assert record.name == "中國標準化研究院"  # values are kept as written
    assert [(c.category, c.name) for c in record.columns] == [
        ("人事信息", "人事資訊"), ("在线申报查询系统", "網上辦事"), ("互动访谈类栏目", "在線訪談")]
    exported = export_sites(db_url)[0]
    assert (exported["icp"], exported["leader_mobile"]) == ("无", "无")


def test_two_row_header_of_the_printed_form(db_url, tmp_path):
    """附件3 as printed: a title, 填表单位, 负责人/联系人 merged over their
    sub-columns, header cells broken over lines, signatures under the table."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "政府网站基本信息表"
    sheet.append(["政府网站基本信息表"])
    sheet.append(["填表单位（盖章）：长沙市天心区人民政府办公室"])
    top = ["部门/\n地区", "网站\n名称", "网站类型", "ICP备案\n编号", "首页\n网址", "网站主管\n单位", "办公\n地址",
           "负责人", None, None, None, None, "聯繫人", None, None, None]  # either script, even mixed
    sub = [None] * 7 + ["姓名", "职务", "办公电话", "手机", "电子邮箱", "姓名", "辦公電話", "手機", "電子郵箱"]
    sheet.append(top)
    sheet.append(sub)
    sheet.merge_cells("H3:L3")
    sheet.merge_cells("M3:P3")
    for col in "ABCDEFG":
        sheet.merge_cells(f"{col}3:{col}4")
    for row in site_rows(sample_sites(2)):
        sheet.append(row)
    sheet.append([])
    sheet.append(["单位负责人：", None, "审核人：", None, "填报人："])
    sheet.append(["填写说明：（一）“部门/地区”栏……"])
    columns = book.create_sheet("政府网站栏目(系统)基本信息表")
    columns.append(COLUMN_HEADERS)
    for row in column_rows(sample_sites(2)):
        columns.append(row)
    book.save(tmp_path / "附件3.xlsx")

    result = import_registry(tmp_path / "附件3.xlsx", url=db_url)

    assert (result.added, result.columns) == (2, 6)
    exported = export_sites(db_url)
    assert [e["leader_email"] for e in exported] == ["zhangwei@tianxin.gov.cn"] * 2
    assert exported[1]["contact_phone"] == "0731-85899002-8"


def test_reimport_updates_replaces_columns_and_keeps_history(db_url, tmp_path):
    sites = sample_sites(2)
    import_registry(write_workbook(sites, tmp_path / "v1.xlsx"), url=db_url)
    assert counts(db_url) == {"site": 2, "site_column": 6, "site_history": 2}

    changed = copy.deepcopy(sites)
    changed[0]["leader_email"] = "new@tianxin.gov.cn"
    changed[0]["columns"] = changed[0]["columns"][:1]
    changed[0]["homepage"] = "http://WWW0.tianxin.gov.cn/"  # same site, spelt differently
    result = import_registry(write_workbook(changed, tmp_path / "v2.xlsx"), url=db_url)

    assert (result.added, result.updated, result.unchanged, result.columns) == (0, 1, 1, 4)
    assert counts(db_url) == {"site": 2, "site_column": 4, "site_history": 3}
    with session_scope(db_url) as session:
        site = session.scalars(select(Site).where(Site.home_url == "http://www0.tianxin.gov.cn/")).one()
        last = session.scalars(select(SiteHistory).where(SiteHistory.site_id == site.id)
                               .order_by(SiteHistory.id.desc())).first()
        assert last.source == "v2.xlsx"
        assert last.before["leader_email"] == "zhangwei@tianxin.gov.cn"
        assert last.after["leader_email"] == "new@tianxin.gov.cn"
        assert len(last.before["columns"]) == 3 and len(last.after["columns"]) == 1
        assert "name" not in last.after  # only what changed is recorded
        assert site.leader_email == "new@tianxin.gov.cn"

    # The same file again changes nothing and records nothing.
    result = import_registry(tmp_path / "v2.xlsx", url=db_url, source="审核员 王五")
    assert (result.added, result.updated, result.unchanged) == (0, 0, 2)
    assert counts(db_url) == {"site": 2, "site_column": 4, "site_history": 3}


def test_sites_csv_alone_keeps_columns_and_columns_may_name_registered_sites(db_url, tmp_path):
    sites = sample_sites(2)
    import_registry(write_workbook(sites, tmp_path / "v1.xlsx"), url=db_url)

    renamed = copy.deepcopy(sites[:1])
    renamed[0]["name"] = "天心区人民政府门户网站"
    result = import_registry(write_csv(tmp_path / "sites.csv", SITE_HEADERS, site_rows(renamed)), url=db_url)
    assert (result.updated, result.columns) == (1, 0)
    assert counts(db_url)["site_column"] == 6  # no columns file: columns untouched

    # A columns file may name a site registered earlier and not in the sites file.
    columns_csv = write_csv(tmp_path / "columns.csv", COLUMN_HEADERS,
                            [[sites[1]["homepage"], "规划计划", "发展规划", "http://www1.tianxin.gov.cn/fzgh/"]])
    result = import_registry(write_csv(tmp_path / "sites.csv", SITE_HEADERS, site_rows(renamed)),
                             columns_csv, url=db_url)
    assert (result.updated, result.unchanged) == (2, 0)  # site 0 lost its columns, site 1 got new ones
    records = {r.home_url: r for r in load_sites(db_url)}
    assert records["http://www0.tianxin.gov.cn/"].name == "天心区人民政府门户网站"
    assert records["http://www0.tianxin.gov.cn/"].columns == ()
    assert records["http://www1.tianxin.gov.cn/"].columns == (
        ColumnRecord("规划计划", "发展规划", "http://www1.tianxin.gov.cn/fzgh/"),)


def test_load_sites_by_homepage(db_url, tmp_path):
    import_registry(write_workbook(sample_sites(3), tmp_path / "r.xlsx"), url=db_url)
    picked = load_sites(db_url, homes=["HTTP://www2.tianxin.gov.cn:80", "http://www0.tianxin.gov.cn/"])
    assert [r.home_url for r in picked] == ["http://www2.tianxin.gov.cn/", "http://www0.tianxin.gov.cn/"]
    with pytest.raises(UnknownSiteError, match="http://www9.tianxin.gov.cn/"):
        load_sites(db_url, homes=["http://www9.tianxin.gov.cn"])

