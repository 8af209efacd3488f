"""API for the enterprise registry."""


from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from devzone.api.schemas import ERRORS, READ_ERRORS, masked
from devzone.core import selectors as core_selectors
from devzone.core.exports import money
from devzone.enterprises import selectors, services
from devzone.enterprises.models import Enterprise

router = Router(tags=["enterprises"])


class EnterpriseOut(Schema):
    id: int
    credit_code: str
    name: str
    region_id: int
    region_name: str
    zone_id: int | None
    industry_code: str | None
    size: Enterprise.Size
    stats_status: Enterprise.StatsStatus
    above_size: bool
    high_tech: bool
    specialised: bool
    little_giant: bool
    single_champion: bool
    chain_leader: bool
    listed: bool
    listing_reserve: bool
    global500_sub: bool
    china500_sub: bool
    latest_tax: Decimal | None = None
    latest_revenue: Decimal | None = None
    updated_at: datetime

    @staticmethod
    def resolve_region_name(obj: Enterprise) -> str:
        return obj.region.name

    @staticmethod
    def resolve_industry_code(obj: Enterprise) -> str | None:
        return obj.industry.code if obj.industry_id else None

    @staticmethod
    def resolve_latest_tax(obj: Enterprise) -> Decimal | None:
        return money(getattr(obj, "latest_tax", None))

    @staticmethod
    def resolve_latest_revenue(obj: Enterprise) -> Decimal | None:
        return money(getattr(obj, "latest_revenue", None))


class EnterpriseYearOut(Schema):
    year: int
    land_mu: Decimal | None
    revenue: Decimal | None
    output: Decimal | None
    value_added: Decimal | None
    tax: Decimal | None
    profit: Decimal | None
    employees: int | None
    energy_tce: Decimal | None
    emission_eq: Decimal | None
    rd_expense: Decimal | None
    electricity_kwh: Decimal | None
    sources: dict


class EnterpriseDetailOut(EnterpriseOut):
    legal_representative: str
    address: str
    phone: str
    established_on: date | None
    production_start_year: int | None
    ladder_stage: str
    years: list[EnterpriseYearOut]

    resolve_phone = masked("phone", "phone")

    @staticmethod
    def resolve_years(obj: Enterprise) -> list:
        return list(obj.years.all())


class EnterpriseFilters(Schema):
    q: str | None = None
    region: int | None = None
    zone: int | None = None
    industry: str | None = None
    size: Enterprise.Size | None = None
    stats_status: Enterprise.StatsStatus | None = None
    flag: str | None = None
    year: int | None = None
    sort: str | None = None


class EnterpriseIn(Schema):
    credit_code: str
    name: str
    region_id: int
    zone_id: int | None = None
    industry_code: str | None = None
    size: Enterprise.Size = Enterprise.Size.SMALL
    legal_representative: str = ""
    address: str = ""
    phone: str = ""
    established_on: date | None = None
    production_start_year: int | None = None
    stats_status: Enterprise.StatsStatus = Enterprise.StatsStatus.NONE
    above_size: bool = False
    high_tech: bool = False
    specialised: bool = False
    little_giant: bool = False
    single_champion: bool = False
    chain_leader: bool = False
    listed: bool = False
    listing_reserve: bool = False
    global500_sub: bool = False
    china500_sub: bool = False


class EnterprisePatch(Schema):
    updated_at: datetime
    credit_code: str | None = None
    name: str | None = None
    region_id: int | None = None
    zone_id: int | None = None
    industry_code: str | None = None
    size: Enterprise.Size | None = None
    legal_representative: str | None = None
    address: str | None = None
    phone: str | None = None
    established_on: date | None = None
    production_start_year: int | None = None
    stats_status: Enterprise.StatsStatus | None = None
    above_size: bool | None = None
    high_tech: bool | None = None
    specialised: bool | None = None
    little_giant: bool | None = None
    single_champion: bool | None = None
    chain_leader: bool | None = None
    listed: bool | None = None
    listing_reserve: bool | None = None
    global500_sub: bool | None = None
    china500_sub: bool | None = None


def resolve_enterprise_refs(user, data: dict[str, Any]) -> dict[str, Any]:
    """Turn region_id / zone_id / industry_code into objects the user may see (404 otherwise)."""
    if "region_id" in data:
        region_id = data.pop("region_id")
        data["region"] = core_selectors.region_get(user=user, region_id=region_id) if region_id else None
    if "zone_id" in data:
        zone_id = data.pop("zone_id")
        data["zone"] = core_selectors.zone_get(user=user, zone_id=zone_id) if zone_id else None
    if "industry_code" in data:
        code = data.pop("industry_code")
        data["industry"] = selectors.industry_get(code=code) if code else None
    return {k: v for k, v in data.items() if v is not None or k in {"zone", "industry", "established_on",
                                                                   "production_start_year"}}


@router.get("", response={200: list[EnterpriseOut], **READ_ERRORS}, summary="企业列表")
@paginate(LimitOffsetPagination)
def list_enterprises(request: HttpRequest, filters: Query[EnterpriseFilters]):
    params = {k: v for k, v in filters.dict().items() if v not in (None, "")}
    year = params.pop("year", None) or selectors.latest_year(user=request.user)
    return selectors.enterprise_list(user=request.user, filters=params, year=year)


@router.get("/{enterprise_id}", response={200: EnterpriseDetailOut, **READ_ERRORS}, summary="企业详情")
def get_enterprise(request: HttpRequest, enterprise_id: int):
    return selectors.enterprise_get(user=request.user, enterprise_id=enterprise_id)


@router.post("", response={201: EnterpriseDetailOut, **ERRORS}, summary="登记企业")
def create_enterprise(request: HttpRequest, payload: EnterpriseIn):
    data = resolve_enterprise_refs(request.user, payload.dict())
    enterprise = services.enterprise_create(actor=request.user, data=data)
    return Status(201, selectors.enterprise_get(user=request.user, enterprise_id=enterprise.pk))


@router.patch("/{enterprise_id}", response={200: EnterpriseDetailOut, **ERRORS}, summary="修改企业(乐观锁)")
def update_enterprise(request: HttpRequest, enterprise_id: int, payload: EnterprisePatch):
    enterprise = selectors.enterprise_get(user=request.user, enterprise_id=enterprise_id)
    data = payload.dict(exclude_unset=True)
    expected = data.pop("updated_at")
    data = resolve_enterprise_refs(request.user, data)
    services.enterprise_update(actor=request.user, enterprise=enterprise, data=data, expected_updated_at=expected)
    return selectors.enterprise_get(user=request.user, enterprise_id=enterprise_id)
