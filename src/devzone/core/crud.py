"""Shared write mechanics for services: validation, optimistic locking and audit in one place."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from devzone.core import audit
from devzone.core.errors import Conflict, ValidationFailed

M = TypeVar("M", bound=models.Model)


def validation_details(exc: ValidationError) -> list[dict]:
    if hasattr(exc, "error_dict"):
        return [
            {"field": None if field == "__all__" else field, "message": message}
            for field, errors in exc.message_dict.items()
            for message in errors
        ]
    return [{"field": None, "message": message} for message in exc.messages]


def validate_instance(instance: models.Model) -> None:
    """Run model validation and turn Django's error into a ValidationFailed users can read."""
    try:
        instance.full_clean()
    except ValidationError as exc:
        details = validation_details(exc)
        summary = ";".join(
            f"{_field_label(instance, d['field'])}:{d['message']}" if d["field"] else d["message"] for d in details
        )
        raise ValidationFailed(f"数据校验未通过:{summary}", details=details) from exc


def _field_label(instance: models.Model, name: str) -> str:
    try:
        return str(instance._meta.get_field(name).verbose_name)
    except Exception:
        return name


def save_checked(instance: M) -> M:
    """Save, turning a database integrity error (a race on a unique value) into a Conflict."""
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as exc:
        raise Conflict(f"保存失败,数据与已有记录冲突:{exc}") from exc
    return instance


def create_audited(*, actor, instance: M) -> M:
    validate_instance(instance)
    save_checked(instance)
    audit.record(actor=actor, action="create", instance=instance, after=audit.snapshot(instance))
    return instance


def update_audited(*, actor, instance: M, data: Mapping[str, Any], expected_updated_at: datetime | None) -> M:
    """Apply `data` to a row locked for update; 409 when it changed since the client read it."""
    locked = type(instance).objects.select_for_update().get(pk=instance.pk)
    if expected_updated_at is not None and locked.updated_at != expected_updated_at:
        raise Conflict("该记录已被他人修改,请刷新后重试", details=[{"field": "updated_at",
                                                          "message": locked.updated_at.isoformat()}])
    before = audit.snapshot(locked)
    for key, value in data.items():
        setattr(locked, key, value)
    validate_instance(locked)
    save_checked(locked)
    after = audit.snapshot(locked)
    changed = {k for k in after if before.get(k) != after.get(k)} - {"updated_at"}
    audit.record(actor=actor, action="update", instance=locked,
                 before={k: before.get(k) for k in changed}, after={k: after[k] for k in changed})
    return locked


def delete_audited(*, actor, instance: models.Model) -> None:
    before = audit.snapshot(instance)
    object_type, object_id, object_repr = audit.object_type_of(instance), str(instance.pk), str(instance)
    try:
        with transaction.atomic():
            instance.delete()
    except models.ProtectedError as exc:
        raise Conflict("该记录仍被其他数据引用,不能删除") from exc
    audit.record(actor=actor, action="delete", object_type=object_type, object_id=object_id,
                 object_repr=object_repr, before=before)
