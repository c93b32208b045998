"""The audit log: every change the portal makes, who made it, before and after.

Entries are written in the transaction of the change itself, so there is
no change without its entry and no entry for a change that was rolled back.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.models import AuditEntry, Unit

PUBLIC = "公众"
SYSTEM = "系统"
PAGE_SIZE = 50
# What each action code reads as; a code missing here shows as itself, never as nothing.
ACTION_NAMES: dict[str, str] = {
    "create_unit": "创建单位", "create_account": "创建账号", "change_password": "修改密码",
    "reset_password": "重置密码", "lock_account": "锁定账号", "save_registration": "保存登记",
    "submit_registration": "提交登记", "approve_registration": "审核通过登记", "return_registration": "退回登记",
    "import_registration": "导入登记", "import_file": "导入文件", "issue_site_code": "发放网站标识码",
    "recover_site_code": "找回网站标识码", "request_status": "申请变更网站状态", "mailbox_report": "普查邮箱来信",
    "mailbox_answer": "答复来信", "create_campaign": "创建普查任务", "campaign_filing": "报送阶段材料",
    "submit_self_assessment": "提交自查评分", "recrawl": "重新检查网站", "decision_confirm": "确认问题",
    "decision_reject": "否定问题", "decision_deduct": "人工扣分", "create_api_token": "创建数据接口令牌",
    "revoke_api_token": "停用数据接口令牌",
}
TARGET_NAMES = {"account": "账号", "unit": "单位", "registration": "登记", "site": "网站", "campaign": "普查任务",
                "report": "来信", "recrawl": "检查任务", "token": "接口令牌", "file": "文件"}


def record(session: Session, actor: str, action: str, target: str, unit: Unit | None,
           before: dict[str, Any] | None = None, after: dict[str, Any] | None = None,
           note: str = "") -> None:
    session.add(AuditEntry(actor=actor, action=action, target=target,
                           unit_id=unit.id if unit else None, before=before, after=after, note=note))


def entries_for(session: Session, unit: Unit, limit: int = 200) -> list[AuditEntry]:
    """The entries about ``unit`` and the units below it, newest first."""
    query = (select(AuditEntry).join(Unit, AuditEntry.unit_id == Unit.id)
             .where(Unit.path.startswith(unit.path)).order_by(AuditEntry.id.desc()).limit(limit))
    return list(session.scalars(query))


def action_name(code: str) -> str:
    return ACTION_NAMES.get(code, code)


def target_name(target: str) -> str:
    """"registration:3" as 登记 3."""
    kind, _, ident = target.partition(":")
    return f"{TARGET_NAMES.get(kind, kind)} {ident}".strip()


@dataclass
class AuditPage:
    entries: list[AuditEntry]
    units: dict[int, str]  # unit id -> name, of the entries shown
    total: int
    page: int
    pages: int


def search(session: Session, unit: Unit, *, unit_id: int | None = None, actor: str = "", action: str = "",
           since: dt.date | None = None, until: dt.date | None = None, page: int = 1) -> AuditPage:
    """One page of the entries ``unit`` may read, newest first, filtered by the unit (and the units below
    it), the account, the action and the Beijing dates (inclusive) given."""
    from pucha.localtime import SHANGHAI

    scope = unit.path
    if unit_id is not None:
        chosen = session.get(Unit, unit_id)
        scope = chosen.path if chosen is not None and unit.contains(chosen) else "/none/"
    query = select(AuditEntry).join(Unit, AuditEntry.unit_id == Unit.id).where(Unit.path.startswith(scope))
    if actor.strip():
        query = query.where(AuditEntry.actor == actor.strip()[:100])
    if action.strip():
        query = query.where(AuditEntry.action == action.strip()[:50])
    if since is not None:
        query = query.where(AuditEntry.at >= _utc(dt.datetime.combine(since, dt.time(), SHANGHAI)))
    if until is not None:
        query = query.where(AuditEntry.at < _utc(dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), SHANGHAI)))
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    entries = list(session.scalars(query.order_by(AuditEntry.id.desc()).offset((page - 1) * PAGE_SIZE)
                                   .limit(PAGE_SIZE)))
    ids = {e.unit_id for e in entries if e.unit_id}
    names = dict(session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(ids))).all()) if ids else {}
    return AuditPage(entries, names, total, page, pages)


def _utc(moment: dt.datetime) -> dt.datetime:
    # SQLite keeps the stored UTC instants naive: compare like with like on both databases.
    return moment.astimezone(dt.timezone.utc).replace(tzinfo=None)


FIELD_NAMES = {"name": "名称", "kind": "类别", "code": "代码", "parent": "上级单位", "state": "状态",
               "pending_unit": "待审核单位", "username": "账号", "unit": "单位", "status": "网站状态",
               "site_code": "网站标识码", "as_of": "监测时间点", "rule": "指标", "count": "次数",
               "candidate_id": "问题编号", "action": "操作", "phase": "阶段", "file": "文件", "rows": "行数"}
STATE_WORDS = {"draft": "草稿", "submitted": "审核中", "returned": "已退回", "approved": "已通过",
               "running": "正常运行", "rectifying": "整改中", "closed": "已关停", "merged": "已整合"}


def readable(values: dict[str, Any]) -> str:
    """Before/after values as 名称：…；状态：… (not JSON)."""
    def word(v: Any) -> str:
        if v is None:
            return "—"
        if isinstance(v, (list, tuple)):
            return "、".join(word(x) for x in v)
        if isinstance(v, dict):
            return readable(v)
        return STATE_WORDS.get(v, str(v)) if isinstance(v, str) else str(v)

    return "；".join(f"{FIELD_NAMES.get(k, k)}：{word(v)}" for k, v in values.items())
