"""Pure time arithmetic for the SLA: when each escalation step falls due, and the due light of an item.

No database access: callers pass the rules row (or any object with the same attributes) and the clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from fractions import Fraction

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

from devzone.dispatch.models import Escalation

ONE_MICROSECOND = timedelta(microseconds=1)


def deadline_from(start: datetime, days: int) -> datetime:
    """The deadline of an SLA of `days` calendar days counted from `start`."""
    return start + timedelta(days=days)


def end_of_day(day: date) -> datetime:
    """The first instant after `day` in the local time zone: a task due on `day` is late from then on."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def step_times(*, start: datetime, deadline: datetime, rules) -> dict[Escalation, datetime]:
    """When each escalation step falls due. The reminder point is exact (no float rounding): the first
    microsecond at or after start + ratio × (deadline − start)."""
    span_us = (deadline - start) // ONE_MICROSECOND
    ratio = Fraction(str(rules.remind_ratio))
    remind_us = -((-span_us * ratio.numerator) // ratio.denominator)  # ceiling of span × ratio
    return {
        Escalation.REMIND: start + remind_us * ONE_MICROSECOND,
        Escalation.URGE: deadline + timedelta(days=rules.urge_after_days),
        Escalation.SUPERVISE: deadline + timedelta(days=rules.supervise_after_days),
        Escalation.BULLETIN: deadline + timedelta(days=rules.bulletin_after_days),
    }


def level_at(*, start: datetime, deadline: datetime, now: datetime, rules) -> Escalation:
    """The highest escalation step due at `now` for an item still open."""
    reached = Escalation.NONE
    for level, due in step_times(start=start, deadline=deadline, rules=rules).items():
        if now >= due and level > reached:
            reached = level
    return reached


@dataclass(frozen=True)
class Light:
    """A due light (红黄绿灯) shown as a badge and exported as its label."""

    code: str
    label: str | Promise
    color: str  # Tabler colour class suffix

    def __str__(self) -> str:
        return str(self.label)


NOT_STARTED = Light("none", pgettext_lazy("dispatch", "not assigned"), "secondary")
GREEN = Light("green", pgettext_lazy("dispatch", "on track"), "green")
YELLOW = Light("yellow", pgettext_lazy("dispatch", "due soon"), "yellow")
RED = Light("red", pgettext_lazy("dispatch", "overdue"), "red")
DONE_ON_TIME = Light("done", pgettext_lazy("dispatch", "done on time"), "teal")
DONE_LATE = Light("late", pgettext_lazy("dispatch", "done late"), "orange")
LIGHTS = {light.code: light for light in (NOT_STARTED, GREEN, YELLOW, RED, DONE_ON_TIME, DONE_LATE)}


def light_for(*, start: datetime | None, deadline: datetime | None, done_at: datetime | None, now: datetime,
              rules) -> Light:
    """Green before the reminder point, yellow from it, red from the deadline; done items by punctuality."""
    if start is None or deadline is None:
        return NOT_STARTED
    if done_at is not None:
        return DONE_ON_TIME if done_at <= deadline else DONE_LATE
    if now >= deadline:
        return RED
    if now >= step_times(start=start, deadline=deadline, rules=rules)[Escalation.REMIND]:
        return YELLOW
    return GREEN


def days_overdue(deadline: datetime | None, now: datetime) -> int:
    """Whole days past the deadline (0 when not overdue)."""
    if deadline is None or now < deadline:
        return 0
    return (now - deadline).days
