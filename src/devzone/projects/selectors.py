"""Reads of key projects, scoped by jurisdiction: the ledger with its computed figures (YTD, cumulative,
time-sequence lag and light), detail, reports and the approval queues, warnings, KPIs.

Ledger figures are computed in SQL from approved reports and plans for an as-of date (by default the last day of
the previous month, the month being dispatched); nothing computed is stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import (
    Case,
    CharField,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from devzone.core.errors import ValidationFailed
from devzone.core.jurisdiction import get_in_scope, scope_for
from devzone.core.listing import apply_sort
from devzone.core.models import Region, User
from devzone.projects import kpis
from devzone.projects.kpis import effective_reports
from devzone.projects.models import (
    LIFECYCLE,
    BatchEntry,
    Evidence,
    Milestone,
    ProgressReport,
    Project,
    ProjectMonthPlan,
    ProjectRules,
    ProjectStage,
    ProjectYearPlan,
    Stage,
    StageEvent,
)
from devzone.projects.services import rules_get

MONEY_FIELD = DecimalField(max_digits=20, decimal_places=2)
RATIO_FIELD = DecimalField(max_digits=20, decimal_places=4)


class Real(Func):
    """An expression as a real number on SQLite, where whole-valued decimal columns are stored as integers and so
    divide as integers (100 * 100 / 1200 = 8); the expression itself on databases with exact decimals."""

    template = "%(expressions)s"
    output_field = RATIO_FIELD

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, template="CAST(%(expressions)s AS REAL)", **extra_context)
ZERO = Value(Decimal(0), output_field=MONEY_FIELD)
LIGHTS = ("red", "yellow", "green", "none")
PROJECT_SORTS = {
    "code": "code", "name": "name", "region": "region__path", "zone": "zone__name", "stage": "stage",
    "total": "total_investment", "plan": "year_plan", "ytd": "ytd_investment", "percent": "plan_percent",
    "lag": "lag_points", "cumulative": "cumulative_investment", "leader": "leader_name", "updated": "updated_at",
}
REPORT_SORTS = {"period": "period", "project": "project__name", "region": "project__region__path",
                "investment": "investment_month", "status": "status", "submitted": "submitted_at"}
LEVELS = ("provincial_key", "city_key", "hundred_major")
VERIFICATION_STATES = ("declared", "returned", "settled")


def default_as_of(today: date | None = None) -> date:
    """The last day of the previous month: the month whose reports are being dispatched."""
    today = today or timezone.localdate()
    return today.replace(day=1) - timedelta(days=1)


def add_months(day: date, months: int) -> date:
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    month += 1
    last = (date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(day.day, last))


def parse_date(value, field: str = "as_of") -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise ValidationFailed(f"日期「{value}」格式应为 YYYY-MM-DD",
                               details=[{"field": field, "message": "格式错误"}]) from exc


# --- the ledger --------------------------------------------------------------------------------------

def project_queryset(*, user: User) -> QuerySet[Project]:
    return (Project.objects.filter(scope_for(user).region_q())
            .select_related("region__parent", "zone", "leader", "responsible_unit"))


def _report_sum(**filters) -> Coalesce:
    rows = (effective_reports().filter(project=OuterRef("pk"), **filters).order_by().values("project")
            .annotate(s=Sum("investment_month")).values("s")[:1])
    return Coalesce(Subquery(rows, output_field=MONEY_FIELD), ZERO, output_field=MONEY_FIELD)


def annotate_ledger(qs: QuerySet[Project], *, as_of: date, rules: ProjectRules) -> QuerySet[Project]:
    """Add the ledger's computed columns for `as_of`: prior_investment (before this year), ytd_investment,
    cumulative_investment, year_plan, plan_percent, lag_points (time-sequence lag), light, and the latest
    approved report's image progress, percent and problems."""
    year, month = as_of.year, as_of.month
    january, this_month = date(year, 1, 1), as_of.replace(day=1)
    plan = ProjectYearPlan.objects.filter(project=OuterRef("pk"), year=year).values("planned_investment")[:1]
    month_plan = ProjectMonthPlan.objects.filter(project=OuterRef("pk"), year=year, month=month).values(
        "planned_cumulative")[:1]
    latest = effective_reports().filter(project=OuterRef("pk"), period__lte=this_month).order_by("-period", "-pk")
    qs = qs.annotate(
        prior_investment=_report_sum(period__lt=january),
        ytd_investment=_report_sum(period__gte=january, period__lte=this_month),
        year_plan=Subquery(plan, output_field=MONEY_FIELD),
        month_plan=Subquery(month_plan, output_field=MONEY_FIELD),
        latest_image=Subquery(latest.values("image_progress")[:1], output_field=CharField()),
        latest_percent=Subquery(latest.values("image_percent")[:1]),
        latest_problems=Subquery(latest.values("problems")[:1], output_field=CharField()),
    )
    expected = Coalesce(F("month_plan"), ExpressionWrapper(Real(F("year_plan") * Value(month)) / Value(12),
                                                           output_field=RATIO_FIELD), output_field=RATIO_FIELD)
    qs = qs.annotate(
        cumulative_investment=ExpressionWrapper(F("prior_investment") + F("ytd_investment"),
                                                output_field=MONEY_FIELD),
        plan_percent=Case(When(year_plan__gt=0, then=ExpressionWrapper(
            Real(F("ytd_investment") * Value(100)) / F("year_plan"), output_field=RATIO_FIELD)),
            default=None, output_field=RATIO_FIELD),
        lag_points=Case(When(year_plan__gt=0, then=ExpressionWrapper(
            Real((expected - F("ytd_investment")) * Value(100)) / F("year_plan"), output_field=RATIO_FIELD)),
            default=None, output_field=RATIO_FIELD),
    )
    return qs.annotate(light=Case(
        When(stage=Stage.CANCELLED, then=Value("none")),
        When(lag_points__isnull=True, then=Value("none")),
        When(lag_points__gte=Value(rules.lag_red_points, output_field=RATIO_FIELD), then=Value("red")),
        When(lag_points__gte=Value(rules.lag_yellow_points, output_field=RATIO_FIELD), then=Value("yellow")),
        default=Value("green"), output_field=CharField()))


def _region_q(region_id, field: str = "region") -> Q:
    region = Region.objects.filter(pk=region_id).only("path").first()
    return Q(**{f"{field}__path__startswith": region.path}) if region else Q(pk__in=[])


def project_list(*, user: User, filters: Mapping[str, str] | None = None,
                 as_of: date | None = None) -> QuerySet[Project]:
    """Projects in scope matching `filters`: q, stage, declared_stage, verification (declared|returned|settled),
    region, zone, level, batch, category, nature, industry, leader, light, and `kpi`+`part`+`cohort` (the rows
    behind a KPI number); with the ledger columns for `as_of`; sorted by `sort`."""
    filters = filters or {}
    as_of = as_of or parse_date(filters.get("as_of")) or default_as_of()
    qs = project_queryset(user=user)
    if filters.get("q"):
        term = str(filters["q"]).strip()
        qs = qs.filter(Q(name__icontains=term) | Q(code__icontains=term) | Q(owner_name__icontains=term))
    if filters.get("stage"):
        qs = qs.filter(stage=filters["stage"])
    if filters.get("declared_stage"):
        qs = qs.filter(declared_stage=filters["declared_stage"])
    state = filters.get("verification")
    if state == "declared":
        qs = qs.exclude(declared_stage="")
    elif state == "returned":
        qs = qs.filter(declared_stage="").filter(Exists(ProjectStage.objects.filter(
            project=OuterRef("pk"), status=ProjectStage.Status.RETURNED)))
    elif state == "settled":
        qs = qs.filter(declared_stage="")
    if filters.get("region"):
        qs = qs.filter(_region_q(filters["region"]))
    for key in ("zone", "category", "nature"):
        if filters.get(key):
            qs = qs.filter(**{f"{key}_id" if key == "zone" else key: filters[key]})
    if filters.get("level") in LEVELS:
        qs = qs.filter(**{filters["level"]: True})
    if filters.get("batch"):
        qs = qs.filter(Exists(BatchEntry.objects.filter(project=OuterRef("pk"), batch_id=filters["batch"])))
    if filters.get("industry"):
        qs = qs.filter(industry__code__startswith=filters["industry"])
    if filters.get("leader"):
        leader = str(filters["leader"])
        qs = qs.filter(leader_id=int(leader)) if leader.isdigit() else qs.filter(leader_name__icontains=leader)
    if filters.get("kpi") and filters.get("cohort"):
        qs = qs.filter(pk__in=kpi_ids(user=user, cohort=filters["cohort"], as_of=as_of, key=filters["kpi"],
                                      part=filters.get("part") or "denominator"))
    warning = filters.get("warning")
    if warning == "signed_not_started":
        qs = qs.filter(pk__in=signed_not_started(user=user).values("pk"))
    elif warning == "overdue":
        qs = qs.filter(Exists(Milestone.objects.filter(project=OuterRef("pk"), planned_date__lt=timezone.localdate(),
                                                       done_on__isnull=True)))
    qs = annotate_ledger(qs, as_of=as_of, rules=rules_get())
    if filters.get("light") in LIGHTS:
        qs = qs.filter(light=filters["light"])
    if warning == "lagging":
        qs = qs.filter(light__in=["red", "yellow"])
    return apply_sort(qs, filters.get("sort"), PROJECT_SORTS, default=("region__path", "name"))


def project_get(*, user: User, project_id: int) -> Project:
    reports = (ProgressReport.objects.select_related("submitted_by", "reviewed_by")
               .prefetch_related("photos").order_by("-period", "-pk"))
    qs = (project_queryset(user=user).select_related("owner", "industry", "service_officer", "replaces",
                                                     "replacement")
          .prefetch_related(
              Prefetch("stages", queryset=ProjectStage.objects.select_related("declared_by", "verified_by")),
              Prefetch("evidence", queryset=Evidence.objects.select_related("uploaded_by").order_by("kind", "pk")),
              Prefetch("reports", queryset=reports),
              Prefetch("year_plans", queryset=ProjectYearPlan.objects.order_by("year")),
              Prefetch("milestones", queryset=Milestone.objects.order_by("planned_date", "pk")),
              Prefetch("events", queryset=StageEvent.objects.select_related("actor").order_by("created_at", "pk")),
              Prefetch("batch_entries", queryset=BatchEntry.objects.select_related("batch")),
          ))
    return get_in_scope(qs, pk=project_id)


def project_get_ledger(*, user: User, project_id: int, as_of: date | None = None) -> Project:
    """One project with the ledger's computed columns (for the detail page and the API)."""
    qs = annotate_ledger(project_queryset(user=user), as_of=as_of or default_as_of(), rules=rules_get())
    return get_in_scope(qs, pk=project_id)


def stage_funnel(qs: QuerySet[Project]) -> dict:
    """Counts by verified stage plus declared-not-verified, for the funnel chart (one query)."""
    rows = qs.order_by().values("stage").annotate(n=Count("pk"), declared=Count("pk", filter=~Q(declared_stage="")))
    by_stage = {row["stage"]: row["n"] for row in rows}
    declared = sum(row["declared"] for row in rows)
    return {"stages": [{"key": s.value, "label": str(s.label), "count": by_stage.get(s.value, 0)} for s in Stage],
            "declared": declared}


def intensity(project: Project) -> tuple[Decimal | None, Decimal | None, bool | None]:
    """Investment intensity (万元/亩), the zone threshold, and whether it meets it (None when unknown)."""
    if not project.land_mu or project.land_mu <= 0:
        return None, project.zone.intensity_threshold if project.zone_id else None, None
    value = (project.total_investment / project.land_mu).quantize(Decimal("0.01"))
    if not project.zone_id:
        return value, None, None
    threshold = project.zone.intensity_threshold
    return value, threshold, value >= threshold


# --- reports -----------------------------------------------------------------------------------------

def report_queryset(*, user: User) -> QuerySet[ProgressReport]:
    return (ProgressReport.objects.filter(scope_for(user).region_q("project__region"))
            .select_related("project__region__parent", "project__zone", "submitted_by", "reviewed_by", "corrects"))


def report_list(*, user: User, filters: Mapping[str, str] | None = None) -> QuerySet[ProgressReport]:
    filters = filters or {}
    qs = report_queryset(user=user)
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("period"):
        from devzone.projects.services import month_start

        qs = qs.filter(period=month_start(filters["period"]))
    if filters.get("region"):
        qs = qs.filter(_region_q(filters["region"], "project__region"))
    if filters.get("project"):
        qs = qs.filter(project_id=filters["project"])
    if filters.get("q"):
        qs = qs.filter(project__name__icontains=str(filters["q"]).strip())
    if filters.get("corrections") in ("1", "true", True):
        qs = qs.filter(corrects__isnull=False)
    return apply_sort(qs, filters.get("sort"), REPORT_SORTS, default=("-period", "project__region__path",
                                                                       "project__name"))


def report_get(*, user: User, report_id: int) -> ProgressReport:
    qs = report_queryset(user=user).select_related("project__owner").prefetch_related(
        "photos", Prefetch("project__reports", queryset=ProgressReport.objects.order_by("period", "pk")))
    return get_in_scope(qs, pk=report_id)


def evidence_get(*, user: User, evidence_id: int) -> Evidence:
    qs = Evidence.objects.filter(scope_for(user).region_q("project__region")).select_related("project__region")
    return get_in_scope(qs, pk=evidence_id)


def milestone_get(*, user: User, milestone_id: int) -> Milestone:
    qs = Milestone.objects.filter(scope_for(user).region_q("project__region")).select_related("project__region")
    return get_in_scope(qs, pk=milestone_id)


def verification_queue(*, user: User) -> QuerySet[Project]:
    """Projects with a declared stage awaiting verification, oldest declaration first."""
    declared = ProjectStage.objects.filter(project=OuterRef("pk"), stage=OuterRef("declared_stage"))
    return (project_queryset(user=user).exclude(declared_stage="")
            .annotate(declared_on=Subquery(declared.values("actual_date")[:1]),
                      declared_at=Subquery(declared.values("declared_at")[:1]))
            .order_by("declared_at", "pk"))


# --- warnings ----------------------------------------------------------------------------------------

def _verified(stage: str, **date_filter) -> Exists:
    return Exists(ProjectStage.objects.filter(project=OuterRef("pk"), stage=stage,
                                              status=ProjectStage.Status.VERIFIED, **date_filter))


def signed_not_started(*, user: User, as_of: date | None = None) -> QuerySet[Project]:
    """签而未落: signing verified more than N months before `as_of` and no verified start by then."""
    as_of = as_of or timezone.localdate()
    rules = rules_get()
    cutoff = add_months(as_of, -rules.signed_not_started_months)
    signed_on = ProjectStage.objects.filter(project=OuterRef("pk"), stage=Stage.SIGNED,
                                            status=ProjectStage.Status.VERIFIED)
    return (project_queryset(user=user).exclude(stage=Stage.CANCELLED)
            .filter(_verified(Stage.SIGNED, actual_date__lte=cutoff))
            .exclude(_verified(Stage.STARTED, actual_date__lte=as_of))
            .annotate(signed_on=Subquery(signed_on.values("actual_date")[:1]))
            .order_by("signed_on", "pk"))


def overdue_milestones(*, user: User, as_of: date | None = None) -> QuerySet[Milestone]:
    """节点制: milestones past their planned date and not done."""
    as_of = as_of or timezone.localdate()
    return (Milestone.objects.filter(scope_for(user).region_q("project__region"), planned_date__lt=as_of,
                                     done_on__isnull=True)
            .exclude(project__stage=Stage.CANCELLED)
            .select_related("project__region").order_by("planned_date", "pk"))


@dataclass(frozen=True)
class Warnings:
    as_of: date
    ledger_as_of: date
    signed_not_started: list[Project]
    lagging: list[Project]
    overdue: list[Milestone]
    declared: int
    signed_not_started_total: int = 0
    lagging_total: int = 0
    overdue_total: int = 0


def warnings_for(*, user: User, as_of: date | None = None, leader: User | None = None,
                 limit: int | None = None) -> Warnings:
    """Everything that needs attention in the user's jurisdiction (or a leader's sponsored projects); with
    `limit`, each list holds its first rows (most urgent first) and the totals say how many there are."""
    today = as_of or timezone.localdate()
    ledger_as_of = default_as_of(today) if as_of is None else as_of
    signed = signed_not_started(user=user, as_of=today)
    lagging = project_list(user=user, filters={"sort": "-lag"}, as_of=ledger_as_of).filter(light__in=["red",
                                                                                                    "yellow"])
    overdue = overdue_milestones(user=user, as_of=today)
    declared = project_queryset(user=user).exclude(declared_stage="")
    if leader is not None:
        signed, lagging = signed.filter(leader=leader), lagging.filter(leader=leader)
        overdue, declared = overdue.filter(project__leader=leader), declared.filter(leader=leader)
    def rows(qs) -> list:
        return list(qs[:limit] if limit else qs)

    return Warnings(as_of=today, ledger_as_of=ledger_as_of, signed_not_started=rows(signed), lagging=rows(lagging),
                    overdue=rows(overdue), declared=declared.count(),
                    signed_not_started_total=signed.count() if limit else len(signed),
                    lagging_total=lagging.count() if limit else len(lagging),
                    overdue_total=overdue.count() if limit else len(overdue))


def sponsored_projects(*, user: User, as_of: date | None = None) -> QuerySet[Project]:
    """我包抓的项目: the projects the user sponsors, with their lights (sponsorship shows whatever the scope)."""
    as_of = as_of or default_as_of()
    qs = (Project.objects.filter(leader=user).select_related("region__parent", "zone", "leader", "responsible_unit"))
    return annotate_ledger(qs, as_of=as_of, rules=rules_get()).order_by("region__path", "name")


# --- KPIs --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class KpiGroup:
    id: int | None
    name: str
    kpi: kpis.KpiSet


@dataclass(frozen=True)
class KpiReport:
    overall: kpis.KpiSet
    region: Region | None
    groups: list[KpiGroup]


def _kpi_projects(*, user: User, region_id: int | None = None, zone_id: int | None = None) -> tuple[QuerySet, Region]:
    from devzone.core import selectors as core_selectors

    qs = Project.objects.filter(scope_for(user).region_q())
    region = None
    if region_id:
        region = core_selectors.region_get(user=user, region_id=region_id)
        qs = qs.filter(region__path__startswith=region.path)
    if zone_id:
        zone = core_selectors.zone_get(user=user, zone_id=zone_id)
        qs = qs.filter(zone=zone)
    return qs, region


def project_kpis(*, user: User, cohort: str, as_of: date, region_id: int | None = None, zone_id: int | None = None,
                 group_by: str | None = None) -> KpiReport:
    """KPIs for a cohort as of a date over the user's jurisdiction (or a region/zone in it), optionally per
    county or per zone."""
    from devzone.core import selectors as core_selectors

    parsed = kpis.parse_cohort(cohort)
    qs, region = _kpi_projects(user=user, region_id=region_id, zone_id=zone_id)
    facts = kpis.load_facts(qs, parsed, as_of)
    overall = kpis.compute(facts, parsed, as_of)
    groups: list[KpiGroup] = []
    if group_by in ("county", "zone"):
        grouped = kpis.group(facts, group_by)
        if group_by == "county":
            places = list(core_selectors.counties_in_scope(user=user))
            if region is not None:
                places = [c for c in places if c.path.startswith(region.path) or region.path.startswith(c.path)]
        else:
            places = list(core_selectors.zone_list(user=user).filter(pk__in=[k for k in grouped if k]))
        groups = [KpiGroup(p.pk, p.name, kpis.compute(grouped.get(p.pk, []), parsed, as_of)) for p in places]
        if grouped.get(None):
            label = "市直及其他" if group_by == "county" else "园区外"
            groups.append(KpiGroup(None, label, kpis.compute(grouped[None], parsed, as_of)))
    return KpiReport(overall=overall, region=region, groups=groups)


def kpi_ids(*, user: User, cohort: str, as_of: date, key: str, part: str = "denominator",
            region_id: int | None = None) -> list[int]:
    """The project ids behind one KPI number (so a dashboard figure links to its rows)."""
    parsed = kpis.parse_cohort(cohort)
    qs, _region = _kpi_projects(user=user, region_id=region_id)
    return kpis.rate_ids(kpis.compute(kpis.load_facts(qs, parsed, as_of), parsed, as_of), key, part)


def stage_choices_for_declaration() -> list[tuple[str, str]]:
    return [(s.value, s.label) for s in LIFECYCLE[1:]]
