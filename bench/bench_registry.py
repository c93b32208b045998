"""The registry at national scale (issue 14): `pucha registry import` of 85,890 sites (the 2015
count) with ~17 columns each (~1.5 million), into SQLite and into a throwaway PostgreSQL
database, then the same file again (every site unchanged), then `pucha sweep`'s site source
reading the whole registry (beside load_sites, which holds it whole, as the sweep did).

    .venv/bin/python bench/bench_registry.py [--sites 85890] [--columns 17] [--skip-postgres]

The files are 附件3/附件4 as CSV (what import_registry takes for a national file: a workbook of
1.5 million rows is an Excel user's problem before it is ours), written from valid values that pass
pucha.registry's validators.  Each phase runs in a child process of its own, so the peak RSS
(ru_maxrss) printed is that phase's alone.  Baseline: the same rows through a bare SQLAlchemy Core
executemany into the same empty schema (no checks, no history), reported as a ratio.
"""
from __future__ import annotations

import argparse
import csv
import json
import resource
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests")]

CATEGORIES = ("工作动态", "通知公告", "政策文件", "规划计划", "人事信息", "机构设置及职能", "信息公开其他",
              "政务咨询类栏目", "调查征集类栏目", "互动访谈类栏目", "办事指南类栏目", "在线申报查询系统")


def site_values(i: int) -> dict[str, str]:
    """The i-th site's 附件3 row: unique homepage, ICP number and mobile; nothing the checks doubt."""
    from pucha.registry.numbers import RECORD_OFFICES  # the ICP offices' short names (蜀, not 川)

    office = RECORD_OFFICES[i % len(RECORD_OFFICES)]
    host = f"www{i}.site{i % 997}.gov.cn"
    return {
        "region": f"{office}第{i % 300}市", "name": f"人民政府网站{i}",
        "site_type": "门户网站" if i % 7 == 0 else "部门网站", "icp": f"{office}ICP备{i:08d}号",
        "homepage": f"http://{host}", "sponsor": f"人民政府办公室{i}", "address": f"中山路{i % 5000 + 1}号",
        "leader_name": "张伟", "leader_title": "主任", "leader_phone": f"0731-{85000000 + i % 999999}",
        "leader_mobile": f"138{i:08d}", "leader_email": f"leader{i}@{host}", "contact_name": "李娜",
        "contact_phone": f"0731-{86000000 + i % 999999}", "contact_mobile": "无", "contact_email": f"c{i}@{host}",
    }


def write_files(sites: int, columns: int, directory: Path) -> tuple[Path, Path]:
    """附件3 and 附件4 as CSV, headed by the forms' own labels (pucha.registry.headers)."""
    from pucha.registry import headers
    from pucha.registry.model import FORM_FIELDS
    from pucha.registry.workbook import COLUMN_FIELDS

    sites_csv, columns_csv = directory / "sites.csv", directory / "columns.csv"
    with open(sites_csv, "w", newline="", encoding="utf-8") as fs, \
            open(columns_csv, "w", newline="", encoding="utf-8") as fc:
        ws, wc = csv.writer(fs), csv.writer(fc)
        ws.writerow([headers.label(headers.SITE_HEADERS, f) for f in FORM_FIELDS])
        wc.writerow([headers.label(headers.COLUMN_HEADERS, f) for f in COLUMN_FIELDS])
        for i in range(sites):
            values = site_values(i)
            ws.writerow([values[f] for f in FORM_FIELDS])
            for c in range(columns):  # one column a row, as write_workbook writes them
                wc.writerow([values["homepage"], CATEGORIES[c % len(CATEGORIES)], f"栏目{c}",
                             f"{values['homepage']}/lm{c}/"])
    return sites_csv, columns_csv


# --- the phases, each in a child process --------------------------------------------------------
def phase_import(url: str, sites_csv: str, columns_csv: str) -> str:
    from pucha.registry.importer import import_registry

    r = import_registry(sites_csv, columns_csv, url=url)
    return f"added {r.added}, updated {r.updated}, unchanged {r.unchanged}, columns {r.columns}"


def phase_baseline(url: str, sites_csv: str, columns_csv: str) -> str:
    from sqlalchemy import insert, select

    from pucha.db import engine_for, ensure_db
    from pucha.registry.model import FORM_FIELDS, Column, Site
    from pucha.registry.loader import normalise_url

    ensure_db(url)
    with open(sites_csv, encoding="utf-8") as f:
        rows = list(csv.reader(f))[1:]
    with engine_for(url).begin() as conn:
        conn.execute(insert(Site), [{**dict(zip(FORM_FIELDS, r)), "home_url": normalise_url(r[4]),
                                     "status": "running"} for r in rows])
        ids = dict(conn.execute(select(Site.home_url, Site.id)).all())
        with open(columns_csv, encoding="utf-8") as f:
            reader = csv.reader(f)
            next(reader)
            batch, position, last = [], 0, None
            for home, category, name, link in reader:
                position = position + 1 if home == last else 0
                last = home
                batch.append({"site_id": ids[normalise_url(home)], "category": category, "name": name,
                              "url": link, "position": position})
                if len(batch) == 50_000:
                    conn.execute(insert(Column), batch)
                    batch = []
            conn.execute(insert(Column), batch)
    return f"sites {len(rows)}"


def phase_source(url: str, *_: str) -> str:
    from census.sweepjob import SiteSource

    source = SiteSource(url)
    n = columns = 0
    for site in source:
        n += 1
        columns += len(site.columns)
    return f"{n} sites, {columns} columns streamed ({source.queries} queries)"


def phase_load(url: str, *_: str) -> str:
    from pucha.registry.loader import load_sites

    sites = load_sites(url)
    return f"{len(sites)} sites, {sum(len(s.columns) for s in sites)} columns at once"


PHASES = {"import": phase_import, "baseline": phase_baseline, "source": phase_source, "load": phase_load}


def child(name: str, *args: str) -> None:
    started = time.perf_counter()
    text = PHASES[name](*args)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(json.dumps({"seconds": time.perf_counter() - started, "peak_mb": peak_kb / 1024, "text": text}))


def run_phase(name: str, *args: str) -> dict:
    proc = subprocess.run([sys.executable, __file__, "--child", name, *args], capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"phase {name} failed:\n{proc.stdout}\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def report(label: str, r: dict, base: dict | None = None) -> None:
    ratio = (f"  time {r['seconds'] / base['seconds']:4.2f}x, RSS {r['peak_mb'] / base['peak_mb']:4.2f}x baseline"
             if base else "")
    print(f"  {label:<34} {r['seconds']:8.1f} s  peak RSS {r['peak_mb']:6.0f} MB{ratio}  ({r['text']})")


def bench(label: str, make_url, sites_csv: Path, columns_csv: Path) -> None:
    print(f"{label}:")
    files = (str(sites_csv), str(columns_csv))
    base = run_phase("baseline", make_url("baseline"), *files)
    report("baseline: Core executemany", base)
    url = make_url("import")
    report("import_registry (empty registry)", run_phase("import", url, *files), base)
    report("import_registry again (unchanged)", run_phase("import", url, *files), base)
    whole = run_phase("load", url)
    report("baseline: load_sites (all at once)", whole)
    source = run_phase("source", url)
    report("sweep's site source (all sites)", source, whole)


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(*sys.argv[2:])
        return 0
    parser = argparse.ArgumentParser()
    parser.add_argument("--sites", type=int, default=85_890)
    parser.add_argument("--columns", type=int, default=17, help="columns a site")
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()
    if args.sites < 1 or args.columns < 0:
        parser.error("--sites must be at least 1 and --columns at least 0")
    with tempfile.TemporaryDirectory(prefix="bench-registry-") as tmp, ExitStack() as stack:
        t = time.perf_counter()
        sites_csv, columns_csv = write_files(args.sites, args.columns, Path(tmp))
        size = (sites_csv.stat().st_size + columns_csv.stat().st_size) / 1e6
        print(f"{args.sites} sites, {args.sites * args.columns} columns: CSV {size:.0f} MB written in "
              f"{time.perf_counter() - t:.1f} s")
        bench("SQLite", lambda name: f"sqlite:///{tmp}/{name}.sqlite3", sites_csv, columns_csv)
        if not args.skip_postgres:
            from servicekit.postgres import throwaway_database

            bench("PostgreSQL", lambda name: stack.enter_context(throwaway_database(f"bench_registry_{name}")),
                  sites_csv, columns_csv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
