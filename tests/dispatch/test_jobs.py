"""The scheduled jobs on hand-built clocks: every escalation boundary (79% / 80% of the SLA, the deadline,
7 and 30 days overdue), idempotence, configurable rules, and recurring tasks across month boundaries."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from devzone.dispatch import selectors, services
from devzone.dispatch.jobs import escalate_due, generate_recurring_tasks
from devzone.dispatch.models import DispatchRules, Escalation, Notification, Problem, SlaRule, Task

from .conftest import T0, TZ

E = Escalation
US = timedelta(microseconds=1)


@pytest.fixture
def ten_days(units):
    """Land problems of normal difficulty get 10 days, so 80% of the SLA falls at exactly 8 days."""
    SlaRule.objects.filter(category="land", difficulty="normal").update(days=10)


def _level(problem: Problem) -> int:
    problem.refresh_from_db()
    return problem.escalation_level


def _escalations(problem: Problem) -> list[int]:
    return list(problem.events.filter(kind="escalated").order_by("level").values_list("level", flat=True))


def test_reminder_boundary_79_and_80_percent(org, units, ten_days, assigned_problem):
    problem = assigned_problem()
    assert problem.deadline == T0 + timedelta(days=10)
    report = escalate_due(now=T0 + timedelta(days=7.9))  # 79% of the SLA
    assert report.escalated == 0 and _level(problem) == E.NONE and _escalations(problem) == []
    report = escalate_due(now=T0 + timedelta(days=8) - US)
    assert report.escalated == 0 and _level(problem) == E.NONE
    report = escalate_due(now=T0 + timedelta(days=8))  # exactly 80%
    assert report.problems == {E.REMIND: [problem.pk]} and _level(problem) == E.REMIND
    event = problem.events.get(kind="escalated")
    assert event.level == E.REMIND and event.at == T0 + timedelta(days=8) and event.actor is None
    reminded = set(Notification.objects.filter(problem=problem, kind="reminder").values_list(
        "recipient__username", flat=True))
    assert reminded == {"county1", "c1clerk"}


def test_urging_at_the_deadline(org, units, ten_days, assigned_problem):
    problem = assigned_problem()
    escalate_due(now=problem.deadline - US)
    assert _level(problem) == E.REMIND
    escalate_due(now=problem.deadline)
    assert _level(problem) == E.URGE and _escalations(problem) == [E.REMIND, E.URGE]
    urged = set(Notification.objects.filter(problem=problem, kind="urge").values_list("recipient__username",
                                                                                     flat=True))
    assert "city" in urged  # the dispatcher who assigned it hears of it from 催办 on


def test_supervision_after_seven_days_overdue_reaches_the_sponsoring_leader(org, units, ten_days,
                                                                          assigned_problem):
    problem = assigned_problem(sponsor_leader=units.leader)
    escalate_due(now=problem.deadline + timedelta(days=7) - US)
    assert _level(problem) == E.URGE
    assert not Notification.objects.filter(recipient=units.leader).exists()
    escalate_due(now=problem.deadline + timedelta(days=7))
    assert _level(problem) == E.SUPERVISE
    assert Notification.objects.filter(recipient=units.leader, problem=problem, kind="supervise").exists()
    board = selectors.board(user=units.leader, now=problem.deadline + timedelta(days=7))
    assert [p.pk for p in board.supervised] == [problem.pk]


def test_bulletin_after_thirty_days_lists_it_in_the_monthly_bulletin(org, units, ten_days, assigned_problem):
    problem = assigned_problem()
    escalate_due(now=problem.deadline + timedelta(days=30) - US)
    assert _level(problem) == E.SUPERVISE
    at = problem.deadline + timedelta(days=30)  # 2026-04-11 09:00
    escalate_due(now=at)
    assert _level(problem) == E.BULLETIN and _escalations(problem) == [1, 2, 3, 4]
    assert Notification.objects.filter(recipient=units.supervisor, problem=problem, kind="bulletin").exists()
    april = selectors.parse_period("2026-04")
    march = selectors.parse_period("2026-03")
    assert [p.pk for p in selectors.bulletin_overdue_problems(user=org.city_user, period=april)] == [problem.pk]
    assert not selectors.bulletin_overdue_problems(user=org.city_user, period=march).exists()
    # resolved in May: still named in April's and May's bulletins, no longer in June's
    services.problem_resolve(actor=org.county1_user, problem=problem, result="solved", resolution="已解决",
                             late_explanation="涉及省级审批", now=datetime(2026, 5, 6, tzinfo=TZ))
    assert selectors.bulletin_overdue_problems(user=org.city_user, period=selectors.parse_period("2026-05")).exists()
    assert not selectors.bulletin_overdue_problems(user=org.city_user,
                                                   period=selectors.parse_period("2026-06")).exists()


def test_a_late_run_records_every_step_once_and_notifies_the_highest(org, units, ten_days, assigned_problem):
    problem = assigned_problem()
    now = problem.deadline + timedelta(days=45)
    report = escalate_due(now=now)
    assert report.problems == {E.BULLETIN: [problem.pk]}
    assert _escalations(problem) == [1, 2, 3, 4]
    assert all(e.at == now for e in problem.events.filter(kind="escalated"))
    assert problem.events.get(level=E.REMIND).data["due_at"] == "2026-03-10T01:00:00Z"  # 09:00 Beijing time
    assert not Notification.objects.filter(problem=problem, kind__in=["reminder", "urge", "supervise"]).exists()
    again = escalate_due(now=now + timedelta(hours=1))
    assert again.escalated == 0 and problem.events.filter(kind="escalated").count() == 4


def test_thresholds_come_from_the_rules_row(org, units, ten_days, assigned_problem):
    DispatchRules.objects.filter(pk=1).update(remind_ratio=Decimal("0.50"), supervise_after_days=3,
                                              bulletin_after_days=10)
    problem = assigned_problem()
    escalate_due(now=T0 + timedelta(days=5) - US)
    assert _level(problem) == E.NONE
    escalate_due(now=T0 + timedelta(days=5))
    assert _level(problem) == E.REMIND
    escalate_due(now=problem.deadline + timedelta(days=3))
    assert _level(problem) == E.SUPERVISE
    escalate_due(now=problem.deadline + timedelta(days=10))
    assert _level(problem) == E.BULLETIN


def test_resolved_and_unassigned_problems_are_not_escalated(org, units, ten_days, assigned_problem,
                                                            make_problem):
    waiting = make_problem()
    done = services.problem_resolve(actor=org.county1_user, problem=assigned_problem(), result="solved",
                                    resolution="已解决", now=T0 + timedelta(days=1))
    report = escalate_due(now=T0 + timedelta(days=90))
    assert report.escalated == 0 and _level(waiting) == E.NONE and _level(done) == E.NONE


def test_reassignment_restarts_escalation(org, units, ten_days, assigned_problem):
    problem = assigned_problem()
    escalate_due(now=T0 + timedelta(days=8))
    escalate_due(now=problem.deadline)
    assert _level(problem) == E.URGE
    problem = services.problem_return(actor=org.county1_user, problem=Problem.objects.get(pk=problem.pk),
                                      reason="非本单位职责", now=problem.deadline)
    later = problem.deadline + timedelta(days=1)
    problem = services.problem_assign(actor=org.city_user, problem=problem, lead_unit=units.c1_land, now=later)
    assert problem.escalation_level == E.NONE
    escalate_due(now=later + timedelta(days=8))
    assert _level(problem) == E.REMIND
    assert Notification.objects.filter(problem=problem, kind="reminder", recipient=org.county1_user).count() == 2


def test_tasks_escalate_against_the_end_of_their_due_date(org, units, make_task):
    task = make_task(due_date=date(2026, 3, 11))  # assigned 2026-03-02 09:00; late from 2026-03-12 00:00
    escalate_due(now=datetime(2026, 3, 11, 23, 59, tzinfo=TZ))
    task.refresh_from_db()
    assert task.escalation_level == E.REMIND
    escalate_due(now=datetime(2026, 3, 12, tzinfo=TZ))
    task.refresh_from_db()
    assert task.escalation_level == E.URGE
    assert list(task.events.filter(kind="escalated").values_list("level", flat=True)) == [1, 2]


def test_management_command_runs_the_job(org, units, ten_days, assigned_problem):
    problem = assigned_problem()
    out = StringIO()
    call_command("dispatch_escalate", "--now", (problem.deadline + timedelta(days=8)).isoformat(), stdout=out)
    assert "督办 1" in out.getvalue() and _level(problem) == E.SUPERVISE


# --- recurring tasks -----------------------------------------------------------------------------------

def _series(make_task, **fields) -> Task:
    return make_task(due_date=None, **fields, now=datetime(2026, 1, 15, 9, tzinfo=TZ))


def test_monthly_series_across_a_month_boundary(org, units, make_task):
    series = _series(make_task, title="每月报送项目进展", recurrence="monthly", starts_on=date(2026, 1, 15),
                     due_day=31)
    assert [t.period for t in series.instances.all()] == ["2026-01"]  # created with the current period
    report = generate_recurring_tasks(today=date(2026, 1, 31))
    assert report.created == [] and series.instances.count() == 1
    report = generate_recurring_tasks(today=date(2026, 2, 1))
    february = Task.objects.get(pk=report.created[0])
    assert (february.period, february.due_date) == ("2026-02", date(2026, 2, 28))  # 31 clipped to 28
    assert february.assigned_at == datetime(2026, 2, 1, tzinfo=TZ) and february.series == series
    assert february.lead_unit == units.c1_ndrc and february.status == Task.Status.ASSIGNED
    assert february.events.get().kind == "generated"
    assert generate_recurring_tasks(today=date(2026, 2, 20)).created == []
    january = series.instances.get(period="2026-01")
    assert january.due_date == date(2026, 1, 31) and january.assigned_at == datetime(2026, 1, 15, tzinfo=TZ)


def test_weekly_series_across_a_month_boundary(org, units, make_task):
    series = make_task(due_date=None, recurrence="weekly", starts_on=date(2026, 1, 26), due_weekday=4,
                       now=datetime(2026, 1, 26, 8, tzinfo=TZ))
    assert [(t.period, t.due_date) for t in series.instances.all()] == [("2026-W05", date(2026, 1, 30))]
    created = generate_recurring_tasks(today=date(2026, 2, 1)).created  # Sunday: still week 5
    assert created == []
    created = generate_recurring_tasks(today=date(2026, 2, 2)).created  # Monday of week 6
    assert [(t.period, t.due_date) for t in Task.objects.filter(pk__in=created)] == [("2026-W06", date(2026, 2, 6))]


def test_catch_up_end_date_and_closed_series(org, units, make_task):
    series = _series(make_task, recurrence="monthly", starts_on=date(2026, 1, 15), ends_on=date(2026, 4, 1),
                     due_day=10)
    # January's report is due on the 10th, before the series started: January is skipped
    assert series.instances.count() == 0
    created = generate_recurring_tasks(today=date(2026, 6, 30)).created
    assert sorted(Task.objects.filter(pk__in=created).values_list("period", flat=True)) == [
        "2026-02", "2026-03", "2026-04"]
    services.task_close(actor=org.city_user, task=series, note="专项工作结束")
    other = _series(make_task, recurrence="monthly", starts_on=date(2026, 1, 1), due_day=5)
    services.task_close(actor=org.city_user, task=other)
    assert generate_recurring_tasks(today=date(2026, 9, 1)).created == []


def test_instances_reach_the_unit_inbox(org, units, make_task):
    series = _series(make_task, recurrence="monthly", starts_on=date(2026, 1, 1), due_day=25,
                     helping_units=[units.c1_land])
    instance = series.instances.get()
    assert list(instance.helping_units.all()) == [units.c1_land]
    assert Notification.objects.filter(task=instance, recipient=org.county1_user, kind="task").exists()
    assert not Notification.objects.filter(task=series).exists()


def test_recurring_task_needs_its_rule(org, units, make_task):
    from devzone.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        make_task(due_date=None, recurrence="weekly", starts_on=date(2026, 1, 1))
    with pytest.raises(ValidationFailed):
        make_task(due_date=None, recurrence="monthly", starts_on=date(2026, 3, 1), due_day=5,
                  ends_on=date(2026, 2, 1))


def test_recurring_command(org, units, make_task):
    _series(make_task, recurrence="monthly", starts_on=date(2026, 1, 15), due_day=20)
    out = StringIO()
    call_command("dispatch_recurring", "--today", "2026-03-01", stdout=out)
    assert "新生成 2 项" in out.getvalue()
