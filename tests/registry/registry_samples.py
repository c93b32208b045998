"""Sample registration data and small helpers shared by the registry tests."""
from __future__ import annotations

import copy
import csv
from pathlib import Path

from sqlalchemy import func, select

from pucha.db import session_scope
from pucha.registry.model import Column, Site, SiteHistory


def counts(url: str) -> dict[str, int]:
    """Rows per registry table: what "the registry is unchanged" compares."""
    with session_scope(url) as session:
        return {t.__tablename__: session.scalar(select(func.count()).select_from(t))
                for t in (Site, Column, SiteHistory)}


SITE = {
    "region": "湖南省长沙市天心区",
    "name": "天心区人民政府",
    "site_type": "门户网站",
    "icp": "湘ICP备05000001号",
    "homepage": "http://www.tianxin.gov.cn",
    "sponsor": "长沙市天心区人民政府办公室",
    "address": "湖南省长沙市天心区书院路1号",
    "leader_name": "张伟",
    "leader_title": "主任",
    "leader_phone": "0731-85899001",
    "leader_mobile": "13807310001",
    "leader_email": "zhangwei@tianxin.gov.cn",
    "contact_name": "李娜",
    "contact_phone": "0731-85899002-8",
    "contact_mobile": "无",
    "contact_email": "lina@tianxin.gov.cn",
}
COLUMNS = [
    ("工作动态", "政务动态;部门动态", "http://www.tianxin.gov.cn/zwdt/;http://www.tianxin.gov.cn/bmdt/"),
    ("通知公告", "通知公告", "http://www.tianxin.gov.cn/tzgg/index.html"),
    ("政务咨询类栏目", "区长信箱", "http://www.tianxin.gov.cn/hdjl/qzxx/"),
    ("调查征集类栏目", "无", "无"),
    ("在线申报查询系统", "网上办事大厅", "https://zwfw.tianxin.gov.cn/"),
]


def sample_sites(n: int = 2) -> list[dict]:
    """``n`` valid sites as write_workbook takes them (columns included)."""
    sites = []
    for i in range(n):
        site = copy.deepcopy(SITE)
        host = f"www{i}.tianxin.gov.cn"
        site["homepage"] = f"http://{host}"
        site["name"] = f"天心区人民政府{i}"
        site["columns"] = [
            {"category": "工作动态", "name": "政务动态", "url": f"http://{host}/zwdt/"},
            {"category": "通知公告", "name": "通知公告", "url": f"http://{host}/tzgg/"},
            {"category": "政策文件", "name": "政策文件", "url": f"http://{host}/zcwj/"},
        ]
        sites.append(site)
    return sites


SITE_HEADERS = ["部门/地区", "网站名称", "网站类型", "ICP备案编号", "首页网址", "网站主管单位", "办公地址",
                "负责人姓名", "负责人职务", "负责人办公电话", "负责人手机", "负责人电子邮箱",
                "联系人姓名", "联系人办公电话", "联系人手机", "联系人电子邮箱"]
SITE_FIELDS = list(SITE)  # same order as SITE_HEADERS
COLUMN_HEADERS = ["首页网址", "内容类别", "栏目名称", "栏目地址"]


def write_csv(path: Path, header: list[str], rows: list[list[str]], encoding: str = "utf-8") -> Path:
    with open(path, "w", encoding=encoding, newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def site_rows(sites: list[dict]) -> list[list[str]]:
    return [[s[f] for f in SITE_FIELDS] for s in sites]


def column_rows(sites: list[dict]) -> list[list[str]]:
    return [[s["homepage"], c["category"], c["name"], c["url"]] for s in sites for c in s.get("columns", [])]
