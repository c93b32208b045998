"""The field rules and the URL normaliser, value by value."""
from __future__ import annotations

import pytest

from pucha.categories import CATEGORIES
from pucha.registry import headers
from pucha.registry.loader import normalise_url
from pucha.registry.validation import (Invalid, check_email, check_field, check_icp, check_mobile,
                                       check_office_phone, check_url, split_list)


@pytest.mark.parametrize("url, expected", [
    ("http://www.beijing.gov.cn", "http://www.beijing.gov.cn/"),
    ("HTTP://WWW.Beijing.GOV.cn:80", "http://www.beijing.gov.cn/"),
    ("https://www.gov.cn:443/zhengce/", "https://www.gov.cn/zhengce/"),
    ("https://www.gov.cn:8443/Zhengce/Index.html?A=1#top", "https://www.gov.cn:8443/Zhengce/Index.html?A=1"),
    ("http://127.0.0.1:8001", "http://127.0.0.1:8001/"),
    ("  http://[::1]:80/a ", "http://[::1]/a"),
])
def test_normalise_url(url, expected):
    assert normalise_url(url) == expected
    assert normalise_url(expected) == expected


@pytest.mark.parametrize("url", ["www.gov.cn", "/relative/path", "http://"])
def test_normalise_url_refuses_what_is_not_a_url(url):
    with pytest.raises(ValueError):
        normalise_url(url)


@pytest.mark.parametrize("value", ["010-12345678", "0731-8888888", "0731-88888888-123", "(010)12345678",
                                   "010－12345678", "010-12345678、0731-88888888", "020-87654321;021-66668888",
                                   "010 12345678", "01012345678", "0731-85899002转8"])
def test_office_phones(value):
    assert check_office_phone(value)


@pytest.mark.parametrize("value", ["010-1234", "010-02345678", "1-800-123", "010-12345678、", "abc"])
def test_bad_office_phones(value):
    with pytest.raises(Invalid):
        check_office_phone(value)


@pytest.mark.parametrize("value", ["13812345678", "19912345678", "+8613812345678", "138-1234-5678",
                                   "13812345678;15912345678", "１３８１２３４５６７８"])
def test_mobiles(value):
    assert check_mobile(value)


@pytest.mark.parametrize("value", ["12812345678", "1381234567", "138123456789", "abc"])
def test_bad_mobiles(value):
    with pytest.raises(Invalid):
        check_mobile(value)


@pytest.mark.parametrize("value", ["a@b.cn", "zhang.wei@tianxin.gov.cn", "x+y@mail.hunan.gov.cn",
                                   "a@b.cn;c@d.com.cn", "ａ＠ｂ.cn"])
def test_emails(value):
    assert check_email(value)


@pytest.mark.parametrize("value", ["abc", "a@b", "a@@b.cn", "a b@c.cn", "a@b..cn", "@b.cn", "a@-b.cn"])
def test_bad_emails(value):
    with pytest.raises(Invalid):
        check_email(value)


@pytest.mark.parametrize("value", ["京ICP备05060933号", "京ICP备05060933号-1", "湘ICP备2021012345号-3",
                                   "京ICP備05060933號", "粤icp备12345678号"])
def test_icp_numbers(value):
    assert check_icp(value)


@pytest.mark.parametrize("value", ["ICP备05060933号", "京ICP备号", "05060933", "黔ICP备XXXXXXXX号", "沪ICP备"])
def test_bad_icp_numbers(value):
    with pytest.raises(Invalid):
        check_icp(value)


@pytest.mark.parametrize("value", ["http://www.gov.cn", "https://zwfw.hunan.gov.cn:8080/x?y=1",
                                   "http://127.0.0.1:8001/", "http://政府.中国/"])
def test_urls(value):
    assert check_url(value)


@pytest.mark.parametrize("value", ["www.gov.cn", "ftp://www.gov.cn/", "http://", "http://a b.cn/",
                                   "http://www.gov.cn:99999/", "http://-bad-.cn/", "javascript:alert(1)"])
def test_bad_urls(value):
    with pytest.raises(Invalid):
        check_url(value)


def test_none_where_the_notice_allows_it():
    assert check_field("icp", "無") == "无"
    assert check_field("leader_mobile", "无") == "无"
    for field in ("name", "homepage", "region", "sponsor", "leader_name", "leader_email", "contact_email"):
        with pytest.raises(Invalid, match="不能填“无”"):
            check_field(field, "无")
    with pytest.raises(Invalid, match="确无内容请填“无”"):
        check_field("leader_phone", "  ")


def test_split_list():
    assert split_list("要闻;动态；图片;") == ["要闻", "动态", "图片"]
    with pytest.raises(Invalid, match="第2项为空"):
        split_list("要闻;;动态")


@pytest.mark.parametrize("written, category", [
    ("人事資訊", "人事信息"), ("線上(申報、查詢)系統", "在线申报查询系统"), ("在线（申报、查询）系统", "在线申报查询系统"),
    ("政務諮詢類欄目", "政务咨询类栏目"), ("調查徵集類欄目", "调查征集类栏目"), ("互動訪談類欄目", "互动访谈类栏目"),
    ("機構設置及職能", "机构设置及职能"), ("工作動態", "工作动态"), ("規劃計劃", "规划计划"),
    ("資訊公開其他", "信息公开其他"), ("互動回應其他", "互动回应其他"), ("辦事指南類欄目", "办事指南类栏目"),
    (" 通知公告 ", "通知公告"), ("其它", "其他"),
])
def test_categories_in_either_script(written, category):
    assert headers.category(written) == category


def test_every_category_is_recognised_as_itself():
    assert [headers.category(c) for c in CATEGORIES] == list(CATEGORIES)
    assert headers.category("新闻") is None
