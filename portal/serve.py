"""Running the portal (``pucha portal``) and its administrative commands.

    pucha portal [--host 127.0.0.1] [--port 8000]   # serve
    pucha portal init-admin                          # the first national account
    pucha portal probe-closed                        # probe closed/merged sites once
    pucha portal send-mail                           # one pass over the outbox (portal.outbox)
"""
from __future__ import annotations

import argparse
import sys

from pucha import settings as pucha_settings
from pucha.db import database_url, ensure_db, session_scope


def serve(settings: pucha_settings.Settings, host: str = "127.0.0.1", port: int = 8000) -> int:
    import uvicorn

    from portal.app import create_app

    # proxy_headers off: X-Forwarded-For is believed only from PUCHA_PORTAL_TRUSTED_PROXIES (portal.web).
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning", proxy_headers=False)
    return 0


def init_admin(settings: pucha_settings.Settings, username: str = "national") -> int:
    """Create the national office and its account; print the one-time password."""
    from portal.accounts import create_root
    from portal.errors import PortalError

    url = database_url(settings)
    ensure_db(url)
    try:
        with session_scope(url) as session:
            account, password = create_root(session, username=username)
            name = account.username
    except PortalError as exc:
        print(f"pucha portal init-admin: {exc}", file=sys.stderr)
        return 2
    print(f"已创建全国普查办账号：{name}\n一次性密码：{password}\n"
          "首次登录后须修改密码；此密码只显示这一次。")
    return 0


def probe_closed(settings: pucha_settings.Settings) -> int:
    """Probe every closed or merged site once; print those still online."""
    from portal.closures import probe_closed as probe

    url = database_url(settings)
    ensure_db(url)
    with session_scope(url) as session:
        checks = probe(session, timeout=settings.probe_timeout, user_agent=settings.user_agent)
        for check in checks:
            if check.answered:
                print(f"仍可访问：网站 {check.site_id}（{check.detail}）")
        print(f"已检查 {len(checks)} 个已关停或已整合的网站，{sum(c.answered for c in checks)} 个仍可访问")
    return 0


def send_mail(settings: pucha_settings.Settings) -> int:
    """Send the outbox's due mail once (what the portal's background sender does
    every PUCHA_OUTBOX_INTERVAL seconds); safe beside running portals."""
    from portal.outbox import deliver_due

    url = database_url(settings)
    ensure_db(url)
    if not settings.smtp_host:
        print("pucha portal send-mail: PUCHA_SMTP_HOST 未设置，邮件仍待发送", file=sys.stderr)
        return 2
    done = deliver_due(url, settings)
    print(f"已发送 {done.sent} 封，待重试 {done.retrying} 封，发送失败 {done.failed} 封")
    return 0


def command(settings: pucha_settings.Settings, action: str, host: str, port: int) -> int:
    """What ``pucha portal [ACTION]`` runs."""
    if action == "init-admin":
        return init_admin(settings)
    if action == "probe-closed":
        return probe_closed(settings)
    if action == "send-mail":
        return send_mail(settings)
    return serve(settings, host=host, port=port)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Adds ``pucha portal`` to the command line (entry point ``pucha.commands``)."""
    po = subparsers.add_parser("portal", help="the web portal (registration, review, results)")
    po.add_argument("action", nargs="?", default="serve", choices=("serve", "init-admin", "probe-closed", "send-mail"),
                    help="serve (default); init-admin: create the first national account; "
                         "probe-closed: probe closed sites once; send-mail: send the outbox's due mail once")
    po.add_argument("--host", default="127.0.0.1")
    po.add_argument("--port", type=int, default=8000)
    po.set_defaults(func=lambda args: command(pucha_settings.load(), args.action, host=args.host, port=args.port))
