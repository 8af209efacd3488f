"""API for economic indicators (mounted at /api/v1/indicators): catalog, values, targets, derived tables, flags.

Places in derived endpoints are written "r<region id>" or "z<zone id>"; periods "YYYY-MM".
"""


from datetime import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from devzone.api.schemas import ERRORS, READ_ERRORS
from devzone.core import selectors as core_selectors
from devzone.indicators import selectors, services
from devzone.indicators.models import ConsistencyFlag, Indicator, IndicatorValue, Target
from devzone.indicators.periods import Period

router = Router(tags=["indicators"])


class IndicatorOut(Schema):
    id: int
    code: str
    name: str
    short_name: str
    unit: str
    frequency: Indicator.Frequency
    basis: Indicator.Basis
    aggregation: Indicator.Aggregation
    direction: Indicator.Direction
    rank_basis: Indicator.RankBasis
    is_share: bool
    active: bool
    sort_order: int
    description: str
    updated_at: datetime


class ValueOut(Schema):
    id: int
    indicator_id: int
    indicator_code: str
    region_id: int | None
    zone_id: int | None
    place_name: str
    period: str
    year: int
    month: int
    value: Decimal
    source: IndicatorValue.Source
    stated_growth: Decimal | None
    channel: IndicatorValue.Channel
    entered_by: str | None
    note: str
    updated_at: datetime

    @staticmethod
    def resolve_indicator_code(obj: IndicatorValue) -> str:
        return obj.indicator.code

    @staticmethod
    def resolve_place_name(obj: IndicatorValue) -> str:
        return str(obj.place)

    @staticmethod
    def resolve_entered_by(obj: IndicatorValue) -> str | None:
        return obj.entered_by.get_username() if obj.entered_by_id else None


class ValueFilters(Schema):
    indicator: str | None = None
    region: int | None = None
    zone: int | None = None
    period: str | None = None
    year: int | None = None
    month: int | None = None
    source: IndicatorValue.Source | None = None
    sort: str | None = None


class ValueIn(Schema):
    indicator: str
    region_id: int | None = None
    zone_id: int | None = None
    period: str
    value: Decimal
    source: IndicatorValue.Source = IndicatorValue.Source.REPORTED
    stated_growth: Decimal | None = None
    note: str = ""


class ValuePatch(Schema):
    updated_at: datetime
    value: Decimal | None = None
    stated_growth: Decimal | None = None
    note: str | None = None


class TargetOut(Schema):
    id: int
    indicator_id: int
    indicator_code: str
    region_id: int | None
    zone_id: int | None
    year: int
    amount: Decimal | None
    growth: Decimal | None
    note: str
    updated_at: datetime

    @staticmethod
    def resolve_indicator_code(obj: Target) -> str:
        return obj.indicator.code


class TargetFilters(Schema):
    indicator: str | None = None
    year: int | None = None
    region: int | None = None


class TargetIn(Schema):
    indicator: str
    region_id: int | None = None
    zone_id: int | None = None
    year: int
    amount: Decimal | None = None
    growth: Decimal | None = None
    note: str = ""


class TargetPatch(Schema):
    updated_at: datetime
    amount: Decimal | None = None
    growth: Decimal | None = None
    note: str | None = None


class FlagOut(Schema):
    id: int
    rule: ConsistencyFlag.Rule
    indicator_code: str
    region_id: int | None
    zone_id: int | None
    period: str
    source: str
    values: dict
    message: str
    status: ConsistencyFlag.Status
    explanation: str
    explained_by: str | None
    closed_by: str | None
    updated_at: datetime

    @staticmethod
    def resolve_indicator_code(obj: ConsistencyFlag) -> str:
        return obj.indicator.code

    @staticmethod
    def resolve_explained_by(obj: ConsistencyFlag) -> str | None:
        return obj.explained_by.get_username() if obj.explained_by_id else None

    @staticmethod
    def resolve_closed_by(obj: ConsistencyFlag) -> str | None:
        return obj.closed_by.get_username() if obj.closed_by_id else None


class FlagFilters(Schema):
    period: str | None = None
    status: ConsistencyFlag.Status | None = None
    rule: ConsistencyFlag.Rule | None = None
    indicator: str | None = None


class ExplainIn(Schema):
    explanation: str


class CloseIn(Schema):
    note: str = ""


class ChecksIn(Schema):
    period: str


class PlaceOut(Schema):
    entity: str
    kind: str
    name: str


class CellOut(Schema):
    period: str
    source: str
    month_value: float | None
    ytd_value: float | None
    yoy: float | None
    yoy_is_stated: bool
    yoy_month: float | None
    two_year_avg: float | None
    rank: int | None
    ranked: int | None
    rank_change: int | None
    first_tier: bool
    target: float | None
    completion_pct: float | None
    elapsed_pct: float | None
    elapsed_basis: str | None
    lag_points: float | None
    projection: float | None
    light: str
    gap: float | None


class MonitorRowOut(Schema):
    indicator: str
    name: str
    unit: str
    period: str
    cells: list[CellOut | None]


class MonitorOut(Schema):
    period: str
    focus: PlaceOut
    benchmark: PlaceOut | None
    columns: list[PlaceOut]
    rows: list[MonitorRowOut]


class MonitorQuery(Schema):
    period: str | None = None
    place: str | None = None
    benchmark: str | None = None


class GapOut(Schema):
    indicator: str
    entity: str
    place_name: str
    reported: float
    official: float
    diff: float
    diff_pct: float | None
    exceeds: bool


class ReconciliationOut(Schema):
    period: str
    threshold_pct: Decimal
    total: int
    exceeding: int
    gaps: list[GapOut]


class TrendPointOut(Schema):
    period: str
    month_value: float | None
    ytd_value: float | None
    yoy: float | None
    last_year_ytd: float | None
    target_path: float | None
    projection_path: float | None
    rank: int | None
    ranked: int | None


class TrendOut(Schema):
    indicator: str
    place: PlaceOut
    year: int
    target: float | None
    projection: float | None
    elapsed_basis: str | None
    points: list[TrendPointOut]


class ProfileRowOut(Schema):
    indicator: str
    name: str
    unit: str
    cell: CellOut | None
    reported: float | None
    official: float | None


class ProfileOut(Schema):
    place: PlaceOut
    period: str
    rows: list[ProfileRowOut]
    open_flags: list[FlagOut]


class BreakdownQuery(Schema):
    indicator: str
    place: str
    year: int
    total: Decimal


class BreakdownLineOut(Schema):
    place: PlaceOut
    last_year: Decimal
    share: Decimal
    annual: Decimal
    quarters: list[Decimal]


def _filters(schema: Schema) -> dict[str, Any]:
    return {k: v for k, v in schema.dict().items() if v not in (None, "")}


def _place_refs(user, data: dict[str, Any]) -> dict[str, Any]:
    """region_id / zone_id into objects the user may see (404 otherwise); indicator code or id into the object."""
    region_id, zone_id = data.pop("region_id", None), data.pop("zone_id", None)
    data["region"] = core_selectors.region_get(user=user, region_id=region_id) if region_id else None
    data["zone"] = core_selectors.zone_get(user=user, zone_id=zone_id) if zone_id else None
    if "indicator" in data:
        data["indicator"] = selectors.indicator_get(key=data["indicator"])
    return data


def _place_out(place) -> dict:
    return {"entity": place.entity, "kind": place.kind, "name": place.name}


def _cell_out(cell) -> dict | None:
    if cell is None:
        return None
    return {**cell.__dict__, "period": str(cell.period)}


@router.get("/catalog", response={200: list[IndicatorOut], **READ_ERRORS}, summary="指标目录")
@paginate(LimitOffsetPagination)
def list_indicators(request: HttpRequest):
    return selectors.indicator_list(active_only=False)


@router.get("/values", response={200: list[ValueOut], **READ_ERRORS}, summary="指标数据列表")
@paginate(LimitOffsetPagination)
def list_values(request: HttpRequest, filters: Query[ValueFilters]):
    return selectors.value_list(user=request.user, filters=_filters(filters))


@router.get("/values/{value_id}", response={200: ValueOut, **READ_ERRORS}, summary="指标数据详情")
def get_value(request: HttpRequest, value_id: int):
    return selectors.value_get(user=request.user, value_id=value_id)


@router.post("/values", response={201: ValueOut, **ERRORS}, summary="录入指标数据")
def create_value(request: HttpRequest, payload: ValueIn):
    data = _place_refs(request.user, payload.dict())
    period = Period.parse(data.pop("period"))
    value = services.value_create(actor=request.user, data={
        **data, "year": period.year, "month": period.month, "channel": IndicatorValue.Channel.API})
    return Status(201, selectors.value_get(user=request.user, value_id=value.pk))


@router.patch("/values/{value_id}", response={200: ValueOut, **ERRORS}, summary="修改指标数据(乐观锁)")
def update_value(request: HttpRequest, value_id: int, payload: ValuePatch):
    value = selectors.value_get(user=request.user, value_id=value_id)
    data = payload.dict(exclude_unset=True)
    expected = data.pop("updated_at")
    services.value_update(actor=request.user, value=value, data={**data, "channel": IndicatorValue.Channel.API},
                          expected_updated_at=expected)
    return selectors.value_get(user=request.user, value_id=value_id)


@router.delete("/values/{value_id}", response={204: None, **ERRORS}, summary="删除指标数据")
def delete_value(request: HttpRequest, value_id: int):
    services.value_delete(actor=request.user, value=selectors.value_get(user=request.user, value_id=value_id))
    return Status(204, None)


@router.get("/targets", response={200: list[TargetOut], **READ_ERRORS}, summary="年度目标列表")
@paginate(LimitOffsetPagination)
def list_targets(request: HttpRequest, filters: Query[TargetFilters]):
    return selectors.target_list(user=request.user, filters=_filters(filters))


@router.get("/targets/{target_id}", response={200: TargetOut, **READ_ERRORS}, summary="年度目标详情")
def get_target(request: HttpRequest, target_id: int):
    return selectors.target_get(user=request.user, target_id=target_id)


@router.post("/targets", response={201: TargetOut, **ERRORS}, summary="下达年度目标(已有则替换)")
def save_target(request: HttpRequest, payload: TargetIn):
    target = services.target_save(actor=request.user, data=_place_refs(request.user, payload.dict()))
    return Status(201, selectors.target_get(user=request.user, target_id=target.pk))


@router.patch("/targets/{target_id}", response={200: TargetOut, **ERRORS}, summary="修改年度目标(乐观锁)")
def update_target(request: HttpRequest, target_id: int, payload: TargetPatch):
    target = selectors.target_get(user=request.user, target_id=target_id)
    data = payload.dict(exclude_unset=True)
    expected = data.pop("updated_at")
    services.target_update(actor=request.user, target=target, data=data, expected_updated_at=expected)
    return selectors.target_get(user=request.user, target_id=target_id)


@router.get("/breakdown", response={200: list[BreakdownLineOut], **ERRORS}, summary="目标分解(按上年占比)")
def breakdown(request: HttpRequest, query: Query[BreakdownQuery]):
    indicator = selectors.indicator_get(key=query.indicator)
    lines = selectors.target_breakdown(user=request.user, indicator=indicator, entity=query.place, year=query.year,
                                       total=query.total)
    return [{"place": _place_out(line.place), "last_year": line.last_year, "share": line.share,
             "annual": line.annual, "quarters": list(line.quarters)} for line in lines]


@router.get("/monitor", response={200: MonitorOut, **ERRORS}, summary="经济运行监测表")
def monitor(request: HttpRequest, query: Query[MonitorQuery]):
    table = selectors.monitor(user=request.user, period=query.period, focus=query.place, benchmark=query.benchmark)
    return {"period": str(table.period), "focus": _place_out(table.focus),
            "benchmark": _place_out(table.benchmark) if table.benchmark else None,
            "columns": [_place_out(c) for c in table.columns],
            "rows": [{"indicator": row.indicator.code, "name": row.indicator.name, "unit": row.indicator.unit,
                      "period": str(row.period), "cells": [_cell_out(c) for c in row.cells]} for row in table.rows]}


@router.get("/trend", response={200: TrendOut, **ERRORS}, summary="单指标走势")
def trend(request: HttpRequest, indicator: str, place: str, year: int | None = None):
    result = selectors.trend(user=request.user, indicator=selectors.indicator_get(key=indicator), entity=place,
                             year=year)
    return {"indicator": result.indicator.code, "place": _place_out(result.place), "year": result.year,
            "target": result.target, "projection": result.projection, "elapsed_basis": result.elapsed_basis,
            "points": [{**p.__dict__, "period": str(p.period)} for p in result.points]}


@router.get("/profile", response={200: ProfileOut, **ERRORS}, summary="地区经济运行画像")
def profile(request: HttpRequest, place: str, period: str | None = None):
    result = selectors.region_profile(user=request.user, entity=place, period=period)
    return {"place": _place_out(result.place), "period": str(result.period), "open_flags": result.flags,
            "rows": [{"indicator": row.indicator.code, "name": row.indicator.name, "unit": row.indicator.unit,
                      "cell": _cell_out(row.cell), "reported": row.reported, "official": row.official}
                     for row in result.rows]}


@router.get("/reconciliation", response={200: ReconciliationOut, **ERRORS}, summary="上报与统计数据比对")
def reconciliation(request: HttpRequest, period: str | None = None, only_exceeding: bool = False):
    result = selectors.reconciliation(user=request.user, period=period, only_exceeding=only_exceeding)
    return {"period": str(result.period), "threshold_pct": result.threshold, "total": result.total,
            "exceeding": result.exceeding,
            "gaps": [{**g.__dict__, "indicator": g.indicator.code} for g in result.gaps]}


@router.get("/flags", response={200: list[FlagOut], **READ_ERRORS}, summary="数据核查问题列表")
@paginate(LimitOffsetPagination)
def list_flags(request: HttpRequest, filters: Query[FlagFilters]):
    return selectors.flag_list(user=request.user, filters=_filters(filters))


@router.get("/flags/{flag_id}", response={200: FlagOut, **READ_ERRORS}, summary="数据核查问题详情")
def get_flag(request: HttpRequest, flag_id: int):
    return selectors.flag_get(user=request.user, flag_id=flag_id)


@router.post("/flags/{flag_id}/explain", response={200: FlagOut, **ERRORS}, summary="说明情况")
def explain_flag(request: HttpRequest, flag_id: int, payload: ExplainIn):
    flag = selectors.flag_get(user=request.user, flag_id=flag_id)
    services.flag_explain(actor=request.user, flag=flag, explanation=payload.explanation)
    return selectors.flag_get(user=request.user, flag_id=flag_id)


@router.post("/flags/{flag_id}/close", response={200: FlagOut, **ERRORS}, summary="核销")
def close_flag(request: HttpRequest, flag_id: int, payload: CloseIn):
    flag = selectors.flag_get(user=request.user, flag_id=flag_id)
    services.flag_close(actor=request.user, flag=flag, note=payload.note)
    return selectors.flag_get(user=request.user, flag_id=flag_id)


@router.post("/checks", response={200: list[FlagOut], **ERRORS}, summary="运行数据核查(幂等)")
def run_checks(request: HttpRequest, payload: ChecksIn):
    flags = services.checks_run(actor=request.user, period=payload.period)
    return list(selectors.flag_queryset(user=request.user).filter(pk__in=[f.pk for f in flags]).order_by("pk"))
