"""Reads for investment attraction, scoped by jurisdiction, with a fixed number of queries per page."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, F, Max, Prefetch, Q, QuerySet, Sum, Window
from django.db.models.functions import RowNumber

from devzone.attraction.config import attraction_settings
from devzone.attraction.models import (
    Activity,
    Agent,
    Agreement,
    AgreementProgress,
    Commitment,
    Contact,
    FollowUp,
    Lead,
    LeadAlert,
    Leader,
    LeadStageChange,
    NegativeListRule,
    TargetEnterprise,
)
from devzone.attraction.negative import active_rules, violation_q
from devzone.core.jurisdiction import get_in_scope, scope_for
from devzone.core.listing import apply_sort
from devzone.core.models import Region, User

LEAD_SORTS = {
    "name": "name", "investor": "investor_name", "stage": "stage", "region": "region__path",
    "investment": "intended_investment", "registered": "registered_on", "since": "stage_since",
    "last_follow_up": "last_follow_up", "updated": "updated_at",
}
BOARD_LIMIT = 60  # cards per column; the list shows the rest


def _subtree(qs: QuerySet, region_id, field: str = "region") -> QuerySet:
    region = Region.objects.filter(pk=region_id).only("path").first() if region_id else None
    if region_id and region is None:
        return qs.none()
    return qs.filter(**{f"{field}__path__startswith": region.path}) if region else qs


def _open_alerts() -> Prefetch:
    return Prefetch("alerts", queryset=LeadAlert.objects.filter(resolved_on__isnull=True).order_by("rule"),
                    to_attr="open_alerts")


def lead_queryset(*, user: User) -> QuerySet[Lead]:
    return Lead.objects.filter(scope_for(user).region_q()).select_related(
        "region__parent", "zone", "industry", "chain_link__segment__chain", "responsible_person")


def lead_list(*, user: User, filters: Mapping[str, str] | None = None) -> QuerySet[Lead]:
    """Leads in scope matching q, region, zone, stage, source, industry, chain, responsible, alert, negative,
    registered_from/registered_to; annotated with last_follow_up and the open alerts."""
    filters = filters or {}
    qs = lead_queryset(user=user)
    if filters.get("q"):
        term = str(filters["q"]).strip()
        qs = qs.filter(Q(name__icontains=term) | Q(investor_name__icontains=term))
    qs = _subtree(qs, filters.get("region"))
    for key in ("zone", "stage", "source", "chain_link"):
        if filters.get(key):
            qs = qs.filter(**{key: filters[key]})
    if filters.get("chain"):
        qs = qs.filter(chain_link__segment__chain_id=filters["chain"])
    if filters.get("industry"):
        qs = qs.filter(industry__code__startswith=filters["industry"])
    if filters.get("responsible"):
        qs = qs.filter(responsible_person_id=filters["responsible"])
    if filters.get("alert"):
        qs = qs.filter(pk__in=LeadAlert.objects.filter(rule=filters["alert"], resolved_on__isnull=True)
                       .values("lead_id"))
    if filters.get("negative"):
        qs = qs.filter(violation_q(active_rules(),
                                   default_threshold=attraction_settings().default_intensity_threshold))
    if filters.get("registered_from"):
        qs = qs.filter(registered_on__gte=filters["registered_from"])
    if filters.get("registered_to"):
        qs = qs.filter(registered_on__lte=filters["registered_to"])
    qs = qs.annotate(last_follow_up=Max("follow_ups__date")).prefetch_related(_open_alerts())
    return apply_sort(qs, filters.get("sort"), LEAD_SORTS, default=("-registered_on",))


def lead_get(*, user: User, lead_id: int) -> Lead:
    qs = lead_queryset(user=user).select_related("target", "activity", "agent").prefetch_related(
        Prefetch("follow_ups", queryset=FollowUp.objects.select_related("recorded_by").order_by("-date", "-pk")),
        Prefetch("stage_changes", queryset=LeadStageChange.objects.select_related("changed_by")
                 .order_by("changed_on", "pk")),
        Prefetch("alerts", queryset=LeadAlert.objects.select_related("recipient").order_by("-raised_on", "-pk")),
        _open_alerts())
    return get_in_scope(qs, pk=lead_id)


@dataclass
class BoardColumn:
    stage: str
    label: str
    leads: list = field(default_factory=list)
    total: int = 0


def lead_board(*, user: User, filters: Mapping[str, str] | None = None) -> list[BoardColumn]:
    """One column per stage with the newest-moved cards first (at most BOARD_LIMIT each); four queries."""
    qs = lead_list(user=user, filters={k: v for k, v in (filters or {}).items() if k != "stage"})
    totals = dict(qs.order_by().values_list("stage").annotate(n=Count("pk", distinct=True)))
    columns = []
    for stage, label in Lead.Stage.choices:
        columns.append(BoardColumn(stage=stage, label=str(label), total=totals.get(stage, 0)))
    by_stage = {c.stage: c for c in columns}
    newest = Window(RowNumber(), partition_by=[F("stage")], order_by=[F("stage_since").desc(), F("pk").desc()])
    for lead in qs.annotate(board_rank=newest).filter(board_rank__lte=BOARD_LIMIT).order_by("-stage_since", "-pk"):
        by_stage[lead.stage].leads.append(lead)
    return columns


def alert_list(*, user: User, filters: Mapping[str, str] | None = None) -> QuerySet[LeadAlert]:
    """Open alerts on leads in scope; `mine` keeps those addressed to the user, `rule` one rule."""
    filters = filters or {}
    qs = LeadAlert.objects.filter(resolved_on__isnull=True).filter(scope_for(user).region_q("lead__region"))
    if filters.get("rule"):
        qs = qs.filter(rule=filters["rule"])
    if filters.get("mine"):
        qs = qs.filter(recipient=user)
    qs = _subtree(qs, filters.get("region"), "lead__region")
    return qs.select_related("lead__region", "lead__responsible_person", "recipient").order_by("-days", "pk")


# --- agreements ----------------------------------------------------------------------------------------

AGREEMENT_SORTS = {"signed_on": "signed_on", "amount": "amount", "region": "region__path",
                   "name": "lead__name", "funds": "funds_total"}


def agreement_queryset(*, user: User) -> QuerySet[Agreement]:
    return Agreement.objects.filter(scope_for(user).region_q()).select_related(
        "lead__chain_link", "region__parent", "service_officer", "override_by")


def agreement_list(*, user: User, filters: Mapping[str, str] | None = None) -> QuerySet[Agreement]:
    filters = filters or {}
    qs = agreement_queryset(user=user)
    if filters.get("q"):
        term = str(filters["q"]).strip()
        qs = qs.filter(Q(lead__name__icontains=term) | Q(counterpart__icontains=term))
    qs = _subtree(qs, filters.get("region"))
    if filters.get("signed_from"):
        qs = qs.filter(signed_on__gte=filters["signed_from"])
    if filters.get("signed_to"):
        qs = qs.filter(signed_on__lte=filters["signed_to"])
    if filters.get("min_amount"):
        qs = qs.filter(amount__gte=filters["min_amount"])
    if filters.get("overridden"):
        qs = qs.exclude(override_reason="")
    qs = qs.annotate(funds_total=Sum("progress__funds_in_place"))
    return apply_sort(qs, filters.get("sort"), AGREEMENT_SORTS, default=("-signed_on",))


def agreement_get(*, user: User, agreement_id: int) -> Agreement:
    qs = agreement_queryset(user=user).prefetch_related(
        Prefetch("progress", queryset=AgreementProgress.objects.select_related("recorded_by")
                 .order_by("as_of", "pk")))
    return get_in_scope(qs, pk=agreement_id)


# --- activities, leaders and the quota board -----------------------------------------------------------

ACTIVITY_SORTS = {"start": "start_date", "title": "title", "kind": "kind", "region": "region__path",
                  "person_times": "person_times", "leads": "lead_count"}


def activity_queryset(*, user: User) -> QuerySet[Activity]:
    return Activity.objects.filter(scope_for(user).region_q()).select_related("region__parent")


def activity_list(*, user: User, filters: Mapping[str, str] | None = None) -> QuerySet[Activity]:
    filters = filters or {}
    qs = activity_queryset(user=user)
    if filters.get("q"):
        qs = qs.filter(Q(title__icontains=filters["q"]) | Q(place__icontains=filters["q"]))
    qs = _subtree(qs, filters.get("region"))
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    if filters.get("date_from"):
        qs = qs.filter(end_date__gte=filters["date_from"])
    if filters.get("date_to"):
        qs = qs.filter(start_date__lte=filters["date_to"])
    qs = qs.annotate(lead_count=Count("leads", distinct=True)).prefetch_related("leaders")
    return apply_sort(qs, filters.get("sort"), ACTIVITY_SORTS, default=("-start_date",))


def activity_get(*, user: User, activity_id: int) -> Activity:
    qs = activity_queryset(user=user).prefetch_related("leaders", Prefetch(
        "leads", queryset=Lead.objects.select_related("region").order_by("-registered_on")))
    return get_in_scope(qs, pk=activity_id)


def leader_queryset(*, user: User) -> QuerySet[Leader]:
    return Leader.objects.filter(scope_for(user).region_q()).select_related("region")


def half_year_bounds(year: int, half: int) -> tuple[date, date]:
    return (date(year, 1, 1), date(year, 6, 30)) if half == 1 else (date(year, 7, 1), date(year, 12, 31))


@dataclass(frozen=True)
class QuotaRow:
    leader: Leader
    outbound: int
    required: int

    @property
    def met(self) -> bool:
        return self.outbound >= self.required


def leader_quota(*, user: User, year: int, half: int) -> list[QuotaRow]:
    """Active leaders in scope with their outbound activities in the half-year; unmet quotas first."""
    start, end = half_year_bounds(year, half)
    required = attraction_settings().outbound_quota
    outbound = Q(activities__kind=Activity.Kind.OUTBOUND, activities__start_date__gte=start,
                 activities__start_date__lte=end)
    leaders = (leader_queryset(user=user).filter(active=True)
               .annotate(outbound=Count("activities", filter=outbound, distinct=True)))
    rows = [QuotaRow(leader=leader, outbound=leader.outbound, required=required) for leader in leaders]
    return sorted(rows, key=lambda r: (r.met, r.leader.region.path, r.leader.name))


# --- directories and commitments -----------------------------------------------------------------------

def _directory(model, user: User, filters: Mapping[str, str] | None, search: tuple[str, ...]) -> QuerySet:
    filters = filters or {}
    qs = model.objects.filter(scope_for(user).with_ancestors_q()).select_related("region")
    if filters.get("q"):
        term = Q()
        for name in search:
            term |= Q(**{f"{name}__icontains": filters["q"]})
        qs = qs.filter(term)
    return qs


def target_list(*, user: User, filters: Mapping[str, str] | None = None) -> QuerySet[TargetEnterprise]:
    filters = filters or {}
    qs = _directory(TargetEnterprise, user, filters, ("name", "headquarters")).select_related(
        "industry", "chain_link__segment__chain")
    for tag in TargetEnterprise.TAG_FIELDS:
        if tag in (filters.get("tag") or []) or filters.get("tag") == tag:
            qs = qs.filter(**{tag: True})
    if filters.get("industry"):
        qs = qs.filter(industry__code__startswith=filters["industry"])
    if filters.get("chain"):
        qs = qs.filter(chain_link__segment__chain_id=filters["chain"])
    return qs.order_by("name", "pk")


def contact_list(*, user: User, filters: Mapping[str, str] | None = None) -> QuerySet[Contact]:
    filters = filters or {}
    qs = _directory(Contact, user, filters, ("name", "organisation", "based_in"))
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    return qs.order_by("name", "pk")


def agent_list(*, user: User, filters: Mapping[str, str] | None = None) -> QuerySet[Agent]:
    return _directory(Agent, user, filters, ("name", "organisation", "based_in", "focus")).annotate(
        lead_count=Count("leads")).order_by("name", "pk")


@dataclass(frozen=True)
class CommitmentRow:
    commitment: Commitment
    signed_amount: Decimal
    project_count: int

    @property
    def amount_rate(self) -> Decimal | None:
        promised = self.commitment.signed_amount
        return (self.signed_amount / promised * 100).quantize(Decimal("0.1")) if promised else None

    @property
    def count_rate(self) -> Decimal | None:
        promised = self.commitment.project_count
        return (Decimal(self.project_count) / promised * 100).quantize(Decimal("0.1")) if promised else None


def commitment_report(*, user: User, filters: Mapping[str, str] | None = None) -> list[CommitmentRow]:
    """Each commitment in scope beside what its county achieved in the committed period (two queries)."""
    filters = filters or {}
    commitments = list(_subtree(Commitment.objects.filter(scope_for(user).region_q()).select_related("region"),
                                filters.get("region"))
                       .filter(**({"meeting__icontains": filters["q"]} if filters.get("q") else {}))
                       .order_by("-meeting_date", "region__sort_order", "region__path"))
    if not commitments:
        return []
    start = min(c.period_start for c in commitments)
    end = max(c.period_end for c in commitments)
    within = Q(pk__in=[])
    for path in {c.region.path for c in commitments}:
        within |= Q(region__path__startswith=path)
    signed = list(Agreement.objects.filter(within, signed_on__gte=start, signed_on__lte=end)
                  .values_list("region__path", "signed_on", "amount"))
    rows = []
    for commitment in commitments:
        amount, count = Decimal(0), 0
        for path, signed_on, value in signed:
            if path.startswith(commitment.region.path) and commitment.period_start <= signed_on <= \
                    commitment.period_end:
                amount += value
                count += 1
        rows.append(CommitmentRow(commitment=commitment, signed_amount=amount, project_count=count))
    return rows


def negative_rule_list() -> QuerySet[NegativeListRule]:
    return NegativeListRule.objects.order_by("-active", "kind", "name")
