"""The census campaign: the notice's four phases (三) and their deadlines,
what each unit owes in each, and who is late.

Obligations follow 四 (组织和实施): reporting units register their sites
and report their 自查 (the 评分表) with the rectification; the provinces'
and departments' offices report the 检查整改情况 to the national office and
the 抽查核查 findings; the national office issues the 通报.  Some
obligations are met by data (every site of a reporting unit registered and
self-assessed), the others by a filing handed in through the portal.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal import audit
from portal.errors import Forbidden, NotFound, PortalError
from portal.models import Account, Campaign, CampaignFiling, Registration, SelfAssessment, SiteOwner, Unit
from pucha.registry.model import Site, utcnow

# (key, name, deadline attribute, what is owed, by which unit kinds)
PHASES: tuple[tuple[str, str, str], ...] = (
    ("registration", "统计摸底", "registration_deadline"),
    ("rectification", "检查整改", "rectification_deadline"),
    ("spotcheck", "抽查核查", "spotcheck_deadline"),
    ("summary", "通报总结", "summary_deadline"),
)
PHASE_NAMES = {key: name for key, name, _ in PHASES}
# What a unit hands in, per phase and kind of unit.
OWED: dict[tuple[str, str], str] = {
    ("registration", "reporting"): "完成本单位网站基本信息和栏目信息填报（附件3、附件4）",
    ("rectification", "reporting"): "提交本单位网站的自查评分表",
    ("rectification", "province"): "向国务院办公厅报送本地区检查整改情况",
    ("rectification", "department"): "向国务院办公厅报送本部门检查整改情况",
    ("spotcheck", "province"): "报送本地区抽查核查中发现问题的整改情况",
    ("spotcheck", "department"): "报送本部门抽查核查中发现问题的整改情况",
    ("summary", "national"): "发布普查情况通报",
}
MAX_CONTENT = 20000


def _date(value: str, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat((value or "").strip())
    except ValueError:
        raise PortalError(f"“{what}”须为日期（YYYY-MM-DD），收到“{(value or '')[:20]}”", what) from None


def create(session: Session, actor: Account, form: dict[str, str]) -> Campaign:
    """The national office sets up a census with its four deadlines."""
    if actor.unit.kind != "national":
        raise Forbidden("普查由全国政府网站普查办公室设置")
    name = (form.get("name") or "").strip()
    if not name or len(name) > 200:
        raise PortalError("请填写普查名称（最多 200 个字符）", "name")
    as_of = _date(form.get("as_of", ""), "监测时间点").isoformat()
    deadlines = [_date(form.get(attr, ""), f"{title}截止日期") for _, title, attr in PHASES]
    if deadlines != sorted(deadlines):
        raise PortalError("四个阶段的截止日期须依次排列：统计摸底 ≤ 检查整改 ≤ 抽查核查 ≤ 通报总结")
    campaign = Campaign(name=name, as_of=as_of, created_by=actor.username,
                        **{attr: d for (_, _, attr), d in zip(PHASES, deadlines)})
    session.add(campaign)
    session.flush()
    audit.record(session, actor.username, "create_campaign", f"campaign:{campaign.id}", actor.unit,
                 after={"name": name, "as_of": as_of, **{a: d.isoformat() for (_, _, a), d in zip(PHASES, deadlines)}})
    return campaign


def current(session: Session) -> Campaign | None:
    return session.scalar(select(Campaign).order_by(Campaign.id.desc()).limit(1))


def get(session: Session, campaign_id: int) -> Campaign:
    campaign = session.get(Campaign, campaign_id) if 0 < campaign_id < 2 ** 31 else None
    if campaign is None:
        raise NotFound("普查")
    return campaign


def deadline(campaign: Campaign, phase: str) -> dt.date:
    return getattr(campaign, dict((k, a) for k, _, a in PHASES)[phase])


@dataclass
class Duty:
    unit: Unit
    phase: str
    what: str
    deadline: dt.date
    done_at: dt.datetime | None  # when it was met (None: not yet)
    detail: str = ""

    @property
    def phase_name(self) -> str:
        return PHASE_NAMES[self.phase]

    def late(self, today: dt.date) -> bool:
        if self.done_at is None:
            return today > self.deadline
        return _local_day(self.done_at) > self.deadline

    def status(self, today: dt.date) -> str:
        if self.done_at is not None:
            return "逾期完成" if self.late(today) else "已完成"
        return "已逾期" if self.late(today) else "未完成"


def _local_day(moment: dt.datetime) -> dt.date:
    from pucha.localtime import SHANGHAI

    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(SHANGHAI).date()


def _kind(unit: Unit) -> str:
    return unit.kind


def duties(session: Session, campaign: Campaign, units: list[Unit]) -> list[Duty]:
    """Every obligation of these units in the campaign, met or not."""
    filings = {(f.unit_id, f.phase): f for f in session.scalars(
        select(CampaignFiling).where(CampaignFiling.campaign_id == campaign.id))}
    out: list[Duty] = []
    for unit in units:
        for phase, _, _ in PHASES:
            what = OWED.get((phase, _kind(unit)))
            if what is None:
                continue
            done, detail = _met(session, campaign, unit, phase, filings.get((unit.id, phase)))
            out.append(Duty(unit, phase, what, deadline(campaign, phase), done, detail))
    return out


def _met(session: Session, campaign: Campaign, unit: Unit, phase: str,
         filing: CampaignFiling | None) -> tuple[dt.datetime | None, str]:
    if unit.kind == "reporting" and phase == "registration":
        # Met when the unit owns at least one registered site and nothing of its own is still open.
        sites = session.scalar(select(func.count()).select_from(SiteOwner).where(SiteOwner.unit_id == unit.id))
        open_ = session.scalar(select(func.count()).select_from(Registration).where(
            Registration.unit_id == unit.id, Registration.kind == "new", Registration.state != "approved"))
        if not sites or open_:
            return None, f"已登记 {sites} 个网站，{open_} 份新登记未完成审核"
        last = session.scalar(select(func.max(Registration.updated_at)).where(
            Registration.unit_id == unit.id, Registration.kind == "new"))
        return last or campaign.created_at, f"已登记 {sites} 个网站"
    if unit.kind == "reporting" and phase == "rectification":
        site_ids = [r[0] for r in session.execute(select(SiteOwner.site_id).where(SiteOwner.unit_id == unit.id))]
        running = [i for i in site_ids if session.get(Site, i).status in ("running", "rectifying")]
        rows = session.scalars(select(SelfAssessment).where(
            SelfAssessment.site_id.in_(running or [-1]), SelfAssessment.as_of == campaign.as_of,
            SelfAssessment.state == "submitted")).all()
        if not running or len(rows) < len(running):
            return None, f"{len(rows)}/{len(running)} 个网站已提交自查评分表"
        return max(r.submitted_at for r in rows), f"{len(rows)} 个网站已提交自查评分表"
    if filing is None:
        return None, ""
    return filing.submitted_at, filing.content[:200]


def hand_in(session: Session, actor: Account, campaign: Campaign, phase: str, content: str) -> CampaignFiling:
    """A unit's filing for a phase (its report); handed in once."""
    if (phase, actor.unit.kind) not in OWED:
        raise PortalError(f"本单位在“{PHASE_NAMES.get(phase, phase)}”阶段无需报送材料")
    if phase in ("registration",) or (phase == "rectification" and actor.unit.kind == "reporting"):
        raise PortalError("该项由系统根据登记和自查数据自动判断，无需另行报送")
    content = (content or "").strip()
    if not content:
        raise PortalError("请填写报送内容", "content")
    if len(content) > MAX_CONTENT:
        raise PortalError(f"报送内容太长（{len(content)} 个字符，最多 {MAX_CONTENT} 个）", "content")
    exists = session.scalar(select(CampaignFiling).where(CampaignFiling.campaign_id == campaign.id,
                                                         CampaignFiling.unit_id == actor.unit_id,
                                                         CampaignFiling.phase == phase))
    if exists is not None:
        raise PortalError("本阶段材料已报送，不能重复报送")
    filing = CampaignFiling(campaign_id=campaign.id, unit_id=actor.unit_id, phase=phase, content=content,
                            actor=actor.username, submitted_at=utcnow())
    session.add(filing)
    session.flush()
    audit.record(session, actor.username, "campaign_filing", f"campaign:{campaign.id}", actor.unit,
                 after={"phase": phase})
    return filing


def phase_now(campaign: Campaign, today: dt.date) -> str:
    """The phase whose deadline is next (or the last one, once all have passed)."""
    for key, _, attr in PHASES:
        if today <= getattr(campaign, attr):
            return key
    return PHASES[-1][0]
