"""The audit log as an office reads it: in Chinese, a page at a time,
filtered by unit, account, action and date."""
from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, Request
from portal.models import Unit

from portal import audit
from portal.access import org_required, units_below
from portal.errors import PortalError
from portal.web import TEMPLATES, db, render

router = APIRouter()
TEMPLATES.env.filters["readable"] = audit.readable


def _date(value: str, field: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        raise PortalError(f"日期须为 YYYY-MM-DD，收到“{value[:20]}”", field) from None


@router.get("/audit")
def audit_log(request: Request, unit: int = 0, actor: str = "", action: str = "", since: str = "",
              until: str = "", page: int = 1, account=Depends(org_required)):
    first, last = _date(since, "since"), _date(until, "until")
    with db(request) as s:
        found = audit.search(s, account.unit, unit_id=unit or None, actor=actor, action=action, since=first,
                             until=last, page=page)
        units = [(u.id, u.name) for u in s.scalars(units_below(account).order_by(Unit.path))]
        s.expunge_all()
    query = {"unit": unit or "", "actor": actor, "action": action, "since": since, "until": until}
    return render(request, "audit.html", found=found, units=units, query=query, actions=audit.ACTION_NAMES,
                  action_name=audit.action_name, target_name=audit.target_name)
