"""/api/v1: the census for programs, described by FastAPI's OpenAPI at
/api/v1/openapi.json (browsable at /api/v1/docs).  A sub-application of its
own: no session cookie, no CSRF (it only reads), JSON errors."""
from __future__ import annotations

from fastapi import FastAPI


def mount_api(app: FastAPI) -> None:
    from portal.api.v1 import build

    app.mount("/api/v1", build(app))
