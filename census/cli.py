"""The command line, `pucha` (SPEC §2, §6, §7).

Each subcommand is a thin shell over a library function; errors a user can
fix end as one line naming what is wrong, and a non-zero exit.
"""
from __future__ import annotations

import argparse
import json
import sys
from datetime import date, timezone
from importlib import metadata
from pathlib import Path
from typing import Callable

from pucha import settings as settings_mod
from pucha.errors import ServiceUnavailable, UserError


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date in YYYY-MM-DD form: {text!r}") from None


# --- subcommands -------------------------------------------------------------------------


def cmd_registry_import(args: argparse.Namespace) -> int:
    from pucha.registry.importer import RegistryImportError, import_registry

    cfg = settings_mod.load()
    try:
        result = import_registry(args.path, args.columns, url=cfg.database_url)
    except RegistryImportError as exc:
        raise UserError(str(exc)) from None
    print(result)
    return 0


def cmd_sweep(args: argparse.Namespace) -> int:
    from census.sweep import run_sweep
    from census.sweepjob import SweepOptions

    cfg = settings_mod.load()
    overrides = {k: v for k, v in {
        "probe_rounds": args.probe_rounds, "probe_interval": args.probe_interval,
        "probe_timeout": args.probe_timeout, "link_timeout": args.link_timeout}.items() if v is not None}
    cfg = cfg.replace(**overrides)
    opts = SweepOptions(as_of=args.as_of, sites=args.site or None, local_workers=args.local_workers,
                        resume=args.resume, progress=not args.quiet)
    summary = run_sweep(cfg, opts)
    print(summary.text())
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from census.report import build_report, render_table, write_xlsx
    from pucha.store import open_store
    from scorers.decision_store import load_decisions

    cfg = settings_mod.load()
    if args.trends:
        from census.monitor.trends import report_trends

        _write_text(report_trends(cfg, args.as_of, args.format, args.region), args.output)
        return 0
    store = open_store(cfg)
    as_of = args.as_of.isoformat()
    records = store.scorecards(as_of, region=args.region)
    if not records:
        raise UserError(f"没有监测时间点 {as_of} 的评分结果{'（地区 ' + args.region + '）' if args.region else ''}："
                        f"先运行 pucha sweep --as-of {as_of}")
    report = build_report(records, as_of, load_decisions(cfg.database_url), cfg.rulebook)
    if args.format == "json":
        text = json.dumps(report, ensure_ascii=False, indent=2)
        _write_text(text, args.output)
    elif args.format == "table":
        _write_text(render_table(report), args.output)
    else:
        if not args.output:
            raise UserError("--format xlsx needs -o FILE")
        write_xlsx(report, args.output)
        print(f"wrote {args.output} ({len(report['sites'])} sites)")
    return 0


def cmd_export_open_data(args: argparse.Namespace) -> int:
    from census.opendata import export_open_data

    manifest = export_open_data(settings_mod.load(), args.as_of.isoformat(), args.output)
    print(f"wrote {args.output}: {manifest['sites']} sites, {manifest['results']} results")
    return 0


def _write_text(text: str, output: str | None) -> None:
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


def cmd_review(args: argparse.Namespace) -> int:
    from scorers.decision_store import DecisionError, record_decision

    cfg = settings_mod.load()
    try:
        rec = record_decision(cfg.database_url, site=args.site, action=args.action, reviewer=args.reviewer,
                              candidate_id=getattr(args, "candidate", None), rule=getattr(args, "rule", None),
                              count=getattr(args, "count", None), note=args.note or "",
                              as_of=args.as_of, store=_store_or_none(cfg))
    except DecisionError as exc:
        raise UserError(str(exc)) from None
    print(f"recorded: {rec.action} {rec.rule} {rec.candidate_id or ''} by {rec.reviewer} at "
          f"{rec.at.astimezone(timezone.utc).isoformat(timespec='seconds')}; "
          f"counts in the report of {rec.as_of.isoformat()} and every later one")
    return 0


def _store_or_none(cfg):
    from pucha.store import open_store

    return open_store(cfg)


def cmd_page(args: argparse.Namespace) -> int:
    from census.page import run_page

    print(run_page(settings_mod.load(), args.source, args.as_of, args.kind, args.format, url=args.url))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from census.demo import run_demo

    return run_demo(sites=args.sites, keep=args.keep)


def cmd_worker(args: argparse.Namespace) -> int:
    from census.distributed.worker import run_worker

    return run_worker(settings_mod.load(), role=args.role)


def cmd_monitor(args: argparse.Namespace) -> int:
    from census.monitor.run import run_monitor

    return run_monitor(settings_mod.load(), probes_per_day=args.probes_per_day)


# --- parser --------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="pucha", description="全国政府网站普查: registry, crawl, score, report.")
    sub = p.add_subparsers(dest="command", required=True)

    reg = sub.add_parser("registry", help="the registry of government websites")
    regsub = reg.add_subparsers(dest="registry_command", required=True)
    imp = regsub.add_parser("import", help="import a 附件3/附件4 workbook (.xlsx) or CSV files")
    imp.add_argument("path")
    imp.add_argument("--columns", help="the columns CSV (栏目基本信息) when PATH is the sites CSV")
    imp.set_defaults(func=cmd_registry_import)

    sw = sub.add_parser("sweep", help="crawl, probe, check and score the registered sites")
    sw.add_argument("--as-of", type=_date, required=True, help="监测时间点, YYYY-MM-DD")
    sw.add_argument("--site", action="append", metavar="URL", help="only this site (repeatable)")
    sw.add_argument("--probe-rounds", type=int)
    sw.add_argument("--probe-interval", type=float, metavar="SECONDS")
    sw.add_argument("--probe-timeout", type=float, metavar="SECONDS")
    sw.add_argument("--link-timeout", type=float, metavar="SECONDS")
    sw.add_argument("--local-workers", type=int, default=None,
                    help="distributed mode: worker processes to start here (0: leave it to `pucha worker`)")
    sw.add_argument("--resume", metavar="SWEEP", help="continue an interrupted sweep")
    sw.add_argument("-q", "--quiet", action="store_true", help="no progress bars")
    sw.set_defaults(func=cmd_sweep)

    rep = sub.add_parser("report", help="write the scorecards")
    rep.add_argument("--as-of", type=_date, required=True)
    rep.add_argument("--format", choices=("json", "xlsx", "table"), default="table")
    rep.add_argument("-o", "--output")
    rep.add_argument("--region", help="only this 部门/地区")
    rep.add_argument("--trends", action="store_true",
                     help="the monitor's daily availability and updates per region (json or table)")
    rep.set_defaults(func=cmd_report)

    rv = sub.add_parser("review", help="a reviewer's decision on a needs_review candidate, or a manual deduction")
    rvsub = rv.add_subparsers(dest="action", required=True)
    for action in ("confirm", "reject"):
        a = rvsub.add_parser(action, help=f"{action} a needs_review candidate")
        a.add_argument("candidate", help="the candidate's id (from the report's needs_review)")
    d = rvsub.add_parser("deduct", help="enter a manual deduction (accuracy.basic_info, accuracy.service_guide)")
    d.add_argument("--rule", required=True)
    d.add_argument("--count", type=int, required=True, help="number of inaccurate items (0 withdraws)")
    for a in rvsub.choices.values():
        a.add_argument("--site", required=True, help="the site's homepage URL")
        a.add_argument("--reviewer", required=True)
        a.add_argument("--note")
        a.add_argument("--as-of", type=_date, help="from which report on it counts (default: the report it was taken on: "
                            "the newest scorecard listing the candidate, or the site's newest scorecard)")
        a.set_defaults(func=cmd_review)

    pg = sub.add_parser("page", help="what pucha reads from one page (a saved file or a URL)")
    pg.add_argument("source", metavar="PATH|URL")
    pg.add_argument("--as-of", type=_date, required=True, help="监测时间点, YYYY-MM-DD (dates without a year)")
    pg.add_argument("--kind", choices=("auto", "homepage", "list", "article", "letters", "guide"), default="auto")
    pg.add_argument("--format", choices=("json", "table"), default="json")
    pg.add_argument("--url", help="a saved page's own address (its relative links are read against it)")
    pg.set_defaults(func=cmd_page)

    ex = sub.add_parser("export", help="publish the census").add_subparsers(dest="what", required=True)
    od = ex.add_parser("open-data", help="the public registry and results as CSV (UTF-8 BOM) and JSON Lines")
    od.add_argument("--as-of", type=_date, required=True)
    od.add_argument("-o", "--output", required=True, help="directory (the portal serves PUCHA_HOME/open-data/DATE)")
    od.set_defaults(func=cmd_export_open_data)

    demo = sub.add_parser("demo", help="start the bundled fleet, import it, sweep it, print the scorecards")
    demo.add_argument("--sites", type=int, default=40)
    demo.add_argument("--keep", action="store_true", help="keep PUCHA_HOME's demo data afterwards")
    demo.set_defaults(func=cmd_demo)

    wk = sub.add_parser("worker", help="a long-running distributed worker (needs Redis, Kafka, ClickHouse)")
    wk.add_argument("--role", choices=("crawl", "score", "ingest", "all"), default="all")
    wk.set_defaults(func=cmd_worker)

    mo = sub.add_parser("monitor", help="probe every homepage around the clock (附件2's week of probes)")
    mo.add_argument("--probes-per-day", type=int, default=None,
                    help="probes of each homepage a day (default and least: the rulebook's, 20 for 2015)")
    mo.set_defaults(func=cmd_monitor)
    _add_plugin_commands(sub)
    return p


def _add_plugin_commands(sub: argparse._SubParsersAction) -> None:
    """Subcommands of the packages above the application (the portal's ``pucha portal``).

    They register through the ``pucha.commands`` entry points (pyproject.toml) so that the
    command line never imports the portal, which itself imports the monitor and the report:
    each entry point is a ``register(subparsers)`` that adds its parser and its ``func``."""
    for entry in sorted(metadata.entry_points(group="pucha.commands"), key=lambda e: e.name):
        entry.load()(sub)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except UserError as exc:
        print(f"pucha: {exc}", file=sys.stderr)
        return 2
    except settings_mod.ConfigError as exc:
        print(f"pucha: 配置错误: {exc}", file=sys.stderr)
        return 2
    except ServiceUnavailable as exc:
        print(f"pucha: {exc}", file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        print("pucha: interrupted", file=sys.stderr)
        return 130

if __name__ == "__main__":
    sys.exit(main())
