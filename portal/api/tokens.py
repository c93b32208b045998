"""API tokens: issued to an account, shown once, stored as sha256; a request
carrying ``Authorization: Bearer <token>`` reads as that account."""
from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import audit
from portal.errors import NotFound, PortalError
from portal.models import Account, ApiToken
from pucha.registry.model import utcnow

PREFIX = "pucha_"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(session: Session, account: Account, name: str) -> str:
    name = name.strip()[:100]
    if not name:
        raise PortalError("请填写令牌用途（如“省级数据平台”）", "name")
    token = PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(account_id=account.id, name=name, token_hash=_digest(token))
    session.add(row)
    session.flush()
    audit.record(session, account.username, "create_api_token", f"token:{row.id}", account.unit, after={"name": name})
    return token


def revoke(session: Session, account: Account, token_id: int) -> None:
    row = session.get(ApiToken, token_id)
    if row is None or row.account_id != account.id:
        raise NotFound("令牌")
    row.revoked_at = utcnow()
    audit.record(session, account.username, "revoke_api_token", f"token:{row.id}", account.unit)


def account_of(session: Session, token: str) -> Account | None:
    """The live account a token stands for; None for an unknown or revoked token, or a locked-out account."""
    if not token.startswith(PREFIX) or len(token) > 200:
        return None
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token),
                                                ApiToken.revoked_at.is_(None)))
    if row is None:
        return None
    account = session.get(Account, row.account_id)
    if account is not None:
        _ = account.unit
    return account


def of_account(session: Session, account: Account) -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).where(ApiToken.account_id == account.id).order_by(ApiToken.id)))
