"""Filling in 附件3 (the site) and 附件4 (its columns) on the web.

The fields are checked by the registry's own rules (pucha.registry.validation):
what the web form accepts, a file import accepts, and the other way round.
A filing (``Registration``) holds the form as filled; it reaches the registry
when the last reviewer approves it (portal.review).
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import audit
from portal.errors import Forbidden, PortalError
from portal.models import Account, Registration, ReviewStep, SiteOwner
from pucha.categories import CATEGORIES
from pucha.registry import headers
from pucha.registry.loader import normalise_url
from pucha.registry.model import FORM_FIELDS, SITE_STATUSES, Site, utcnow
from pucha.registry.validation import (NONE, PHONE_PAIRS, Invalid, check_field, check_line,
                                       check_url, split_list)

LABELS = {f: headers.label(headers.SITE_HEADERS, f) for f in FORM_FIELDS}
EDITABLE_STATES = ("draft", "returned")
MAX_REASON = 1000


class FormErrors(PortalError):
    """Every field that is wrong, by field name; nothing was saved."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("表单有 {} 处错误，未保存：".format(len(errors)) + "；".join(
            f"{_label(f)}：{m}" for f, m in errors.items()))
        self.errors = errors


def _label(field: str) -> str:
    if field.startswith("col_"):
        return f"栏目“{CATEGORIES[int(field.rsplit('_', 1)[1])]}”"
    return LABELS.get(field, field)


def check_form(data: dict[str, Any]) -> tuple[dict[str, str], list[list[str]]]:
    """The cleaned 附件3 values and 附件4 rows of a submitted form, or FormErrors.

    Columns come as ``col_name_<i>`` / ``col_url_<i>`` for the i-th category
    of pucha.categories.CATEGORIES: names and URLs `;`-separated in the same
    order, or "无" in both (the site has none of that category), as in 附件4.
    """
    errors: dict[str, str] = {}
    values: dict[str, str] = {}
    for field in FORM_FIELDS:
        raw = data.get(field)
        try:
            values[field] = check_field(field, raw if isinstance(raw, str) else "")
        except Invalid as exc:
            errors[field] = str(exc)
    for office, mobile in PHONE_PAIRS:
        if values.get(office) == NONE and values.get(mobile) == NONE:
            errors[mobile] = f"{LABELS[office]}和{LABELS[mobile]}不能都填“无”，至少留一个电话"
    columns: list[list[str]] = []
    for i, category in enumerate(CATEGORIES):
        names, urls = (str(data.get(f"col_{part}_{i}") or "").strip() for part in ("name", "url"))
        try:
            columns.extend([category, n, u] for n, u in _column_pairs(names, urls))
        except Invalid as exc:
            errors[f"col_{i}"] = str(exc)
    if errors:
        raise FormErrors(errors)
    return values, columns


def _column_pairs(names: str, urls: str) -> list[tuple[str, str]]:
    if not names or not urls:
        raise Invalid("栏目名称和栏目地址必填（该类别没有栏目请都填“无”）")
    if headers.is_none_value(names) or headers.is_none_value(urls):
        if headers.is_none_value(names) and headers.is_none_value(urls):
            return []
        raise Invalid("栏目名称和栏目地址须同时填“无”")
    name_list = [check_line(n, 200) for n in split_list(names)]
    url_list = split_list(urls)
    if len(name_list) != len(url_list):
        raise Invalid(f"栏目名称有 {len(name_list)} 项，栏目地址有 {len(url_list)} 项，应一一对应（用“;”分隔）")
    return [(n, normalise_url(check_url(u))) for n, u in zip(name_list, url_list)]


def form_defaults(registration: Registration | None = None, site: Site | None = None) -> dict[str, str]:
    """The form's fields as the page shows them (column rows folded back to 附件4's lists)."""
    form = dict(registration.form) if registration else site.form_values() if site else {}
    rows = registration.columns if registration else [[c.category, c.name, c.url] for c in site.columns] if site else None
    if rows is not None:
        for i, category in enumerate(CATEGORIES):
            mine = [r for r in rows if r[0] == category]
            form[f"col_name_{i}"] = ";".join(r[1] for r in mine) or NONE
            form[f"col_url_{i}"] = ";".join(r[2] for r in mine) or NONE
    return form


def save(session: Session, actor: Account, data: dict[str, Any],
         registration: Registration | None = None, site: Site | None = None) -> Registration:
    """Save a new or corrected filing (a draft until submitted)."""
    values, columns = check_form(data)
    if registration is None:
        kind = "change" if site is not None else "new"
        registration = Registration(kind=kind, state="draft", unit_id=actor.unit_id,
                                    site_id=site.id if site else None, form={}, columns=[], reason="")
        session.add(registration)
    else:
        _own_editable(actor, registration)
    _check_homepage_free(session, values["homepage"], registration)
    before = {"form": registration.form, "columns": registration.columns} if registration.id else None
    registration.form, registration.columns = values, columns
    registration.updated_at = utcnow()
    session.flush()
    registration.steps.append(ReviewStep(actor=actor.username, unit_id=actor.unit_id, action="save"))
    audit.record(session, actor.username, "save_registration", f"registration:{registration.id}",
                 actor.unit, before=before, after={"form": values, "columns": columns})
    return registration


def request_status(session: Session, actor: Account, site: Site, status: str, reason: str) -> Registration:
    """Ask for a site's status to change (整改, 关停, 整合, back to running)."""
    if status not in SITE_STATUSES:
        raise PortalError(f"网站状态“{status}”无效", "status")
    if status == site.status:
        raise PortalError("新状态与当前状态相同", "status")
    reason = reason.strip()
    if not reason:
        raise PortalError("请说明变更原因（整合的请写明并入哪个网站）", "reason")
    if len(reason) > MAX_REASON:
        raise PortalError(f"变更原因太长（{len(reason)} 个字符，最多 {MAX_REASON} 个）", "reason")
    registration = Registration(kind="status", state="draft", unit_id=actor.unit_id, site_id=site.id,
                                form=site.form_values(), columns=[], target_status=status, reason=reason)
    session.add(registration)
    session.flush()
    audit.record(session, actor.username, "request_status", f"registration:{registration.id}", actor.unit,
                 before={"status": site.status}, after={"status": status, "reason": reason})
    return registration


def _own_editable(actor: Account, registration: Registration) -> None:
    if registration.unit_id != actor.unit_id:
        raise Forbidden("只有填报该登记的单位可以修改或提交它")
    if registration.state not in EDITABLE_STATES:
        raise PortalError("该登记正在审核或已通过，不能修改")


def _check_homepage_free(session: Session, homepage: str, registration: Registration) -> None:
    """A homepage is registered once: not by another site, nor by another open filing."""
    home_url = normalise_url(homepage)
    taken = session.scalar(select(Site.id).where(Site.home_url == home_url))
    if taken is not None and taken != registration.site_id:
        raise FormErrors({"homepage": f"“{homepage}”已由其他网站登记（同一网站只能登记一次）"})
    for other in session.scalars(select(Registration).where(
            Registration.kind == "new", Registration.state != "approved", Registration.site_id.is_(None))):
        if other is not registration and other.form.get("homepage") \
                and normalise_url(other.form["homepage"]) == home_url:
            raise FormErrors({"homepage": f"“{homepage}”已有一份未办结的登记"})


def owner_of(session: Session, site_id: int) -> int | None:
    return session.scalar(select(SiteOwner.unit_id).where(SiteOwner.site_id == site_id))
