"""Reads of organisation data, scoped by the acting user's jurisdiction."""

from __future__ import annotations

from collections.abc import Mapping

from django.db.models import Q, QuerySet

from devzone.core.jurisdiction import get_in_scope, scope_for
from devzone.core.listing import apply_sort
from devzone.core.models import AuditEvent, Department, Job, Region, User, Zone

ZONE_SORTS = {"name": "name", "level": "level", "kind": "kind", "region": "region__path",
              "planned_area": "planned_area_km2", "threshold": "intensity_threshold", "updated": "updated_at"}


def region_queryset(*, user: User) -> QuerySet[Region]:
    """Regions in the user's subtree plus its ancestors (a county sees its city, not its neighbours)."""
    return Region.objects.filter(scope_for(user).with_ancestors_q(field="")).select_related("parent")


def region_list(*, user: User, filters: Mapping[str, str] | None = None) -> QuerySet[Region]:
    qs = region_queryset(user=user)
    filters = filters or {}
    if filters.get("level"):
        qs = qs.filter(level=filters["level"])
    if filters.get("parent"):
        qs = qs.filter(parent_id=filters["parent"])
    if filters.get("q"):
        qs = qs.filter(Q(name__icontains=filters["q"]) | Q(code__startswith=filters["q"]))
    return qs.order_by("path")


def region_get(*, user: User, region_id: int) -> Region:
    return get_in_scope(region_queryset(user=user), pk=region_id)


def counties_in_scope(*, user: User) -> QuerySet[Region]:
    return region_queryset(user=user).filter(level=Region.Level.COUNTY).filter(
        scope_for(user).region_q(field="")).order_by("sort_order", "path")


def zone_queryset(*, user: User) -> QuerySet[Zone]:
    return Zone.objects.filter(scope_for(user).region_q()).select_related("region", "parent")


def zone_list(*, user: User, filters: Mapping[str, str] | None = None) -> QuerySet[Zone]:
    filters = filters or {}
    qs = zone_queryset(user=user)
    if filters.get("q"):
        qs = qs.filter(Q(name__icontains=filters["q"]) | Q(short_name__icontains=filters["q"]))
    for key in ("level", "kind"):
        if filters.get(key):
            qs = qs.filter(**{key: filters[key]})
    if filters.get("region"):
        region = Region.objects.filter(pk=filters["region"]).only("path").first()
        qs = qs.filter(region__path__startswith=region.path) if region else qs.none()
    return apply_sort(qs, filters.get("sort"), ZONE_SORTS, default=("region__path", "name"))


def zone_get(*, user: User, zone_id: int) -> Zone:
    return get_in_scope(zone_queryset(user=user), pk=zone_id)


def department_queryset(*, user: User) -> QuerySet[Department]:
    return Department.objects.filter(scope_for(user).with_ancestors_q()).select_related("region")


def department_list(*, user: User, filters: Mapping[str, str] | None = None) -> QuerySet[Department]:
    filters = filters or {}
    qs = department_queryset(user=user)
    if filters.get("q"):
        qs = qs.filter(Q(name__icontains=filters["q"]) | Q(code__icontains=filters["q"]))
    if filters.get("region"):
        qs = qs.filter(region_id=filters["region"])
    return qs.order_by("region__path", "name")


def department_get(*, user: User, department_id: int) -> Department:
    return get_in_scope(department_queryset(user=user), pk=department_id)


def audit_event_list(*, user: User, filters: Mapping[str, str] | None = None) -> QuerySet[AuditEvent]:
    """The audit trail, for administrators only (others get an empty list)."""
    if not user.is_superuser:
        return AuditEvent.objects.none()
    filters = filters or {}
    qs = AuditEvent.objects.all()
    for key in ("object_type", "object_id", "action"):
        if filters.get(key):
            qs = qs.filter(**{key: filters[key]})
    if filters.get("user"):
        qs = qs.filter(actor_username=filters["user"])
    if filters.get("since"):
        qs = qs.filter(created_at__date__gte=filters["since"])
    if filters.get("until"):
        qs = qs.filter(created_at__date__lte=filters["until"])
    return qs.order_by("-seq")


def job_queryset(*, user: User) -> QuerySet[Job]:
    """Jobs a user may see: their own; administrators see all."""
    qs = Job.objects.select_related("created_by")
    return qs if user.is_superuser else qs.filter(created_by=user)


def job_get(*, user: User, job_id: int) -> Job:
    return get_in_scope(job_queryset(user=user), pk=job_id)
