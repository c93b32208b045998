"""A portal with data, served on loopback, for an outside scanner (docs/SECURITY-SCAN.md).

    python tests/portal/scan_world.py serve --dir /tmp/pucha-scan --port 8765
    python tests/portal/scan_world.py cookie --port 8765 --user bj [--source 127.0.0.2]  # pucha_session=...

``serve`` builds, in a fresh SQLite database under --dir, the test
hierarchy of units and accounts (portal_client.HIERARCHY, password
portal_client.PASSWORD), registered sites with their 标识码, one sweep of
results in the embedded store, and filings in every state (draft,
submitted, returned, approved), all through the portal's own HTTP routes
where the tests use them; then serves that app with uvicorn on
127.0.0.1:PORT until interrupted.  No mail leaves the machine: no SMTP host,
no background sender.  ``cookie`` signs in over HTTP as a browser would
and prints the session cookie for the scanner's --cookie-value / --cookie.

Not a test (pytest collects test_*.py only); the scan itself is not run by
the test suite.
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from portal_client import PASSWORD, Portal, build_world, registration_id, site_form  # noqa: E402
from results_world import add_owned_site, card, store_sweep  # noqa: E402

SITES = [("xc_edu", "西城区人民政府网站", "http://www.bjxch.gov.cn/", "北京市西城区"),
         ("dc_edu", "东城区教育委员会网站", "http://www.bjdch.gov.cn/", "北京市东城区"),
         ("cs_gov", "长沙市人民政府网站", "http://www.changsha.gov.cn/", "湖南省长沙市"),
         ("tax_bj_web", "国家税务总局北京市税务局网站", "http://beijing.chinatax.gov.cn/", "北京市")]


def build(directory: Path):
    from portal.app import create_app
    from pucha import settings as pucha_settings
    from pucha.store import open_store

    directory.mkdir(parents=True, exist_ok=True)
    database = directory / "portal.sqlite3"
    if database.exists():
        raise SystemExit(f"{database} exists: give a fresh --dir")
    settings = pucha_settings.load(environ={"PUCHA_HOME": str(directory / "home"), "PUCHA_OUTBOX_INTERVAL": "0"},
                                   config=directory / "absent.toml")
    app = create_app(settings, db_url=f"sqlite:///{database}")
    world = build_world(app.state.db_url)
    cards = []
    for owner, name, home, region in SITES:
        _, code, _ = add_owned_site(app.state.db_url, world.units[owner], name, home, region)
        cards.append(card(home, name, region, "", veto=owner == "xc_edu", tenths=25, site_code=code))
    store = open_store(settings)
    store_sweep(store, cards)
    store.close()

    with Portal(app) as edu, Portal(app) as county, Portal(app) as province:
        edu.login("xc_edu"), county.login("xc"), province.login("bj")
        registration_id(edu.form("/registrations", site_form("西城区教育考试中心", "http://ks.bjxch.gov.cn/")))  # draft
        submitted = registration_id(edu.form("/registrations", site_form()))
        edu.form(f"/registrations/{submitted}/submit")  # waits for the county
        returned = registration_id(edu.form("/registrations", site_form("西城区体育中心", "http://ty.bjxch.gov.cn/")))
        edu.form(f"/registrations/{returned}/submit")
        county.form(f"/registrations/{returned}/return", {"reason": "办公地址应写到门牌号"})
        approved = registration_id(edu.form("/registrations", site_form("西城区图书馆", "http://lib.bjxch.gov.cn/")))
        edu.form(f"/registrations/{approved}/submit")
        county.form(f"/registrations/{approved}/approve")
        province.form(f"/registrations/{approved}/approve")  # issues the code; its mail waits in the outbox
    return app


def cookie(port: int, user: str, password: str = PASSWORD, source: str = "127.0.0.1") -> str:
    """Sign in from ``source`` (another loopback address, e.g. 127.0.0.2, once the
    scanner's failed logins have throttled 127.0.0.1: the throttle counts by address)."""
    import httpx

    transport = httpx.HTTPTransport(local_address=source)
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", follow_redirects=False, transport=transport) as client:
        page = client.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        answer = client.post("/login", data={"username": user, "password": password, "csrf_token": token})
        if answer.status_code != 303:
            raise SystemExit(f"login failed: {answer.status_code}")
        return f"pucha_session={client.cookies['pucha_session']}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=["serve", "cookie"])
    parser.add_argument("--dir", type=Path, default=Path("/tmp/pucha-scan"))
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--user", default="bj")
    parser.add_argument("--source", default="127.0.0.1", help="local address to sign in from (cookie)")
    args = parser.parse_args(argv)
    if args.action == "cookie":
        print(cookie(args.port, args.user, source=args.source))
        return 0
    import uvicorn

    app = build(args.dir)
    print(f"serving on http://127.0.0.1:{args.port}/ (accounts: {', '.join(['national', 'bj', 'xc', 'xc_edu'])}…, "
          f"password {PASSWORD})", flush=True)
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", proxy_headers=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
