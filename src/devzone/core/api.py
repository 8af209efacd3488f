"""API for organisation data: regions, zones, departments."""


from datetime import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from devzone.api.schemas import ERRORS, READ_ERRORS
from devzone.core import selectors, services
from devzone.core.models import Region, Zone

router = Router(tags=["organisation"])


class RegionOut(Schema):
    id: int
    name: str
    code: str
    level: Region.Level
    parent_id: int | None
    path: str
    updated_at: datetime


class RegionFilters(Schema):
    q: str | None = None
    level: Region.Level | None = None
    parent: int | None = None


class ZoneOut(Schema):
    id: int
    name: str
    short_name: str
    level: Zone.Level
    kind: Zone.Kind
    region_id: int
    region_name: str
    parent_id: int | None
    planned_area_km2: Decimal | None
    built_area_km2: Decimal | None
    leading_industries: str
    star_rating: int | None
    management_body: str
    intensity_threshold: Decimal
    established_year: int | None
    has_boundary: bool
    updated_at: datetime

    @staticmethod
    def resolve_region_name(obj: Zone) -> str:
        return obj.region.name

    @staticmethod
    def resolve_has_boundary(obj: Zone) -> bool:
        return obj.boundary is not None


class ZoneDetailOut(ZoneOut):
    boundary: dict | None


class ZoneFilters(Schema):
    q: str | None = None
    level: Zone.Level | None = None
    kind: Zone.Kind | None = None
    region: int | None = None
    sort: str | None = None


class ZoneIn(Schema):
    name: str
    short_name: str = ""
    level: Zone.Level
    kind: Zone.Kind
    region_id: int
    parent_id: int | None = None
    planned_area_km2: Decimal | None = None
    built_area_km2: Decimal | None = None
    leading_industries: str = ""
    star_rating: int | None = None
    management_body: str = ""
    intensity_threshold: Decimal = Decimal("180")
    established_year: int | None = None
    boundary: dict | None = None


class ZonePatch(Schema):
    updated_at: datetime
    name: str | None = None
    short_name: str | None = None
    level: Zone.Level | None = None
    kind: Zone.Kind | None = None
    region_id: int | None = None
    parent_id: int | None = None
    planned_area_km2: Decimal | None = None
    built_area_km2: Decimal | None = None
    leading_industries: str | None = None
    star_rating: int | None = None
    management_body: str | None = None
    intensity_threshold: Decimal | None = None
    established_year: int | None = None
    boundary: dict | None = None


class DepartmentOut(Schema):
    id: int
    name: str
    short_name: str
    code: str
    region_id: int
    updated_at: datetime


class DepartmentFilters(Schema):
    q: str | None = None
    region: int | None = None


def _filters(schema: Schema) -> dict[str, Any]:
    return {k: v for k, v in schema.dict().items() if v not in (None, "")}


def resolve_zone_refs(user, data: dict[str, Any]) -> dict[str, Any]:
    """Turn region_id / parent_id into objects the user may see (404 otherwise)."""
    if "region_id" in data:
        region_id = data.pop("region_id")
        data["region"] = selectors.region_get(user=user, region_id=region_id) if region_id else None
    if "parent_id" in data:
        parent_id = data.pop("parent_id")
        data["parent"] = selectors.zone_get(user=user, zone_id=parent_id) if parent_id else None
    return data


@router.get("/regions", response={200: list[RegionOut], **READ_ERRORS}, summary="行政区划列表")
@paginate(LimitOffsetPagination)
def list_regions(request: HttpRequest, filters: Query[RegionFilters]):
    return selectors.region_list(user=request.user, filters=_filters(filters))


@router.get("/regions/{region_id}", response={200: RegionOut, **READ_ERRORS}, summary="行政区划详情")
def get_region(request: HttpRequest, region_id: int):
    return selectors.region_get(user=request.user, region_id=region_id)


@router.get("/zones", response={200: list[ZoneOut], **READ_ERRORS}, summary="开发区列表")
@paginate(LimitOffsetPagination)
def list_zones(request: HttpRequest, filters: Query[ZoneFilters]):
    return selectors.zone_list(user=request.user, filters=_filters(filters))


@router.get("/zones/{zone_id}", response={200: ZoneDetailOut, **READ_ERRORS}, summary="开发区详情")
def get_zone(request: HttpRequest, zone_id: int):
    return selectors.zone_get(user=request.user, zone_id=zone_id)


@router.post("/zones", response={201: ZoneDetailOut, **ERRORS}, summary="新建开发区")
def create_zone(request: HttpRequest, payload: ZoneIn):
    data = resolve_zone_refs(request.user, payload.dict())
    return Status(201, services.zone_create(actor=request.user, data=data))


@router.patch("/zones/{zone_id}", response={200: ZoneDetailOut, **ERRORS}, summary="修改开发区(乐观锁)")
def update_zone(request: HttpRequest, zone_id: int, payload: ZonePatch):
    zone = selectors.zone_get(user=request.user, zone_id=zone_id)
    data = payload.dict(exclude_unset=True)
    expected = data.pop("updated_at")
    data = resolve_zone_refs(request.user, data)
    return services.zone_update(actor=request.user, zone=zone, data=data, expected_updated_at=expected)


@router.get("/departments", response={200: list[DepartmentOut], **READ_ERRORS}, summary="部门列表")
@paginate(LimitOffsetPagination)
def list_departments(request: HttpRequest, filters: Query[DepartmentFilters]):
    return selectors.department_list(user=request.user, filters=_filters(filters))


@router.get("/departments/{department_id}", response={200: DepartmentOut, **READ_ERRORS}, summary="部门详情")
def get_department(request: HttpRequest, department_id: int):
    return selectors.department_get(user=request.user, department_id=department_id)


class JobOut(Schema):
    id: int
    kind: str
    title: str
    status: str
    progress: int
    message: str
    result: dict | None
    has_file: bool
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    updated_at: datetime

    @staticmethod
    def resolve_has_file(obj) -> bool:
        return bool(obj.result_file)


@router.get("/jobs/{job_id}", response={200: JobOut, **READ_ERRORS}, summary="后台作业状态与进度")
def get_job(request: HttpRequest, job_id: int):
    return selectors.job_get(user=request.user, job_id=job_id)
