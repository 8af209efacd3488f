"""API of the land app under /api/v1/land/: quota accounts and movements, parcels, and their GeoJSON."""


from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from devzone.api.schemas import ERRORS, READ_ERRORS
from devzone.core import selectors as core_selectors
from devzone.core.errors import ValidationFailed
from devzone.land import selectors, services
from devzone.land.models import Parcel, QuotaAccount, QuotaMovement

router = Router(tags=["land"])


class AccountOut(Schema):
    id: int
    year: int
    region_id: int
    zone_id: int | None
    unit_name: str
    granted: Decimal
    allocated: Decimal
    transferred_in: Decimal
    transferred_out: Decimal
    balance: Decimal
    updated_at: datetime


class MovementOut(Schema):
    id: int
    account_id: int
    kind: QuotaMovement.Kind
    area_mu: Decimal
    on: date
    counterpart_id: int | None
    project_id: int | None
    price_per_mu: Decimal | None
    total_price: Decimal | None
    note: str
    created_at: datetime


class AccountDetailOut(AccountOut):
    movements: list[MovementOut]

    @staticmethod
    def resolve_movements(obj: QuotaAccount) -> list:
        return list(selectors.account_movements(obj))


class AccountFilters(Schema):
    year: int | None = None
    region: int | None = None
    unit: str | None = None
    sort: str | None = None


class GrantIn(Schema):
    year: int
    region_id: int | None = None
    zone_id: int | None = None
    area_mu: Decimal
    on: date
    note: str = ""


class AllocationIn(Schema):
    account_id: int
    project_id: int
    area_mu: Decimal
    on: date
    note: str = ""


class TransferIn(Schema):
    source_id: int
    target_id: int
    area_mu: Decimal
    on: date
    price_per_mu: Decimal | None = None
    total_price: Decimal | None = None
    note: str = ""


@router.get("/quotas", response={200: list[AccountOut], **READ_ERRORS}, summary="用地指标账户列表")
@paginate(LimitOffsetPagination)
def list_accounts(request: HttpRequest, filters: Query[AccountFilters]):
    return selectors.account_list(user=request.user,
                                  filters={k: v for k, v in filters.dict().items() if v not in (None, "")})


@router.get("/quotas/{int:account_id}", response={200: AccountDetailOut, **READ_ERRORS}, summary="用地指标账户及流水")
def get_account(request: HttpRequest, account_id: int):
    return selectors.account_get(user=request.user, account_id=account_id)


def _unit(request: HttpRequest, year: int, region_id: int | None, zone_id: int | None) -> QuotaAccount:
    zone = core_selectors.zone_get(user=request.user, zone_id=zone_id) if zone_id else None
    region = core_selectors.region_get(user=request.user, region_id=region_id) if region_id else None
    return services.account_for(year=year, region=region, zone=zone)


@router.post("/quotas/grants", response={201: MovementOut, **ERRORS}, summary="下达用地指标")
def grant(request: HttpRequest, payload: GrantIn):
    account = _unit(request, payload.year, payload.region_id, payload.zone_id)
    return Status(201, services.quota_grant(actor=request.user, account=account, area_mu=payload.area_mu,
                                            on=payload.on, note=payload.note))


@router.post("/quotas/allocations", response={201: MovementOut, **ERRORS}, summary="安排用地指标到项目")
def allocate(request: HttpRequest, payload: AllocationIn):
    from devzone.projects import selectors as project_selectors

    account = selectors.account_get(user=request.user, account_id=payload.account_id)
    project = project_selectors.project_get(user=request.user, project_id=payload.project_id)
    return Status(201, services.quota_allocate(actor=request.user, account=account, project=project,
                                               area_mu=payload.area_mu, on=payload.on, note=payload.note))


@router.post("/quotas/transfers", response={201: list[MovementOut], **ERRORS}, summary="调剂用地指标(可有偿)")
def transfer(request: HttpRequest, payload: TransferIn):
    source = selectors.account_get(user=request.user, account_id=payload.source_id)
    target = selectors.account_get(user=request.user, account_id=payload.target_id)
    return Status(201, services.quota_transfer(
        actor=request.user, source=source, target=target, area_mu=payload.area_mu, on=payload.on,
        price_per_mu=payload.price_per_mu, total_price=payload.total_price, note=payload.note))


class ParcelOut(Schema):
    id: int
    code: str
    name: str
    region_id: int
    zone_id: int | None
    area_mu: Decimal
    use: Parcel.Use
    state: str
    approved_on: date | None
    expropriated_on: date | None
    supplied_on: date | None
    used_on: date | None
    project_id: int | None
    enterprise_id: int | None
    lon: Decimal | None
    lat: Decimal | None
    standard_land: bool
    updated_at: datetime


class ParcelDetailOut(ParcelOut):
    geometry: dict | None
    note: str


class ParcelFilters(Schema):
    q: str | None = None
    region: int | None = None
    zone: int | None = None
    use: Parcel.Use | None = None
    state: Parcel.State | None = None
    category: str | None = None
    standard: bool | None = None
    as_of: date | None = None
    sort: str | None = None


class ParcelIn(Schema):
    code: str
    name: str
    region_id: int
    zone_id: int | None = None
    area_mu: Decimal
    use: Parcel.Use = Parcel.Use.INDUSTRIAL
    approved_on: date | None = None
    expropriated_on: date | None = None
    supplied_on: date | None = None
    used_on: date | None = None
    project_id: int | None = None
    enterprise_id: int | None = None
    lon: Decimal | None = None
    lat: Decimal | None = None
    geometry: dict | None = None
    standard_land: bool = False
    note: str = ""


class ParcelPatch(Schema):
    updated_at: datetime
    code: str | None = None
    name: str | None = None
    region_id: int | None = None
    zone_id: int | None = None
    area_mu: Decimal | None = None
    use: Parcel.Use | None = None
    approved_on: date | None = None
    expropriated_on: date | None = None
    supplied_on: date | None = None
    used_on: date | None = None
    project_id: int | None = None
    enterprise_id: int | None = None
    lon: Decimal | None = None
    lat: Decimal | None = None
    geometry: dict | None = None
    standard_land: bool | None = None
    note: str | None = None


NULLABLE = {"zone", "project", "enterprise", "approved_on", "expropriated_on", "supplied_on", "used_on", "lon", "lat",
            "geometry"}


def resolve_parcel_refs(user, data: dict[str, Any]) -> dict[str, Any]:
    """Turn the *_id fields into objects the user may see (404 otherwise)."""
    from devzone.enterprises import selectors as enterprise_selectors
    from devzone.projects import selectors as project_selectors

    getters = {"region_id": lambda pk: core_selectors.region_get(user=user, region_id=pk),
               "zone_id": lambda pk: core_selectors.zone_get(user=user, zone_id=pk),
               "project_id": lambda pk: project_selectors.project_get(user=user, project_id=pk),
               "enterprise_id": lambda pk: enterprise_selectors.enterprise_get(user=user, enterprise_id=pk)}
    for key, getter in getters.items():
        if key in data:
            pk = data.pop(key)
            data[key[:-3]] = getter(pk) if pk else None
    return {k: v for k, v in data.items() if v is not None or k in NULLABLE}


@router.get("/parcels", response={200: list[ParcelOut], **READ_ERRORS}, summary="地块列表(可按三未、闲置筛选)")
@paginate(LimitOffsetPagination)
def list_parcels(request: HttpRequest, filters: Query[ParcelFilters]):
    params = {k: v for k, v in filters.dict().items() if v not in (None, "")}
    if params.get("category") and params["category"] not in selectors.CATEGORIES:
        raise ValidationFailed(f"未知的类别「{params['category']}」")
    return selectors.parcel_list(user=request.user, filters=params)


@router.get("/parcels/geojson", response={200: dict, **READ_ERRORS}, summary="地块 GeoJSON(项目地图图层)")
def parcels_geojson(request: HttpRequest):
    return selectors.parcel_geojson(user=request.user)


@router.get("/parcels/{int:parcel_id}", response={200: ParcelDetailOut, **READ_ERRORS}, summary="地块详情")
def get_parcel(request: HttpRequest, parcel_id: int):
    return selectors.parcel_get(user=request.user, parcel_id=parcel_id)


@router.post("/parcels", response={201: ParcelDetailOut, **ERRORS}, summary="登记地块")
def create_parcel(request: HttpRequest, payload: ParcelIn):
    parcel = services.parcel_create(actor=request.user, data=resolve_parcel_refs(request.user, payload.dict()))
    return Status(201, selectors.parcel_get(user=request.user, parcel_id=parcel.pk))


@router.patch("/parcels/{int:parcel_id}", response={200: ParcelDetailOut, **ERRORS}, summary="修改地块(乐观锁)")
def update_parcel(request: HttpRequest, parcel_id: int, payload: ParcelPatch):
    parcel = selectors.parcel_get(user=request.user, parcel_id=parcel_id)
    data = payload.dict(exclude_unset=True)
    expected = data.pop("updated_at")
    data = resolve_parcel_refs(request.user, data)
    services.parcel_update(actor=request.user, parcel=parcel, data=data, expected_updated_at=expected)
    return selectors.parcel_get(user=request.user, parcel_id=parcel_id)
