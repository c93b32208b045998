"""Registration by a reporting unit (附件3/附件4 on the web, 生成文件), the
sites it manages (changes, status), and file import and export for
organisation units (导入, 导出上报表)."""
from __future__ import annotations

import shutil
import unicodedata
from pathlib import Path

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import FileResponse
from sqlalchemy import select
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool

from portal import files, filings, outbox
from portal.access import actor, login_required, org_required, reporting_required, visible_registration, visible_site
from portal.errors import PortalError
from portal.filings import FormErrors
from portal.models import Registration, SiteOwner, Unit
from portal.web import db, flash, redirect, render
from pucha.categories import CATEGORIES
from pucha.registry.model import FORM_FIELDS, SITE_STATUSES, Site
from pucha.registry.problems import RegistryImportError
from pucha.registry.sheetsize import SheetLimits

router = APIRouter()
MAX_FIELD = 5000  # longer form values are cut before checking (the rules then say "too long")


def _form_page(request: Request, data: dict, status: int = 200, errors: dict | None = None,
               error: str | None = None, action: str = "/registrations"):
    return render(request, "filing_form.html", status=status, data=data, errors=errors or {}, error=error,
                  fields=FORM_FIELDS, labels=filings.LABELS, categories=list(enumerate(CATEGORIES)), action=action)


async def _data(request: Request) -> dict[str, str]:
    form = await request.form()
    return {k: str(v)[:MAX_FIELD] for k, v in form.items() if isinstance(v, str)}


@router.get("/registrations")
def list_registrations(request: Request, account=Depends(login_required)):
    with db(request) as s:
        rows = s.execute(select(Registration, Unit).join(Unit, Unit.id == Registration.unit_id)
                         .where(Unit.path.startswith(account.unit.path)).order_by(Registration.id.desc())).all()
    return render(request, "registrations.html", rows=rows)


@router.get("/registrations/new")
def new_filing(request: Request, account=Depends(reporting_required)):
    return _form_page(request, {})


@router.post("/registrations")
async def create_filing(request: Request, account=Depends(reporting_required)):
    data = await _data(request)
    try:
        with db(request) as s:
            registration = filings.save(s, actor(s, account), data)
            rid = registration.id
    except FormErrors as exc:
        return _form_page(request, data, 400, exc.errors, str(exc))
    flash(request, "已保存。核对无误后请“提交审核”。")
    return redirect(f"/registrations/{rid}")


@router.get("/registrations/{rid}")
def show_filing(request: Request, rid: int, account=Depends(login_required)):
    with db(request) as s:
        registration = visible_registration(s, account, rid)
        steps = list(registration.steps)
        unit = s.get(Unit, registration.unit_id)
        pending = s.get(Unit, registration.pending_unit_id) if registration.pending_unit_id else None
        names = {u.id: u.name for u in s.scalars(select(Unit).where(Unit.id.in_({st.unit_id for st in steps})))}
        mails = outbox.mails_about(s, registration_id=rid)
        # A change under review shows what the registry holds now beside each
        # field it changes: a reviewer must see an email being replaced.
        site = s.get(Site, registration.site_id) if registration.site_id else None
        current = site.form_values() if site and registration.kind == "change" \
            and registration.state != "approved" else {}
    return render(request, "filing.html", r=registration, steps=steps, unit=unit, pending=pending, names=names,
                  labels=filings.LABELS, fields=FORM_FIELDS, mails=mails, current=current)


@router.get("/registrations/{rid}/edit")
def edit_filing(request: Request, rid: int, account=Depends(reporting_required)):
    with db(request) as s:
        registration = visible_registration(s, account, rid)
        data = filings.form_defaults(registration)
    return _form_page(request, data, action=f"/registrations/{rid}")


@router.post("/registrations/{rid}")
async def update_filing(request: Request, rid: int, account=Depends(reporting_required)):
    data = await _data(request)
    try:
        with db(request) as s:
            filings.save(s, actor(s, account), data, visible_registration(s, account, rid))
    except FormErrors as exc:
        return _form_page(request, data, 400, exc.errors, str(exc), action=f"/registrations/{rid}")
    flash(request, "已保存")
    return redirect(f"/registrations/{rid}")


@router.post("/registrations/{rid}/submit")
def submit_filing(request: Request, rid: int, account=Depends(reporting_required)):
    from portal import review
    with db(request) as s:
        review.submit(s, actor(s, account), visible_registration(s, account, rid))
    flash(request, "已提交上级组织单位审核")
    return redirect(f"/registrations/{rid}")


@router.get("/registrations/{rid}/file")
def generate_file(request: Request, rid: int, account=Depends(login_required)):
    with db(request) as s:
        registration = visible_registration(s, account, rid)
        directory = files.scratch_dir()
        path = files.generate_file(registration, directory)
    return _download(path, directory)


def _download(path: Path, directory: Path) -> FileResponse:
    return FileResponse(path, filename=path.name, background=BackgroundTask(shutil.rmtree, directory, True),
                        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@router.get("/manage/sites")
def managed_sites(request: Request, account=Depends(login_required)):
    with db(request) as s:
        rows = s.execute(select(Site, Unit).join(SiteOwner, SiteOwner.site_id == Site.id)
                         .join(Unit, Unit.id == SiteOwner.unit_id)
                         .where(Unit.path.startswith(account.unit.path)).order_by(Site.id)).all()
    return render(request, "managed_sites.html", rows=rows)


@router.get("/manage/sites/{site_id}")
def managed_site(request: Request, site_id: int, account=Depends(login_required)):
    with db(request) as s:
        site = visible_site(s, account, site_id)
        columns, history = list(site.columns), list(site.history)
        mails = outbox.mails_about(s, site_id=site_id)
    return render(request, "managed_site.html", site=site, columns=columns, history=history,
                  statuses=SITE_STATUSES, labels=filings.LABELS, fields=FORM_FIELDS, mails=mails)


@router.post("/manage/sites/{site_id}/change")
def start_change(request: Request, site_id: int, account=Depends(reporting_required)):
    with db(request) as s:
        site = visible_site(s, account, site_id)
        data = filings.form_defaults(site=site)
    return _form_page(request, data, action=f"/manage/sites/{site_id}/changes")


@router.post("/manage/sites/{site_id}/changes")
async def save_change(request: Request, site_id: int, account=Depends(reporting_required)):
    data = await _data(request)
    try:
        with db(request) as s:
            registration = filings.save(s, actor(s, account), data, site=visible_site(s, account, site_id))
            rid = registration.id
    except FormErrors as exc:
        return _form_page(request, data, 400, exc.errors, str(exc), action=f"/manage/sites/{site_id}/changes")
    flash(request, "变更已保存，请提交审核")
    return redirect(f"/registrations/{rid}")


@router.post("/manage/sites/{site_id}/status")
def request_status(request: Request, site_id: int, status: str = Form(""), reason: str = Form(""),
                   account=Depends(reporting_required)):
    with db(request) as s:
        registration = filings.request_status(s, actor(s, account), visible_site(s, account, site_id),
                                              status[:20], reason[:MAX_FIELD])
        rid = registration.id
    flash(request, "状态变更申请已保存，请提交审核")
    return redirect(f"/registrations/{rid}")


@router.get("/import")
def import_page(request: Request, account=Depends(org_required)):
    with db(request) as s:
        owners = s.scalars(select(Unit).where(Unit.path.startswith(account.unit.path),
                                              Unit.kind == "reporting").order_by(Unit.id)).all()
    return render(request, "import.html", owners=owners)


@router.post("/import")
async def import_file(request: Request, owner: int = Form(0), file: UploadFile = File(...),
                      columns: UploadFile | None = File(None), account=Depends(org_required)):
    directory = files.scratch_dir()
    try:
        path = await _save_upload(file, directory)
        columns_path = await _save_upload(columns, directory) if columns is not None and columns.filename else None
        # openpyxl parses in a worker thread: the event loop serves other
        # requests meanwhile, and the limits bound how long the thread works.
        batch = await run_in_threadpool(files.import_file, lambda: db(request), account, owner,
                                        path, columns_path, import_limits(request.app.state.settings))
    except RegistryImportError as exc:
        return _import_error(request, account, [str(p) for p in exc.problems])
    except PortalError as exc:
        return _import_error(request, account, [str(exc)], exc.status)
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    flash(request, str(batch))
    return redirect("/review")


def import_limits(settings) -> SheetLimits:
    """What a workbook uploaded to the portal may declare and hold."""
    rows = settings.portal_import_max_rows
    return SheetLimits(max_rows=rows, max_sheet_bytes=max(rows, 1000) * 4096)  # 4 KB of XML a row is ample


def _import_error(request: Request, account, problems: list[str], status: int = 400):
    with db(request) as s:
        owners = s.scalars(select(Unit).where(Unit.path.startswith(account.unit.path),
                                              Unit.kind == "reporting").order_by(Unit.id)).all()
    return render(request, "import.html", status=status, owners=owners, problems=problems)


async def _save_upload(upload: UploadFile, directory: Path) -> Path:
    # The browser's file name, as a plain name in our scratch folder: ".." (wapiti's upload
    # payload) was the folder's parent, a 500; control characters (NUL) cannot name a file.
    name = "".join(ch for ch in Path(upload.filename or "").name if unicodedata.category(ch) != "Cc")[-100:]
    if name in ("", ".", ".."):
        name = "upload"
    data = await upload.read(files.MAX_UPLOAD + 1)
    if len(data) > files.MAX_UPLOAD:
        raise PortalError(f"文件“{name}”太大（最多 {files.MAX_UPLOAD // 1024 // 1024} MB）")
    path = directory / name
    path.write_bytes(data)
    return path


@router.get("/export")
def export_report(request: Request, account=Depends(org_required)):
    directory = files.scratch_dir()
    with db(request) as s:
        path = files.export_report(s, s.get(Unit, account.unit_id), directory)
    return _download(path, directory)
