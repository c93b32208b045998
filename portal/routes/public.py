"""The public pages: the home page and the database of registered sites."""
from __future__ import annotations

from fastapi import APIRouter, Request

from portal import public
from portal.errors import NotFound
from portal.web import db, render

router = APIRouter()


@router.get("/")
def home(request: Request):
    return render(request, "home.html")


@router.get("/sites")
def search(request: Request, q: str = "", region: str = "", sponsor: str = "", page: int = 1):
    with db(request) as s:
        sites, total = public.search(s, q, region, sponsor, min(max(page, 1), 100000))
    return render(request, "sites.html", sites=sites, total=total, q=q[:200], region=region[:200],
                  sponsor=sponsor[:200], page=page, page_size=public.PAGE_SIZE)


@router.get("/sites/{site_id}")
def site_page(request: Request, site_id: int):
    with db(request) as s:
        site = public.public_site(s, site_id)
        if site is None:
            raise NotFound("网站")
        columns = list(site.columns)
    return render(request, "site.html", site=site, columns=columns)
