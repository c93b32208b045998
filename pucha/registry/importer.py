"""Importing registration files (附件3 and 附件4) into the registry, all or nothing.

A file is read (read_file) and every row checked (check_file) before
anything is written; any problem and the whole file is refused, with every
problem listed (file, sheet, row, field).  The import then runs in one
transaction.  The portal reads and checks with the same two functions and
files what they return for review instead of writing it (portal.files).  A site is
known by its normalised homepage: importing it again updates it, replaces
its columns with those of the file, and records what changed in
``site_history``; an import that changes nothing records nothing.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, selectinload

from pucha.db import ensure_db, session_scope
from pucha.registry import headers
from pucha.registry.loader import normalise_url
from pucha.registry.changes import ColumnRow, add_sites, change_site
from pucha.registry.model import FORM_FIELDS, Column, Site
from pucha.registry.problems import Problem, Problems, RegistryImportError
from pucha.registry.readers import read_csv, read_workbook
from pucha.registry.sheetsize import SheetLimits
from pucha.registry.tables import Table, parse_table
from pucha.registry.validation import (NONE, PHONE_PAIRS, Invalid, check_category, check_field,
                                       check_text, check_url, split_list)

__all__ = ["CheckedFile", "ImportResult", "ReadFile", "RegistryImportError", "SheetLimits", "check_file",
           "import_registry", "read_file"]

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
CSV_SUFFIXES = (".csv", ".txt", ".tsv")


@dataclass(frozen=True)
class ImportResult:
    source: str
    added: int  # sites new to the registry
    updated: int  # registered sites the file changed (fields or columns)
    unchanged: int  # registered sites the file left as they were
    columns: int  # columns the file registers (rows of "无" count none)
    # Values accepted but doubtful (an everyday province name in an ICP number, a phone without
    # its area code, ...), placed like problems, for a person to check.
    doubts: tuple[Problem, ...] = ()

    def __str__(self) -> str:
        text = (f"{self.source} 导入完成：新增网站 {self.added} 个，更新 {self.updated} 个，"
                f"未变 {self.unchanged} 个；栏目 {self.columns} 个")
        if self.doubts:
            text += f"\n需核实 {len(self.doubts)} 处（已导入，请核对后更正）：\n" + "\n".join(map(str, self.doubts))
        return text


@dataclass
class SiteRow:
    row: int
    values: dict[str, str]  # FORM_FIELDS -> cleaned value


@dataclass
class ReadFile:
    """A registration file read into tables, and what was wrong while reading."""

    name: str  # the file's name, as messages show it
    sites: Table | None
    columns: Table | None
    replace_columns: bool  # the file says which columns its sites have (a workbook, or a columns file)
    problems: Problems


@dataclass(frozen=True)
class CheckedFile:
    """A registration file read and checked, nothing written: what the
    command line writes into the registry at once and the portal files for
    review (portal.files), so both accept and refuse exactly the same files."""

    sites: dict[str, SiteRow]  # normalised homepage -> its row of the sites table
    columns: dict[str, list[ColumnRow]] | None  # by homepage; None: the file says nothing of columns
    doubts: tuple[Problem, ...]


def read_file(path: str | Path, columns_path: str | Path | None = None,
              limits: SheetLimits = SheetLimits()) -> ReadFile:
    """Read one .xlsx workbook, or a sites .csv and (optionally) a columns
    .csv, without the database.  Raises RegistryImportError when nothing of
    it is readable; other problems wait in ``problems`` for check_file."""
    path = Path(path)
    columns_file = Path(columns_path) if columns_path is not None else None
    problems = Problems()
    sites, columns = _read(path, columns_file, problems, limits)
    if sites is None and columns is None:
        problems.raise_if_any()
    replace = columns_file is not None or path.suffix.lower() in WORKBOOK_SUFFIXES
    return ReadFile(path.name, sites, columns, replace, problems)


def check_file(session: Session, read: ReadFile) -> CheckedFile:
    """Check every row of a read file against the rules and the registry of
    ``session``, writing nothing.  Raises RegistryImportError listing every
    problem (file, sheet, row, field) when anything is wrong."""
    problems, doubts = read.problems, Problems()
    sites, named = _check_sites(read.sites, problems, doubts) if read.sites else ({}, set())
    columns = _check_columns(read.columns, named, session, problems) if read.columns else {}
    problems.raise_if_any()
    return CheckedFile(sites, columns if read.replace_columns else None, tuple(doubts.items))


def import_registry(path: str | Path, columns_path: str | Path | None = None, *,
                    url: str | None = None, source: str | None = None) -> ImportResult:
    """Import one .xlsx workbook, or a sites .csv and (optionally) a columns .csv.

    ``url`` is the database (default: the configured one); ``source`` is what
    the history records as the origin (default: the file names).  Without a
    columns file, the columns of the sites imported are left as they are.
    Raises RegistryImportError, listing every problem, when anything is wrong.
    """
    read = read_file(path, columns_path)  # nothing readable: no need to open the database
    source = source or " + ".join(Path(p).name for p in (path, columns_path) if p is not None)
    problems = Problems()
    try:
        ensure_db(url)
        with session_scope(url) as session:
            checked = check_file(session, read)
            result = _apply(session, checked.sites, checked.columns, source)
            return dataclasses.replace(result, doubts=checked.doubts)
    except IntegrityError:
        # Only a concurrent import of the same site gets here: the file itself was checked.
        problems.add(read.name, "与同时进行的另一次导入冲突（同一首页网址被同时登记），请重新导入")
    except OperationalError as exc:
        problems.add(read.name, f"无法写入登记库数据库（{exc.orig or exc}）")
    raise RegistryImportError(problems.items)


def _read(path: Path, columns_file: Path | None, problems: Problems,
          limits: SheetLimits) -> tuple[Table | None, Table | None]:
    suffix = path.suffix.lower()
    if suffix in WORKBOOK_SUFFIXES:
        if columns_file is not None:
            problems.add(columns_file.name, "xlsx 工作簿已含“栏目基本信息”工作表，不能再另给栏目文件")
        sheets = read_workbook(path, problems, limits)
        if sheets is None:
            return None, None
        return (parse_table(sheets[headers.SITES_SHEET], headers.SITE_HEADERS, problems),
                parse_table(sheets[headers.COLUMNS_SHEET], headers.COLUMN_HEADERS, problems))
    if suffix in CSV_SUFFIXES:
        raw_sites = read_csv(path, headers.SITES_SHEET, problems)
        sites = parse_table(raw_sites, headers.SITE_HEADERS, problems) if raw_sites else None
        columns = None
        if columns_file is not None:
            raw_columns = read_csv(columns_file, headers.COLUMNS_SHEET, problems)
            columns = parse_table(raw_columns, headers.COLUMN_HEADERS, problems) if raw_columns else None
        return sites, columns
    if suffix == ".xls":
        problems.add(path.name, "是旧版 Excel（.xls）文件，请另存为 .xlsx 后再导入")
    else:
        problems.add(path.name, f"不支持的文件类型“{suffix or '无扩展名'}”：请用 .xlsx 工作簿或 .csv 文件")
    return None, None


def _check_sites(table: Table, problems: Problems, doubts: Problems) -> tuple[dict[str, SiteRow], set[str]]:
    """The valid sites of the table by normalised homepage, and every homepage
    the table names (valid rows or not); problems for the invalid rows."""
    sites: dict[str, SiteRow] = {}
    first_row: dict[str, int] = {}  # homepage -> row, valid or not, to find repeats
    for row, cells in table.take_rows():
        values: dict[str, str] = {}
        for field in FORM_FIELDS:
            def doubt(message: str, field: str = field, row: int = row) -> None:
                doubts.add(table.file, message, table.sheet, row, table.labels[field])

            try:
                values[field] = check_field(field, cells[field], doubt)
            except Invalid as exc:
                problems.add(table.file, str(exc), table.sheet, row, table.labels[field])
        for office, mobile in PHONE_PAIRS:
            if values.get(office) == NONE and values.get(mobile) == NONE:
                problems.add(table.file, f"{table.labels[office]}和{table.labels[mobile]}不能都填“无”，至少留一个电话",
                             table.sheet, row, table.labels[mobile])
        if "homepage" not in values:
            continue
        home_url = normalise_url(values["homepage"])
        if home_url in first_row:
            problems.add(table.file, f"\"{values['homepage']}\" 与第{first_row[home_url]}行的首页网址重复"
                                     f"（同一网站只能登记一次）", table.sheet, row, table.labels["homepage"])
            continue
        first_row[home_url] = row
        if len(values) == len(FORM_FIELDS):
            sites[home_url] = SiteRow(row, values)
    return sites, set(first_row)


def _check_columns(table: Table, named: set[str], session: Session,
                   problems: Problems) -> dict[str, list[ColumnRow]]:
    """The columns of the table by site; a site named with only "无" rows gets [].

    ``named`` are the homepages of the sites table, valid or not: a column of
    a site whose own row is wrong is not reported again as unknown."""
    label = table.labels
    columns: dict[str, list[ColumnRow]] = {}
    outside: list[tuple[int, str, list[ColumnRow]]] = []  # rows of sites not in the file: known?
    homes: dict[str, str] = {}  # a site's ~17 rows repeat its homepage: checked once (valid ones only)
    for row, cells in table.take_rows():
        def bad(field: str, message: str) -> None:
            problems.add(table.file, message, table.sheet, row, label[field])

        category = None
        home_url = homes.get(cells["homepage"])
        try:
            if home_url is None:
                if not cells["homepage"] or headers.is_none_value(cells["homepage"]):
                    raise Invalid("必填，应为该栏目所属网站的首页网址")
                home_url = homes[cells["homepage"]] = normalise_url(check_url(cells["homepage"]))
        except Invalid as exc:
            bad("homepage", str(exc))
        try:
            if not cells["category"]:
                raise Invalid("必填，不能为空")
            category = check_category(cells["category"])
        except Invalid as exc:
            bad("category", str(exc))
        items = _column_items(cells, bad)
        if home_url and category and items is not None:
            rows = [(category, name, link) for name, link in items]
            if home_url in named:
                columns.setdefault(home_url, []).extend(rows)
            else:
                outside.append((row, home_url, rows))

    registered = {s for chunk in _chunks(sorted({h for _, h, _ in outside}))
                  for s in session.scalars(select(Site.home_url).where(Site.home_url.in_(chunk)))}
    for row, home_url, rows in outside:
        if home_url not in registered:
            problems.add(table.file, f"\"{home_url}\" 既不在本次导入的网站中，也不在登记库中（请先登记该网站）",
                         table.sheet, row, label["homepage"])
            continue
        columns.setdefault(home_url, []).extend(rows)
    return columns


def _column_items(cells: dict[str, str], bad) -> list[tuple[str, str]] | None:
    """(name, url) pairs of one 附件4 row: `;`-lists that pair up, or "无" for none."""
    names, links = cells["name"], cells["url"]
    for field, value in (("name", names), ("url", links)):
        if not value:
            bad(field, "必填，不能为空（该类别没有栏目请填“无”）")
    if not names or not links:
        return None
    if headers.is_none_value(names) or headers.is_none_value(links):
        if headers.is_none_value(names) and headers.is_none_value(links):
            return []
        bad("url" if headers.is_none_value(names) else "name", "栏目名称和栏目地址须同时填“无”（该类别没有栏目）")
        return None
    try:
        name_list = [check_text(n, 200) for n in split_list(names)]
    except Invalid as exc:
        bad("name", str(exc))
        return None
    try:
        link_list = split_list(links)
    except Invalid as exc:
        bad("url", str(exc))
        return None
    if len(name_list) != len(link_list):
        bad("url", f"栏目名称有 {len(name_list)} 项，栏目地址有 {len(link_list)} 项，"
                   f"应按同一顺序一一对应（用“;”分隔）")
        return None
    pairs, ok = [], True
    for n, (name, link) in enumerate(zip(name_list, link_list), 1):
        try:
            pairs.append((name, normalise_url(check_url(link))))
        except Invalid as exc:
            where = f"第{n}项 " if len(link_list) > 1 else ""
            bad("url", where + str(exc))
            ok = False
    return pairs if ok else None


def _apply(session: Session, sites: dict[str, SiteRow], columns: dict[str, list[ColumnRow]] | None,
           source: str) -> ImportResult:
    touched = list(sites) + [h for h in (columns or {}) if h not in sites]
    new: list[tuple[dict[str, str], list[ColumnRow]]] = []
    updated = 0
    # A chunk at a time, registered rows and changed objects alike: a national re-import may
    # compare and change every one of 86,000 sites.
    for chunk in _chunks(touched):
        existing = _registered(session, chunk, with_columns=columns is not None)
        changed = []
        for home_url in chunk:
            values = sites[home_url].values if home_url in sites else None
            new_columns = None if columns is None else columns.get(home_url, [])
            if home_url not in existing:
                new.append((values, new_columns or []))
                continue
            site_id, old_values, old_columns = existing[home_url]
            # The comparisons change_site makes: only the sites they find changed are loaded as objects.
            if (values is not None and any(old_values[f] != v for f, v in values.items())) or \
                    (new_columns is not None and old_columns != new_columns):
                changed.append(site_id)
        if changed:
            for site in session.scalars(select(Site).where(Site.id.in_(changed))
                                        .options(selectinload(Site.columns))):
                updated += change_site(session, site, source,
                                       sites[site.home_url].values if site.home_url in sites else None,
                                       None if columns is None else columns.get(site.home_url, []))
            session.flush()
            session.expunge_all()
    add_sites(session, new, source)
    total = sum(len(c) for c in (columns or {}).values())
    return ImportResult(source, len(new), updated, len(touched) - len(new) - updated, total)


def _registered(session: Session, homes: list[str], with_columns: bool
                ) -> dict[str, tuple[int, dict[str, str], list[ColumnRow] | None]]:
    """home_url -> (id, form values, columns in order) of the registered sites among ``homes``, as rows."""
    found: dict[str, tuple[int, dict[str, str], list[ColumnRow] | None]] = {}
    fields = [getattr(Site, f) for f in FORM_FIELDS]
    for chunk in _chunks(homes):
        rows = session.execute(select(Site.id, Site.home_url, *fields).where(Site.home_url.in_(chunk))).all()
        by_id: dict[int, list[ColumnRow]] = {r[0]: [] for r in rows}
        if with_columns and by_id:
            for site_id, *column in session.execute(
                    select(Column.site_id, Column.category, Column.name, Column.url)
                    .where(Column.site_id.in_(list(by_id))).order_by(Column.site_id, Column.position)):
                by_id[site_id].append(tuple(column))
        for site_id, home_url, *values in rows:
            found[home_url] = (site_id, dict(zip(FORM_FIELDS, values)), by_id[site_id] if with_columns else None)
    return found


def _chunks(items: list, size: int = 500):
    # A national file holds some 86,000 sites: more than a database takes as
    # parameters of one IN (SQLite 32,766, PostgreSQL 65,535).
    for start in range(0, len(items), size):
        yield items[start:start + size]
