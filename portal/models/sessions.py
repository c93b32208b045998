"""Server-side sessions: the cookie holds only a random token; its data, its
account and its times live here, so logout and password changes end it."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from pucha.db import Base
from pucha.registry.model import utcnow


class PortalSession(Base):
    __tablename__ = "portal_session"

    # sha256 of the cookie's token: a copy of the table opens no session.
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[int | None] = mapped_column(Integer, index=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    seen_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
