"""Alerts: a site that crosses a veto threshold is told, once per crossing.

Watched: ``veto.unreachable`` (failed probes reaching 5% of the week) and
``veto.not_updated`` (no homepage update for 14 days), read off the day's
scorecard so an alert and the scorecard never disagree.  A crossing is the
day the veto holds after a day it did not; the site's 负责人 and 联系人 are
mailed (through the portal's SMTP settings, PUCHA_SMTP_* with
STARTTLS or SMTPS as PUCHA_SMTP_SECURITY says, pucha.smtp; unset, the mail
is logged instead) and a row is written to ``monitor_alerts``, the portal's
line.  While the veto keeps holding nothing more is sent; once it clears, a
new crossing alerts again.

``veto.unreachable`` is also decided as probes arrive (watch.py,
``record_crossings``), the moment the failures make it certain; the day's
closing then finds the state already set.  ``veto.not_updated`` can only
change as the 14-day window moves, so the closing decides it.

An alert is committed (mail "pending") before it is mailed; one whose mail
failed, or whose sender died, is mailed again by ``deliver`` on the next
run of the monitor and at every day's closing.
"""
from __future__ import annotations

import logging
import smtplib
import time
from dataclasses import dataclass
from datetime import date
from typing import Any, Iterable

from sqlalchemy import Engine, and_, or_, select

from pucha.settings import Settings
from pucha.smtp import send as smtp_send

from .clock import day_end
from .limits import WATCHED, limits
from .monitor_db import alert_state, alerts
from .watch import Crossing

log = logging.getLogger("census.monitor.alerts")

_LIMITS = limits()  # the 2015 rulebook's titles and windows; alerts speak of the census's own table


@dataclass(frozen=True)
class Contacts:
    name: str
    emails: tuple[str, ...]


def load_contacts(db_url: str) -> dict[str, Contacts]:
    """The 负责人 and 联系人 emails of every registered site ("无" is no address)."""
    from pucha.db import ensure_db, session_scope
    from pucha.registry.model import Site

    ensure_db(db_url)
    out: dict[str, Contacts] = {}
    with session_scope(db_url) as s:
        for home, name, leader, contact in s.execute(
                select(Site.home_url, Site.name, Site.leader_email, Site.contact_email)):
            emails = tuple(dict.fromkeys(e.strip() for e in (leader, contact) if e and "@" in e))
            out[home] = Contacts(name, emails)
    return out


def _describe(rule: str, evidence: list[dict]) -> str:
    ev, lim = (evidence[0] if evidence else {}), _LIMITS
    if rule == "veto.unreachable":
        return (f"近 {lim.days} 天首页探测 {ev.get('probes', '?')} 次，失败 {ev.get('failed', '?')} 次"
                f"（{ev.get('failed_percent', '?')}%），已达到 {lim.percent:g}% 的单项否决标准。")
    newest = ev.get("newest_date") or "无"
    days = lim.update_window[:-1] if lim.update_window.endswith("d") else lim.update_window
    return (f"首页近 {days} 天没有更新的信息（最新信息日期：{newest}），"
            f"已触及“{lim.titles[rule]}”单项否决。")


def message_text(name: str, home: str, region: str, rule: str, day: date, evidence: list[dict]) -> str:
    return (f"{name}（{home}，{region}）：\n\n"
            f"全国政府网站普查监测发现，截至 {day.isoformat()}，{_describe(rule, evidence)}\n"
            f"单项否决指标：{_LIMITS.titles[rule]}（{rule}）。请尽快整改。\n\n"
            f"此邮件由普查系统自动发送；同一问题持续期间不再重复提醒。\n")


def send_mail(settings: Settings, to: Iterable[str], subject: str, body: str) -> None:
    # pucha.smtp: the same server, STARTTLS/SMTPS and login as the portal's mail.
    smtp_send(settings, to, subject, body, timeout=30)


RETRY_AFTER = 900.0  # seconds after which a "sending" claim is taken to be a dead sender's
MAX_ATTEMPTS = 20  # a mail refused this often stays "failed" for a person to look at


def _cross(c, settings: Settings, site: str, name: str, region: str, rule: str, day: date,
           evidence: list[dict], emails: tuple[str, ...], detected: float | None) -> int:
    """Insert the alert row of a crossing (mail pending); its id."""
    row = {"site": site, "name": name, "region": region, "rule": rule, "day": day.isoformat(),
           "message": message_text(name, site, region, rule, day, evidence),
           "recipients": ", ".join(emails), "mail": "pending", "mail_error": None, "attempts": 0,
           "claimed": None, "detected": detected, "created": time.time()}
    return c.execute(alerts.insert().values(**row)).inserted_primary_key[0]


def _set_state(c, state: dict, site: str, rule: str, active: bool, day: date) -> None:
    where = and_(alert_state.c.site == site, alert_state.c.rule == rule)
    if (site, rule) in state:
        c.execute(alert_state.update().where(where).values(active=active, since=day.isoformat()))
    else:
        c.execute(alert_state.insert().values(site=site, rule=rule, active=active, since=day.isoformat()))
    state[(site, rule)] = (active, day.isoformat())


def process(engine: Engine, settings: Settings, day: date, cards: Iterable[dict[str, Any]],
            contacts: dict[str, Contacts]) -> list[dict[str, Any]]:
    """Compare the day's cards with the alert state; record and send the new crossings. Returns them.

    A state set on a later day than ``day`` (a probe's early alert of today, recorded before
    yesterday was closed) is newer knowledge and is left alone.
    """
    ids: list[int] = []
    with engine.begin() as c:
        state = {(r.site, r.rule): (r.active, r.since) for r in c.execute(select(alert_state))}
        for card in cards:
            holding = {v["rule"]: v for v in card["vetoes"] if v["rule"] in WATCHED}
            for rule in WATCHED:
                key = (card["home_url"], rule)
                was, since = state.get(key, (False, ""))
                now = rule in holding
                if was == now or since > day.isoformat():
                    continue
                _set_state(c, state, key[0], rule, now, day)
                if now:
                    who = contacts.get(card["home_url"], Contacts(card["name"], ()))
                    ids.append(_cross(c, settings, card["home_url"], card["name"], card["region"], rule, day,
                                      holding[rule]["evidence"], who.emails, day_end(day)))
    return deliver(engine, settings, ids) if ids else []  # after the commit: recorded even if the mail fails


def record_crossings(engine: Engine, settings: Settings, crossings: Iterable[Crossing],
                     sites: dict[str, Any]) -> list[dict[str, Any]]:
    """Alerts for ``veto.unreachable`` crossings seen as probes arrived (watch.py); each once per crossing."""
    crossings = [x for x in crossings if x.site in sites]
    if not crossings:
        return []
    contacts = contacts_of(settings.database_url, {x.site for x in crossings})
    ids: list[int] = []
    rule = "veto.unreachable"
    with engine.begin() as c:
        homes = sorted({x.site for x in crossings})
        state = {(r.site, r.rule): (r.active, r.since) for r in c.execute(
            select(alert_state).where(alert_state.c.rule == rule, alert_state.c.site.in_(homes)))}
        for x in sorted(crossings, key=lambda x: x.at):
            if state.get((x.site, rule), (False, ""))[0]:
                continue  # already past it: told at its crossing
            site = sites[x.site]
            _set_state(c, state, x.site, rule, True, x.day)
            who = contacts.get(x.site, Contacts(site.name, ()))
            ids.append(_cross(c, settings, x.site, site.name, site.region, rule, x.day, [x.evidence],
                              who.emails, x.at))
    return deliver(engine, settings, ids) if ids else []


def contacts_of(db_url: str, homes: set[str]) -> dict[str, Contacts]:
    """``load_contacts`` for a few sites."""
    from pucha.db import ensure_db, session_scope
    from pucha.registry.model import Site

    ensure_db(db_url)
    out: dict[str, Contacts] = {}
    with session_scope(db_url) as s:
        for home, name, leader, contact in s.execute(
                select(Site.home_url, Site.name, Site.leader_email, Site.contact_email)
                .where(Site.home_url.in_(sorted(homes)))):
            emails = tuple(dict.fromkeys(e.strip() for e in (leader, contact) if e and "@" in e))
            out[home] = Contacts(name, emails)
    return out


def deliver(engine: Engine, settings: Settings, ids: Iterable[int] | None = None) -> list[dict[str, Any]]:
    """Mail the given alerts, or (``ids`` None) every one still owed: pending, failed, or claimed by a
    sender that died.  Each is claimed first, so two monitors never mail one alert twice."""
    now = time.time()
    owed = or_(alerts.c.mail.in_(("pending", "failed")),
               and_(alerts.c.mail == "sending", alerts.c.claimed < now - RETRY_AFTER))
    with engine.connect() as c:
        q = select(alerts.c.id).where(owed, alerts.c.attempts < MAX_ATTEMPTS).order_by(alerts.c.id)
        if ids is not None:
            q = q.where(alerts.c.id.in_(list(ids)))
        todo = [r[0] for r in c.execute(q)]
    out: list[dict[str, Any]] = []
    for alert_id in todo:
        with engine.begin() as c:
            claimed = c.execute(alerts.update().where(alerts.c.id == alert_id, owed)
                                .values(mail="sending", claimed=now, attempts=alerts.c.attempts + 1)).rowcount
            if not claimed:
                continue  # another monitor took it
            row = dict(c.execute(select(alerts).where(alerts.c.id == alert_id)).mappings().one())
        status, error = _mail(settings, row)
        row["mail"], row["mail_error"] = status, error
        with engine.begin() as c:
            c.execute(alerts.update().where(alerts.c.id == alert_id).values(mail=status, mail_error=error))
        out.append(row)
    return out


def _mail(settings: Settings, row: dict[str, Any]) -> tuple[str, str | None]:
    to = [e for e in row["recipients"].split(", ") if e]
    if not to:
        return "none", "登记信息中没有负责人或联系人电子邮箱"
    subject = f"【政府网站普查】{row['name']} 触及单项否决：{_LIMITS.titles[row['rule']]}"
    if not settings.smtp_host:
        log.warning("PUCHA_SMTP_HOST unset; alert not mailed to %s: %s", ", ".join(to), subject)
        return "logged", None
    try:
        send_mail(settings, to, subject, row["message"])
    except (OSError, smtplib.SMTPException) as exc:
        log.error("alert mail to %s failed: %s", ", ".join(to), exc)
        return "failed", f"{type(exc).__name__}: {exc}"
    return "sent", None


def recent_alerts(engine: Engine, region: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
    """The newest alerts, for the portal's line (optionally of one region)."""
    q = select(alerts).order_by(alerts.c.day.desc(), alerts.c.id.desc()).limit(limit)
    if region:
        q = q.where(alerts.c.region == region)
    with engine.connect() as c:
        return [dict(r) for r in c.execute(q).mappings()]
