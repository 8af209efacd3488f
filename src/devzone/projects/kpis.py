"""Key-project KPIs (DOMAIN.md §4), for a cohort and an as-of date, counting verified stages only.

`load_facts` turns a queryset of projects into plain `Facts` in a fixed number of queries; everything else is a
pure function over those facts, so each number comes with the ids behind its numerator and denominator.

- 开工率 start rate = cohort's signed projects that have started / cohort's signed projects
- 投产率 production rate = cohort's started projects that are producing / cohort's started projects
- 达效率 effectiveness rate = cohort's producing projects that are effective / cohort's producing projects
- 投资完成率 = investment completed in the year (approved reports, through the as-of month) / planned for the year

A cohort is a year ("2026": signed, started or producing in that year) or a 三个一批 batch ("batch:3": the
projects on the batch's signed, started and producing lists). A stage counts as of D when it is verified and its
actual date is on or before D. A cancelled project that was replaced (cancelled on or before D) leaves the
cohort; its replacement joins the batch's lists in its place. A cancelled project that was not replaced stays in
its cohort and counts against it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import QuerySet, Sum

from devzone.core.errors import ValidationFailed
from devzone.projects.models import BatchEntry, ProgressReport, Project, ProjectBatch, ProjectStage, ProjectYearPlan

HUNDRED = Decimal(100)
# Investment tiers as the speeches count them (万元): the first three are "and above" and overlap.
TIERS: tuple[tuple[str, str, Decimal | None, Decimal | None], ...] = (
    ("ge_10yi", "10亿元以上", Decimal(100000), None),
    ("ge_5yi", "5亿元以上", Decimal(50000), None),
    ("ge_1yi", "亿元以上", Decimal(10000), None),
    ("5000w_1yi", "5000万-1亿元", Decimal(5000), Decimal(10000)),
    ("lt_5000w", "5000万元以下", None, Decimal(5000)),
)
RATE_KEYS = ("start_rate", "production_rate", "effectiveness_rate")
RATE_LABELS = {"start_rate": "开工率", "production_rate": "投产率", "effectiveness_rate": "达效率",
               "investment_rate": "投资完成率"}


@dataclass(frozen=True)
class Cohort:
    kind: str  # "year" | "batch"
    year: int
    batch_id: int | None = None
    label: str = ""

    @property
    def key(self) -> str:
        return f"batch:{self.batch_id}" if self.kind == "batch" else str(self.year)

    @property
    def investment_year(self) -> int:
        return self.year


def parse_cohort(text: str) -> Cohort:
    """"2026" or "year:2026" → a year; "batch:ID" → a 三个一批 batch (its year is the batch's year)."""
    raw = (text or "").strip()
    if raw.startswith("batch:"):
        try:
            batch = ProjectBatch.objects.get(pk=int(raw.split(":", 1)[1]))
        except (ValueError, ProjectBatch.DoesNotExist) as exc:
            raise ValidationFailed(f"批次「{raw}」不存在",
                                   details=[{"field": "cohort", "message": "批次不存在"}]) from exc
        return Cohort("batch", batch.year, batch.pk, batch.name)
    raw = raw.removeprefix("year:")
    if not raw.isdigit() or not 2000 <= int(raw) <= 2100:
        raise ValidationFailed("cohort 应为年份(如 2026)或批次(如 batch:3)",
                               details=[{"field": "cohort", "message": "格式错误"}])
    return Cohort("year", int(raw), None, f"{int(raw)}年")


@dataclass(frozen=True)
class Facts:
    """What the KPIs need about one project (verified stage dates, the investment year's plan and progress)."""

    id: int
    county_id: int | None = None
    zone_id: int | None = None
    total_investment: Decimal = Decimal(0)
    signed_on: date | None = None
    started_on: date | None = None
    producing_on: date | None = None
    effective_on: date | None = None
    replaced_on: date | None = None     # cancelled on this date and replaced by another project
    lists: frozenset[str] = frozenset()  # the batch lists the project is on (batch cohorts)
    plan: Decimal | None = None          # planned investment of the investment year
    completed: Decimal = Decimal(0)      # completed in the investment year up to the as-of month


@dataclass(frozen=True)
class Rate:
    key: str
    label: str
    numerator: int | Decimal
    denominator: int | Decimal
    numerator_ids: list[int]
    denominator_ids: list[int]

    @property
    def value(self) -> Decimal | None:
        """Percent with two decimals; None when there is nothing to divide by."""
        if not self.denominator:
            return None
        return (Decimal(self.numerator) * HUNDRED / Decimal(self.denominator)).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class Tier:
    key: str
    label: str
    count: int
    investment: Decimal
    ids: list[int]


@dataclass(frozen=True)
class KpiSet:
    cohort: Cohort
    as_of: date
    start_rate: Rate
    production_rate: Rate
    effectiveness_rate: Rate
    investment_rate: Rate
    tiers: list[Tier]
    member_ids: list[int] = field(default_factory=list)
    member_investment: Decimal = Decimal(0)

    @property
    def rates(self) -> list[Rate]:
        return [self.start_rate, self.production_rate, self.effectiveness_rate, self.investment_rate]


# --- pure functions ----------------------------------------------------------------------------------

def _on(day: date | None, as_of: date) -> bool:
    return day is not None and day <= as_of


def _active(f: Facts, as_of: date) -> bool:
    return not _on(f.replaced_on, as_of)


def _in_cohort(f: Facts, cohort: Cohort, as_of: date, stage_date: date | None, list_kind: str) -> bool:
    if not _active(f, as_of) or not _on(stage_date, as_of):
        return False
    if cohort.kind == "batch":
        return list_kind in f.lists
    return stage_date.year == cohort.year


def _rate(key: str, base: Sequence[Facts], reached: Callable[[Facts], bool]) -> Rate:
    done = [f.id for f in base if reached(f)]
    return Rate(key, RATE_LABELS[key], len(done), len(base), sorted(done), sorted(f.id for f in base))


def signed_cohort(facts: Iterable[Facts], cohort: Cohort, as_of: date) -> list[Facts]:
    return [f for f in facts if _in_cohort(f, cohort, as_of, f.signed_on, BatchEntry.List.SIGNED)]


def started_cohort(facts: Iterable[Facts], cohort: Cohort, as_of: date) -> list[Facts]:
    return [f for f in facts if _in_cohort(f, cohort, as_of, f.started_on, BatchEntry.List.STARTED)]


def producing_cohort(facts: Iterable[Facts], cohort: Cohort, as_of: date) -> list[Facts]:
    return [f for f in facts if _in_cohort(f, cohort, as_of, f.producing_on, BatchEntry.List.PRODUCING)]


def start_rate(facts: Sequence[Facts], cohort: Cohort, as_of: date) -> Rate:
    return _rate("start_rate", signed_cohort(facts, cohort, as_of), lambda f: _on(f.started_on, as_of))


def production_rate(facts: Sequence[Facts], cohort: Cohort, as_of: date) -> Rate:
    return _rate("production_rate", started_cohort(facts, cohort, as_of), lambda f: _on(f.producing_on, as_of))


def effectiveness_rate(facts: Sequence[Facts], cohort: Cohort, as_of: date) -> Rate:
    return _rate("effectiveness_rate", producing_cohort(facts, cohort, as_of), lambda f: _on(f.effective_on, as_of))


def investment_rate(facts: Sequence[Facts], cohort: Cohort, as_of: date) -> Rate:
    """Completed / planned investment of the cohort's projects that have a plan for the investment year."""
    base = [f for f in members(facts, cohort, as_of) if f.plan]
    planned = sum((f.plan for f in base), Decimal(0))
    completed = sum((f.completed for f in base), Decimal(0))
    return Rate("investment_rate", RATE_LABELS["investment_rate"], completed, planned,
                sorted(f.id for f in base if f.completed > 0), sorted(f.id for f in base))


def members(facts: Sequence[Facts], cohort: Cohort, as_of: date) -> list[Facts]:
    """The cohort's projects: a year's — planned for that year or signed, started or producing in it;
    a batch's — on any of its lists."""
    if cohort.kind == "batch":
        return [f for f in facts if f.lists and _active(f, as_of)]
    ids = {f.id for f in facts if f.plan is not None and _active(f, as_of)}
    for group in (signed_cohort, started_cohort, producing_cohort):
        ids.update(f.id for f in group(facts, cohort, as_of))
    return [f for f in facts if f.id in ids]


def tiers(projects: Sequence[Facts]) -> list[Tier]:
    result = []
    for key, label, low, high in TIERS:
        chosen = [f for f in projects if (low is None or f.total_investment >= low)
                  and (high is None or f.total_investment < high)]
        result.append(Tier(key, label, len(chosen), sum((f.total_investment for f in chosen), Decimal(0)),
                           sorted(f.id for f in chosen)))
    return result


def compute(facts: Sequence[Facts], cohort: Cohort, as_of: date) -> KpiSet:
    cohort_members = members(facts, cohort, as_of)
    return KpiSet(cohort=cohort, as_of=as_of, start_rate=start_rate(facts, cohort, as_of),
                  production_rate=production_rate(facts, cohort, as_of),
                  effectiveness_rate=effectiveness_rate(facts, cohort, as_of),
                  investment_rate=investment_rate(facts, cohort, as_of), tiers=tiers(cohort_members),
                  member_ids=sorted(f.id for f in cohort_members),
                  member_investment=sum((f.total_investment for f in cohort_members), Decimal(0)))


def group(facts: Iterable[Facts], by: str) -> dict[int | None, list[Facts]]:
    """Facts grouped by "county" or "zone" (None: city-level projects, or projects outside any zone)."""
    groups: dict[int | None, list[Facts]] = defaultdict(list)
    for f in facts:
        groups[f.county_id if by == "county" else f.zone_id].append(f)
    return dict(groups)


def rate_ids(kpi: KpiSet, key: str, part: str) -> list[int]:
    """The ids behind one number: `key` a rate key or a tier key, `part` numerator|denominator (rates)."""
    for rate in kpi.rates:
        if rate.key == key:
            return rate.numerator_ids if part == "numerator" else rate.denominator_ids
    for tier in kpi.tiers:
        if tier.key == key:
            return tier.ids
    if key == "members":
        return kpi.member_ids
    raise ValidationFailed(f"未知指标:{key}")


# --- loading facts from the database -----------------------------------------------------------------

def county_of(path: str) -> int | None:
    parts = [p for p in path.split("/") if p]
    return int(parts[2]) if len(parts) >= 3 else None


def load_facts(projects: QuerySet[Project], cohort: Cohort, as_of: date) -> list[Facts]:
    """Facts for every project of `projects` (already scoped), in five queries."""
    ids = projects.order_by().values("pk")
    rows = list(projects.order_by().values("pk", "region__path", "zone_id", "total_investment", "cancelled_on",
                                           "replacement__pk"))
    stage_field = {"signed": "signed_on", "started": "started_on", "producing": "producing_on",
                   "effective": "effective_on"}
    dates: dict[int, dict[str, date]] = defaultdict(dict)
    for project_id, stage, actual in ProjectStage.objects.filter(
            project__in=ids, status=ProjectStage.Status.VERIFIED, stage__in=list(stage_field)).values_list(
            "project_id", "stage", "actual_date"):
        dates[project_id][stage_field[stage]] = actual
    lists: dict[int, set[str]] = defaultdict(set)
    if cohort.kind == "batch":
        for project_id, list_kind in BatchEntry.objects.filter(batch_id=cohort.batch_id, project__in=ids) \
                .values_list("project_id", "list_kind"):
            lists[project_id].add(list_kind)
    year = cohort.investment_year if cohort.kind == "year" else as_of.year
    plans = dict(ProjectYearPlan.objects.filter(project__in=ids, year=year).values_list(
        "project_id", "planned_investment"))
    last_month = min(as_of, date(year, 12, 31)).replace(day=1)
    completed = dict(effective_reports().filter(project__in=ids, period__gte=date(year, 1, 1),
                                                period__lte=last_month)
                     .order_by().values("project_id").annotate(s=Sum("investment_month"))
                     .values_list("project_id", "s"))
    return [Facts(id=row["pk"], county_id=county_of(row["region__path"]), zone_id=row["zone_id"],
                  total_investment=Decimal(row["total_investment"]),
                  replaced_on=row["cancelled_on"] if row["replacement__pk"] else None,
                  lists=frozenset(lists.get(row["pk"], ())),
                  plan=Decimal(plans[row["pk"]]) if row["pk"] in plans else None,
                  completed=Decimal(completed.get(row["pk"]) or 0), **dates.get(row["pk"], {}))
            for row in rows]


def effective_reports() -> QuerySet[ProgressReport]:
    """Approved reports not superseded by an approved correction."""
    return ProgressReport.objects.filter(status=ProgressReport.Status.APPROVED).exclude(
        correction__status=ProgressReport.Status.APPROVED)
