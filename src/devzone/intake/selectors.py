"""Reads of import batches: a user sees their own batches; administrators see every batch."""

from __future__ import annotations

from collections.abc import Mapping

from django.db.models import QuerySet

from devzone.core.jurisdiction import get_in_scope
from devzone.core.listing import apply_sort
from devzone.core.models import User
from devzone.intake.models import ImportBatch

BATCH_SORTS = {"created": "created_at", "kind": "kind", "status": "status", "file": "original_name",
               "rows": "data_rows", "rejected": "rejected_rows"}


def batch_queryset(*, user: User) -> QuerySet[ImportBatch]:
    qs = ImportBatch.objects.select_related("created_by")
    if user.is_superuser:
        return qs
    if not user.is_authenticated or not user.pk:
        return qs.none()
    return qs.filter(created_by=user)


def batch_list(*, user: User, filters: Mapping[str, str] | None = None) -> QuerySet[ImportBatch]:
    filters = filters or {}
    qs = batch_queryset(user=user).defer("preview", "result")
    for key in ("kind", "status"):
        if filters.get(key):
            qs = qs.filter(**{key: filters[key]})
    return apply_sort(qs, filters.get("sort"), BATCH_SORTS, default=("-created_at",))


def batch_get(*, user: User, batch_id: int) -> ImportBatch:
    """One batch of the user's (NotFound for another user's batch, as for a missing one)."""
    return get_in_scope(batch_queryset(user=user), pk=batch_id)
