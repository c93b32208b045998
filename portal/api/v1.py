"""The routes of /api/v1.  Without a token: the public database of sites and
the published results of finished campaigns (the 通报's numbers, no
evidence).  With ``Authorization: Bearer <token>``: the token's account's
scope, as the portal gives it (portal.access): its unit tree's roll-up for
any 监测时间点, its sites' scorecards with evidence, the items awaiting review."""
from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import Depends, FastAPI, Query, Request
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel
from sqlalchemy import select

from portal import public, rollups
from portal.access import visible_site
from portal.api import tokens
from portal.errors import PortalError
from portal.models import Campaign, Unit
from portal.results import reported, visible_homes
from pucha import localtime
from pucha.db import session_scope
from pucha.store import open_store

_bearer = HTTPBearer(auto_error=False, description="令牌在门户“数据接口令牌”页面创建，与账号绑定")


class ApiError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class Error(BaseModel):
    detail: str


class SiteOut(BaseModel):
    id: int
    name: str
    region: str
    site_type: str
    sponsor: str
    homepage: str
    icp: str
    site_code: str | None
    status: str


class SitePage(BaseModel):
    total: int
    page: int
    page_size: int
    items: list[SiteOut]


class RollupOut(BaseModel):
    unit_id: int | None
    name: str
    kind: str
    kind_name: str
    depth: int
    parent_id: int | None
    sites: int
    passed: int
    failed: int
    pass_rate: float | None
    mean_deduction: float
    vetoes: dict[str, int]


class RollupDoc(BaseModel):
    as_of: str
    unit: str
    rows: list[RollupOut]


class SiteResult(BaseModel):
    home_url: str
    name: str
    region: str
    site_code: str | None
    verdict: str
    vetoes: list[str]
    total_deduction: float


class ResultsDoc(BaseModel):
    as_of: str
    sites: list[SiteResult]


class CardsDoc(BaseModel):
    as_of: str
    cards: list[dict[str, Any]]


class ReviewItem(BaseModel):
    home_url: str
    name: str
    item: dict[str, Any]


class ReviewDoc(BaseModel):
    as_of: str
    items: list[ReviewItem]


ERRORS = {401: {"model": Error, "description": "缺少或无效的令牌"},
          404: {"model": Error, "description": "不存在或不在令牌账号的范围内"}}


def build(parent: FastAPI) -> FastAPI:
    api = FastAPI(title="全国政府网站普查 开放数据接口", version="1", responses=ERRORS,
                  description=__doc__, docs_url="/docs", redoc_url=None, openapi_url="/openapi.json")
    state = parent.state

    def store():
        if getattr(state, "result_store", None) is None:
            state.result_store = open_store(state.settings)
        return state.result_store

    def rulebook() -> str:
        return state.settings.rulebook

    def day(value: dt.date | None) -> str | None:
        # FastAPI has checked the date against the description (422 otherwise).
        return value.isoformat() if value is not None else None

    def published(session) -> list[str]:
        """监测时间点 of campaigns whose summary deadline has passed (Beijing date): results made public."""
        today = localtime.today()
        return sorted({c.as_of for c in session.scalars(select(Campaign)) if c.summary_deadline < today},
                      reverse=True)

    def account(credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)):
        if credentials is None:
            return None
        with session_scope(state.db_url) as s:
            found = tokens.account_of(s, credentials.credentials)
            if found is None:
                raise ApiError(401, "令牌无效或已停用")
            s.expunge_all()
            return found

    def required(who=Depends(account)):
        if who is None:
            raise ApiError(401, "此接口需要令牌：Authorization: Bearer <令牌>")
        return who

    def census_day(session, who, as_of: dt.date | None) -> str:
        """The day asked for; anonymous readers only get published ones (newest when none is asked)."""
        given = day(as_of)
        if who is None:
            days = published(session)
            if given is None and days:
                return days[0]
            if given not in days:
                raise ApiError(404, "该监测时间点的结果尚未公布")
            return given
        if given is None:
            campaign = session.scalar(select(Campaign).order_by(Campaign.id.desc()))
            if campaign is None:
                raise ApiError(404, "没有普查任务：请给出 as_of")
            return campaign.as_of
        return given

    @api.exception_handler(ApiError)
    async def _error(request: Request, exc: ApiError):
        return JSONResponse({"detail": str(exc)}, status_code=exc.status)

    @api.exception_handler(PortalError)
    async def _portal_error(request: Request, exc: PortalError):
        return JSONResponse({"detail": str(exc)}, status_code=exc.status)

    @api.get("/sites", response_model=SitePage, summary="全国政府网站基本信息数据库（公开）")
    def sites(q: str = Query("", max_length=200), region: str = Query("", max_length=200),
              page: int = Query(1, ge=1, le=100000)):
        with session_scope(state.db_url) as s:
            found, total = public.search(s, q, region, "", page)
            items = [SiteOut(id=x.id, **{f: getattr(x, f) for f in SiteOut.model_fields if f != "id"})
                     for x in found]
        return SitePage(total=total, page=page, page_size=public.PAGE_SIZE, items=items)

    @api.get("/sites/{site_id}", response_model=SiteOut, summary="一个网站的公开信息")
    def site(site_id: int):
        with session_scope(state.db_url) as s:
            x = public.public_site(s, site_id)
            if x is None:
                raise ApiError(404, "没有这个网站")
            return SiteOut(id=x.id, **{f: getattr(x, f) for f in SiteOut.model_fields if f != "id"})

    @api.get("/published", response_model=list[str], summary="已公布结果的监测时间点")
    def published_days():
        with session_scope(state.db_url) as s:
            return published(s)

    # The token is optional here: {} among the requirements says so in the description.
    @api.get("/rollup", response_model=RollupDoc, openapi_extra={"security": [{}]},
             summary="按单位层级汇总（无令牌：已公布的全国结果；有令牌：本单位及下级单位）")
    def rollup(as_of: dt.date | None = Query(None, description="监测时间点（YYYY-MM-DD）"), who=Depends(account)):
        with session_scope(state.db_url) as s:
            when = census_day(s, who, as_of)
            root = s.get(Unit, who.unit_id) if who else s.scalar(select(Unit).where(Unit.kind == "national"))
            if root is None:
                raise ApiError(404, "尚无全国普查办单位")
            table = rollups.unit_rollup(store(), s, root, state.db_url, when, rulebook())
            return RollupDoc(as_of=when, unit=root.name, rows=[RollupOut(**r.to_dict()) for r in table.rows])

    @api.get("/results", response_model=ResultsDoc, summary="已公布的各网站评分结论（公开，不含证据）")
    def results(as_of: dt.date | None = Query(None, description="监测时间点（YYYY-MM-DD）")):
        with session_scope(state.db_url) as s:
            when = census_day(s, None, as_of)
        cards = reported(store().scorecards(when), when, state.db_url, rulebook())
        return ResultsDoc(as_of=when, sites=[SiteResult(
            home_url=c["home_url"], name=c["name"], region=c["region"], site_code=c.get("site_code"),
            verdict=c["verdict"], vetoes=[v["rule"] for v in c["vetoes"]], total_deduction=c["total_deduction"])
            for c in cards])

    def scoped_cards(who, as_of: dt.date | None) -> tuple[str, list[dict]]:
        with session_scope(state.db_url) as s:
            when = census_day(s, who, as_of)
            homes = visible_homes(s, who)
        records = [c for c in store().scorecards(when) if homes is None or c["home_url"] in homes]
        return when, reported(records, when, state.db_url, rulebook())

    @api.get("/scorecards", response_model=CardsDoc, summary="本单位范围内的评分表及证据（需令牌）")
    def scorecards(as_of: dt.date | None = Query(None, description="监测时间点（YYYY-MM-DD）"), who=Depends(required)):
        when, cards = scoped_cards(who, as_of)
        return CardsDoc(as_of=when, cards=cards)

    @api.get("/scorecards/{site_id}", response_model=CardsDoc, summary="一个网站的评分表及证据（需令牌）")
    def scorecard(site_id: int, as_of: dt.date | None = Query(None, description="监测时间点（YYYY-MM-DD）"), who=Depends(required)):
        with session_scope(state.db_url) as s:
            try:
                home = visible_site(s, who, site_id).home_url
            except PortalError:
                raise ApiError(404, "没有这个网站，或不在本单位范围内") from None
        when, cards = scoped_cards(who, as_of)
        return CardsDoc(as_of=when, cards=[c for c in cards if c["home_url"] == home])

    @api.get("/needs-review", response_model=ReviewDoc, summary="本单位范围内待人工确认的问题（需令牌）")
    def needs_review(as_of: dt.date | None = Query(None, description="监测时间点（YYYY-MM-DD）"), who=Depends(required)):
        when, cards = scoped_cards(who, as_of)
        return ReviewDoc(as_of=when, items=[ReviewItem(home_url=c["home_url"], name=c["name"], item=i)
                                            for c in cards for i in c["needs_review"]])

    return api
