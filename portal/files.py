"""Registration files: 生成文件 (a filing as a workbook), importing a file
into the review (an organisation unit's 导入), and 导出上报表 (the Excel
form a unit prints, signs and sends up).

Files are written and read by the registry's own code (write_workbook,
import_registry), so what the portal generates the command line imports too.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import audit, review
from portal.exports import neutral
from pucha import localtime
from portal.errors import Forbidden, PortalError
from portal.models import Account, Registration, SiteOwner, Unit
from pucha.registry import headers
from pucha.registry.importer import ImportResult, import_registry
from pucha.registry.loader import normalise_url
from pucha.registry.model import FORM_FIELDS, Site
from pucha.registry.problems import Problems, RegistryImportError
from pucha.registry.readers import read_csv, read_workbook
from pucha.registry.tables import parse_table
from pucha.registry.workbook import write_workbook
from pucha.registry import importer

MAX_UPLOAD = 20 * 1024 * 1024


def generate_file(registration: Registration, directory: Path) -> Path:
    """生成文件: the filing as a registration workbook."""
    if not registration.form:
        raise PortalError("登记内容为空，请先填写并保存")
    columns = [dict(zip(("category", "name", "url"), c)) for c in registration.columns]
    return write_workbook([{**registration.form, "columns": columns}], directory / f"登记-{registration.id}.xlsx")


def _homepages(path: Path, columns_path: Path | None) -> list[str]:
    """The homepages a file registers, read as the importer reads them."""
    problems = Problems()
    suffix = path.suffix.lower()
    if suffix in importer.WORKBOOK_SUFFIXES:
        sheets = read_workbook(path, problems)
        table = parse_table(sheets[headers.SITES_SHEET], headers.SITE_HEADERS, problems) if sheets else None
    else:
        raw = read_csv(path, headers.SITES_SHEET, problems) if suffix in importer.CSV_SUFFIXES else None
        table = parse_table(raw, headers.SITE_HEADERS, problems) if raw else None
    if table is None:
        return []  # the importer will say what is wrong with the file
    homes = []
    for _, cells in table.rows:
        try:
            homes.append(normalise_url(cells["homepage"]))
        except ValueError:
            pass  # an invalid homepage: the importer reports it with its row
    return homes


def import_file(db_url: str, session_factory, actor: Account, owner_id: int, path: Path,
                columns_path: Path | None = None) -> tuple[ImportResult, list[int]]:
    """Import a registration file for the reporting unit ``owner_id`` and put
    its sites under review at the importer's level; the filings' ids.

    All or nothing: a file naming a site owned outside the importer's units,
    or any problem the registry importer finds, and nothing is imported."""
    with session_factory() as session:
        owner = session.get(Unit, owner_id)
        if owner is None or owner.kind != "reporting" or not actor.unit.contains(owner):
            raise PortalError("请选择本单位或下级的一个填报单位作为这些网站的主管（填报）单位", "owner")
        homes = _homepages(path, columns_path)
        for home in homes:
            site = session.scalar(select(Site).where(Site.home_url == home))
            if site is None:
                continue
            unit = session.scalar(select(Unit).join(SiteOwner, SiteOwner.unit_id == Unit.id)
                                  .where(SiteOwner.site_id == site.id))
            if unit is None and actor.unit.kind != "national" or unit is not None and not actor.unit.contains(unit):
                raise Forbidden(f"文件中的网站 {home} 已由其他地区或部门登记，不能由本单位导入；文件未导入")
    result = import_registry(path, columns_path, url=db_url, source=f"门户导入：{actor.username}（{path.name}）")
    ids: list[int] = []
    with session_factory() as session:
        me = session.get(Account, actor.id)
        owner = session.get(Unit, owner_id)
        levels = review.chain(session, owner)
        start = next((u for u in levels if u.id == me.unit_id), levels[0] if levels else None)
        if start is None:
            raise PortalError("该填报单位没有上级组织单位，无法审核")
        for home in dict.fromkeys(homes):
            site = session.scalar(select(Site).where(Site.home_url == home))
            if session.get(SiteOwner, site.id) is None:
                session.add(SiteOwner(site_id=site.id, unit_id=owner.id))
            registration = Registration(
                kind="change" if site.site_code else "new", state="draft", unit_id=owner.id, site_id=site.id,
                form=site.form_values(), columns=[[c.category, c.name, c.url] for c in site.columns], reason="")
            session.add(registration)
            session.flush()
            review.start_at(session, registration, me, start, f"导入文件 {path.name}")
            ids.append(registration.id)
        audit.record(session, me.username, "import_file", f"unit:{owner.id}", owner,
                     after={"file": path.name, "sites": len(ids)}, note=str(result))
    return result, ids


def export_report(session: Session, unit: Unit, directory: Path) -> Path:
    """导出上报表: the registered sites of ``unit`` and below, laid out to print and sign."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    sites = session.scalars(select(Site).join(SiteOwner, SiteOwner.site_id == Site.id)
                            .join(Unit, Unit.id == SiteOwner.unit_id)
                            .where(Unit.path.startswith(unit.path)).order_by(Site.id)).all()
    book = Workbook()
    sheet = book.active
    sheet.title = "政府网站基本信息上报表"
    labels = ["序号", "网站标识码", *(headers.label(headers.SITE_HEADERS, f) for f in FORM_FIELDS), "状态", "栏目数"]
    sheet.append(["政府网站基本信息上报表"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(labels))
    sheet["A1"].font, sheet["A1"].alignment = Font(size=16, bold=True), Alignment(horizontal="center")
    sheet.append([f"报送单位（盖章）：{unit.name}", "", "", "", "", f"导出日期：{localtime.today():%Y年%m月%d日}"])
    sheet.append(labels)
    thin = Side(style="thin")
    from portal.web import STATUS_NAMES
    for n, site in enumerate(sites, 1):
        sheet.append([n, site.site_code or "（审核中）", *(neutral(getattr(site, f)) for f in FORM_FIELDS),
                      STATUS_NAMES.get(site.status, site.status), len(site.columns)])
    for row in sheet.iter_rows(min_row=3, max_row=sheet.max_row):
        for cell in row:
            cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
            cell.alignment = Alignment(wrap_text=True, vertical="center")
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    sheet.append([])
    sheet.append(["填报人（签字）：", "", "", "审核人（签字）：", "", "", "单位负责人（签字）：", "", "", "日期："])
    for column in sheet.iter_cols(min_row=3, max_row=3):
        sheet.column_dimensions[column[0].column_letter].width = 14
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "3:3"
    path = directory / f"上报表-{unit.name}.xlsx"
    book.save(path)
    return path


def scratch_dir() -> Path:
    return Path(tempfile.mkdtemp(prefix="pucha-portal-"))


__all__ = ["RegistryImportError", "export_report", "generate_file", "import_file", "scratch_dir"]
