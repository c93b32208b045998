"""网站标识码 and 校验码: issuing, recovering (标识码找回) and verifying them.

The 标识码 is 10 characters as issued in practice: the 6-digit GB/T 2260
code of the site's region and a 4-digit sequence (1101020002), or for a
State Council department's site "bm", the 2-digit department code and a
6-digit sequence (bm14000001).  The 校验码 is random, mailed to the site's
负责人 and 联系人 only, and stored hashed: recovering it issues a new one.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import audit, outbox
from portal.errors import PortalError
from portal.mail import Outgoing
from portal.models import AuditEntry, OutboxMail, SiteOwner, Unit
from portal.security import hash_secret, one_time_secret, verify_secret
from pucha.registry.changes import change_site
from pucha.registry.loader import normalise_url
from pucha.registry.model import Site, utcnow

RECOVERY_INTERVAL = dt.timedelta(minutes=10)  # one re-send per site per interval


def code_prefix(owner: Unit) -> tuple[str, int]:
    """The prefix of the owner's codes and the length of their sequence."""
    unit: Unit | None = owner
    while unit is not None:
        if unit.kind == "department":
            return f"bm{unit.code}", 6
        if unit.kind in ("county", "city", "province", "national") and unit.code:
            return unit.code, 4
        unit = unit.parent
    raise PortalError(f"单位“{owner.name}”之上没有带区划代码或部门代码的组织单位，无法生成网站标识码")


def next_code(session: Session, owner: Unit) -> str:
    prefix, digits = code_prefix(owner)
    taken = session.scalars(select(Site.site_code).where(Site.site_code.startswith(prefix))).all()
    numbers = [int(c[len(prefix):]) for c in taken if len(c) == len(prefix) + digits and c[len(prefix):].isdigit()]
    number = max(numbers, default=0) + 1
    if number >= 10 ** digits:
        raise PortalError(f"代码 {prefix} 下的网站标识码已用尽")
    return f"{prefix}{number:0{digits}d}"


def issue(session: Session, site: Site, owner: Unit, actor: str) -> Outgoing:
    """Give ``site`` its 标识码 and a 校验码; the mail that tells them (the caller queues it)."""
    code = next_code(session, owner)
    change_site(session, site, f"门户发放网站标识码：{actor}", {"site_code": code})
    check = _new_check_code(site)
    audit.record(session, actor, "issue_site_code", f"site:{site.id}", owner, after={"site_code": code})
    return _mail(site, check, "网站标识码和校验码")


def recover(session: Session, what: str) -> OutboxMail | None:
    """标识码找回: a new 校验码 (with the 标识码) queued for the site's two persons,
    in this transaction (portal.outbox).

    ``what`` is the homepage or the 标识码.  None when no such site has a code
    (the caller says the same either way, so the answer tells nothing)."""
    what = what.strip()
    if not what or len(what) > 1000:
        raise PortalError("请填写网站首页网址或网站标识码", "what")
    site = session.scalar(select(Site).where(Site.site_code == what))
    if site is None:
        try:
            site = session.scalar(select(Site).where(Site.home_url == normalise_url(what)))
        except ValueError:
            site = None
    if site is None or not site.site_code:
        return None
    last = session.scalar(select(AuditEntry.at).where(
        AuditEntry.action == "recover_site_code", AuditEntry.target == f"site:{site.id}")
        .order_by(AuditEntry.id.desc()).limit(1))
    if last is not None and (last if last.tzinfo else last.replace(tzinfo=dt.timezone.utc)) > utcnow() - RECOVERY_INTERVAL:
        return None  # a resend was just made: no mail storm on request
    check = _new_check_code(site)
    owner = session.scalar(select(Unit).join(SiteOwner, SiteOwner.unit_id == Unit.id).where(SiteOwner.site_id == site.id))
    audit.record(session, audit.PUBLIC, "recover_site_code", f"site:{site.id}", owner)
    return outbox.enqueue(session, _mail(site, check, "标识码找回：网站标识码和新的校验码"), "recovery",
                          site_id=site.id, unit_id=owner.id if owner else None)


def verify(session: Session, site_code: str, check_code: str) -> Site:
    """The site of a 标识码 whose 校验码 matches (the self-assessment login)."""
    site = session.scalar(select(Site).where(Site.site_code == site_code.strip()))
    if not verify_secret(site.check_code_hash if site else None, check_code.strip().upper()):
        raise PortalError("网站标识码或校验码不正确")
    return site


def _new_check_code(site: Site) -> str:
    check = one_time_secret(8)
    site.check_code_hash = hash_secret(check)
    return check


def _mail(site: Site, check: str, subject: str) -> Outgoing:
    to = tuple(dict.fromkeys(a.strip() for field in (site.leader_email, site.contact_email)
                             for a in field.replace("；", ";").replace("、", ";").split(";") if a.strip()))
    body = (f"{site.name}（{site.homepage}）\n\n网站标识码：{site.site_code}\n校验码：{check}\n\n"
            "请妥善保管。标识码应展示在网站页面底部；校验码用于在普查报送系统中验证网站身份，"
            "遗忘时可在报送系统首页“标识码找回”，新的校验码将发送至本网站负责人和联系人的邮箱。\n")
    return Outgoing(to, f"【全国政府网站普查】{subject}：{site.name}", body)
