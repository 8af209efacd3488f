"""Recurring tasks (每周报送、每月报送): the periods of a series and the instances generated for them.

A weekly series has ISO-week periods ("2026-W05", Monday to Sunday) due on `due_weekday`; a monthly series
has calendar months ("2026-10") due on `due_day`, clipped to the month's last day. The first period is the
one containing `starts_on` (skipped if its due date falls before `starts_on`); the last is the one starting
on or before `ends_on`. Generation is idempotent: one instance per series and period (a unique constraint).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from devzone.core import audit
from devzone.dispatch.models import Task, TaskEvent


@dataclass(frozen=True)
class Period:
    key: str
    starts: date
    due: date


def period_containing(series: Task, day: date) -> Period:
    if series.recurrence == Task.Recurrence.WEEKLY:
        monday = day - timedelta(days=day.weekday())
        year, week, _weekday = monday.isocalendar()
        return Period(f"{year}-W{week:02d}", monday, monday + timedelta(days=series.due_weekday))
    if series.recurrence == Task.Recurrence.MONTHLY:
        first = day.replace(day=1)
        last_day = calendar.monthrange(day.year, day.month)[1]
        return Period(f"{day.year}-{day.month:02d}", first, first.replace(day=min(series.due_day, last_day)))
    raise ValueError(f"task {series.pk} does not recur")


def next_period(series: Task, period: Period) -> Period:
    if series.recurrence == Task.Recurrence.WEEKLY:
        return period_containing(series, period.starts + timedelta(days=7))
    year, month = (period.starts.year + 1, 1) if period.starts.month == 12 else (period.starts.year,
                                                                                period.starts.month + 1)
    return period_containing(series, date(year, month, 1))


def periods_until(series: Task, today: date) -> list[Period]:
    """The series' periods that have started by `today` (and by `ends_on`)."""
    if not series.recurrence or series.starts_on is None or series.starts_on > today:
        return []
    last_start = min(today, series.ends_on) if series.ends_on else today
    result = []
    period = period_containing(series, series.starts_on)
    while period.starts <= last_start:
        if period.due >= series.starts_on:
            result.append(period)
        period = next_period(series, period)
    return result


def _instance(series: Task, period: Period) -> Task:
    start = max(period.starts, series.starts_on)
    return Task(title=series.title, commitment=series.commitment, source=series.source,
                source_ref=series.source_ref, meeting_id=series.meeting_id, region_id=series.region_id,
                created_by_id=series.created_by_id, sponsor_leader_id=series.sponsor_leader_id,
                lead_unit_id=series.lead_unit_id, responsible_person_id=series.responsible_person_id,
                responsible_post=series.responsible_post, due_date=period.due,
                assigned_at=timezone.make_aware(datetime.combine(start, time.min)), status=Task.Status.ASSIGNED,
                series=series, period=period.key)


def generate_for_series(series: Task, *, today: date) -> list[Task]:
    """Create the missing instances of one series up to `today`; returns those created."""
    from devzone.dispatch.services import _notify_task_assigned

    if series.status == Task.Status.CLOSED:
        return []
    wanted = periods_until(series, today)
    existing = set(series.instances.values_list("period", flat=True))
    created = []
    helping = list(series.helping_units.all())
    for period in wanted:
        if period.key in existing:
            continue
        instance = _instance(series, period)
        try:
            with transaction.atomic():
                instance.save()
        except IntegrityError:  # another worker generated it meanwhile
            continue
        instance.helping_units.set(helping)
        TaskEvent.objects.create(task=instance, kind=TaskEvent.Kind.GENERATED, at=instance.assigned_at,
                                 to_status=instance.status, data={"series": series.pk, "period": period.key,
                                                                  "due_date": period.due.isoformat()})
        audit.record(actor=None, action="generate", instance=instance,
                     after={"series": series.pk, "period": period.key, "due_date": period.due.isoformat()})
        _notify_task_assigned(instance, None, instance.assigned_at)
        created.append(instance)
    return created
