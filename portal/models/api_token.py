"""Tokens of the open-data API (/api/v1), each tied to an account."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from pucha.db import Base
from pucha.registry.model import utcnow


class ApiToken(Base):
    __tablename__ = "portal_api_token"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("portal_account.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    # sha256 of the token: the token is 256 random bits, so a fast hash is safe and a lookup is one index.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
