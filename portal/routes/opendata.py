"""The newest open-data export (census.opendata), for anyone to download."""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse

from census.opendata import latest
from portal.errors import NotFound
from portal.web import render

router = APIRouter()


def _latest(request: Request):
    return latest(request.app.state.settings.home / "open-data")


@router.get("/open-data")
def open_data(request: Request):
    found = _latest(request)
    return render(request, "open_data.html", manifest=found[1] if found else None)


@router.get("/open-data/{name}")
def open_data_file(request: Request, name: str):
    found = _latest(request)
    if found is None or name not in found[1]["files"]:
        raise NotFound("文件")
    media = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson", "json": "application/json"}
    return FileResponse(found[0] / name, media_type=media[name.rsplit(".", 1)[1]],
                        filename=f"{found[1]['as_of']}-{name}")
