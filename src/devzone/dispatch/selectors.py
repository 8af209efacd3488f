"""Reads for dispatch, scoped by jurisdiction, with a fixed number of queries per page.

Who sees a problem or task (anything else answers 404):
- the superuser: everything;
- a user with a region (and a department user holding a supervising or read-only oversight role, on their
  department's region): items raised in that region's subtree, and items assigned (lead or helping) to any
  department in it;
- a department user: items assigned (lead or helping) to their department, and those raised by its members;
- everyone: items they raised, handle, assigned, are responsible for, or sponsor as leader.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Max, Min, Prefetch, Q, QuerySet
from django.utils import timezone

from devzone.core.jurisdiction import get_in_scope, scope_for
from devzone.core.listing import apply_sort
from devzone.core.models import Department, Region, User
from devzone.core.services import role_codes
from devzone.dispatch import permissions as perms
from devzone.dispatch.escalation import LIGHTS, Light, end_of_day, light_for, step_times
from devzone.dispatch.kpis import METRICS, PARTS, KpiTable, ProblemFacts, kpis_by_unit
from devzone.dispatch.models import (
    DispatchRules,
    Escalation,
    Meeting,
    MeetingDecision,
    Notification,
    Problem,
    ProblemEvent,
    SlaRule,
    Task,
    TaskEvent,
)
from devzone.dispatch.services import rules_get

PROBLEM_SORTS = {"raised": "raised_at", "deadline": "deadline", "status": "status", "level": "escalation_level",
                 "unit": "lead_unit__name", "region": "region__path", "category": "category", "title": "title",
                 "updated": "updated_at"}
TASK_SORTS = {"due": "due_date", "status": "status", "unit": "lead_unit__name", "title": "title",
              "level": "escalation_level", "progress": "progress_percent", "updated": "updated_at"}
MEETING_SORTS = {"date": "held_on", "title": "title", "kind": "kind"}


# --- jurisdiction --------------------------------------------------------------------------------------

def _wide_path(user: User) -> str | None:
    """The subtree a user reads in full: their region's, or a supervising department user's region's."""
    if user.region_id:
        return scope_for(user).region_path
    if user.department_id and role_codes(user) & perms.WIDE_READ_ROLES:
        return scope_for(user).region_path
    return None


def _visible_q(user: User, model, person_fields: tuple[str, ...]) -> Q:
    if user is None or not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.is_superuser:
        return Q()
    through = model.helping_units.through
    fk = f"{model._meta.model_name}_id"
    q = Q(pk__in=[])
    for name in person_fields:
        q |= Q(**{name: user.pk})
    if user.department_id:
        q |= Q(lead_unit_id=user.department_id)
        q |= Q(pk__in=through.objects.filter(department_id=user.department_id).values(fk))
    path = _wide_path(user)
    if path:
        q |= Q(region__path__startswith=path) | Q(lead_unit__region__path__startswith=path)
        q |= Q(pk__in=through.objects.filter(department__region__path__startswith=path).values(fk))
    elif user.department_id:
        creator = "raised_by" if model is Problem else "created_by"
        q |= Q(**{f"{creator}__department_id": user.department_id})
    return q


def problem_visible_q(user: User) -> Q:
    return _visible_q(user, Problem, ("raised_by", "handler", "assigned_by", "sponsor_leader"))


def task_visible_q(user: User) -> Q:
    return _visible_q(user, Task, ("created_by", "responsible_person", "sponsor_leader"))


def meeting_visible_q(user: User) -> Q:
    if user is None or not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.is_superuser:
        return Q()
    q = Q(created_by=user) | Q(pk__in=Meeting.attendees.through.objects.filter(user_id=user.pk).values("meeting_id"))
    path = _wide_path(user)
    if path:
        q |= Q(region__path__startswith=path)
    if user.department_id:
        q |= Q(pk__in=MeetingDecision.objects.filter(lead_unit_id=user.department_id).values("meeting_id"))
    return q


def my_department_ids(user: User) -> list[int]:
    """The departments the user acts for (see permissions: "my unit")."""
    if user.is_superuser:
        return []
    return list(Department.objects.filter(perms.my_units_q(user)).values_list("pk", flat=True))


def rules() -> DispatchRules:
    return rules_get()


# --- periods -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Period:
    key: str
    start: datetime
    end: datetime  # exclusive

    @property
    def label(self) -> str:
        if len(self.key) == 4:
            return f"{self.key}年"
        year, month = self.key.split("-")
        return f"{int(year)}年{int(month)}月"


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def parse_period(value: str | None, *, today: date | None = None) -> Period:
    """"2026-10" (a month) or "2026" (a year); anything else means the current month."""
    today = today or timezone.localdate()
    value = (value or "").strip()
    try:
        if len(value) == 4 and value.isdigit():
            year = int(value)
            return Period(value, _aware(date(year, 1, 1)), _aware(date(year + 1, 1, 1)))
        year, month = (int(part) for part in value.split("-"))
        first = date(year, month, 1)
    except (ValueError, TypeError):
        first = today.replace(day=1)
    following = date(first.year + 1, 1, 1) if first.month == 12 else date(first.year, first.month + 1, 1)
    return Period(f"{first.year}-{first.month:02d}", _aware(first), _aware(following))


# --- problems ------------------------------------------------------------------------------------------

def problem_queryset(*, user: User) -> QuerySet[Problem]:
    return (Problem.objects.filter(problem_visible_q(user))
            .select_related("region__parent", "lead_unit__region", "handler", "raised_by", "enterprise",
                            "sponsor_leader", "assigned_by")
            .prefetch_related("helping_units"))


def _as_list(value) -> list[str]:
    if not value:
        return []
    if isinstance(value, list | tuple):
        return [str(v) for v in value if v not in (None, "")]
    return [v for v in str(value).split(",") if v]


def _region_subtree(qs: QuerySet, region_id, field: str = "region") -> QuerySet:
    region = Region.objects.filter(pk=region_id).only("path").first()
    return qs.filter(**{f"{field}__path__startswith": region.path}) if region else qs.none()


def _light_ids(qs: QuerySet, light: str, now: datetime, dispatch_rules: DispatchRules, *, task: bool) -> list[int]:
    """Ids of the open rows currently showing `light` (computed like the badge, so the two never differ)."""
    if task:
        rows = qs.filter(status__in=Task.OPEN_STATUSES, recurrence="").values_list("pk", "assigned_at", "due_date")
        rows = [(pk, start, end_of_day(due)) for pk, start, due in rows]
    else:
        rows = qs.filter(status__in=Problem.OPEN_STATUSES).values_list("pk", "assigned_at", "deadline")
    return [pk for pk, start, deadline in rows
            if light_for(start=start, deadline=deadline, done_at=None, now=now, rules=dispatch_rules).code == light]


def problem_list(*, user: User, filters: Mapping | None = None, now: datetime | None = None) -> QuerySet[Problem]:
    """Problems in scope matching `filters`: q, status (list; "open"), category, difficulty, source, level,
    unit, helping_unit, region, enterprise, handler, overdue, light, mine, raised_from/raised_to, and
    kpi ("completion.num") with period and unit — the rows behind a KPI number."""
    filters = filters or {}
    now = now or timezone.now()
    qs = problem_queryset(user=user)
    if filters.get("q"):
        term = str(filters["q"]).strip()
        q = Q(title__icontains=term) | Q(description__icontains=term) | Q(source_ref__icontains=term)
        digits = term.upper().removeprefix("WT").split("-")[-1]
        if digits.isdigit():
            q |= Q(pk=int(digits))
        qs = qs.filter(q)
    statuses = _as_list(filters.get("status"))
    if "open" in statuses:
        statuses = [s for s in statuses if s != "open"] + list(Problem.OPEN_STATUSES)
    if statuses:
        qs = qs.filter(status__in=statuses)
    for key in ("category", "difficulty", "source"):
        if filters.get(key):
            qs = qs.filter(**{key: filters[key]})
    if filters.get("level") not in (None, ""):
        qs = qs.filter(escalation_level=int(filters["level"]))
    if filters.get("unit") and not filters.get("kpi"):
        qs = qs.filter(lead_unit_id=filters["unit"])
    if filters.get("helping_unit"):
        qs = qs.filter(pk__in=Problem.helping_units.through.objects.filter(
            department_id=filters["helping_unit"]).values("problem_id"))
    if filters.get("region"):
        qs = _region_subtree(qs, filters["region"])
    if filters.get("enterprise"):
        qs = qs.filter(enterprise_id=filters["enterprise"])
    if filters.get("handler"):
        qs = qs.filter(handler_id=filters["handler"])
    if _truthy(filters.get("overdue")):
        qs = qs.filter(status__in=Problem.OPEN_STATUSES, deadline__lt=now)
    if filters.get("raised_from"):
        qs = qs.filter(raised_at__gte=_aware(_date(filters["raised_from"])))
    if filters.get("raised_to"):
        qs = qs.filter(raised_at__lt=_aware(_date(filters["raised_to"]) + timedelta(days=1)))
    if _truthy(filters.get("mine")):
        qs = qs.filter(Q(handler=user) | Q(lead_unit__in=Department.objects.filter(perms.my_units_q(user))))
    if filters.get("light") in LIGHTS:
        light = filters["light"]
        if light in ("done", "late"):
            done = qs.filter(status__in=Problem.DONE_STATUSES, resolved_at__isnull=False, deadline__isnull=False)
            qs = qs.filter(pk__in=[pk for pk, at, deadline in done.values_list("pk", "resolved_at", "deadline")
                                   if (at <= deadline) == (light == "done")])
        elif light == "none":
            qs = qs.filter(status__in=[Problem.Status.SUBMITTED, Problem.Status.RETURNED])
        else:
            qs = qs.filter(pk__in=_light_ids(qs, light, now, rules(), task=False))
    if filters.get("kpi"):
        qs = qs.filter(pk__in=kpi_ids(user=user, kpi=str(filters["kpi"]), period=filters.get("period"),
                                      unit=filters.get("unit"), now=now))
    return apply_sort(qs, filters.get("sort"), PROBLEM_SORTS, default=("-raised_at",))


def _truthy(value) -> bool:
    return str(value).lower() in {"1", "true", "on", "yes"}


def _date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def problem_get(*, user: User, problem_id: int) -> Problem:
    qs = problem_queryset(user=user).prefetch_related(
        Prefetch("events", queryset=ProblemEvent.objects.select_related("actor").order_by("at", "pk")))
    return get_in_scope(qs, pk=problem_id)


def problem_light(problem: Problem, *, now: datetime, dispatch_rules: DispatchRules) -> Light:
    """The due light; a problem waiting for (re-)assignment has no running clock."""
    if problem.status in (Problem.Status.SUBMITTED, Problem.Status.RETURNED):
        return LIGHTS["none"]
    return light_for(start=problem.assigned_at, deadline=problem.deadline, done_at=problem.resolved_at, now=now,
                     rules=dispatch_rules)


def problem_step_times(problem: Problem, dispatch_rules: DispatchRules) -> list[tuple[int, datetime]]:
    """When each escalation step falls (or fell) due, for the detail page."""
    if problem.assigned_at is None or problem.deadline is None:
        return []
    return sorted(step_times(start=problem.assigned_at, deadline=problem.deadline, rules=dispatch_rules).items())


def sla_table() -> QuerySet[SlaRule]:
    return SlaRule.objects.order_by("category", "difficulty")


# --- tasks ---------------------------------------------------------------------------------------------

SERIES_LIGHT = Light("series", "周期任务", "azure")


def task_queryset(*, user: User) -> QuerySet[Task]:
    return (Task.objects.filter(task_visible_q(user))
            .select_related("region", "lead_unit__region", "responsible_person", "created_by", "meeting",
                            "sponsor_leader", "series")
            .prefetch_related("helping_units"))


def task_list(*, user: User, filters: Mapping | None = None, now: datetime | None = None) -> QuerySet[Task]:
    """Tasks in scope: q, status (list; "open"), source, kind (single/series/instance), unit, region, meeting,
    series, overdue, light, mine, due_from/due_to, level."""
    filters = filters or {}
    now = now or timezone.now()
    qs = task_queryset(user=user)
    if filters.get("q"):
        term = str(filters["q"]).strip()
        qs = qs.filter(Q(title__icontains=term) | Q(commitment__icontains=term) | Q(source_ref__icontains=term))
    statuses = _as_list(filters.get("status"))
    if "open" in statuses:
        statuses = [s for s in statuses if s != "open"] + list(Task.OPEN_STATUSES)
    if statuses:
        qs = qs.filter(status__in=statuses)
    if filters.get("source"):
        qs = qs.filter(source=filters["source"])
    kind = filters.get("kind")
    if kind == "series":
        qs = qs.exclude(recurrence="")
    elif kind == "instance":
        qs = qs.filter(series__isnull=False)
    elif kind == "single":
        qs = qs.filter(recurrence="", series__isnull=True)
    for key, column in (("unit", "lead_unit_id"), ("meeting", "meeting_id"), ("series", "series_id")):
        if filters.get(key):
            qs = qs.filter(**{column: filters[key]})
    if filters.get("level") not in (None, ""):
        qs = qs.filter(escalation_level=int(filters["level"]))
    if filters.get("region"):
        qs = _region_subtree(qs, filters["region"])
    if _truthy(filters.get("overdue")):
        qs = qs.filter(status__in=Task.OPEN_STATUSES, recurrence="", due_date__lt=timezone.localdate(now))
    if filters.get("due_from"):
        qs = qs.filter(due_date__gte=_date(filters["due_from"]))
    if filters.get("due_to"):
        qs = qs.filter(due_date__lte=_date(filters["due_to"]))
    if _truthy(filters.get("mine")):
        qs = qs.filter(Q(responsible_person=user) | Q(lead_unit__in=Department.objects.filter(
            perms.my_units_q(user))))
    if filters.get("light") in ("green", "yellow", "red"):
        qs = qs.filter(pk__in=_light_ids(qs, filters["light"], now, rules(), task=True))
    return apply_sort(qs, filters.get("sort"), TASK_SORTS, default=("due_date",))


def task_get(*, user: User, task_id: int) -> Task:
    qs = task_queryset(user=user).prefetch_related(
        Prefetch("events", queryset=TaskEvent.objects.select_related("actor").order_by("at", "pk")),
        Prefetch("instances", queryset=Task.objects.order_by("-period")))
    return get_in_scope(qs, pk=task_id)


def task_light(task: Task, *, now: datetime, dispatch_rules: DispatchRules) -> Light:
    if task.is_series:
        return SERIES_LIGHT
    return light_for(start=task.assigned_at, deadline=end_of_day(task.due_date), done_at=task.completed_at,
                     now=now, rules=dispatch_rules)


# --- meetings ------------------------------------------------------------------------------------------

def meeting_queryset(*, user: User) -> QuerySet[Meeting]:
    return Meeting.objects.filter(meeting_visible_q(user)).select_related("region", "created_by").annotate(
        decision_count=Count("decisions", distinct=True))


def meeting_list(*, user: User, filters: Mapping | None = None) -> QuerySet[Meeting]:
    filters = filters or {}
    qs = meeting_queryset(user=user)
    if filters.get("q"):
        term = str(filters["q"]).strip()
        qs = qs.filter(Q(title__icontains=term) | Q(minutes__icontains=term))
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    if filters.get("region"):
        qs = _region_subtree(qs, filters["region"])
    if filters.get("held_from"):
        qs = qs.filter(held_on__gte=_date(filters["held_from"]))
    if filters.get("held_to"):
        qs = qs.filter(held_on__lte=_date(filters["held_to"]))
    return apply_sort(qs, filters.get("sort"), MEETING_SORTS, default=("-held_on",))


def meeting_get(*, user: User, meeting_id: int) -> Meeting:
    qs = meeting_queryset(user=user).prefetch_related(
        "attendees", Prefetch("decisions", queryset=MeetingDecision.objects.select_related(
            "lead_unit", "task").order_by("order", "pk")))
    return get_in_scope(qs, pk=meeting_id)


def decision_get(*, user: User, meeting_id: int, decision_id: int) -> MeetingDecision:
    meeting = meeting_get(user=user, meeting_id=meeting_id)
    return get_in_scope(MeetingDecision.objects.filter(meeting=meeting).select_related("meeting__region",
                                                                                        "lead_unit"),
                        pk=decision_id)


# --- my work, inbox, digest ----------------------------------------------------------------------------

@dataclass
class MyWork:
    to_handle: list[Problem] = field(default_factory=list)
    helping: list[Problem] = field(default_factory=list)
    to_assign: list[Problem] = field(default_factory=list)
    to_close: list[Problem] = field(default_factory=list)
    tasks_to_do: list[Task] = field(default_factory=list)
    tasks_to_close: list[Task] = field(default_factory=list)


MY_WORK_LIMIT = 100


def my_work(*, user: User) -> MyWork:
    """What waits for the user and their unit: to handle, to help, to assign, to close (problems and tasks)."""
    work = MyWork()
    if perms.is_read_only(user):
        return work
    units = Department.objects.filter(perms.my_units_q(user)).values("pk")
    problems = problem_queryset(user=user)
    handle_q = Q(handler=user) | Q(lead_unit__in=units)
    work.to_handle = list(problems.filter(handle_q, status__in=Problem.OPEN_STATUSES)
                          .order_by("deadline", "pk")[:MY_WORK_LIMIT])
    work.helping = list(problems.filter(status__in=Problem.OPEN_STATUSES).exclude(handle_q)
                        .filter(pk__in=Problem.helping_units.through.objects.filter(department__in=units)
                                .values("problem_id")).order_by("deadline", "pk")[:MY_WORK_LIMIT])
    if perms.can_dispatch(user):
        work.to_assign = list(problems.filter(status__in=[Problem.Status.SUBMITTED, Problem.Status.RETURNED])
                              .filter(scope_for(user).region_q()).order_by("raised_at", "pk")[:MY_WORK_LIMIT])
    close_q = Q(raised_by=user)
    if perms.supervises(user):
        close_q |= scope_for(user).region_q()
    work.to_close = list(problems.filter(close_q, status=Problem.Status.RESOLVED)
                         .order_by("resolved_at", "pk")[:MY_WORK_LIMIT])
    tasks = task_queryset(user=user).filter(recurrence="")
    work.tasks_to_do = list(tasks.filter(Q(responsible_person=user) | Q(lead_unit__in=units),
                                         status__in=Task.OPEN_STATUSES).order_by("due_date", "pk")[:MY_WORK_LIMIT])
    close_tasks = Q(created_by=user)
    if perms.supervises(user):
        close_tasks |= scope_for(user).region_q()
    work.tasks_to_close = list(tasks.filter(close_tasks, status=Task.Status.COMPLETED)
                               .order_by("completed_at", "pk")[:MY_WORK_LIMIT])
    return work


def notification_list(*, user: User, unread: bool = False) -> QuerySet[Notification]:
    qs = Notification.objects.filter(recipient=user)
    if unread:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-pk")


def unread_count(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


@dataclass
class Digest:
    day: date
    notifications: dict[str, list[Notification]]
    due_today: list[Problem]
    overdue: list[Problem]
    tasks_due_today: list[Task]
    tasks_overdue: list[Task]
    escalated: list[ProblemEvent]


def daily_digest(*, user: User, day: date, now: datetime | None = None) -> Digest:
    """A day's summary for one user: the day's messages by kind, what falls due that day and what is overdue
    among the user's own work, and the escalations of the day in the user's jurisdiction."""
    start, end = _aware(day), _aware(day + timedelta(days=1))
    now = now or min(end, timezone.now())
    grouped: dict[str, list[Notification]] = defaultdict(list)
    for note in notification_list(user=user).filter(created_at__gte=start, created_at__lt=end):
        grouped[note.get_kind_display()].append(note)
    units = Department.objects.filter(perms.my_units_q(user)).values("pk")
    mine = problem_queryset(user=user).filter(Q(handler=user) | Q(lead_unit__in=units),
                                              status__in=Problem.OPEN_STATUSES)
    tasks = task_queryset(user=user).filter(Q(responsible_person=user) | Q(lead_unit__in=units),
                                            status__in=Task.OPEN_STATUSES, recurrence="")
    escalated = (ProblemEvent.objects.filter(kind=ProblemEvent.Kind.ESCALATED, at__gte=start, at__lt=end,
                                             problem__in=Problem.objects.filter(problem_visible_q(user)))
                 .select_related("problem__lead_unit").order_by("-level", "problem_id")[:200])
    return Digest(day=day, notifications=dict(grouped),
                  due_today=list(mine.filter(deadline__gte=start, deadline__lt=end).order_by("deadline")),
                  overdue=list(mine.filter(deadline__lt=min(now, end)).order_by("deadline")[:MY_WORK_LIMIT]),
                  tasks_due_today=list(tasks.filter(due_date=day)),
                  tasks_overdue=list(tasks.filter(due_date__lt=day).order_by("due_date")[:MY_WORK_LIMIT]),
                  escalated=list(escalated))


# --- supervision board and bulletin --------------------------------------------------------------------

@dataclass
class UnitOverdue:
    unit_id: int
    unit_name: str
    count: int
    oldest_deadline: datetime | None
    max_level: int


@dataclass
class Board:
    level_counts: dict[int, int]
    open_count: int
    overdue_count: int
    overdue_by_unit: list[UnitOverdue]
    supervised: list[Problem]
    bulletin: list[Problem]
    bulletin_period: Period
    tasks_overdue_by_unit: list[UnitOverdue]


def _overdue_by_unit(qs: QuerySet, deadline_field: str, cutoff) -> list[UnitOverdue]:
    rows = (qs.filter(**{f"{deadline_field}__lt": cutoff}).order_by()
            .values("lead_unit_id", "lead_unit__name")
            .annotate(count=Count("pk"), oldest=Min(deadline_field), level=Max("escalation_level")))
    result = [UnitOverdue(r["lead_unit_id"], r["lead_unit__name"], r["count"], r["oldest"], r["level"] or 0)
              for r in rows]
    return sorted(result, key=lambda r: (-r.count, r.unit_name))


def board(*, user: User, now: datetime | None = None) -> Board:
    """The supervision office's board: escalation levels, overdue by unit, 督办 items, this month's 通报."""
    now = now or timezone.now()
    open_qs = Problem.objects.filter(problem_visible_q(user), status__in=Problem.OPEN_STATUSES)
    counts = dict(open_qs.order_by().values_list("escalation_level").annotate(n=Count("pk")))
    period = parse_period(None, today=timezone.localdate(now))
    open_tasks = Task.objects.filter(task_visible_q(user), status__in=Task.OPEN_STATUSES, recurrence="")
    return Board(
        level_counts={level: counts.get(level, 0) for level in Escalation.values},
        open_count=sum(counts.values()),
        overdue_count=open_qs.filter(deadline__lt=now).count(),
        overdue_by_unit=_overdue_by_unit(open_qs, "deadline", now),
        supervised=list(problem_queryset(user=user).filter(status__in=Problem.OPEN_STATUSES,
                                                           escalation_level__gte=Escalation.SUPERVISE)
                        .order_by("deadline", "pk")[:MY_WORK_LIMIT]),
        bulletin=list(bulletin_overdue_problems(user=user, period=period)[:MY_WORK_LIMIT]),
        bulletin_period=period,
        tasks_overdue_by_unit=_overdue_by_unit(open_tasks, "due_date", timezone.localdate(now)),
    )


def overdue_by_unit(*, user: User, region_id: int | None = None, now: datetime | None = None) -> list[UnitOverdue]:
    """Open problems past their deadline, counted by lead unit (for the cockpit; one query), optionally within
    a region's subtree (the problem list's `region` filter picks the same rows)."""
    now = now or timezone.now()
    qs = Problem.objects.filter(problem_visible_q(user), status__in=Problem.OPEN_STATUSES, lead_unit__isnull=False)
    if region_id:
        qs = _region_subtree(qs, region_id)
    return _overdue_by_unit(qs, "deadline", now)


def bulletin_overdue_problems(*, user: User, period: Period) -> QuerySet[Problem]:
    """The monthly bulletin's overdue list (通报): problems that had reached 通报 by the end of the period and
    were still unresolved at some time during it."""
    bulletined = ProblemEvent.objects.filter(kind=ProblemEvent.Kind.ESCALATED, level=Escalation.BULLETIN,
                                             at__lt=period.end).values("problem_id")
    return (problem_queryset(user=user).filter(pk__in=bulletined)
            .filter(Q(resolved_at__isnull=True) | Q(resolved_at__gte=period.start))
            .order_by("deadline", "pk"))


# --- KPIs ----------------------------------------------------------------------------------------------

def problem_facts(*, user: User, period: Period) -> list[ProblemFacts]:
    """The cohort of a period: problems in scope assigned during it (one query). A problem sent back to the
    office (returned) belongs to no unit until it is assigned again, so it is left out."""
    rows = (Problem.objects.filter(problem_visible_q(user), assigned_at__gte=period.start,
                                   assigned_at__lt=period.end, lead_unit__isnull=False, deadline__isnull=False)
            .exclude(status=Problem.Status.RETURNED)
            .values_list("pk", "lead_unit_id", "assigned_at", "deadline", "resolved_at", "result", "closed_at",
                         "satisfaction"))
    return [ProblemFacts(*row) for row in rows]


def kpi_table(*, user: User, period: Period, now: datetime | None = None) -> KpiTable:
    now = now or timezone.now()
    as_of = min(period.end, now)
    return kpis_by_unit(problem_facts(user=user, period=period), as_of=as_of,
                        satisfied_ratings=rules().satisfied_ratings())


def kpi_ids(*, user: User, kpi: str, period: str | None, unit=None, now: datetime | None = None) -> list[int]:
    """The ids behind one KPI number ("on_time.den" of a unit in a period), for the linked list."""
    metric, _dot, part = kpi.partition(".")
    if metric not in METRICS or (part or "num") not in PARTS:
        return []
    table = kpi_table(user=user, period=parse_period(period), now=now)
    kpis = table.by_unit.get(int(unit)) if unit not in (None, "") else table.total
    return list(kpis.ids(metric, part or "num")) if kpis else []


def units_by_id(ids) -> dict[int, Department]:
    return {d.pk: d for d in Department.objects.filter(pk__in=[i for i in ids if i]).select_related("region")}
