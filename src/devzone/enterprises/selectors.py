"""Reads of the enterprise registry, scoped by jurisdiction, with the latest year's figures annotated."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum

from devzone.core.jurisdiction import get_in_scope, scope_for
from devzone.core.listing import apply_sort
from devzone.core.models import Region, User
from devzone.enterprises.models import Enterprise, EnterpriseYear

ENTERPRISE_SORTS = {
    "name": "name", "credit_code": "credit_code", "region": "region__path", "zone": "zone__name",
    "industry": "industry__code", "size": "size", "tax": "latest_tax", "revenue": "latest_revenue",
    "updated": "updated_at",
}
FLAG_FILTERS = set(Enterprise.FLAG_FIELDS)


def enterprise_queryset(*, user: User) -> QuerySet[Enterprise]:
    return Enterprise.objects.filter(scope_for(user).region_q()).select_related("region__parent", "zone", "industry")


def latest_year(*, user: User) -> int | None:
    row = (EnterpriseYear.objects.filter(enterprise__in=enterprise_queryset(user=user))
           .order_by("-year").values_list("year", flat=True).first())
    return row


def _annotate_year(qs: QuerySet[Enterprise], year: int | None) -> QuerySet[Enterprise]:
    """Add latest_tax / latest_revenue / latest_land_mu for `year` (None → no figures)."""
    if year is None:
        return qs.annotate(latest_tax=Subquery(EnterpriseYear.objects.none().values("tax")),
                           latest_revenue=Subquery(EnterpriseYear.objects.none().values("revenue")),
                           latest_land_mu=Subquery(EnterpriseYear.objects.none().values("land_mu")))
    row = EnterpriseYear.objects.filter(enterprise=OuterRef("pk"), year=year)

    def figure(name: str) -> Subquery:
        return Subquery(row.values(name)[:1], output_field=EnterpriseYear._meta.get_field(name))

    return qs.annotate(latest_tax=figure("tax"), latest_revenue=figure("revenue"),
                       latest_land_mu=figure("land_mu"))


def enterprise_list(*, user: User, filters: Mapping[str, str] | None = None,
                    year: int | None = None) -> QuerySet[Enterprise]:
    """Enterprises in scope matching `filters` (q, region, zone, industry, size, stats_status, flag)."""
    filters = filters or {}
    qs = enterprise_queryset(user=user)
    if filters.get("q"):
        term = filters["q"].strip()
        qs = qs.filter(Q(name__icontains=term) | Q(credit_code__startswith=term.upper()))
    if filters.get("region"):
        region = Region.objects.filter(pk=filters["region"]).only("path").first()
        qs = qs.filter(region__path__startswith=region.path) if region else qs.none()
    if filters.get("zone"):
        qs = qs.filter(zone_id=filters["zone"])
    if filters.get("industry"):
        qs = qs.filter(industry__code__startswith=filters["industry"])
    for key in ("size", "stats_status"):
        if filters.get(key):
            qs = qs.filter(**{key: filters[key]})
    for flag in _as_list(filters.get("flag")):
        if flag in FLAG_FILTERS:
            qs = qs.filter(**{flag: True})
    qs = _annotate_year(qs, year)
    return apply_sort(qs, filters.get("sort"), ENTERPRISE_SORTS, default=("name",))


def _as_list(value) -> list[str]:
    if not value:
        return []
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return [v for v in str(value).split(",") if v]


def enterprise_get(*, user: User, enterprise_id: int) -> Enterprise:
    qs = enterprise_queryset(user=user).prefetch_related(
        Prefetch("years", queryset=EnterpriseYear.objects.order_by("year")))
    return get_in_scope(qs, pk=enterprise_id)


def enterprise_get_by_code(*, user: User, credit_code: str) -> Enterprise:
    return get_in_scope(enterprise_queryset(user=user), credit_code=credit_code.upper())


@dataclass(frozen=True)
class RegistrySummary:
    year: int | None
    enterprises: int
    above_size: int
    high_tech: int
    specialised: int
    tax: Decimal
    revenue: Decimal
    land_mu: Decimal


def registry_summary(*, user: User) -> RegistrySummary:
    """Headline figures for the home page: counts by flag, and the latest year's tax and revenue."""
    qs = enterprise_queryset(user=user)
    counts = qs.aggregate(total=Count("pk"), above=Count("pk", filter=Q(above_size=True)),
                          tech=Count("pk", filter=Q(high_tech=True)),
                          spec=Count("pk", filter=Q(specialised=True)))
    year = latest_year(user=user)
    sums = EnterpriseYear.objects.filter(enterprise__in=qs, year=year).aggregate(
        tax=Sum("tax"), revenue=Sum("revenue"), land=Sum("land_mu"))
    return RegistrySummary(year=year, enterprises=counts["total"], above_size=counts["above"],
                           high_tech=counts["tech"], specialised=counts["spec"],
                           tax=sums["tax"] or Decimal(0), revenue=sums["revenue"] or Decimal(0),
                           land_mu=sums["land"] or Decimal(0))


def enterprise_counts_by_county(*, user: User) -> list[dict]:
    """Per county in scope: enterprises and 规上 enterprises (for the home chart); three queries in all."""
    from devzone.core.selectors import counties_in_scope

    counties = list(counties_in_scope(user=user))
    per_region = (enterprise_queryset(user=user).order_by().values("region__path")
                  .annotate(total=Count("pk"), above=Count("pk", filter=Q(above_size=True))))
    totals = {c.pk: {"county": c, "total": 0, "above_size": 0} for c in counties}
    for row in per_region:
        for county in counties:
            if row["region__path"].startswith(county.path):
                totals[county.pk]["total"] += row["total"]
                totals[county.pk]["above_size"] += row["above"]
                break
    return list(totals.values())


def industry_get(*, code: str):
    from devzone.core.errors import ValidationFailed
    from devzone.enterprises.models import Industry

    industry = Industry.objects.filter(code=code).first()
    if industry is None:
        raise ValidationFailed(f"行业代码 {code} 不在国民经济行业分类(GB/T 4754)中",
                               details=[{"field": "industry_code", "message": "未知行业代码"}])
    return industry
