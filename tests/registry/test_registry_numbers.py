"""ICP and telephone numbers as real offices and sites write them (SPEC §1).

The forms with a comment were seen on real pages kept in public repositories
(found with the project's code search; the comment quotes the excerpt: footers
and contact lines of Chinese sites, some of them government ones); the others
are the contract's examples and each record office's name in the same shape.
Doubtful forms are imported and flagged; only what cannot be a number is refused.
"""
from __future__ import annotations

import pytest

from pucha.registry.numbers import RECORD_OFFICES, check_icp, check_mobile, check_office_phone
from pucha.registry.problems import Invalid


def _doubts(check, value: str) -> list[str]:
    said: list[str] = []
    check(value, said.append)
    return said


@pytest.mark.parametrize("value", [
    "蜀ICP备12014244号-2",            # "网站备案号：蜀ICP备12014244号-2" (a 四川 city site's footer)
    "蜀ICP备 12005138号-1",           # a space after 备, as a 四川 site's footer shows it
    "黔ICP备15014846号-1",            # "贵州黔易游商务有限公司 … 黔ICP备15014846号-1"
    "黔ICP备2021008357号.",           # a full stop after 号
    "ICP证：黔ICP备14000582号-1",      # the label typed into the cell
    "黔ICP备17003900号-1",            # 云上贵州 (the 贵州 government's cloud)
    "京ICP证150437号",                # 中国铁路信息技术中心: 京ICP备15003716号-3 | 京ICP证150437号
    "京ICP证030173号", "京ICP备05060933号-1",  # the contract's own examples
    "滇ICP备12345678号", "陇ICP备2020001234号-2", "藏ICP备12000001号", "隴ICP備12345678號",
])
def test_icp_numbers_real_offices_write_import_without_doubt(value):
    assert check_icp(value) and _doubts(check_icp, value) == []


def test_every_record_office_short_name_is_known():
    assert len(RECORD_OFFICES) == 31  # the province-level regions of the mainland
    for office in RECORD_OFFICES:
        assert _doubts(check_icp, f"{office}ICP备12345678号-1") == []


@pytest.mark.parametrize("value, said", [
    ("川ICP备05060933号", "蜀"), ("贵ICP备05060933号", "黔"), ("云ICP备05060933号", "滇"), ("甘ICP备05060933号", "陇"),
    ("京公网安备11010502030143号", "公安机关备案号"),     # 京公网安备… written where the ICP number belongs
    ("京ICP备15003716号-3 | 京ICP证150437号", "2 个编号"),
    ("京ICP证B2-20171701号", "增值电信业务经营许可证"),     # "京ICP证B2-20171701号" in a Beijing site's footer
    ("京ICP备05060933", "号"),
])
def test_doubtful_icp_numbers_are_accepted_and_flagged(value, said):
    doubts = _doubts(check_icp, value)
    assert doubts and said in doubts[0]


@pytest.mark.parametrize("value", [
    "(010)59928888",                 # "电话：(010)59928888"
    "(010) 82275566",                # "电话：(010) 82275566 传真：(010) 82275533"
    "(010) 5719-5865",               # a hyphen inside the local number
    "(027-81299699）",               # "电话：(027-81299699）", mixed brackets
    "(0571) 28098488",
    "0571-85022088，转分机号 83789993#",  # "电话：0571-85022088，转分机号 83789993#"
    "0731-88888888-123", "0731-85899002转8", "（010）12345678",
    "010-12345678/0731-88888888", "010-12345678;021-66668888",
])
def test_office_phones_as_written(value):
    assert check_office_phone(value) and _doubts(check_office_phone, value) == []


@pytest.mark.parametrize("value, said", [
    ("(020)87682434　87137500", "没有区号"),  # "电话：(020)87682434　87137500": the second lacks its area code
    ("12345678转123", "没有区号"),
    ("13812345678", "手机号码"),
    ("400-123-4567", "服务热线"),
])
def test_doubtful_office_phones_are_accepted_and_flagged(value, said):
    doubts = _doubts(check_office_phone, value)
    assert doubts and said in doubts[0]


@pytest.mark.parametrize("value", ["186-0064-0235",  # "电话：(010) 5719-5865  186-0064-0235"
                                   "138 1234 5678", "+86 138 1234 5678", "13812345678/15912345678",
                                   "13812345678、15912345678"])
def test_mobiles_as_written(value):
    assert check_mobile(value) and _doubts(check_mobile, value) == []


def test_an_office_number_in_the_mobile_cell_is_flagged():
    assert "固定电话" in _doubts(check_mobile, "010-12345678")[0]


@pytest.mark.parametrize("check, value", [(check_icp, "黔ICP备XXXXXXXX号"), (check_office_phone, "见上"),
                                          (check_mobile, "1381234567"), (check_office_phone, "010-12345678、")])
def test_what_cannot_be_a_number_is_refused(check, value):
    with pytest.raises(Invalid):
        check(value)


# One site per province-level region, filled in as offices fill the form: the record office's
# short name, ICP证 and -N, every phone form, several numbers in a cell.
PROVINCES = ("北京市 京", "天津市 津", "河北省 冀", "山西省 晋", "内蒙古自治区 蒙", "辽宁省 辽", "吉林省 吉",
             "黑龙江省 黑", "上海市 沪", "江苏省 苏", "浙江省 浙", "安徽省 皖", "福建省 闽", "江西省 赣", "山东省 鲁",
             "河南省 豫", "湖北省 鄂", "湖南省 湘", "广东省 粤", "广西壮族自治区 桂", "海南省 琼", "重庆市 渝",
             "四川省 蜀", "贵州省 黔", "云南省 滇", "西藏自治区 藏", "陕西省 陕", "甘肃省 陇", "青海省 青",
             "宁夏回族自治区 宁", "新疆维吾尔自治区 新")
ICP_FORMS = ("{o}ICP备{n}号", "{o}ICP备{n}号-1", "{o}ICP证{n}号", "{o}ICP备 {n}号-2")
OFFICE_FORMS = ("0{a}-8{n}", "0{a}-8{n}-123", "(0{a})8{n}", "0{a}-8{n}转601", "0{a}-8{n}、0{a}-6{n}",
                "(0{a}) 8{n}/0{a}-6{n}")
MOBILE_FORMS = ("138{n}", "138 {n4} {n4b}", "138-{n4}-{n4b}", "138{n}、139{n}", "无")


def test_a_workbook_with_one_site_per_province_imports_whole(db_url, tmp_path):
    from pucha.registry.importer import import_registry
    from pucha.registry.loader import load_sites
    from pucha.registry.workbook import write_workbook
    from registry_samples import sample_sites

    sites = []
    for i, entry in enumerate(PROVINCES):
        region, office = entry.split()
        site = sample_sites(1)[0]
        n = f"{i + 1:07d}"
        site.update(region=region, name=f"{region}人民政府", homepage=f"http://www.p{i}.gov.cn",
                    icp=ICP_FORMS[i % len(ICP_FORMS)].format(o=office, n=f"05{n}"),
                    leader_phone=OFFICE_FORMS[i % len(OFFICE_FORMS)].format(a=10 + i, n=n),
                    contact_phone=OFFICE_FORMS[(i + 1) % len(OFFICE_FORMS)].format(a=10 + i, n=n),
                    leader_mobile=MOBILE_FORMS[i % len(MOBILE_FORMS)].format(n=f"{i:08d}", n4=f"{i:04d}",
                                                                            n4b=f"{i + 1000:04d}"),
                    contact_mobile=MOBILE_FORMS[(i + 2) % len(MOBILE_FORMS)].format(n=f"{i:08d}", n4=f"{i:04d}",
                                                                                    n4b=f"{i + 1000:04d}"))
        for c in site["columns"]:
            c["url"] = c["url"].replace("www0.tianxin.gov.cn", f"www.p{i}.gov.cn")
        sites.append(site)
    result = import_registry(write_workbook(sites, tmp_path / "nation.xlsx"), url=db_url)
    assert (result.added, result.doubts) == (31, ())
    assert {s.region for s in load_sites(db_url)} == {e.split()[0] for e in PROVINCES}


def test_doubtful_values_are_imported_and_listed_with_their_place(db_url, tmp_path):
    from pucha.registry.importer import import_registry
    from pucha.registry.workbook import write_workbook
    from registry_samples import sample_sites

    sites = sample_sites(2)
    sites[0]["icp"] = "川ICP备05060933号"
    sites[1]["contact_phone"] = "85899002"
    result = import_registry(write_workbook(sites, tmp_path / "doubts.xlsx"), url=db_url)
    assert result.added == 2 and len(result.doubts) == 2
    text = str(result)
    assert "需核实 2 处" in text and "第2行 ICP备案编号" in text and "第3行 联系人办公电话" in text and "蜀" in text
