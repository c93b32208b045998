"""Units and their accounts: creation down the hierarchy, login, passwords.

A unit creates the units directly below it and their accounts, each with a
one-time password that the first login must change (附件1 四(二)); a
forgotten password is reset by the unit above.  Repeated failed logins make
the next attempts wait (``authenticate``), per client and per account name.
"""
from __future__ import annotations

import datetime as dt
import math
import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal import audit, sessions
from portal.errors import Forbidden, PortalError
from portal.models import Account, LoginFailure, Unit
from portal.models.accounts import KIND_NAMES
from portal.security import check_new_password, hash_secret, one_time_secret, verify_secret
from pucha.registry.model import utcnow
from pucha.registry.validation import Invalid, check_line

FREE_FAILURES = 5  # failures (per client, per account name) before attempts must wait
WINDOW = dt.timedelta(minutes=15)  # failures older than this are forgotten
CLIENT_WAIT_CAP = 900  # seconds: a guessing client ends up at one attempt per 15 minutes
ACCOUNT_WAIT_CAP = 60  # seconds: the most anyone can make the account's owner wait
# Which kinds of unit each kind may create directly below itself.
CHILD_KINDS: dict[str, tuple[str, ...]] = {
    "national": ("province", "department", "reporting"),
    "province": ("city", "county", "reporting"),
    "city": ("county", "reporting"),
    "county": ("reporting",),
    "department": ("branch", "reporting"),
    "branch": ("branch", "reporting"),
    "reporting": (),
}
_USERNAME = re.compile(r"^[A-Za-z0-9_.-]{2,64}$")


def _check_code(kind: str, code: str, parent: Unit | None) -> str | None:
    """The unit's code as its kind needs it: GB/T 2260 region codes nest."""
    code = code.strip()
    if kind in ("reporting", "branch"):
        return None
    if kind == "department":
        if not re.fullmatch(r"\d{2}", code):
            raise PortalError(f"部门代码“{code}”无效：应为 2 位数字（如 14）", "code")
        return code
    if not re.fullmatch(r"\d{6}", code):
        raise PortalError(f"行政区划代码“{code}”无效：应为 6 位数字（GB/T 2260，如 110102）", "code")
    if kind == "province" and not code.endswith("0000"):
        raise PortalError(f"省级行政区划代码应以 0000 结尾，而不是“{code}”", "code")
    if kind in ("city", "county") and parent is not None and parent.code:
        # A city shares its province's first 2 digits; a county its city's
        # first 4 (or its province's 2: districts directly under 北京 etc.).
        shared = 4 if parent.kind == "city" else 2
        if code[:shared] != parent.code[:shared] or code == parent.code:
            raise PortalError(f"行政区划代码“{code}”不属于上级单位“{parent.name}”（{parent.code}）", "code")
        if kind == "city" and (not code.endswith("00") or code.endswith("0000")):
            raise PortalError(f"市级行政区划代码应以 00 结尾（非 0000），而不是“{code}”", "code")
        if kind == "county" and code.endswith("00"):
            raise PortalError(f"县级行政区划代码不应以 00 结尾：“{code}”", "code")
    return code


def create_root(session: Session, name: str = "全国政府网站普查办公室",
                username: str = "national") -> tuple[Account, str]:
    """The national office and its first account; the one-time password is
    returned once and stored only hashed.  Refused when a national unit exists."""
    if session.scalar(select(func.count()).select_from(Unit).where(Unit.kind == "national")):
        raise PortalError("全国普查办账号已存在：忘记密码请用已有的全国账号重置，或检查数据库配置")
    unit = Unit(kind="national", name=name, code="100000", path="")
    session.add(unit)
    session.flush()
    unit.path = f"/{unit.id}/"
    return _new_account(session, audit.SYSTEM, unit, username)


def create_unit(session: Session, actor: Account, parent: Unit, kind: str, name: str,
                code: str = "") -> Unit:
    if not actor.unit.contains(parent):
        raise Forbidden("只能在本单位及下级单位之下创建单位")
    if parent.id != actor.unit_id:
        raise Forbidden("只能创建本单位直属的下级单位")
    if kind not in CHILD_KINDS[parent.kind]:
        allowed = "、".join(KIND_NAMES[k] for k in CHILD_KINDS[parent.kind]) or "无"
        raise PortalError(f"{parent.kind_name}之下不能创建“{KIND_NAMES.get(kind, kind)}”（可创建：{allowed}）", "kind")
    try:
        name = check_line(name.strip(), 200) if name.strip() else ""
    except Invalid as exc:
        raise PortalError(f"单位名称{exc}", "name") from None
    if not name:
        raise PortalError("单位名称必填", "name")
    checked = _check_code(kind, code, parent)
    if checked and kind in ("province", "department") and session.scalar(
            select(func.count()).select_from(Unit).where(Unit.kind == kind, Unit.code == checked)):
        raise PortalError(f"代码“{checked}”已被另一个单位使用", "code")
    unit = Unit(parent_id=parent.id, kind=kind, name=name, code=checked, path="")
    session.add(unit)
    session.flush()
    unit.path = f"{parent.path}{unit.id}/"
    audit.record(session, actor.username, "create_unit", f"unit:{unit.id}", unit,
                 after={"name": name, "kind": kind, "code": checked, "parent": parent.id})
    return unit


def create_account(session: Session, actor: Account, unit: Unit, username: str) -> tuple[Account, str]:
    if unit.parent_id != actor.unit_id or not actor.unit.contains(unit):
        raise Forbidden("只能为本单位直属的下级单位创建账号")
    return _new_account(session, actor.username, unit, username)


def _new_account(session: Session, actor: str, unit: Unit, username: str) -> tuple[Account, str]:
    username = username.strip()
    if not _USERNAME.match(username):
        raise PortalError("账号名应为 2 到 64 个英文字母、数字或 _ . -", "username")
    if session.scalar(select(func.count()).select_from(Account).where(Account.username == username)):
        raise PortalError(f"账号名“{username}”已被使用", "username")
    password = one_time_secret()
    account = Account(username=username, unit_id=unit.id, password_hash=hash_secret(password),
                      must_change_password=True, failed_logins=0, session_epoch=0)
    session.add(account)
    session.flush()
    audit.record(session, actor, "create_account", f"account:{account.id}", unit,
                 after={"username": username, "unit": unit.id})
    return account, password


def authenticate(session: Session, username: str, password: str, address: str,
                 now: dt.datetime | None = None) -> Account:
    """The account, or PortalError.  The answer never says whether the
    account exists: failures are counted by the name typed, known or not.

    There is no lock to be turned against a user: after FREE_FAILURES the
    next attempt waits, doubling with each failure, per client (up to
    CLIENT_WAIT_CAP) and per account name (up to ACCOUNT_WAIT_CAP, short, so
    the right password from another client passes after that wait however
    long someone keeps guessing)."""
    now = now or utcnow()
    name = username.strip()[:200]
    by_client = _failures(session, LoginFailure.address == address[:100], now)
    by_name = _failures(session, func.lower(LoginFailure.username) == name.lower(), now)
    wait = max(_wait(by_client, now, CLIENT_WAIT_CAP), _wait(by_name, now, ACCOUNT_WAIT_CAP))
    if wait > 0:
        raise PortalError(f"登录尝试过于频繁，请 {wait} 秒后再试")
    account = session.scalar(select(Account).where(Account.username == name))
    if account is None or not verify_secret(account.password_hash, password):
        session.add(LoginFailure(address=address[:100], username=name, at=now))
        if account is not None:
            account.failed_logins += 1
            if account.failed_logins == FREE_FAILURES:
                audit.record(session, audit.SYSTEM, "login_throttled", f"account:{account.id}", account.unit,
                             note=f"连续 {FREE_FAILURES} 次登录失败（地址 {address}），此后每次尝试须等待")
        raise PortalError("账号或密码不正确")
    account.failed_logins, account.locked_until = 0, None
    return account


def _failures(session: Session, where, now: dt.datetime) -> tuple[int, dt.datetime | None]:
    """How many failures match within WINDOW, and the latest."""
    count, last = session.execute(select(func.count(), func.max(LoginFailure.at))
                                  .where(where, LoginFailure.at > now - WINDOW)).one()
    return count, _aware(last) if last is not None else None


def _wait(failures: tuple[int, dt.datetime | None], now: dt.datetime, cap: int) -> int:
    """Seconds still to wait before the next attempt (0: go ahead)."""
    count, last = failures
    if count < FREE_FAILURES or last is None:
        return 0
    delay = min(2 ** (count - FREE_FAILURES + 1), cap)
    return max(0, math.ceil((last + dt.timedelta(seconds=delay) - now).total_seconds()))


def change_password(session: Session, account: Account, old: str, new: str) -> None:
    if not verify_secret(account.password_hash, old):
        raise PortalError("原密码不正确", "old_password")
    check_new_password(new, account.username)
    if new == old:
        raise PortalError("新密码不能与原密码相同", "new_password")
    account.password_hash = hash_secret(new)
    account.must_change_password = False
    account.session_epoch += 1
    sessions.revoke_account(session, account.id)
    audit.record(session, account.username, "change_password", f"account:{account.id}", account.unit)


def reset_password(session: Session, actor: Account, account: Account) -> str:
    """A new one-time password for an account of a unit directly below the actor's."""
    if account.unit.parent_id != actor.unit_id:
        raise Forbidden("只能由上级单位重置本单位直属下级单位的账号密码")
    password = one_time_secret()
    account.password_hash = hash_secret(password)
    account.must_change_password = True
    account.failed_logins, account.locked_until = 0, None
    account.session_epoch += 1
    sessions.revoke_account(session, account.id)
    audit.record(session, actor.username, "reset_password", f"account:{account.id}", account.unit)
    return password


def _aware(moment: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes for timezone-aware columns.
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)
