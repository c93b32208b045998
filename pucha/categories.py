"""The content categories of 附件4 (内容类别), as SPEC §1 names them.

One place for the list: the registry validates against it, the rulebooks
group columns by it, the fleet draws from it.
"""
from __future__ import annotations

ORGANISATION = "机构设置及职能"
NEWS = "工作动态"
NOTICES = "通知公告"
POLICIES = "政策文件"
PLANS = "规划计划"
PERSONNEL = "人事信息"
DISCLOSURE_OTHER = "信息公开其他"
CONSULTATION = "政务咨询类栏目"
SURVEY = "调查征集类栏目"
INTERVIEW = "互动访谈类栏目"
INTERACTION_OTHER = "互动回应其他"
GUIDES = "办事指南类栏目"
ONLINE_SYSTEMS = "在线申报查询系统"
OTHER = "其他"

CATEGORIES: tuple[str, ...] = (
    ORGANISATION, NEWS, NOTICES, POLICIES, PLANS, PERSONNEL, DISCLOSURE_OTHER,
    CONSULTATION, SURVEY, INTERVIEW, INTERACTION_OTHER,
    GUIDES, ONLINE_SYSTEMS, OTHER,
)

SITE_TYPES: tuple[str, ...] = ("门户网站", "部门网站", "其他")
PORTAL = "门户网站"
