"""The monitor's parts on their own: the schedule, the prober's scan statuses, alerts once per crossing."""
from __future__ import annotations

import asyncio
import socket
from datetime import date

from aiohttp import web

from census.monitor import alerts
from census.monitor.clock import DAY, day_end, day_of, day_start
from census.monitor.monitor_db import monitor_engine
from census.monitor.prober import new_session, probe
from census.monitor.schedule import first_slot_from, monitor_sweeps_between, next_slot, slots_of_day

from .conftest import make_settings

DAY0 = date(2026, 11, 20)


def test_slots_are_spread_over_the_shanghai_day_and_reproducible():
    sites = [f"http://s{i}.example.gov.cn/" for i in range(300)]
    per_day = 20
    for site in sites[:5]:
        slots = slots_of_day(site, DAY0, per_day)
        assert [s.name for s in slots] == [f"2026-11-20/{k:02d}" for k in range(per_day)]
        assert all(day_of(s.due) == DAY0 for s in slots)
        assert all(k * DAY / per_day <= s.due - day_start(DAY0) < (k + 1) * DAY / per_day for k, s in enumerate(slots))
        assert slots == slots_of_day(site, DAY0, per_day)  # a restarted monitor computes the same
        assert next_slot(slots[-1], per_day) == slots_of_day(site, date(2026, 11, 21), per_day)[0]
        assert first_slot_from(site, slots[3].due, per_day) == slots[3]
        assert first_slot_from(site, slots[3].due + 0.001, per_day) == slots[4]
    # Many sites' first slots fill the first interval evenly: no burst at 00:00.
    firsts = sorted((slots_of_day(s, DAY0, per_day)[0].due - day_start(DAY0)) / (DAY / per_day) for s in sites)
    tenths = [sum(1 for f in firsts if i / 10 <= f < (i + 1) / 10) for i in range(10)]
    assert max(tenths) < 3 * len(sites) / 10, tenths
    assert day_end(DAY0) - day_start(DAY0) == DAY
    assert monitor_sweeps_between(date(2026, 11, 6), date(2027, 1, 2)) == \
        ["monitor-2026-11", "monitor-2026-12", "monitor-2027-01"]


def test_probe_scan_statuses():
    async def main():
        async def ok(request):
            return web.Response(text="<html>首页</html>", content_type="text/html")

        async def gone(request):
            return web.Response(status=404)

        async def slow(request):
            await asyncio.sleep(1.0)
            return web.Response(text="late")

        async def loop(request):
            raise web.HTTPFound("/loop")

        async def moved(request):
            raise web.HTTPFound("/")

        app = web.Application()
        for path, h in (("/", ok), ("/gone", gone), ("/slow", slow), ("/loop", loop), ("/moved", moved)):
            app.router.add_get(path, h)
        runner = web.AppRunner(app, shutdown_timeout=0.2)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            closed_port = s.getsockname()[1]
        base = f"http://127.0.0.1:{port}"
        async with new_session("pucha-test") as session:
            out = {name: await probe(session, url, timeout=0.3) for name, url in (
                ("ok", base + "/"), ("gone", base + "/gone"), ("slow", base + "/slow"), ("loop", base + "/loop"),
                ("moved", base + "/moved"), ("refused", f"http://127.0.0.1:{closed_port}/"))}
        await runner.cleanup()
        return out, base

    out, base = asyncio.run(main())
    assert out["ok"].ok and out["ok"].status == 200 and "首页".encode() in out["ok"].body
    assert out["moved"].ok and out["moved"].final_url == base + "/"
    assert (out["gone"].ok, out["gone"].status, out["gone"].error) == (False, 404, "http")
    assert (out["slow"].ok, out["slow"].error) == (False, "timeout") and 250 <= out["slow"].elapsed_ms < 900
    assert (out["loop"].ok, out["loop"].error) == (False, "redirects")
    assert (out["refused"].ok, out["refused"].error) == (False, "refused")


def _card(home: str, *rules: str) -> dict:
    return {"home_url": home, "name": "某网站", "region": "北京市",
            "vetoes": [{"rule": r, "evidence": [{"probes": 140, "failed": 9, "failed_percent": 6.43}]} for r in rules]}


def test_alerts_once_per_crossing(tmp_path, smtp):
    settings = make_settings(tmp_path, PUCHA_SMTP_HOST="127.0.0.1", PUCHA_SMTP_PORT=str(smtp.port))
    engine = monitor_engine(settings.database_url)
    home = "http://x.example.gov.cn/"
    contacts = {home: alerts.Contacts("某网站", ("a@example.gov.cn", "b@example.gov.cn"))}
    days = [date(2026, 11, d) for d in range(1, 7)]
    states = [(), ("veto.unreachable",), ("veto.unreachable",), (), ("veto.unreachable", "veto.serious_error"),
              ("veto.unreachable", "veto.not_updated")]
    sent = [alerts.process(engine, settings, d, [_card(home, *s)], contacts) for d, s in zip(days, states)]
    assert [[(r["rule"], r["day"]) for r in day] for day in sent] == [
        [], [("veto.unreachable", "2026-11-02")], [], [], [("veto.unreachable", "2026-11-05")],
        [("veto.not_updated", "2026-11-06")]]
    assert len(smtp.messages) == 3
    to, msg = smtp.messages[0]
    assert set(to) == {"a@example.gov.cn", "b@example.gov.cn"} and "站点无法访问" in msg["Subject"]
    assert "6.43%" in msg.get_content()
    assert [r["mail"] for r in alerts.recent_alerts(engine)] == ["sent"] * 3


def test_alert_without_smtp_or_address_is_still_recorded(tmp_path):
    settings = make_settings(tmp_path)
    engine = monitor_engine(settings.database_url)
    rows = alerts.process(engine, settings, DAY0, [_card("http://a.gov.cn/", "veto.not_updated"),
                                                   _card("http://b.gov.cn/", "veto.not_updated")],
                          {"http://a.gov.cn/": alerts.Contacts("甲", ("a@a.gov.cn",))})
    assert [(r["site"], r["mail"]) for r in rows] == [("http://a.gov.cn/", "logged"), ("http://b.gov.cn/", "none")]
    assert "电子邮箱" in rows[1]["mail_error"]
