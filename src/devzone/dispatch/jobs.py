"""Scheduled jobs: escalation of overdue work and generation of recurring-task instances.

Plain functions with the clock passed in, so a scheduler (cron, `manage.py dispatch_escalate`, later
django-tasks) passes the real time and tests pass hand-built clocks. Both are idempotent and safe to run
from several workers at once (conditional updates, a unique constraint per period).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from devzone.dispatch import services
from devzone.dispatch.escalation import end_of_day, level_at
from devzone.dispatch.models import Escalation, Problem, Task
from devzone.dispatch.recurrence import generate_for_series


@dataclass
class EscalationReport:
    now: datetime
    checked_problems: int = 0
    checked_tasks: int = 0
    problems: dict[int, list[int]] = field(default_factory=dict)  # level reached → problem ids
    tasks: dict[int, list[int]] = field(default_factory=dict)     # level reached → task ids

    @property
    def escalated(self) -> int:
        return sum(len(ids) for ids in self.problems.values()) + sum(len(ids) for ids in self.tasks.values())

    def text(self) -> str:
        parts = [f"{Escalation(level).label} {len(ids)}" for level, ids in sorted(self.problems.items())]
        task_parts = [f"{Escalation(level).label} {len(ids)}" for level, ids in sorted(self.tasks.items())]
        return (f"检查问题 {self.checked_problems} 件、任务 {self.checked_tasks} 项;"
                f"问题升级:{'、'.join(parts) or '无'};任务升级:{'、'.join(task_parts) or '无'}")


def escalate_due(*, now: datetime) -> EscalationReport:
    """Raise every open problem and task to the escalation step due at `now` (提醒 → 催办 → 督办 → 通报)."""
    rules = services.rules_get()
    report = EscalationReport(now=now)
    problems = (Problem.objects.filter(status__in=Problem.OPEN_STATUSES, escalation_level__lt=Escalation.BULLETIN,
                                       assigned_at__lte=now)
                .select_related("region", "lead_unit__region", "handler", "assigned_by", "sponsor_leader")
                .order_by("pk"))
    for problem in problems.iterator(chunk_size=500):
        report.checked_problems += 1
        target = level_at(start=problem.assigned_at, deadline=problem.deadline, now=now, rules=rules)
        if target > problem.escalation_level and services.problem_escalate(problem=problem, level=target, now=now,
                                                                             rules=rules):
            report.problems.setdefault(int(target), []).append(problem.pk)
    tasks = (Task.objects.filter(status__in=Task.OPEN_STATUSES, recurrence="", escalation_level__lt=Escalation.BULLETIN,
                                 assigned_at__lte=now, due_date__isnull=False)
             .select_related("region", "lead_unit__region", "responsible_person", "created_by", "sponsor_leader")
             .order_by("pk"))
    for task in tasks.iterator(chunk_size=500):
        report.checked_tasks += 1
        target = level_at(start=task.assigned_at, deadline=end_of_day(task.due_date), now=now, rules=rules)
        if target > task.escalation_level and services.task_escalate(task=task, level=target, now=now, rules=rules):
            report.tasks.setdefault(int(target), []).append(task.pk)
    return report


@dataclass
class RecurrenceReport:
    today: date
    series: int = 0
    created: list[int] = field(default_factory=list)

    def text(self) -> str:
        return f"周期任务 {self.series} 项,新生成 {len(self.created)} 项"


def generate_recurring_tasks(*, today: date) -> RecurrenceReport:
    """Create each active recurring series' instances for every period started by `today`."""
    report = RecurrenceReport(today=today)
    series_qs = (Task.objects.exclude(recurrence="").exclude(status=Task.Status.CLOSED)
                 .filter(starts_on__lte=today).select_related("lead_unit__region").order_by("pk"))
    for series in series_qs:
        report.series += 1
        report.created += [task.pk for task in generate_for_series(series, today=today)]
    return report
