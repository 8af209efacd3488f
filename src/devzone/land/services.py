"""Every write of the land app: quota movements under a row lock, parcels, documents, disposal actions,
standard-land conditions and the checks made at 达效. Each write is atomic, jurisdiction-checked and audited."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Case, DecimalField, F, Sum, When
from django.utils import timezone

from devzone.core import audit
from devzone.core.crud import create_audited, delete_audited, save_checked, update_audited, validate_instance
from devzone.core.errors import Conflict, ValidationFailed
from devzone.core.models import Region, User, Zone
from devzone.core.services import _only_fields, ensure_can_write
from devzone.enterprises.models import EnterpriseYear
from devzone.land import standard
from devzone.land.models import (
    DisposalAction,
    LandSettings,
    Parcel,
    ParcelDocument,
    QuotaAccount,
    QuotaMovement,
    StandardLandCheck,
    StandardLandCondition,
    ZoneLandRule,
)
from devzone.projects import files
from devzone.projects.models import Project

ZERO = Decimal("0")
CENT = Decimal("0.01")
SETTINGS_FIELDS = {"idle_days", "tax_per_mu_threshold", "weight_count", "weight_amount"}
PARCEL_FIELDS = {"code", "name", "region", "zone", "area_mu", "use", "approved_on", "expropriated_on",
                 "supplied_on", "used_on", "project", "enterprise", "lon", "lat", "geometry", "standard_land",
                 "note"}
CONDITION_FIELDS = {"min_investment_intensity", "min_tax_per_mu", "max_energy_per_output",
                    "max_emission_per_output"}
DISPOSAL_FIELDS = {"category", "action", "responsible", "due_on", "plan"}
GEOJSON_TYPES = {"Point", "Polygon", "MultiPolygon"}


# --- settings ------------------------------------------------------------------------------------------

def settings_get() -> LandSettings:
    row, _created = LandSettings.objects.get_or_create(pk=1)
    return row


@transaction.atomic
def settings_update(*, actor: User, data: Mapping[str, Any]) -> LandSettings:
    if not actor.is_superuser:
        raise ValidationFailed("只有系统管理员可以修改用地参数")
    row = settings_get()
    return update_audited(actor=actor, instance=row, data=_only_fields(data, SETTINGS_FIELDS),
                          expected_updated_at=None)


@transaction.atomic
def zone_rule_set(*, actor: User, zone: Zone, tax_per_mu_threshold: Decimal) -> ZoneLandRule:
    ensure_can_write(actor, zone.region)
    existing = ZoneLandRule.objects.filter(zone=zone).first()
    if existing is None:
        return create_audited(actor=actor,
                              instance=ZoneLandRule(zone=zone, tax_per_mu_threshold=tax_per_mu_threshold))
    return update_audited(actor=actor, instance=existing, data={"tax_per_mu_threshold": tax_per_mu_threshold},
                          expected_updated_at=None)


# --- quota ledger --------------------------------------------------------------------------------------

def _area(value: Any, label: str = "面积") -> Decimal:
    try:
        area = Decimal(str(value)).quantize(CENT)
    except Exception as exc:
        raise ValidationFailed(f"{label}不是有效数字", details=[{"field": "area_mu", "message": "无效数字"}]) from exc
    if area <= 0:
        raise ValidationFailed(f"{label}须大于 0 亩", details=[{"field": "area_mu", "message": "须大于 0"}])
    return area


def account_for(*, year: int, region: Region | None = None, zone: Zone | None = None) -> QuotaAccount:
    """The quota account of a county (zone None) or a zone for `year`, created on first use."""
    if zone is not None:
        region = zone.region
    if region is None:
        raise ValidationFailed("请选择县区或开发区", details=[{"field": "region", "message": "必填"}])
    if not 1949 <= int(year) <= 2100:
        raise ValidationFailed(f"年份 {year} 不在有效范围内", details=[{"field": "year", "message": "年份无效"}])
    account, _created = QuotaAccount.objects.get_or_create(year=year, region=region, zone=zone)
    return account


def balance_expression() -> Sum:
    signed = Case(When(kind__in=QuotaMovement.OUTGOING, then=-F("area_mu")), default=F("area_mu"),
                  output_field=DecimalField(max_digits=14, decimal_places=2))
    return Sum(signed)


def account_balance(account: QuotaAccount) -> Decimal:
    value = QuotaMovement.objects.filter(account=account).aggregate(b=balance_expression())["b"]
    return (value or ZERO).quantize(CENT)


def _lock(*accounts: QuotaAccount) -> list[QuotaAccount]:
    """Lock the accounts' rows in id order (no deadlock between two transfers in opposite directions)."""
    ids = sorted({a.pk for a in accounts})
    locked = {a.pk: a for a in QuotaAccount.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
    return [locked[a.pk] for a in accounts]


def _ensure_covers(account: QuotaAccount, area: Decimal) -> None:
    balance = account_balance(account)
    if balance < area:
        raise ValidationFailed(
            f"{account.unit_name} {account.year} 年用地指标余额 {balance} 亩,不足 {area} 亩,不能调出或安排",
            details=[{"field": "area_mu", "message": f"余额不足(余额 {balance} 亩)"}])


def _movement(*, actor: User, account: QuotaAccount, kind: str, area: Decimal, on: date, **fields) -> QuotaMovement:
    movement = QuotaMovement(account=account, kind=kind, area_mu=area, on=on, created_by=actor, **fields)
    validate_instance(movement)
    save_checked(movement)
    after = {**audit.snapshot(movement), "balance": str(account_balance(account))}
    audit.record(actor=actor, action=f"quota_{kind}", instance=movement, after=after)
    QuotaAccount.objects.filter(pk=account.pk).update(updated_at=timezone.now())
    return movement


def _grantor_region(account: QuotaAccount) -> Region:
    """Quota is granted from above: a county's by the city, a zone's by its county or the city."""
    if account.zone_id:
        return account.region
    return account.region.parent or account.region


@transaction.atomic
def quota_grant(*, actor: User, account: QuotaAccount, area_mu: Any, on: date, note: str = "") -> QuotaMovement:
    """下达: add yearly quota to a unit (only a user above the unit may grant)."""
    ensure_can_write(actor, _grantor_region(account))
    (account,) = _lock(account)
    return _movement(actor=actor, account=account, kind=QuotaMovement.Kind.GRANT, area=_area(area_mu), on=on,
                     note=(note or "")[:300])


@transaction.atomic
def quota_allocate(*, actor: User, account: QuotaAccount, project: Project, area_mu: Any, on: date,
                   note: str = "") -> QuotaMovement:
    """安排: give quota to a project of the unit; refused when the balance would go negative."""
    ensure_can_write(actor, account.region)
    if not project.region.path.startswith(account.region.path):
        raise ValidationFailed(f"项目「{project.name}」不在{account.unit_name}辖区内",
                               details=[{"field": "project", "message": "项目不在本单位辖区"}])
    if account.zone_id and project.zone_id and project.zone_id != account.zone_id:
        raise ValidationFailed(f"项目「{project.name}」不在{account.unit_name}",
                               details=[{"field": "project", "message": "项目不在本园区"}])
    area = _area(area_mu)
    (account,) = _lock(account)
    _ensure_covers(account, area)
    return _movement(actor=actor, account=account, kind=QuotaMovement.Kind.ALLOCATION, area=area, on=on,
                     project=project, note=(note or "")[:300])


def _prices(area: Decimal, price_per_mu: Any, total_price: Any) -> tuple[Decimal | None, Decimal | None]:
    price = Decimal(str(price_per_mu)) if price_per_mu not in (None, "") else None
    total = Decimal(str(total_price)) if total_price not in (None, "") else None
    if price is None and total is None:
        return None, None
    if (price is not None and price <= 0) or (total is not None and total <= 0):
        raise ValidationFailed("调剂价格须大于 0", details=[{"field": "price_per_mu", "message": "须大于 0"}])
    if total is None:
        total = (price * area).quantize(CENT)
    if price is None:
        price = (total / area).quantize(CENT)
    return price, total


@transaction.atomic
def quota_transfer(*, actor: User, source: QuotaAccount, target: QuotaAccount, area_mu: Any, on: date,
                   price_per_mu: Any = None, total_price: Any = None, note: str = "") -> list[QuotaMovement]:
    """调剂: move quota from one unit to another in the same year; with a price it is a paid swap (有偿调剂).
    Both sides are written or neither; the source may never go negative."""
    ensure_can_write(actor, source.region)
    ensure_can_write(actor, target.region)
    if source.pk == target.pk:
        raise ValidationFailed("调出与调入单位不能相同", details=[{"field": "target", "message": "与调出单位相同"}])
    if source.year != target.year:
        raise ValidationFailed("只能在同一年度的指标之间调剂", details=[{"field": "target", "message": "年度不同"}])
    area = _area(area_mu)
    price, total = _prices(area, price_per_mu, total_price)
    source, target = _lock(source, target)
    _ensure_covers(source, area)
    paid = price is not None
    out_kind = QuotaMovement.Kind.SWAP_OUT if paid else QuotaMovement.Kind.TRANSFER_OUT
    in_kind = QuotaMovement.Kind.SWAP_IN if paid else QuotaMovement.Kind.TRANSFER_IN
    note = (note or "")[:300]
    out = _movement(actor=actor, account=source, kind=out_kind, area=area, on=on, counterpart=target,
                    price_per_mu=price, total_price=total, note=note)
    inc = _movement(actor=actor, account=target, kind=in_kind, area=area, on=on, counterpart=source,
                    price_per_mu=price, total_price=total, note=note)
    return [out, inc]


@transaction.atomic
def quota_proposal_adopt(*, actor: User, year: int, shares: Sequence[tuple[Region, Any]], on: date,
                         note: str = "按招商引资实绩分配") -> list[QuotaMovement]:
    """Write the (possibly adjusted) proposal as grants to each county, all or none."""
    if not shares:
        raise ValidationFailed("没有可下达的指标")
    written = []
    for region, area in shares:
        if area in (None, "") or Decimal(str(area)) == 0:
            continue
        written.append(quota_grant(actor=actor, account=account_for(year=year, region=region), area_mu=area, on=on,
                                   note=note))
    if not written:
        raise ValidationFailed("各单位分配面积均为 0,未下达指标")
    return written


# --- parcels -------------------------------------------------------------------------------------------

def _check_dates(data: Mapping[str, Any]) -> None:
    steps = [("approved_on", "批准"), ("expropriated_on", "征收"), ("supplied_on", "供地"), ("used_on", "开工使用")]
    previous: tuple[str, str, date | None] | None = None
    for field, label in steps:
        value = data.get(field)
        if previous is not None:
            _prev_field, prev_label, prev_value = previous
            if value is not None and prev_value is None:
                raise ValidationFailed(f"地块尚无{prev_label}日期,不能填写{label}日期(批 → 征 → 供 → 用)",
                                       details=[{"field": field, "message": f"须先有{prev_label}日期"}])
            if value is not None and prev_value is not None and value < prev_value:
                raise ValidationFailed(f"{label}日期 {value} 早于{prev_label}日期 {prev_value}",
                                       details=[{"field": field, "message": f"早于{prev_label}日期"}])
        previous = (field, label, value)


def _check_geometry(value: Any) -> None:
    if value in (None, ""):
        return
    if not isinstance(value, dict) or value.get("type") not in GEOJSON_TYPES or \
            not isinstance(value.get("coordinates"), list):
        raise ValidationFailed("地块范围须为 GeoJSON 的 Point、Polygon 或 MultiPolygon 几何对象",
                               details=[{"field": "geometry", "message": "不是有效的 GeoJSON 几何"}])


def _check_links(data: Mapping[str, Any]) -> None:
    region, zone = data.get("region"), data.get("zone")
    if region is None:
        raise ValidationFailed("请选择地块所在行政区划", details=[{"field": "region", "message": "必填"}])
    if zone is not None and not (region.path.startswith(zone.region.path) or zone.region.path.startswith(region.path)):
        raise ValidationFailed(f"开发区「{zone}」不在「{region}」内",
                               details=[{"field": "zone", "message": "园区与区划不一致"}])
    project = data.get("project")
    if project is not None and _county_path(project.region) != _county_path(region):
        raise ValidationFailed(f"项目「{project}」不在地块所在的县区",
                               details=[{"field": "project", "message": "项目不在本县区"}])


def _county_path(region: Region) -> str:
    """The path of the county a region lies in (itself for a county or above)."""
    parts = region.path.strip("/").split("/")
    return "/" + "/".join(parts[:3]) + "/"


def _parcel_state(parcel: Parcel) -> dict:
    return audit.snapshot(parcel)


def _clean_parcel(data: dict[str, Any]) -> None:
    if "code" in data:
        data["code"] = str(data["code"] or "").strip()
        if not data["code"]:
            raise ValidationFailed("请填写地块编号", details=[{"field": "code", "message": "必填"}])
    if "area_mu" in data:
        data["area_mu"] = _area(data["area_mu"], "地块面积")
    if "geometry" in data:
        _check_geometry(data["geometry"])
        data["geometry"] = data["geometry"] or None


@transaction.atomic
def parcel_create(*, actor: User, data: Mapping[str, Any]) -> Parcel:
    data = _only_fields(data, PARCEL_FIELDS)
    _clean_parcel(data)
    _check_links(data)
    ensure_can_write(actor, data["region"])
    _check_dates(data)
    if Parcel.objects.filter(code=data.get("code", "")).exists():
        raise Conflict(f"地块编号 {data['code']} 已存在", details=[{"field": "code", "message": "编号已存在"}])
    return create_audited(actor=actor, instance=Parcel(**data))


@transaction.atomic
def parcel_update(*, actor: User, parcel: Parcel, data: Mapping[str, Any],
                  expected_updated_at: datetime | None = None) -> Parcel:
    data = _only_fields(data, PARCEL_FIELDS)
    _clean_parcel(data)
    ensure_can_write(actor, parcel.region)
    merged = {**{f: getattr(parcel, f) for f in PARCEL_FIELDS}, **data}
    _check_links(merged)
    ensure_can_write(actor, merged["region"])
    _check_dates(merged)
    if "code" in data and Parcel.objects.filter(code=data["code"]).exclude(pk=parcel.pk).exists():
        raise Conflict(f"地块编号 {data['code']} 已存在", details=[{"field": "code", "message": "编号已存在"}])
    return update_audited(actor=actor, instance=parcel, data=data, expected_updated_at=expected_updated_at)


@transaction.atomic
def parcel_delete(*, actor: User, parcel: Parcel) -> None:
    ensure_can_write(actor, parcel.region)
    delete_audited(actor=actor, instance=parcel)


def _read_upload(upload, limit: int) -> bytes:
    if hasattr(upload, "chunks"):
        data = bytearray()
        for chunk in upload.chunks():
            data += chunk
            if len(data) > limit:
                break
        return bytes(data)
    return upload.read(limit + 1)


@transaction.atomic
def document_upload(*, actor: User, parcel: Parcel, kind: str, upload, document_number: str = "") -> ParcelDocument:
    """Store a parcel document after checking by content that it is a PDF, JPEG or PNG (as project evidence)."""
    from devzone.projects.services import rules_get

    ensure_can_write(actor, parcel.region)
    if kind not in ParcelDocument.Kind.values:
        raise ValidationFailed(f"未知的材料类别:{kind}", details=[{"field": "kind", "message": "未知类别"}])
    max_mb = rules_get().max_upload_mb
    limit = max_mb * 1024 * 1024
    name = str(getattr(upload, "name", "") or "upload").replace("\\", "/").rsplit("/", 1)[-1][:200]
    data = _read_upload(upload, limit)
    if len(data) > limit:
        raise ValidationFailed(f"文件「{name}」超过 {max_mb} MB 的上限",
                               details=[{"field": "file", "message": "文件过大"}])
    if not data:
        raise ValidationFailed(f"文件「{name}」是空文件", details=[{"field": "file", "message": "空文件"}])
    sniffed = files.sniff(data[:16])
    if sniffed is None:
        raise ValidationFailed(f"文件「{name}」不是 JPEG、PNG 图片或 PDF 文档(按文件内容判断)",
                               details=[{"field": "file", "message": "文件类型不符"}])
    document = ParcelDocument(parcel=parcel, kind=kind, original_name=name, content_type=sniffed.content_type,
                              size=len(data), sha256=hashlib.sha256(data).hexdigest(),
                              document_number=(document_number or "").strip()[:100], uploaded_by=actor)
    document.file.save(f"land/{parcel.pk}/{uuid.uuid4().hex}.{sniffed.extension}", ContentFile(data), save=False)
    stored = document.file.name
    try:
        validate_instance(document)
        save_checked(document)
    except Exception:
        default_storage.delete(stored)
        raise
    audit.record(actor=actor, action="create", instance=document,
                 after={**audit.snapshot(document, exclude=("file",)), "file": stored})
    return document


# --- disposal actions ----------------------------------------------------------------------------------

@transaction.atomic
def disposal_create(*, actor: User, parcel: Parcel, data: Mapping[str, Any]) -> DisposalAction:
    data = _only_fields(data, DISPOSAL_FIELDS)
    ensure_can_write(actor, parcel.region)
    if data.get("category") not in DisposalAction.Category.values:
        raise ValidationFailed("请选择问题类别", details=[{"field": "category", "message": "必填"}])
    if data.get("action") not in DisposalAction.Action.values:
        raise ValidationFailed("请选择处置方式(整改、收回或盘活)", details=[{"field": "action", "message": "必填"}])
    if DisposalAction.objects.filter(parcel=parcel, category=data["category"]).exclude(
            status=DisposalAction.Status.DONE).exists():
        raise Conflict("该地块同类问题已有未办结的处置措施",
                       details=[{"field": "category", "message": "已有未办结措施"}])
    return create_audited(actor=actor, instance=DisposalAction(parcel=parcel, **data))


@transaction.atomic
def disposal_progress(*, actor: User, disposal: DisposalAction, status: str, done_on: date | None = None,
                      result: str = "", expected_updated_at: datetime | None = None) -> DisposalAction:
    """Move a disposal action to in progress or done; done needs the date and the result."""
    ensure_can_write(actor, disposal.parcel.region)
    if disposal.status == DisposalAction.Status.DONE:
        raise Conflict("处置措施已办结,不能再修改")
    if status not in DisposalAction.Status.values or status == DisposalAction.Status.OPEN:
        raise ValidationFailed("状态只能改为办理中或已办结", details=[{"field": "status", "message": "状态无效"}])
    data: dict[str, Any] = {"status": status, "result": (result or "").strip()}
    if status == DisposalAction.Status.DONE:
        if done_on is None:
            raise ValidationFailed("办结须填写办结日期", details=[{"field": "done_on", "message": "必填"}])
        if not data["result"]:
            raise ValidationFailed("办结须填写处置结果", details=[{"field": "result", "message": "必填"}])
        if done_on > timezone.localdate():
            raise ValidationFailed("办结日期不能晚于今天", details=[{"field": "done_on", "message": "未来日期"}])
        data["done_on"] = done_on
    return update_audited(actor=actor, instance=disposal, data=data, expected_updated_at=expected_updated_at)


# --- standard land (标准地) ----------------------------------------------------------------------------

@transaction.atomic
def standard_condition_set(*, actor: User, parcel: Parcel, data: Mapping[str, Any]) -> StandardLandCondition:
    """Offer the parcel as standard land with these preset conditions (at least one)."""
    data = _only_fields(data, CONDITION_FIELDS)
    ensure_can_write(actor, parcel.region)
    if all(data.get(k) in (None, "") for k in CONDITION_FIELDS):
        raise ValidationFailed("标准地须至少设定一项控制指标")
    existing = StandardLandCondition.objects.filter(parcel=parcel).first()
    if not parcel.standard_land:
        update_audited(actor=actor, instance=parcel, data={"standard_land": True}, expected_updated_at=None)
    if existing is None:
        return create_audited(actor=actor, instance=StandardLandCondition(parcel=parcel, **data))
    return update_audited(actor=actor, instance=existing, data=data, expected_updated_at=None)


def _owner_year(parcel: Parcel, project: Project, on: date) -> EnterpriseYear | None:
    enterprise_id = project.owner_id or parcel.enterprise_id
    if enterprise_id is None:
        return None
    return EnterpriseYear.objects.filter(enterprise_id=enterprise_id, year__lte=on.year).order_by("-year").first()


def standard_checks_run(*, actor: User | None, project: Project, on: date) -> list[StandardLandCheck]:
    """Check every standard-land parcel of `project` against its conditions and record the results (pass or
    fail per condition). It never blocks anything: a failure is recorded and shown as a warning."""
    checks = []
    parcels = Parcel.objects.filter(project=project, standard_land=True).select_related("standard_condition")
    with transaction.atomic():
        for parcel in parcels:
            condition = getattr(parcel, "standard_condition", None)
            if condition is None:
                continue
            year = _owner_year(parcel, project, on)
            achieved = standard.Achieved(
                area_mu=parcel.area_mu, investment=project.total_investment,
                tax=year.tax if year else None, output=year.output if year else None,
                energy_tce=year.energy_tce if year else None, emission_eq=year.emission_eq if year else None)
            results = standard.check({k: getattr(condition, k) for k in CONDITION_FIELDS}, achieved)
            check = StandardLandCheck.objects.create(
                parcel=parcel, project=project, checked_on=on, year=year.year if year else None,
                passed=all(r.passed for r in results), results=[r.as_json() for r in results])
            audit.record(actor=actor, action="standard_land_check", instance=check,
                         after={"parcel": parcel.code, "passed": check.passed, "results": check.results})
            checks.append(check)
    return checks


def standard_checks_for(projects: Iterable[Project]) -> dict[int, list[StandardLandCheck]]:
    found: dict[int, list[StandardLandCheck]] = {}
    for check in StandardLandCheck.objects.filter(project__in=list(projects)).select_related("parcel"):
        found.setdefault(check.project_id, []).append(check)
    return found

