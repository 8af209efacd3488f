"""Writes for the enterprise registry and its annual data."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db import transaction

from devzone.core import audit
from devzone.core.crud import create_audited, delete_audited, update_audited
from devzone.core.errors import Conflict, ValidationFailed
from devzone.core.models import User
from devzone.core.services import _only_fields, ensure_can_write
from devzone.enterprises.credit_code import credit_code_problem, normalise_credit_code
from devzone.enterprises.models import Enterprise, EnterpriseYear

ENTERPRISE_FIELDS = {
    "credit_code", "name", "region", "zone", "industry", "size", "legal_representative", "address", "phone",
    "established_on", "production_start_year", "stats_status", "ladder_stage", *Enterprise.FLAG_FIELDS,
}
YEAR_FIELDS = {"year", *EnterpriseYear.FIGURE_FIELDS, "sources"}


def _clean_credit_code(data: dict[str, Any]) -> None:
    if "credit_code" not in data:
        return
    code = normalise_credit_code(str(data["credit_code"] or ""))
    problem = credit_code_problem(code)
    if problem:
        raise ValidationFailed(problem, details=[{"field": "credit_code", "message": problem}])
    data["credit_code"] = code


def _check_zone_in_region(data: Mapping[str, Any], enterprise: Enterprise | None = None) -> None:
    zone = data.get("zone", enterprise.zone if enterprise else None)
    region = data.get("region", enterprise.region if enterprise else None)
    if zone is not None and region is not None and not region.path.startswith(zone.region.path) \
            and not zone.region.path.startswith(region.path):
        raise ValidationFailed(f"企业所在园区「{zone}」不在所选行政区划「{region}」内",
                               details=[{"field": "zone", "message": "园区与行政区划不一致"}])


@transaction.atomic
def enterprise_create(*, actor: User, data: Mapping[str, Any]) -> Enterprise:
    data = _only_fields(data, ENTERPRISE_FIELDS)
    _clean_credit_code(data)
    if data.get("region") is None:
        raise ValidationFailed("请选择企业所在行政区划", details=[{"field": "region", "message": "必填"}])
    ensure_can_write(actor, data["region"])
    _check_zone_in_region(data)
    if Enterprise.objects.filter(credit_code=data["credit_code"]).exists():
        raise Conflict(f"统一社会信用代码 {data['credit_code']} 已登记")
    return create_audited(actor=actor, instance=Enterprise(**data))


@transaction.atomic
def enterprise_update(*, actor: User, enterprise: Enterprise, data: Mapping[str, Any],
                      expected_updated_at: datetime | None = None) -> Enterprise:
    data = _only_fields(data, ENTERPRISE_FIELDS)
    _clean_credit_code(data)
    ensure_can_write(actor, enterprise.region)
    if data.get("region") is not None:
        ensure_can_write(actor, data["region"])
    _check_zone_in_region(data, enterprise)
    if "credit_code" in data and Enterprise.objects.filter(credit_code=data["credit_code"]).exclude(
            pk=enterprise.pk).exists():
        raise Conflict(f"统一社会信用代码 {data['credit_code']} 已被其他企业使用")
    return update_audited(actor=actor, instance=enterprise, data=data, expected_updated_at=expected_updated_at)


@transaction.atomic
def enterprise_delete(*, actor: User, enterprise: Enterprise) -> None:
    ensure_can_write(actor, enterprise.region)
    delete_audited(actor=actor, instance=enterprise)


@transaction.atomic
def enterprise_year_save(*, actor: User, enterprise: Enterprise, data: Mapping[str, Any]) -> EnterpriseYear:
    """Create or replace one year's figures (audited as create or update)."""
    data = _only_fields(data, YEAR_FIELDS)
    ensure_can_write(actor, enterprise.region)
    year = data.get("year")
    if year is None:
        raise ValidationFailed("请填写年份", details=[{"field": "year", "message": "必填"}])
    existing = EnterpriseYear.objects.filter(enterprise=enterprise, year=year).first()
    if existing is None:
        return create_audited(actor=actor, instance=EnterpriseYear(enterprise=enterprise, **data))
    return update_audited(actor=actor, instance=existing, data=data, expected_updated_at=None)


def enterprise_snapshot(enterprise: Enterprise) -> dict:
    return audit.snapshot(enterprise)
