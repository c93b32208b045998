"""Registration files: 生成文件 (a filing as a workbook), importing a file
into the review (an organisation unit's 导入), and 导出上报表 (the Excel
form a unit prints, signs and sends up).

Files are written and read by the registry's own code (write_workbook,
importer.read_file and check_file), so what the portal generates the command
line imports too, and an import is refused or accepted by the same checks.
An import writes nothing into the registry: it files each site for review.
"""
from __future__ import annotations

import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import audit, batches, review
from portal.exports import neutral
from pucha import localtime
from portal.errors import Forbidden, PortalError
from portal.filings import EDITABLE_STATES
from portal.models import Account, Registration, SiteOwner, Unit
from pucha.registry import headers, importer
from pucha.registry.loader import normalise_url
from pucha.registry.model import FORM_FIELDS, Site
from pucha.registry.problems import Problem, Problems, RegistryImportError
from pucha.registry.sheetsize import SheetLimits
from pucha.registry.workbook import write_workbook

MAX_UPLOAD = 20 * 1024 * 1024


def generate_file(registration: Registration, directory: Path) -> Path:
    """生成文件: the filing as a registration workbook."""
    if not registration.form:
        raise PortalError("登记内容为空，请先填写并保存")
    columns = [dict(zip(("category", "name", "url"), c)) for c in registration.columns]
    return write_workbook([{**registration.form, "columns": columns}], directory / f"登记-{registration.id}.xlsx")


@dataclass(frozen=True)
class ImportBatch:
    """The filings one imported file became: reviewed one by one or as a batch."""

    file: str
    batch: str  # the label every filing of the file carries in its reason (portal.batches)
    ids: list[int]
    unchanged: int  # sites the file repeats exactly as registered: nothing to review
    doubts: tuple[Problem, ...] = ()

    def __str__(self) -> str:
        text = f"{self.file}：{len(self.ids)} 个网站的登记进入审核（批次 {self.batch}）"
        if self.unchanged:
            text += f"，{self.unchanged} 个与登记库相同、无需审核"
        if self.doubts:
            text += f"；需核实 {len(self.doubts)} 处（审核时请核对）：" + "；".join(map(str, self.doubts))
        return text


def import_file(session_factory, actor: Account, owner_id: int, path: Path,
                columns_path: Path | None = None, limits: SheetLimits = SheetLimits()) -> ImportBatch:
    """File every site of a registration file for the reporting unit
    ``owner_id`` and put the filings under review at the importer's level.

    Nothing reaches the registry here: each site becomes a Registration
    holding the file's values, applied by the last approval as a web
    filing is (portal.review).  All or nothing: any problem the registry's
    own checks find, a site owned outside the importer's units, or a new
    site another filing already claims, and no filing is created.  Blocking
    (openpyxl): the route runs it in a worker thread."""
    read = importer.read_file(path, columns_path, limits)
    with session_factory() as session:
        me = session.get(Account, actor.id)
        owner = session.get(Unit, owner_id)
        if owner is None or owner.kind != "reporting" or not me.unit.contains(owner):
            raise PortalError("请选择本单位或下级的一个填报单位作为这些网站的主管（填报）单位", "owner")
        checked = importer.check_file(session, read)
        homes = list(checked.sites) + [h for h in checked.columns or {} if h not in checked.sites]
        existing: dict[str, Site | None] = dict.fromkeys(homes)
        for at in range(0, len(homes), 500):  # IN lists of a bounded length (SQLite's parameter limit)
            existing.update((s.home_url, s) for s in session.scalars(
                select(Site).where(Site.home_url.in_(homes[at:at + 500]))))
        drafts = _check_claims(session, me, owner, read.name, checked, existing)
        levels = review.chain(session, owner)
        start = next((u for u in levels if u.id == me.unit_id), levels[0] if levels else None)
        if start is None:
            raise PortalError("该填报单位没有上级组织单位，无法审核")
        filed = [(h, *_filing(checked, h, existing[h])) for h in homes]
        changed = [(h, form, columns) for h, form, columns in filed
                   if existing[h] is None or (form, columns) != _registered(existing[h])]
        batch = f"{localtime.local(localtime.now_utc()):%Y%m%d%H%M}-{secrets.token_hex(2)}"
        ids: list[int] = []
        for n, (home, form, columns) in enumerate(changed, 1):
            site = existing[home]
            label = f"导入文件 {read.name}{batches.tag(batch)}第 {n}/{len(changed)} 个"
            registration = drafts.get(home) or Registration(
                kind="change" if site else "new", state="draft", unit_id=owner.id, site_id=site.id if site else None)
            registration.form, registration.columns, registration.reason = form, columns, label
            session.add(registration)
            session.flush()
            review.start_at(session, registration, me, start, label)
            ids.append(registration.id)
        audit.record(session, me.username, "import_file", f"unit:{owner.id}", owner,
                     after={"file": read.name, "batch": batch, "registrations": ids},
                     note=f"{len(ids)} 个网站进入审核，{len(filed) - len(changed)} 个未变")
    return ImportBatch(read.name, batch, ids, len(filed) - len(changed), checked.doubts)


def _filing(checked: importer.CheckedFile, home: str, site: Site | None) -> tuple[dict, list[list[str]]]:
    """The form and columns a filing of ``home`` holds: the file's, and what
    the file does not say (a columns-only row, a sites .csv alone) as registered."""
    form = dict(checked.sites[home].values) if home in checked.sites else site.form_values()
    if checked.columns is not None:
        columns = [list(c) for c in checked.columns.get(home, [])]
    else:
        columns = _registered(site)[1] if site else []
    return form, columns


def _registered(site: Site) -> tuple[dict, list[list[str]]]:
    return site.form_values(), [[c.category, c.name, c.url] for c in site.columns]


def _check_claims(session: Session, me: Account, owner: Unit, name: str, checked: importer.CheckedFile,
                  existing: dict[str, Site | None]) -> dict[str, Registration]:
    """Refuse the whole file when a site in it is another area's, or a new
    site of it is already claimed by an open filing, naming its row.

    The draft (or returned) filing of a new site by ``owner`` itself is not
    a rival claim: it is the filing the file was generated from (生成文件),
    and the import puts it under review; those drafts by homepage."""
    problems = Problems()
    # One query, not one per site: a city's file holds hundreds of sites.
    claims = {normalise_url(r.form["homepage"]): r for r in session.scalars(select(Registration).where(
        Registration.kind == "new", Registration.state != "approved", Registration.site_id.is_(None))
        .order_by(Registration.id)) if r.form.get("homepage")}
    drafts = {h: r for h, r in claims.items() if r.unit_id == owner.id and r.state in EDITABLE_STATES}
    for home, site in existing.items():
        if site is None:
            if home in claims and home not in drafts:
                problems.add(name, f"“{home}”已有一份未办结的登记（同一网站只能登记一次）", headers.SITES_SHEET,
                             checked.sites[home].row, headers.label(headers.SITE_HEADERS, "homepage"))
            continue
        unit = session.scalar(select(Unit).join(SiteOwner, SiteOwner.unit_id == Unit.id)
                              .where(SiteOwner.site_id == site.id))
        if unit is None and me.unit.kind != "national" or unit is not None and not me.unit.contains(unit):
            raise Forbidden(f"文件中的网站 {home} 已由其他地区或部门登记，不能由本单位导入；文件未导入")
    problems.raise_if_any()
    return {h: r for h, r in drafts.items() if existing.get(h, 0) is None}


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


__all__ = ["ImportBatch", "RegistryImportError", "export_report", "generate_file", "import_file", "scratch_dir"]
