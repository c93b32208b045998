"""The census mailbox (普查邮箱): the public reports problems with a site.

A report reaches the organisation unit responsible for the site (the one
above its reporting unit; the national office for a site it cannot place),
which answers it; the reporter follows it by its tracking number.  A small
arithmetic challenge, kept in the server-side session and good for one
answer, and a limit per client keep scripts out.
"""
from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal import audit
from pucha import localtime
from portal.errors import Forbidden, PortalError
from portal.models import Account, MailboxReport, SiteOwner, Unit
from pucha.registry.model import Site, utcnow
from pucha.registry.validation import Invalid, check_text

CATEGORIES = ("无法访问", "内容不更新", "链接错误", "信息不准确", "互动无回应", "其他")
MAX_CONTENT = 2000
PER_CLIENT = 5  # reports per client per PER_WINDOW
PER_WINDOW = dt.timedelta(hours=1)


def new_challenge() -> tuple[str, int]:
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    return f"{a} + {b} = ?", a + b


def _text(value: str, limit: int, field: str, label: str, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise PortalError(f"请填写{label}", field)
    try:
        return check_text(value, limit)
    except Invalid as exc:
        raise PortalError(f"{label}{exc}", field) from None


def submit(session: Session, site_id: int | None, site_text: str, category: str, content: str,
           contact: str, client: str = "") -> MailboxReport:
    if client and session.scalar(select(func.count()).select_from(MailboxReport).where(
            MailboxReport.client == client[:100], MailboxReport.created_at > utcnow() - PER_WINDOW)) >= PER_CLIENT:
        raise PortalError(f"同一来源每小时最多提交 {PER_CLIENT} 封信件，请稍后再试")
    if category not in CATEGORIES:
        raise PortalError(f"问题类别“{category}”无效，应为 {'、'.join(CATEGORIES)} 之一", "category")
    site_text = _text(site_text, 1000, "site_text", "网站名称或网址", required=site_id is None)
    content = _text(content, MAX_CONTENT, "content", "问题描述")
    contact = _text(contact, 200, "contact", "联系方式", required=False)
    site = session.get(Site, site_id) if site_id is not None and 0 < site_id < 2 ** 31 else None
    if site_id is not None and site is None:
        raise PortalError("所选网站不存在，请重新搜索选择", "site_id")
    unit = _responsible(session, site)
    report = MailboxReport(tracking=_tracking(), site_id=site.id if site else None,
                           site_text=site_text or f"{site.name} {site.homepage}", unit_id=unit.id,
                           category=category, content=content, contact=contact, client=client[:100] or None)
    session.add(report)
    session.flush()
    audit.record(session, audit.PUBLIC, "mailbox_report", f"mailbox:{report.id}", unit,
                 after={"tracking": report.tracking, "category": category})
    return report


def _responsible(session: Session, site: Site | None) -> Unit:
    if site is not None:
        owner = session.scalar(select(Unit).join(SiteOwner, SiteOwner.unit_id == Unit.id)
                               .where(SiteOwner.site_id == site.id))
        if owner is not None:
            return owner.parent or owner
    national = session.scalar(select(Unit).where(Unit.kind == "national"))
    if national is None:
        raise PortalError("普查邮箱尚未开通（没有全国普查办账号）")
    return national


def _tracking() -> str:
    # Date for the reader, 8 random characters so numbers cannot be walked.
    return f"{localtime.today():%Y%m%d}{secrets.token_hex(4).upper()}"


def track(session: Session, tracking: str) -> MailboxReport:
    report = session.scalar(select(MailboxReport).where(MailboxReport.tracking == tracking.strip().upper()))
    if report is None:
        raise PortalError("没有这个查询编号，请核对后重试", "tracking")
    return report


def answer(session: Session, actor: Account, report: MailboxReport, text: str) -> None:
    if report.unit_id != actor.unit_id:
        raise Forbidden("该信件由其他单位负责答复")
    text = _text(text, MAX_CONTENT, "answer", "答复内容")
    before = {"answer": report.answer}
    report.answer, report.answered_by, report.answered_at = text, actor.username, utcnow()
    audit.record(session, actor.username, "mailbox_answer", f"mailbox:{report.id}", actor.unit,
                 before=before, after={"answer": text})


def inbox(session: Session, account: Account) -> list[MailboxReport]:
    return list(session.scalars(select(MailboxReport).join(Unit, Unit.id == MailboxReport.unit_id)
                                .where(Unit.path.startswith(account.unit.path))
                                .order_by(MailboxReport.id.desc()).limit(500)))
