"""Open data, as US Site Scanning publishes its scans: the public registry and
one 监测时间点's results as CSV (UTF-8 with BOM, so Excel opens it in
Chinese) and JSON Lines, with a data dictionary and a manifest.

    export_open_data(settings, as_of, out_dir) -> manifest dict

Only public facts: never a person's name, telephone or address, and never a
site whose first registration is still under review.  The portal serves the
newest export found under ``<PUCHA_HOME>/open-data/<as_of>/``.
"""
from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from sqlalchemy import inspect, select, text

from census.report import build_report
from pucha import localtime
from pucha.db import ensure_db, engine_for, session_scope
from pucha.errors import UserError
from pucha.registry.model import Site
from pucha.store import open_store
from scorers.decision_store import load_decisions
from pucha.rulebook import load_rulebook

# (field, Chinese name, meaning): the dictionary, and the columns in this order.
SITE_FIELDS = (
    ("site_code", "网站标识码", "普查报送系统发放的网站标识码；未发放时为空"),
    ("name", "网站名称", "网站的中文名称（附件3）"),
    ("region", "部门/地区", "本级政府的行政区划全称，或国务院部门名称（附件3 填写说明一）"),
    ("site_type", "网站类型", "政府门户网站、部门网站等"),
    ("sponsor", "网站主管单位", "网站主管单位全称"),
    ("homepage", "首页网址", "登记的首页网址"),
    ("icp", "ICP备案编号", "网站对应的 ICP 备案编号；“无”表示没有"),
    ("status", "网站状态", "running 正常运行、rectifying 整改中、closed 已关停、merged 已整合"),
)
RESULT_FIELDS = (
    ("as_of", "监测时间点", "普查的监测日期（北京时间，YYYY-MM-DD）"),
    ("site_code", "网站标识码", "同上"),
    ("name", "网站名称", "同上"),
    ("region", "部门/地区", "同上"),
    ("home_url", "首页网址（规范化）", "普查检查的首页地址"),
    ("verdict", "结论", "pass 合格，fail 不合格（附件2：单项否决或扣分超过 40 分为不合格）"),
    ("vetoes", "单项否决", "触发的单项否决指标编号，以分号分隔；空为没有"),
    ("veto_titles", "单项否决（名称）", "同上，附件2 的指标名称"),
    ("total_deduction", "扣分合计", "各指标扣分之和（分，保留一位小数）"),
    ("deductions", "各指标扣分", "指标编号=扣分，以分号分隔"),
    ("needs_review", "待人工确认", "普查程序发现、须人工确认的疑似问题数"),
)


def _published_sites(db_url: str) -> list[Site]:
    ensure_db(db_url)
    engine = engine_for(db_url)
    pending: set[int] = set()
    if inspect(engine).has_table("portal_registration"):  # the portal's table, when the portal runs
        with engine.connect() as c:
            pending = {r[0] for r in c.execute(text(
                "SELECT site_id FROM portal_registration WHERE kind = 'new' AND state != 'approved'"))}
    with session_scope(db_url) as s:
        sites = [x for x in s.scalars(select(Site).order_by(Site.id)) if x.id not in pending]
        s.expunge_all()
    return sites


def _write(out: Path, stem: str, fields: tuple, rows: list[dict[str, Any]]) -> list[str]:
    names = [f for f, _, _ in fields]
    with open(out / f"{stem}.csv", "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(names)
        w.writerows([[r[n] if r[n] is not None else "" for n in names] for r in rows])
    with open(out / f"{stem}.jsonl", "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps({n: r[n] for n in names}, ensure_ascii=False) + "\n")
    return [f"{stem}.csv", f"{stem}.jsonl"]


def export_open_data(settings, as_of: str, out_dir: str | Path) -> dict[str, Any]:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    book = load_rulebook(settings.rulebook)
    sites = [{f: getattr(x, f) for f, _, _ in SITE_FIELDS} for x in _published_sites(settings.database_url)]
    store = open_store(settings)
    try:
        records = store.scorecards(as_of)
    finally:
        store.close()
    if not records:
        raise UserError(f"没有监测时间点 {as_of} 的评分结果：先运行 pucha sweep --as-of {as_of}")
    cards = build_report(records, as_of, load_decisions(settings.database_url), settings.rulebook)["sites"]
    results = [{"as_of": as_of, "site_code": c.get("site_code"), "name": c["name"], "region": c["region"],
                "home_url": c["home_url"], "verdict": c["verdict"],
                "vetoes": ";".join(v["rule"] for v in c["vetoes"]),
                "veto_titles": ";".join(book.titles.get(v["rule"], v["rule"]) for v in c["vetoes"]),
                "total_deduction": c["total_deduction"],
                "deductions": ";".join(f"{d['rule']}={d['points']:g}" for d in c["deductions"]),
                "needs_review": len(c["needs_review"])} for c in cards]
    files = _write(out, "sites", SITE_FIELDS, sites) + _write(out, "results", RESULT_FIELDS, results)
    dictionary = [{"file": stem, "field": f, "name": n, "meaning": m}
                  for stem, fields in (("sites", SITE_FIELDS), ("results", RESULT_FIELDS)) for f, n, m in fields]
    with open(out / "dictionary.csv", "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(["文件", "字段", "名称", "含义"])
        w.writerows([[d["file"], d["field"], d["name"], d["meaning"]] for d in dictionary])
    (out / "dictionary.json").write_text(json.dumps(dictionary, ensure_ascii=False, indent=1), encoding="utf-8")
    manifest = {"as_of": as_of, "made_at": localtime.local(localtime.now_utc()).isoformat(timespec="seconds"),
                "rulebook": book.id, "sites": len(sites), "results": len(results),
                "files": files + ["dictionary.csv", "dictionary.json"]}
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest


def latest(root: Path) -> tuple[Path, dict[str, Any]] | None:
    """The newest export (by 监测时间点) under ``root``, with its manifest."""
    found = []
    for m in root.glob("*/manifest.json") if root.is_dir() else ():
        try:
            found.append((json.loads(m.read_text(encoding="utf-8"))["as_of"], m.parent))
        except (ValueError, KeyError):
            continue
    if not found:
        return None
    as_of, folder = max(found)
    return folder, json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
