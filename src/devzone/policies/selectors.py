"""Reads for policy fulfilment, scoped by jurisdiction: a county sees the policies of its own subtree and of the
levels above it (a city policy applies to its counties), and only its own enterprises' applications."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from django.db.models import Count, F, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from devzone.core.jurisdiction import get_in_scope, scope_for
from devzone.core.listing import apply_sort
from devzone.core.models import Region, User
from devzone.policies.models import Application, Clause, Policy

AS = Application.Status
APPLICATION_SORTS = {"applied_on": "applied_on", "enterprise": "enterprise__name", "claimed": "claimed_amount",
                     "approved": "approved_amount", "due": "due_date", "paid_on": "paid_on", "status": "status",
                     "region": "enterprise__region__path"}


def policy_queryset(*, user: User) -> QuerySet[Policy]:
    return Policy.objects.filter(scope_for(user).with_ancestors_q()).select_related("region")


def policy_list(*, user: User, filters: Mapping[str, str] | None = None) -> QuerySet[Policy]:
    filters = filters or {}
    qs = policy_queryset(user=user)
    if filters.get("q"):
        qs = qs.filter(Q(name__icontains=filters["q"].strip()) | Q(issuer__icontains=filters["q"].strip()))
    if filters.get("active") in ("true", "1", True):
        qs = qs.filter(active=True)
    apps = Application.objects.filter(scope_for(user).region_q("enterprise__region"))
    qs = qs.annotate(clause_count=Count("clauses", distinct=True),
                     application_count=Count("clauses__applications",
                                             filter=Q(clauses__applications__in=apps), distinct=True))
    return apply_sort(qs, filters.get("sort"), {"name": "name", "issued_on": "issued_on"},
                      default=("-issued_on", "name"))


def policy_get(*, user: User, policy_id: int) -> Policy:
    return get_in_scope(policy_queryset(user=user).prefetch_related(
        Prefetch("clauses", queryset=Clause.objects.order_by("pk"))), pk=policy_id)


def clause_get(*, user: User, clause_id: int) -> Clause:
    return get_in_scope(Clause.objects.filter(scope_for(user).with_ancestors_q("policy__region"))
                        .select_related("policy__region"), pk=clause_id)


def clause_choices(*, user: User) -> QuerySet[Clause]:
    return (Clause.objects.filter(scope_for(user).with_ancestors_q("policy__region"), policy__active=True)
            .select_related("policy").order_by("policy__name", "pk"))


def application_queryset(*, user: User) -> QuerySet[Application]:
    return (Application.objects.filter(scope_for(user).region_q("enterprise__region"))
            .select_related("enterprise__region__parent", "clause__policy", "problem"))


def application_list(*, user: User, filters: Mapping[str, str] | None = None,
                     today: date | None = None) -> QuerySet[Application]:
    """Applications in scope matching q, region, policy, clause, status, overdue (approved and unpaid past the
    due date), late (paid after the due date or overdue) and year."""
    filters = filters or {}
    today = today or timezone.localdate()
    qs = application_queryset(user=user)
    if filters.get("q"):
        qs = qs.filter(enterprise__name__icontains=filters["q"].strip())
    if filters.get("region"):
        region = Region.objects.filter(pk=filters["region"]).only("path").first()
        qs = qs.filter(enterprise__region__path__startswith=region.path) if region else qs.none()
    if filters.get("policy"):
        qs = qs.filter(clause__policy_id=filters["policy"])
    if filters.get("clause"):
        qs = qs.filter(clause_id=filters["clause"])
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("year"):
        qs = qs.filter(applied_on__year=filters["year"])
    if filters.get("overdue") in ("true", "1", True):
        qs = qs.filter(overdue_q(today))
    if filters.get("late") in ("true", "1", True):
        qs = qs.filter(overdue_q(today) | Q(status=AS.PAID, paid_on__gt=F("due_date")))
    return apply_sort(qs, filters.get("sort"), APPLICATION_SORTS, default=("-applied_on", "-pk"))


def overdue_q(today: date) -> Q:
    return Q(status=AS.APPROVED, due_date__lt=today)


def application_get(*, user: User, application_id: int) -> Application:
    return get_in_scope(application_queryset(user=user), pk=application_id)


def fulfilment_summary(*, user: User, today: date | None = None) -> dict[str, Decimal | int]:
    """Amounts approved, paid, outstanding and overdue in scope (one query)."""
    today = today or timezone.localdate()
    qs = application_queryset(user=user)
    row = qs.aggregate(
        applications=Count("pk"), approved=Sum("approved_amount", filter=Q(status__in=[AS.APPROVED, AS.PAID])),
        paid=Sum("paid_amount", filter=Q(status=AS.PAID)),
        outstanding=Sum("approved_amount", filter=Q(status=AS.APPROVED)),
        overdue_count=Count("pk", filter=overdue_q(today)),
        overdue_amount=Sum("approved_amount", filter=overdue_q(today)))
    return {k: (v if v is not None else Decimal(0)) for k, v in row.items()}
