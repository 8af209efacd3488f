"""Writes of the indicators: values, targets, flags and the consistency checks.

Who may write (decision 0008):
- values: anyone who may write in the region (or the zone's region); OFFICIAL values only the statistics
  bureau (role `statistics`) and administrators;
- targets: assigned from above: a user sets targets for regions and zones strictly below the root of their
  jurisdiction (administrators anywhere), so a county reads its targets but does not set them;
- flags: a user who may write in the place explains a flag; closing takes someone above the place (or the
  statistics bureau covering it, or an administrator).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

import polars as pl
from django.db import transaction
from django.utils import timezone

from devzone.core import audit
from devzone.core.crud import create_audited, delete_audited, update_audited
from devzone.core.errors import Conflict, PermissionDenied, ValidationFailed
from devzone.core.jurisdiction import scope_for
from devzone.core.models import Region, Role, User, Zone
from devzone.core.services import _only_fields, ensure_can_write, role_codes
from devzone.indicators import analytics, selectors
from devzone.indicators.models import ConsistencyFlag, Indicator, IndicatorValue, Target
from devzone.indicators.periods import Period

VALUE_CREATE_FIELDS = {"indicator", "region", "zone", "year", "month", "value", "source", "stated_growth", "note",
                       "channel"}
VALUE_UPDATE_FIELDS = {"value", "stated_growth", "note", "channel"}
TARGET_FIELDS = {"indicator", "region", "zone", "year", "amount", "growth", "note"}
TARGET_UPDATE_FIELDS = {"amount", "growth", "note"}
CHECK_ROLES = {Role.Code.STATISTICS, Role.Code.PROJECT_OFFICE}


# --- permissions ----------------------------------------------------------------------------------------------

def place_region(obj) -> Region:
    """The region a value, target or flag belongs to (a zone's region for zones)."""
    if getattr(obj, "region_id", None):
        return obj.region
    return obj.zone.region


def _data_region(data: Mapping[str, Any]) -> Region:
    region, zone = data.get("region"), data.get("zone")
    if (region is None) == (zone is None):
        raise ValidationFailed("请选择行政区划或开发区(二者选一)",
                               details=[{"field": "region", "message": "行政区划与开发区须且只能填一个"}])
    return region if region is not None else zone.region


def ensure_can_enter(actor: User, *, region: Region, source: str) -> None:
    """Write rights in the region; official figures only for the statistics bureau and administrators."""
    ensure_can_write(actor, region)
    if source == IndicatorValue.Source.OFFICIAL and not (
            actor.is_superuser or Role.Code.STATISTICS in role_codes(actor)):
        raise PermissionDenied("只有统计部门可以录入或修改统计部门(官方)数据")


def ensure_can_set_target(actor: User, *, region: Region) -> None:
    """Targets are assigned from above: strictly below the actor's jurisdiction root (administrators anywhere)."""
    ensure_can_write(actor, region)
    scope = scope_for(actor)
    if not scope.unrestricted and scope.region_path == region.path:
        raise PermissionDenied("年度目标由上级下达,本级不能修改自己的目标")


def ensure_can_close(actor: User, *, region: Region) -> None:
    ensure_can_write(actor, region)
    scope = scope_for(actor)
    if scope.unrestricted or Role.Code.STATISTICS in role_codes(actor):
        return
    if scope.region_path == region.path:
        raise PermissionDenied("问题须由上级或统计部门核销,本级只能说明情况")


def can_run_checks(user: User) -> bool:
    return user.is_authenticated and (user.is_superuser or bool(role_codes(user) & CHECK_ROLES))


# --- values ---------------------------------------------------------------------------------------------------

def _check_period(indicator: Indicator, year: Any, month: Any) -> None:
    if year is None or month is None:
        raise ValidationFailed("请填写统计期(年、月)", details=[{"field": "month", "message": "必填"}])
    Period(int(year), int(month))
    if indicator.frequency == Indicator.Frequency.QUARTERLY and int(month) % 3:
        raise ValidationFailed(f"「{indicator.name}」按季度统计,月份只能是 3、6、9、12",
                               details=[{"field": "month", "message": "季度指标的月份须为季末月"}])
    if indicator.frequency == Indicator.Frequency.ANNUAL and int(month) != 12:
        raise ValidationFailed(f"「{indicator.name}」按年度统计,月份只能是 12",
                               details=[{"field": "month", "message": "年度指标的月份须为 12"}])


def _check_indicator(indicator: Indicator | None) -> Indicator:
    if indicator is None:
        raise ValidationFailed("请选择指标", details=[{"field": "indicator", "message": "必填"}])
    if not indicator.active:
        raise ValidationFailed(f"指标「{indicator.name}」已停用")
    return indicator


def _place_filter(region: Region | None, zone: Zone | None) -> dict[str, Any]:
    return {"region": region, "zone__isnull": True} if region is not None else {"zone": zone,
                                                                                 "region__isnull": True}


@transaction.atomic
def value_create(*, actor: User, data: Mapping[str, Any]) -> IndicatorValue:
    data = _only_fields(data, VALUE_CREATE_FIELDS)
    indicator = _check_indicator(data.get("indicator"))
    region = _data_region(data)
    data.setdefault("source", IndicatorValue.Source.REPORTED)
    ensure_can_enter(actor, region=region, source=data["source"])
    _check_period(indicator, data.get("year"), data.get("month"))
    existing = IndicatorValue.objects.filter(
        indicator=indicator, year=data["year"], month=data["month"], source=data["source"],
        **_place_filter(data.get("region"), data.get("zone"))).exists()
    if existing:
        label = IndicatorValue.Source(data["source"]).label
        raise Conflict(f"「{indicator.name}」{data['year']}年{data['month']}月已有{label}数据,请修改原记录")
    return create_audited(actor=actor, instance=IndicatorValue(entered_by=actor, **data))


@transaction.atomic
def value_update(*, actor: User, value: IndicatorValue, data: Mapping[str, Any],
                 expected_updated_at: datetime | None = None) -> IndicatorValue:
    """Change the figure, the stated growth or the note (indicator, place, period and source are the identity)."""
    data = _only_fields(data, VALUE_UPDATE_FIELDS)
    ensure_can_enter(actor, region=place_region(value), source=value.source)
    return update_audited(actor=actor, instance=value, data={**data, "entered_by": actor},
                          expected_updated_at=expected_updated_at)


@transaction.atomic
def value_delete(*, actor: User, value: IndicatorValue) -> None:
    ensure_can_enter(actor, region=place_region(value), source=value.source)
    delete_audited(actor=actor, instance=value)


@transaction.atomic
def value_save(*, actor: User, indicator: Indicator, period: Period | str, value: Decimal,
               region: Region | None = None, zone: Zone | None = None, source: str = IndicatorValue.Source.REPORTED,
               stated_growth: Decimal | None = None, note: str = "",
               channel: str = IndicatorValue.Channel.IMPORT) -> tuple[IndicatorValue, bool]:
    """Create the figure, or replace the one with the same indicator, place, period and source (imports);
    returns (value, created)."""
    period = Period.parse(period)
    data = {"indicator": indicator, "region": region, "zone": zone, "year": period.year, "month": period.month,
            "value": value, "source": source, "stated_growth": stated_growth, "note": note, "channel": channel}
    existing = IndicatorValue.objects.filter(indicator=indicator, year=period.year, month=period.month,
                                             source=source, **_place_filter(region, zone)).first()
    if existing is None:
        return value_create(actor=actor, data=data), True
    changes = {"value": value, "stated_growth": stated_growth, "channel": channel}
    if note:
        changes["note"] = note
    return value_update(actor=actor, value=existing, data=changes), False


# --- targets --------------------------------------------------------------------------------------------------

@transaction.atomic
def target_save(*, actor: User, data: Mapping[str, Any]) -> Target:
    """Set the annual target of an indicator for a region or zone (replacing the one there was)."""
    data = _only_fields(data, TARGET_FIELDS)
    indicator = _check_indicator(data.get("indicator"))
    region = _data_region(data)
    ensure_can_set_target(actor, region=region)
    if data.get("amount") is None and data.get("growth") is None:
        raise ValidationFailed("请填写目标值或目标增速(至少一项)",
                               details=[{"field": "amount", "message": "目标值与目标增速至少填一项"}])
    if data.get("year") is None:
        raise ValidationFailed("请填写年度", details=[{"field": "year", "message": "必填"}])
    existing = Target.objects.filter(indicator=indicator, year=data["year"],
                                     **_place_filter(data.get("region"), data.get("zone"))).first()
    if existing is None:
        return create_audited(actor=actor, instance=Target(set_by=actor, **data))
    changes = {k: data.get(k) for k in ("amount", "growth")}
    changes["note"] = data.get("note", existing.note)
    return update_audited(actor=actor, instance=existing, data={**changes, "set_by": actor},
                          expected_updated_at=None)


@transaction.atomic
def target_update(*, actor: User, target: Target, data: Mapping[str, Any],
                  expected_updated_at: datetime | None = None) -> Target:
    data = _only_fields(data, TARGET_UPDATE_FIELDS)
    ensure_can_set_target(actor, region=place_region(target))
    amount = data.get("amount", target.amount)
    growth = data.get("growth", target.growth)
    if amount is None and growth is None:
        raise ValidationFailed("目标值与目标增速至少保留一项")
    return update_audited(actor=actor, instance=target, data={**data, "set_by": actor},
                          expected_updated_at=expected_updated_at)


@transaction.atomic
def target_delete(*, actor: User, target: Target) -> None:
    ensure_can_set_target(actor, region=place_region(target))
    delete_audited(actor=actor, instance=target)


@transaction.atomic
def target_breakdown_apply(*, actor: User, indicator: Indicator, entity: str, year: int,
                           total: Decimal) -> list[Target]:
    """Split `total` over the child regions by last year's shares (selectors.target_breakdown) and save each
    child's annual target; the quarterly split stays a computed figure."""
    lines = selectors.target_breakdown(user=actor, indicator=indicator, entity=entity, year=year, total=total)
    regions = {r.pk: r for r in Region.objects.filter(pk__in=[line.place.pk for line in lines])}
    return [target_save(actor=actor, data={
        "indicator": indicator, "region": regions[line.place.pk], "year": year, "amount": line.annual,
        "note": f"按{year - 1}年占比 {line.share:.2%} 分解"}) for line in lines]


# --- flags ----------------------------------------------------------------------------------------------------

@transaction.atomic
def flag_explain(*, actor: User, flag: ConsistencyFlag, explanation: str) -> ConsistencyFlag:
    """The place explains the flagged figure (情况说明); the flag waits for closing."""
    ensure_can_write(actor, place_region(flag))
    text = (explanation or "").strip()
    if not text:
        raise ValidationFailed("请填写情况说明", details=[{"field": "explanation", "message": "必填"}])
    if flag.status == ConsistencyFlag.Status.CLOSED:
        raise Conflict("该问题已核销")
    return update_audited(actor=actor, instance=flag, data={
        "explanation": text, "explained_by": actor, "explained_at": timezone.now(),
        "status": ConsistencyFlag.Status.EXPLAINED}, expected_updated_at=None)


@transaction.atomic
def flag_close(*, actor: User, flag: ConsistencyFlag, note: str = "") -> ConsistencyFlag:
    """Close (核销) a flag: someone above the place, the statistics bureau or an administrator; a flag nobody
    explained needs the closing note as its explanation."""
    ensure_can_close(actor, region=place_region(flag))
    if flag.status == ConsistencyFlag.Status.CLOSED:
        raise Conflict("该问题已核销")
    note = (note or "").strip()
    data: dict[str, Any] = {"status": ConsistencyFlag.Status.CLOSED, "closed_by": actor, "closed_at": timezone.now()}
    if note:
        data["explanation"] = f"{flag.explanation}\n{note}".strip() if flag.explanation else note
    elif not flag.explanation:
        raise ValidationFailed("该问题尚无情况说明,核销时请填写核销意见",
                               details=[{"field": "note", "message": "必填"}])
    return update_audited(actor=actor, instance=flag, data=data, expected_updated_at=None)


# --- consistency checks ---------------------------------------------------------------------------------------

def _fmt(value: float | None, places: int = 2) -> str:
    return "—" if value is None else f"{value:,.{places}f}"


def _round(value):
    return None if value is None else round(float(value), 4)


def _check_frame(period: Period, window: int) -> tuple[pl.DataFrame, dict[str, dict], dict[str, Indicator]]:
    """Every figure (both sources, all places) from the start of the outlier window or last January, whichever
    is earlier, to `period`: one query."""
    first = min(period.shift(-window), Period(period.year - 1, 1))
    indicators = {i.code: i for i in selectors.indicator_list()}
    qs = (IndicatorValue.objects.filter(indicator__active=True, year__gte=first.year, year__lte=period.year)
          .order_by().values_list("indicator__code", "region_id", "zone_id", "region__name", "zone__name", "year",
                                  "month", "value", "source", "stated_growth"))
    records, places = [], {}
    for code, region_id, zone_id, region_name, zone_name, year, month, value, source, stated in qs:
        if (year, month) > (period.year, period.month):
            continue
        entity = f"r{region_id}" if region_id else f"z{zone_id}"
        places.setdefault(entity, {"region_id": region_id, "zone_id": zone_id, "name": region_name or zone_name})
        records.append((code, entity, year, month, float(value), source, None if stated is None else float(stated)))
    frame = pl.DataFrame(records, schema=selectors.FRAME_SCHEMA, orient="row")
    frame = frame.join(selectors.catalog_of(indicators.values()), on="indicator", how="inner")
    return frame, places, indicators


def consistency_findings(*, period: Period | str) -> list[dict]:
    """What the rules find for `period` (nothing is written): rule, indicator, entity, source, values, message."""
    period = Period.parse(period)
    settings = selectors.monitor_settings()
    frame, places, indicators = _check_frame(period, settings.outlier_window_months)
    if frame.is_empty():
        return []
    at = (pl.col("year") == period.year) & (pl.col("month") == period.month)
    labels = dict(IndicatorValue.Source.choices)
    findings: list[dict] = []

    def add(rule: str, row: dict, values: dict, message: str, source: str) -> None:
        findings.append({"rule": rule, "indicator": indicators[row["indicator"]], "entity": row["entity"],
                         "place": places[row["entity"]], "source": source,
                         "values": {k: _round(v) if isinstance(v, float) else v for k, v in values.items()},
                         "message": message})

    def head(row: dict, source: str | None = None) -> str:
        text = f"{places[row['entity']]['name']}{period.label}{indicators[row['indicator']].name}"
        return f"{text}({labels[source]})" if source else text

    tolerance = float(settings.growth_tolerance_points)
    for row in analytics.growth_mismatches(frame, tolerance=tolerance).filter(at).to_dicts():
        unit = indicators[row["indicator"]].unit
        what = "增减" if row["is_rate"] else "增速"
        point = "个百分点" if row["is_rate"] else "%"
        add(ConsistencyFlag.Rule.GROWTH_MISMATCH, row,
            {"stated_growth": row["stated_growth"], "computed_growth": row["computed"], "value": row["value"],
             "last_year": row["prev"], "tolerance": tolerance},
            f"{head(row, row['source'])}:所报{what} {row['stated_growth']:.1f}{point} 与按数值计算的 "
            f"{row['computed']:.1f}{point} 不符(上年同期 {_fmt(row['prev'])}{unit},本期 {_fmt(row['value'])}{unit},"
            f"相差 {abs(row['stated_growth'] - row['computed']):.1f} 个百分点,容差 {tolerance:g})", row["source"])
    for row in analytics.cumulative_decreases(frame).filter(at).to_dicts():
        unit = indicators[row["indicator"]].unit
        add(ConsistencyFlag.Rule.CUMULATIVE_DECREASE, row,
            {"value": row["value"], "previous": row["prev"], "previous_month": row["prev_month"]},
            f"{head(row, row['source'])}:累计值 {_fmt(row['value'])}{unit} 低于 1-{row['prev_month']}月的 "
            f"{_fmt(row['prev'])}{unit},累计值不应下降", row["source"])
    for row in analytics.shares_over_limit(frame.filter(at)).to_dicts():
        add(ConsistencyFlag.Rule.SHARE_OVER_100, row, {"value": row["value"]},
            f"{head(row, row['source'])}:占比 {_fmt(row['value'])}% 超出 0–100% 的范围", row["source"])
    derived = analytics.derive(frame.drop([c for c in ("basis", "frequency", "is_rate", "is_share", "direction",
                                                       "rank_basis", "aggregation", "step") if c in frame.columns]),
                               selectors.catalog_of(indicators.values()), by=("indicator", "entity", "source"))
    flows = derived.filter(pl.col("basis") != "point")
    z = float(settings.outlier_z)
    for row in analytics.month_outliers(flows, at_index=period.index, window=settings.outlier_window_months,
                                        min_history=settings.outlier_min_history, z=z).to_dicts():
        unit = indicators[row["indicator"]].unit
        add(ConsistencyFlag.Rule.OUTLIER, row,
            {"month_value": row["month_value"], "median": row["median"], "mad": row["mad"], "score": row["score"],
             "z": z, "window_months": settings.outlier_window_months},
            f"{head(row, row['source'])}:当月值 {_fmt(row['month_value'])}{unit} 远离本地近 "
            f"{settings.outlier_window_months} 个月的中位数 {_fmt(row['median'])}{unit}"
            f"(稳健 z 值 {row['score']:.1f},阈值 {z:g})", row["source"])
    threshold = float(settings.reconciliation_threshold_pct)
    gaps = analytics.reconcile(frame.filter(at), threshold_pct=threshold).filter(pl.col("exceeds"))
    for row in gaps.to_dicts():
        unit = indicators[row["indicator"]].unit
        pct = "—" if row["diff_pct"] is None else f"{row['diff_pct']:+.1f}%"
        add(ConsistencyFlag.Rule.RECONCILIATION, row,
            {"reported": row["reported"], "official": row["official"], "diff": row["diff"],
             "diff_pct": row["diff_pct"], "threshold_pct": threshold},
            f"{head(row)}:上报 {_fmt(row['reported'])}{unit} 与统计部门 {_fmt(row['official'])}{unit} 相差 "
            f"{pct}(阈值 ±{threshold:g}%)", "")
    return findings


def _flag_key(rule: str, indicator: Indicator, entity: str, period: Period, source: str) -> str:
    return f"{rule}:{indicator.code}:{entity}:{period}:{source}"


def _same_values(a: dict, b: dict) -> bool:
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


@transaction.atomic
def run_consistency_checks(*, period: Period | str) -> list[ConsistencyFlag]:
    """Run every consistency rule for `period` over all places and keep the flags in step; idempotent.

    A finding with an open flag of the same key updates it (values may have changed); one already explained or
    closed with the same values is left alone; anything else opens a flag. Open or explained flags of the period
    that no rule finds any more are closed as resolved. Returns the flags of this run's findings.
    """
    period = Period.parse(period)
    findings = consistency_findings(period=period)
    existing: dict[str, list[ConsistencyFlag]] = {}
    for flag in ConsistencyFlag.objects.filter(year=period.year, month=period.month).order_by("pk"):
        existing.setdefault(flag.key, []).append(flag)
    result, seen = [], set()
    for finding in findings:
        key = _flag_key(finding["rule"], finding["indicator"], finding["entity"], period, finding["source"])
        if key in seen:
            continue
        seen.add(key)
        flags = existing.get(key, [])
        open_flag = next((f for f in flags if f.status == ConsistencyFlag.Status.OPEN), None)
        handled = next((f for f in flags if f.status != ConsistencyFlag.Status.OPEN
                        and _same_values(f.values, finding["values"])), None)
        if open_flag is not None:
            if not _same_values(open_flag.values, finding["values"]) or open_flag.message != finding["message"]:
                open_flag.values, open_flag.message = finding["values"], finding["message"][:300]
                open_flag.save(update_fields=["values", "message", "updated_at"])
            result.append(open_flag)
        elif handled is not None:
            result.append(handled)
        else:
            place = finding["place"]
            flag = ConsistencyFlag.objects.create(
                key=key, rule=finding["rule"], indicator=finding["indicator"], region_id=place["region_id"],
                zone_id=place["zone_id"], year=period.year, month=period.month, source=finding["source"],
                values=finding["values"], message=finding["message"][:300])
            audit.record(actor=None, action="flag", instance=flag, after=audit.snapshot(flag))
            result.append(flag)
    now = timezone.now()
    for key, flags in existing.items():
        if key in seen:
            continue
        for flag in flags:
            if flag.status == ConsistencyFlag.Status.CLOSED:
                continue
            flag.status, flag.closed_at = ConsistencyFlag.Status.CLOSED, now
            flag.explanation = (flag.explanation + "\n" if flag.explanation else "") + "复核时规则不再触发(数据已更正)"
            flag.save(update_fields=["status", "closed_at", "explanation", "updated_at"])
            audit.record(actor=None, action="resolve", instance=flag, after={"status": flag.status})
    return result


@transaction.atomic
def checks_run(*, actor: User, period: Period | str) -> list[ConsistencyFlag]:
    """Run the checks on behalf of a user (statistics bureau, project office or administrator)."""
    if not can_run_checks(actor):
        raise PermissionDenied("只有统计部门、项目办或管理员可以运行数据核查")
    period = Period.parse(period)
    flags = run_consistency_checks(period=period)
    audit.record(actor=actor, action="run_checks", object_type="indicators.consistencyflag",
                 object_repr=f"数据核查 {period}", after={"period": str(period), "flags": len(flags)})
    return flags
