"""Reads for matchmaking, scoped by jurisdiction (out of scope answers 404 like missing)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, DecimalField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from devzone.core.errors import ValidationFailed
from devzone.core.jurisdiction import get_in_scope, scope_for
from devzone.core.listing import apply_sort
from devzone.core.models import Region, User
from devzone.core.selectors import counties_in_scope
from devzone.finance import kpis
from devzone.finance.models import Bank, FinancingNeed, Loan, MatchEvent

NEED_SORTS = {"raised_on": "raised_on", "amount": "amount", "region": "region__path", "status": "status",
              "granted": "granted_total", "applicant": "enterprise__name", "term": "term_months"}
EVENT_SORTS = {"held_on": "held_on", "title": "title", "region": "region__path", "quarter": "quarter"}
LOAN_SORTS = {"granted_on": "granted_on", "amount": "amount", "bank": "bank__name"}


def _granted_subquery() -> Coalesce:
    total = (Loan.objects.filter(need=OuterRef("pk")).order_by().values("need")
             .annotate(total=Sum("amount")).values("total")[:1])
    money = DecimalField(max_digits=16, decimal_places=2)
    return Coalesce(Subquery(total, output_field=money), Value(Decimal(0)), output_field=money)


def need_queryset(*, user: User) -> QuerySet[FinancingNeed]:
    return (FinancingNeed.objects.filter(scope_for(user).region_q())
            .select_related("enterprise", "project", "region__parent", "zone"))


def _region_filter(qs: QuerySet, region_id, field: str = "region") -> QuerySet:
    region = Region.objects.filter(pk=region_id).only("path").first()
    return qs.filter(**{f"{field}__path__startswith": region.path}) if region else qs.none()


def need_list(*, user: User, filters: Mapping[str, str] | None = None) -> QuerySet[FinancingNeed]:
    """Needs in scope matching q, region, zone, status, year, bank, event, and a KPI part (kpi, part, as_of)."""
    filters = filters or {}
    qs = need_queryset(user=user)
    if filters.get("q"):
        term = filters["q"].strip()
        qs = qs.filter(Q(enterprise__name__icontains=term) | Q(project__name__icontains=term)
                       | Q(purpose__icontains=term))
    if filters.get("region"):
        qs = _region_filter(qs, filters["region"])
    if filters.get("zone"):
        qs = qs.filter(zone_id=filters["zone"])
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("year"):
        qs = qs.filter(raised_on__year=filters["year"])
    if filters.get("event"):
        qs = qs.filter(events=filters["event"])
    if filters.get("kpi") in kpis.RATE_LABELS and filters.get("part") in ("numerator", "denominator"):
        as_of = _parse_date(filters.get("as_of")) or date.today()
        year = int(filters["year"]) if str(filters.get("year") or "").isdigit() else None
        facts = kpis.load_facts(qs, as_of=as_of, year=year)
        qs = qs.filter(pk__in=kpis.rate_ids(kpis.financing_kpi(facts), filters["kpi"], filters["part"]))
    qs = qs.annotate(granted_total=_granted_subquery())
    return apply_sort(qs, filters.get("sort"), NEED_SORTS, default=("-raised_on", "-pk"))


def _parse_date(text) -> date | None:
    if isinstance(text, date):
        return text
    try:
        return date.fromisoformat(str(text)) if text else None
    except ValueError as exc:
        raise ValidationFailed(f"日期格式应为 YYYY-MM-DD:{text}") from exc


def need_get(*, user: User, need_id: int) -> FinancingNeed:
    qs = need_queryset(user=user).annotate(granted_total=_granted_subquery()).prefetch_related(
        Prefetch("loans", queryset=Loan.objects.select_related("bank", "event").order_by("granted_on", "pk")),
        Prefetch("events", queryset=MatchEvent.objects.order_by("held_on")))
    return get_in_scope(qs, pk=need_id)


def event_queryset(*, user: User) -> QuerySet[MatchEvent]:
    """Events organised in the user's subtree, and the events of the levels above it (a city event is the
    counties' event too)."""
    return MatchEvent.objects.filter(scope_for(user).with_ancestors_q()).select_related("region")


def event_list(*, user: User, filters: Mapping[str, str] | None = None) -> QuerySet[MatchEvent]:
    filters = filters or {}
    qs = event_queryset(user=user)
    if filters.get("year"):
        qs = qs.filter(year=filters["year"])
    if filters.get("quarter"):
        qs = qs.filter(quarter=filters["quarter"])
    if filters.get("region"):
        qs = _region_filter(qs, filters["region"])
    scope = scope_for(user)
    in_scope_needs = FinancingNeed.objects.filter(scope.region_q())
    qs = qs.annotate(bank_count=Count("banks", distinct=True),
                     need_count=Count("needs", filter=Q(needs__in=in_scope_needs), distinct=True))
    return apply_sort(qs, filters.get("sort"), EVENT_SORTS, default=("-held_on", "-pk"))


def event_get(*, user: User, event_id: int) -> MatchEvent:
    """An event with its banks, the needs presented that the user may see, and their loans."""
    scope = scope_for(user)
    needs = (FinancingNeed.objects.filter(scope.region_q()).select_related("enterprise", "project", "region")
             .annotate(granted_total=_granted_subquery()).order_by("region__path", "pk"))
    qs = event_queryset(user=user).prefetch_related(
        Prefetch("banks", queryset=Bank.objects.order_by("name")), Prefetch("needs", queryset=needs),
        Prefetch("loans", queryset=Loan.objects.filter(need__in=FinancingNeed.objects.filter(scope.region_q()))
                 .select_related("bank", "need__enterprise", "need__project")))
    return get_in_scope(qs, pk=event_id)


def event_for_write(*, user: User, event_id: int) -> MatchEvent:
    """An event the user may change (its own subtree only)."""
    return get_in_scope(MatchEvent.objects.filter(scope_for(user).region_q()).select_related("region"), pk=event_id)


def bank_list(*, filters: Mapping[str, str] | None = None) -> QuerySet[Bank]:
    """Banks are shared reference data (every jurisdiction sees them)."""
    filters = filters or {}
    qs = Bank.objects.all()
    if filters.get("q"):
        qs = qs.filter(name__icontains=filters["q"].strip())
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    if filters.get("active") in ("true", "1", True):
        qs = qs.filter(active=True)
    qs = qs.annotate(loan_count=Count("loans"), loan_total=Coalesce(Sum("loans__amount"), Value(Decimal(0)),
                                                                      output_field=DecimalField(max_digits=16,
                                                                                                decimal_places=2)))
    return apply_sort(qs, filters.get("sort"), {"name": "name", "kind": "kind", "total": "loan_total"},
                      default=("name",))


def bank_get(*, bank_id: int) -> Bank:
    return get_in_scope(Bank.objects.all(), pk=bank_id)


def loan_list(*, user: User, filters: Mapping[str, str] | None = None) -> QuerySet[Loan]:
    filters = filters or {}
    qs = (Loan.objects.filter(scope_for(user).region_q("need__region"))
          .select_related("bank", "event", "need__enterprise", "need__project", "need__region"))
    if filters.get("bank"):
        qs = qs.filter(bank_id=filters["bank"])
    if filters.get("need"):
        qs = qs.filter(need_id=filters["need"])
    if filters.get("year"):
        qs = qs.filter(granted_on__year=filters["year"])
    return apply_sort(qs, filters.get("sort"), LOAN_SORTS, default=("-granted_on", "-pk"))


@dataclass(frozen=True)
class KpiReport:
    as_of: date
    year: int | None
    overall: kpis.FinancingKpi
    counties: list[kpis.CountyKpi]


def financing_kpis(*, user: User, as_of: date, year: int | None = None) -> KpiReport:
    """The share of needs met, for the whole jurisdiction and by county (three queries)."""
    if year is not None and not 1900 <= year <= 2100:
        raise ValidationFailed("年份须在 1900 至 2100 之间", details=[{"field": "year", "message": "超出范围"}])
    facts = kpis.load_facts(need_queryset(user=user), as_of=as_of, year=year)
    counties = list(counties_in_scope(user=user))
    return KpiReport(as_of=as_of, year=year, overall=kpis.financing_kpi(facts),
                     counties=kpis.by_county(facts, counties))


def summary(*, user: User) -> dict[str, Decimal | int]:
    qs = need_queryset(user=user).exclude(status=FinancingNeed.Status.WITHDRAWN)
    needs = qs.aggregate(count=Count("pk"), amount=Sum("amount"))
    loans = Loan.objects.filter(need__in=qs).aggregate(amount=Sum("amount"), count=Count("pk"))
    return {"needs": needs["count"], "needed": needs["amount"] or Decimal(0), "loans": loans["count"],
            "granted": loans["amount"] or Decimal(0)}
