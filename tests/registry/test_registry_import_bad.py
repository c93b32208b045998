"""Bad registration files are refused whole, with every problem named by
file, sheet, row and field, and the registry is left exactly as it was."""
from __future__ import annotations

import copy
import zipfile

import openpyxl
import pytest

from pucha.registry.importer import RegistryImportError, import_registry
from pucha.registry.workbook import export_sites, write_workbook
from registry_samples import COLUMN_HEADERS, SITE_HEADERS, counts, sample_sites, site_rows, write_csv


@pytest.fixture
def registry(db_url, tmp_path):
    """A registry holding two sites, and a function that imports a bad file and
    checks that nothing changed, returning the error message."""
    import_registry(write_workbook(sample_sites(2), tmp_path / "before.xlsx"), url=db_url)
    before = (counts(db_url), export_sites(db_url))

    def rejected(path, columns_path=None) -> str:
        with pytest.raises(RegistryImportError) as caught:
            import_registry(path, columns_path, url=db_url)
        assert (counts(db_url), export_sites(db_url)) == before
        message = str(caught.value)
        assert "Traceback" not in message
        return message

    return rejected


def bad_sites(**changes) -> list[dict]:
    """Three sites: the two registered (changed) and a new one, so that
    all-or-nothing is tested too: the new one must not land either."""
    sites = sample_sites(3)
    for key, value in changes.items():
        sites[1][key] = value
    return sites


@pytest.mark.parametrize("field, value, header, expected", [
    ("leader_name", "", "负责人姓名", "必填，不能为空"),
    ("leader_email", "abc", "负责人电子邮箱", '"abc" 不是有效的电子邮箱'),
    ("contact_email", "无", "联系人电子邮箱", "不能填“无”"),
    ("name", "無", "网站名称", "不能填“无”"),
    ("leader_phone", "8589", "负责人办公电话", '"8589" 不是有效的办公电话'),
    ("leader_phone", "见上", "负责人办公电话", '"见上" 不是有效的办公电话'),
    ("contact_mobile", "1380731000", "联系人手机", '"1380731000" 不是有效的手机号码'),
    ("leader_mobile", "13807310001;1234", "负责人手机", '"1234" 不是有效的手机号码'),
    ("homepage", "www.tianxin.gov.cn", "首页网址", "应以 http:// 或 https:// 开头"),
    ("homepage", "http://", "首页网址", "缺少主机名"),
    ("homepage", "http://www.tian xin.gov.cn/", "首页网址", "不能有空格"),
    ("icp", "湘ICP05000001", "ICP备案编号", "不是有效的ICP备案编号"),
    ("site_type", "政务网站", "网站类型", '"政务网站" 不是有效的网站类型'),
])
def test_bad_site_field(registry, tmp_path, field, value, header, expected):
    message = registry(write_workbook(bad_sites(**{field: value}), tmp_path / "registry.xlsx"))
    assert f"registry.xlsx 网站基本信息 第3行 {header}: " in message
    assert expected in message


def test_the_message_of_the_brief(registry, tmp_path):
    sites = sample_sites(5)
    sites[3]["leader_email"] = "abc"
    message = registry(write_workbook(sites, tmp_path / "registry.xlsx"))
    assert 'registry.xlsx 网站基本信息 第5行 负责人电子邮箱: "abc" 不是有效的电子邮箱' in message.splitlines()


def test_both_phones_none(registry, tmp_path):
    message = registry(write_workbook(bad_sites(leader_phone="无", leader_mobile="无"), tmp_path / "r.xlsx"))
    assert "r.xlsx 网站基本信息 第3行 负责人手机: 负责人办公电话和负责人手机不能都填“无”" in message


def test_every_problem_is_listed(registry, tmp_path):
    sites = bad_sites(leader_email="abc", contact_phone="12")
    sites[2]["homepage"] = "ftp://www2.tianxin.gov.cn/"
    sites[0]["columns"][1]["category"] = "新闻动态"
    message = registry(write_workbook(sites, tmp_path / "r.xlsx"))
    lines = message.splitlines()
    # 4 in the sites sheet, and the bad homepage again in each of that site's 3 column rows.
    assert "共 7 处错误" in lines[0] and len(lines) == 8
    assert any(l.startswith("r.xlsx 网站基本信息 第3行 负责人电子邮箱") for l in lines)
    assert any(l.startswith("r.xlsx 网站基本信息 第3行 联系人办公电话") for l in lines)
    assert any(l.startswith("r.xlsx 网站基本信息 第4行 首页网址") for l in lines)
    assert any(l.startswith('r.xlsx 栏目基本信息 第3行 内容类别: "新闻动态" 不是有效的内容类别') for l in lines)
    assert [l.split(":")[0] for l in lines if "ftp://" in l][1:] == [
        f"r.xlsx 栏目基本信息 第{n}行 首页网址" for n in (8, 9, 10)]


def test_columns_of_a_bad_new_site_are_not_called_unknown(registry, tmp_path):
    sites = sample_sites(3)
    sites[2]["leader_email"] = "abc"  # the new site's row is wrong; its 3 columns are fine
    message = registry(write_workbook(sites, tmp_path / "r.xlsx"))
    assert "共 1 处错误" in message and "r.xlsx 网站基本信息 第4行 负责人电子邮箱" in message


def test_duplicate_homepage(registry, tmp_path):
    sites = sample_sites(3)
    sites[2]["homepage"] = "HTTP://www0.TIANXIN.gov.cn:80/"
    message = registry(write_workbook(sites, tmp_path / "r.xlsx"))
    assert "r.xlsx 网站基本信息 第4行 首页网址: \"HTTP://www0.TIANXIN.gov.cn:80/\" 与第2行的首页网址重复" in message


def _columns_csv(tmp_path, rows, encoding="utf-8"):
    sites_csv = write_csv(tmp_path / "sites.csv", SITE_HEADERS, site_rows(sample_sites(2)), encoding)
    return sites_csv, write_csv(tmp_path / "columns.csv", COLUMN_HEADERS, rows, encoding)


@pytest.mark.parametrize("row, field, expected", [
    (["http://www0.tianxin.gov.cn", "工作动态", "要闻;动态;图片", "http://www0.tianxin.gov.cn/a/;http://www0.tianxin.gov.cn/b/"],
     "栏目地址", "栏目名称有 3 项，栏目地址有 2 项"),
    (["http://www0.tianxin.gov.cn", "工作动态", "要闻;;动态", "http://a.cn/;http://b.cn/"], "栏目名称", "第2项为空"),
    (["http://www0.tianxin.gov.cn", "工作动态", "要闻；动态", "http://a.cn/；b.cn"], "栏目地址", "第2项 \"b.cn\" 不是有效的网址"),
    (["http://www0.tianxin.gov.cn", "工作动态", "无", "http://a.cn/"], "栏目地址", "须同时填“无”"),
    (["http://www0.tianxin.gov.cn", "新闻", "要闻", "http://a.cn/"], "内容类别", '"新闻" 不是有效的内容类别'),
    (["http://www0.tianxin.gov.cn", "工作动态", "", "http://a.cn/"], "栏目名称", "必填，不能为空"),
    (["http://www.nowhere.gov.cn", "工作动态", "要闻", "http://a.cn/"], "首页网址",
     "\"http://www.nowhere.gov.cn/\" 既不在本次导入的网站中，也不在登记库中"),
])
def test_bad_column_row(registry, tmp_path, row, field, expected):
    sites_csv, columns_csv = _columns_csv(tmp_path, [["http://www1.tianxin.gov.cn", "通知公告", "通知", "http://a.cn/"], row])
    message = registry(sites_csv, columns_csv)
    assert f"columns.csv 栏目基本信息 第3行 {field}: " in message
    assert expected in message


def test_gbk_csv_is_read_as_gbk(registry, tmp_path):
    sites = sample_sites(2)
    sites[1]["leader_email"] = "张伟@天心"
    sites_csv = write_csv(tmp_path / "sites.csv", SITE_HEADERS, site_rows(sites), "gbk")
    message = registry(sites_csv)
    # Decoded right: the header and the value come back in Chinese, not mojibake.
    assert 'sites.csv 网站基本信息 第3行 负责人电子邮箱: "张伟@天心" 不是有效的电子邮箱' in message


def test_undecodable_csv(registry, tmp_path):
    data = "部门/地区,网站名称\n".encode("utf-8") + b"\x81\x20\xff\xfe\n"
    (tmp_path / "sites.csv").write_bytes(data)
    message = registry(tmp_path / "sites.csv")
    assert "sites.csv: 无法识别文件编码：既不是 UTF-8 也不是 GB18030/GBK（第2行" in message


@pytest.mark.parametrize("name, content, expected", [
    ("registry.xlsx", b"\xe9\x83\xa8\xe9\x97\xa8,name\nthis is text", "registry.xlsx: 不是 xlsx 工作簿"),
    ("registry.xlsx", b"", "registry.xlsx: 不是 xlsx 工作簿"),
    ("registry.xlsx", None, "registry.xlsx: 不是有效的 xlsx 工作簿，无法打开"),  # a zip, not a workbook
    ("registry.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "registry.xls: 是旧版 Excel（.xls）文件"),
    ("registry.pdf", b"%PDF-1.4", "registry.pdf: 不支持的文件类型“.pdf”"),
    ("sites.csv", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "sites.csv: 含有 NUL 字节，不是文本 CSV 文件"),
])
def test_not_a_registration_file(registry, tmp_path, name, content, expected):
    path = tmp_path / name
    if content is None:
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("hello.txt", "not a workbook")
    else:
        path.write_bytes(content)
    assert expected in registry(path)


def test_missing_file(registry, tmp_path):
    assert "nothere.xlsx: 文件不存在" in registry(tmp_path / "nothere.xlsx")
    assert "sites.csv: 是一个目录，不是文件" in registry((tmp_path / "sites.csv").mkdir() or tmp_path / "sites.csv")


def _workbook(tmp_path, sites_rows, column_rows=None, *, columns_sheet=True):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "网站基本信息"
    for row in sites_rows:
        sheet.append(row)
    if columns_sheet:
        columns = book.create_sheet("栏目基本信息")
        for row in column_rows if column_rows is not None else [COLUMN_HEADERS]:
            columns.append(row)
    path = tmp_path / "r.xlsx"
    book.save(path)
    return path


def test_empty_sheet(registry, tmp_path):
    message = registry(_workbook(tmp_path, []))
    assert "r.xlsx 网站基本信息: 工作表是空的" in message


def test_header_only(registry, tmp_path):
    message = registry(_workbook(tmp_path, [SITE_HEADERS], [COLUMN_HEADERS]))
    assert "r.xlsx 网站基本信息: 工作表只有表头，没有数据行" in message
    assert "r.xlsx 栏目基本信息: 工作表只有表头，没有数据行" in message


def test_empty_csv(registry, tmp_path):
    (tmp_path / "sites.csv").write_bytes(b"")
    assert "sites.csv 网站基本信息: 工作表是空的" in registry(tmp_path / "sites.csv")


def test_missing_sheet(registry, tmp_path):
    message = registry(_workbook(tmp_path, [SITE_HEADERS, *site_rows(sample_sites(1))], columns_sheet=False))
    assert "r.xlsx: 缺少工作表“栏目基本信息”（工作簿中的工作表：“网站基本信息”）" in message


def test_missing_header(registry, tmp_path):
    headers = [h for h in SITE_HEADERS if h != "负责人手机"]
    rows = [r[:10] + r[11:] for r in site_rows(sample_sites(1))]
    message = registry(_workbook(tmp_path, [headers, *rows]))
    assert "r.xlsx 网站基本信息 第1行: 缺少表头：负责人手机" in message


def test_no_header_at_all_names_the_encoding(registry, tmp_path):
    write_csv(tmp_path / "sites.csv", ["a", "b"], [["1", "2"]], "gbk")
    message = registry(tmp_path / "sites.csv")
    assert "sites.csv 网站基本信息: 找不到表头（按 UTF-8 解码）" in message


def test_duplicated_header(registry, tmp_path):
    rows = [r + [r[1]] for r in site_rows(sample_sites(1))]
    message = registry(_workbook(tmp_path, [SITE_HEADERS + ["网站名称"], *rows]))
    assert "r.xlsx 网站基本信息 第1行: 表头“网站名称”出现了两次（第B列和第Q列）" in message


def test_columns_file_given_with_a_workbook(registry, tmp_path):
    path = write_workbook(sample_sites(1), tmp_path / "r.xlsx")
    assert "columns.csv: xlsx 工作簿已含“栏目基本信息”工作表" in registry(path, tmp_path / "columns.csv")


def test_all_or_nothing_with_one_bad_row_among_good(registry, tmp_path, db_url):
    sites = sample_sites(4)  # two registered, two new
    changed = copy.deepcopy(sites)
    changed[0]["name"] = "改过的名称"
    changed[3]["contact_email"] = "bad@"
    registry(write_workbook(changed, tmp_path / "r.xlsx"))
    # The fixture checked that nothing changed: no new site, no rename.
    assert [s["name"] for s in export_sites(db_url)] == ["天心区人民政府0", "天心区人民政府1"]


def test_database_unreachable(tmp_path):
    path = write_workbook(sample_sites(1), tmp_path / "r.xlsx")
    with pytest.raises(RegistryImportError, match="r.xlsx: 无法写入登记库数据库"):
        import_registry(path, url="postgresql+psycopg://postgres@127.0.0.1:9/nowhere?connect_timeout=2")
