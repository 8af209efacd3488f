"""Problem state machine (every allowed and refused transition), the SLA deadline, the written-explanation rule,
who may act, timeline and audit events, and notifications; tasks and meetings."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, transaction

from devzone.core import audit
from devzone.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from devzone.core.models import AuditEvent
from devzone.dispatch import services
from devzone.dispatch.models import Notification, Problem, SlaRule, Task, TaskEvent

from .conftest import T0

S = Problem.Status


# --- creation and assignment ---------------------------------------------------------------------------

def test_create_records_raised_event_and_audit(org, units, make_problem):
    problem = make_problem(description="园区道路未通,企业无法进场")
    assert problem.status == S.SUBMITTED and problem.raised_by == org.city_user and problem.raised_at == T0
    event = problem.events.get()
    assert event.kind == "created" and event.to_status == S.SUBMITTED and event.at == T0
    assert AuditEvent.objects.filter(object_type="dispatch.problem", object_id=str(problem.pk),
                                     action="create").exists()
    assert problem.number == f"WT2026-{problem.pk:05d}"


def test_region_defaults_to_the_enterprise_and_neighbours_enterprise_is_404(org, units, make_enterprise):
    enterprise = make_enterprise(region=org.county1)
    problem = services.problem_create(actor=org.county1_user, data={
        "title": "融资难", "source": "enterprise", "category": "financing", "enterprise": enterprise}, now=T0)
    assert problem.region == org.county1
    other = make_enterprise(region=org.county2)
    with pytest.raises(NotFound):
        services.problem_create(actor=org.county1_user, data={
            "title": "x", "source": "enterprise", "category": "other", "enterprise": other}, now=T0)


def test_observer_cannot_raise(org, units, make_problem):
    with pytest.raises(PermissionDenied):
        make_problem(actor=org.observer)


def test_assign_takes_the_deadline_from_the_sla_table(org, units, make_problem):
    SlaRule.objects.filter(category="land", difficulty="hard").update(days=12)
    problem = make_problem(difficulty="hard")
    assigned = services.problem_assign(actor=org.city_user, problem=problem, lead_unit=units.c1_ndrc,
                                       helping_units=[units.c1_land, units.c1_ndrc], now=T0)
    assert assigned.status == S.ASSIGNED and assigned.sla_days == 12
    assert assigned.deadline == T0 + timedelta(days=12) and assigned.assigned_by == org.city_user
    assert list(assigned.helping_units.all()) == [units.c1_land]  # the lead unit is not also a helper
    event = assigned.events.get(kind="assigned")
    assert event.from_status == S.SUBMITTED and event.data["sla_days"] == 12
    assert event.data["helping_units"] == ["澜江区自然资源局"]


def test_assign_without_an_sla_row_is_refused(org, units, make_problem):
    problem = make_problem()
    SlaRule.objects.filter(category="land", difficulty="normal").delete()
    with pytest.raises(ValidationFailed, match="时限"):
        services.problem_assign(actor=org.city_user, problem=problem, lead_unit=units.c1_ndrc, now=T0)


def test_county_assigns_only_to_its_own_units(org, units):
    problem = services.problem_create(actor=org.county1_user, data={
        "title": "用工缺口", "source": "hotline", "category": "labour"}, now=T0)
    with pytest.raises(NotFound):
        services.problem_assign(actor=org.county1_user, problem=problem, lead_unit=units.city_industry, now=T0)
    assigned = services.problem_assign(actor=org.county1_user, problem=problem, lead_unit=units.c1_land, now=T0)
    assert assigned.lead_unit == units.c1_land


def test_industry_bureau_cannot_assign_and_neighbour_cannot_see(org, units, make_problem):
    problem = make_problem()
    with pytest.raises((PermissionDenied, NotFound)):
        services.problem_assign(actor=org.industry_user, problem=problem, lead_unit=units.c1_ndrc, now=T0)
    with pytest.raises(NotFound):
        services.problem_assign(actor=org.county2_user, problem=problem, lead_unit=units.c2_ndrc, now=T0)


def test_handler_must_belong_to_the_lead_unit(org, units, make_problem):
    with pytest.raises(ValidationFailed):
        services.problem_assign(actor=org.city_user, problem=make_problem(), lead_unit=units.c1_ndrc,
                                handler=org.county2_user, now=T0)
    problem = services.problem_assign(actor=org.city_user, problem=make_problem(), lead_unit=units.c1_ndrc,
                                      handler=units.c1_clerk, now=T0)
    assert problem.handler == units.c1_clerk


# --- the transition table ------------------------------------------------------------------------------

def _bring_to(status: str, org, units, make_problem) -> Problem:
    """A problem in `status`, reached through the services."""
    problem = make_problem()
    if status == S.SUBMITTED:
        return problem
    if status == S.RETURNED:
        problem = services.problem_assign(actor=org.city_user, problem=problem, lead_unit=units.c1_ndrc, now=T0)
        return services.problem_return(actor=org.county1_user, problem=problem, reason="不属于本单位职责", now=T0)
    problem = services.problem_assign(actor=org.city_user, problem=problem, lead_unit=units.c1_ndrc, now=T0)
    if status == S.ASSIGNED:
        return problem
    problem = services.problem_start(actor=org.county1_user, problem=problem, now=T0 + timedelta(hours=1))
    if status == S.IN_PROGRESS:
        return problem
    problem = services.problem_resolve(actor=org.county1_user, problem=problem, result="solved",
                                       resolution="已协调自然资源局完成预审", now=T0 + timedelta(days=2))
    if status == S.RESOLVED:
        return problem
    return services.problem_close(actor=org.city_user, problem=problem, satisfaction="satisfied",
                                  now=T0 + timedelta(days=3))


def _attempt(action: str, problem: Problem, org, units) -> Problem:
    now = T0 + timedelta(days=4)
    if action == "assign":
        return services.problem_assign(actor=org.city_user, problem=problem, lead_unit=units.c1_land, now=now)
    if action == "start":
        return services.problem_start(actor=org.county1_user, problem=problem, now=now)
    if action == "resolve":
        return services.problem_resolve(actor=org.county1_user, problem=problem, result="explained",
                                        resolution="已向企业解释政策", now=now)
    if action == "close":
        return services.problem_close(actor=org.city_user, problem=problem, satisfaction="basic", now=now)
    actor = org.city_user if problem.status == S.RESOLVED else org.county1_user
    return services.problem_return(actor=actor, problem=problem, reason="材料不全,请补充后再报", now=now)


class _Undo(Exception):
    """Raised to roll a savepoint back after checking one transition."""


@pytest.mark.parametrize("status", S.values)
def test_every_transition_of_the_table(org, units, make_problem, status):
    """From each status, every action of the table either leads to its target (with a timeline event and an
    audit event) or is refused with 409 and changes nothing."""
    problem = _bring_to(status, org, units, make_problem)
    assert problem.status == status
    for action, transition in services.PROBLEM_TRANSITIONS.items():
        events_before = problem.events.count()
        audits_before = AuditEvent.objects.count()
        same_action = AuditEvent.objects.filter(object_type="dispatch.problem", object_id=str(problem.pk),
                                                action=action)
        same_before = same_action.count()
        if status in transition.sources:
            with pytest.raises(_Undo), transaction.atomic():
                done = _attempt(action, problem, org, units)
                assert done.status == transition.target, action
                event = done.events.order_by("-at", "-pk").first()
                assert (event.from_status, event.to_status) == (status, transition.target)
                assert done.events.count() == events_before + 1
                assert same_action.count() == same_before + 1
                assert audit.verify_chain().ok
                raise _Undo
        else:
            with pytest.raises(Conflict):
                _attempt(action, problem, org, units)
        problem.refresh_from_db()
        assert problem.status == status and problem.events.count() == events_before, action
        assert AuditEvent.objects.count() == audits_before, action


def test_start_makes_the_accepting_person_the_handler(org, units, assigned_problem):
    problem = services.problem_start(actor=org.county1_user, problem=assigned_problem(), now=T0)
    assert problem.handler == org.county1_user and problem.started_at == T0


def test_only_the_lead_unit_handles(org, units, assigned_problem):
    problem = assigned_problem()
    with pytest.raises(PermissionDenied):  # the city sees it but does not handle county1's bureau's work
        services.problem_start(actor=org.city_user, problem=problem, now=T0)
    with pytest.raises(NotFound):  # a neighbour county does not even see it
        services.problem_start(actor=org.county2_user, problem=problem, now=T0)
    with pytest.raises(PermissionDenied):
        services.problem_resolve(actor=org.observer, problem=problem, result="solved", resolution="x", now=T0)
    assert services.problem_start(actor=units.c1_clerk, problem=problem, now=T0).status == S.IN_PROGRESS


def test_stale_updated_at_is_a_conflict(org, units, assigned_problem):
    problem = assigned_problem()
    stale = problem.updated_at - timedelta(seconds=1)
    with pytest.raises(Conflict):
        services.problem_start(actor=org.county1_user, problem=problem, now=T0, expected_updated_at=stale)


# --- the written explanation (书面说明) ----------------------------------------------------------------

def test_late_resolution_needs_a_written_explanation(org, units, assigned_problem):
    problem = assigned_problem()  # land, normal: 20 days
    late = problem.deadline + timedelta(minutes=1)
    with pytest.raises(ValidationFailed) as caught:
        services.problem_resolve(actor=org.county1_user, problem=problem, result="solved", resolution="已解决",
                                 late_explanation="   ", now=late)
    assert caught.value.details[0]["field"] == "late_explanation" and "书面说明" in caught.value.message
    problem.refresh_from_db()
    assert problem.status == S.ASSIGNED and not problem.events.filter(kind="resolved").exists()
    done = services.problem_resolve(actor=org.county1_user, problem=problem, result="solved", resolution="已解决",
                                    late_explanation="土地指标需省厅审批,已于3月底报送", now=late)
    assert done.status == S.RESOLVED and done.late_explanation.startswith("土地指标")
    assert done.events.get(kind="resolved").data["late"] is True


def test_resolution_exactly_at_the_deadline_is_on_time(org, units, assigned_problem):
    problem = assigned_problem()
    done = services.problem_resolve(actor=org.county1_user, problem=problem, result="solved", resolution="已解决",
                                    now=problem.deadline)
    assert done.late_explanation == "" and done.events.get(kind="resolved").data["late"] is False


def test_database_refuses_a_late_resolution_without_explanation(org, units, assigned_problem):
    problem = assigned_problem()
    with pytest.raises(IntegrityError), transaction.atomic():
        Problem.objects.filter(pk=problem.pk).update(status=S.RESOLVED, result="solved",
                                                     resolved_at=problem.deadline + timedelta(days=1))


# --- closing, returning --------------------------------------------------------------------------------

def test_raiser_must_rate_to_close(org, units, assigned_problem):
    problem = services.problem_resolve(actor=org.county1_user, problem=assigned_problem(), result="solved",
                                       resolution="已解决", now=T0 + timedelta(days=1))
    with pytest.raises(ValidationFailed):
        services.problem_close(actor=org.city_user, problem=problem, now=T0 + timedelta(days=2))
    closed = services.problem_close(actor=org.city_user, problem=problem, satisfaction="unsatisfied",
                                    now=T0 + timedelta(days=2))
    assert closed.status == S.CLOSED and closed.satisfaction == "unsatisfied" and not closed.closed_by_supervisor


def test_supervisor_closes_without_rating_and_others_cannot(org, units, assigned_problem):
    problem = services.problem_resolve(actor=org.county1_user, problem=assigned_problem(), result="unsolved",
                                       resolution="受政策限制暂无法解决", now=T0 + timedelta(days=1))
    with pytest.raises(PermissionDenied):
        services.problem_close(actor=org.county1_user, problem=problem, satisfaction="satisfied")
    with pytest.raises(NotFound):
        services.problem_close(actor=org.county2_user, problem=problem, satisfaction="satisfied")
    closed = services.problem_close(actor=units.supervisor, problem=problem, note="督查室核实后销号",
                                    now=T0 + timedelta(days=2))
    assert closed.closed_by_supervisor and closed.satisfaction == "" and closed.closed_by == units.supervisor


def test_return_needs_a_reason_and_reassignment_restarts_the_clock(org, units, assigned_problem):
    problem = assigned_problem()
    with pytest.raises(ValidationFailed):
        services.problem_return(actor=org.county1_user, problem=problem, reason=" ", now=T0)
    returned = services.problem_return(actor=org.county1_user, problem=problem, reason="属市级事权",
                                       now=T0 + timedelta(days=1))
    assert returned.status == S.RETURNED and returned.returned_reason == "属市级事权"
    later = T0 + timedelta(days=2)
    again = services.problem_assign(actor=org.city_user, problem=returned, lead_unit=units.city_industry, now=later)
    assert again.assigned_at == later and again.deadline == later + timedelta(days=20)
    assert [e.kind for e in again.events.order_by("at", "pk")] == ["created", "assigned", "returned", "assigned"]


def test_raiser_sends_a_resolution_back(org, units, assigned_problem):
    problem = services.problem_resolve(actor=org.county1_user, problem=assigned_problem(), result="explained",
                                       resolution="已解释", now=T0 + timedelta(days=1))
    with pytest.raises(PermissionDenied):
        services.problem_return(actor=org.county1_user, problem=problem, reason="x")
    returned = services.problem_return(actor=org.city_user, problem=problem, reason="企业仍未拿到批复")
    assert returned.status == S.RETURNED
    assert Notification.objects.filter(recipient=org.county1_user, kind="returned", problem=problem).exists()


def test_notes_by_lead_and_helping_units(org, units, assigned_problem):
    problem = assigned_problem(helping=[units.c1_land])
    services.problem_add_note(actor=org.county1_user, problem=problem, note="已约企业现场办公")
    with pytest.raises(PermissionDenied):
        services.problem_add_note(actor=org.industry_user, problem=problem, note="x")
    assert problem.events.filter(kind="note").count() == 1


def test_actions_offered_match_the_rules(org, units, assigned_problem):
    problem = assigned_problem()
    assert services.problem_actions(org.county1_user, problem) == ["start", "resolve", "note", "return"]
    assert "resolve" not in services.problem_actions(org.city_user, problem)
    assert services.problem_actions(org.observer, problem) == []


# --- notifications -------------------------------------------------------------------------------------

def test_assignment_reaches_the_unit_inbox_and_email_after_commit(org, units, make_problem,
                                                                  django_capture_on_commit_callbacks):
    problem = make_problem()
    with django_capture_on_commit_callbacks(execute=True):
        services.problem_assign(actor=org.city_user, problem=problem, lead_unit=units.c1_ndrc,
                                helping_units=[units.c2_ndrc], now=T0)
    lead = set(Notification.objects.filter(problem=problem).values_list("recipient__username", flat=True))
    assert {"county1", "c1clerk", "county2"} <= lead and "city" not in lead and "observer" not in lead
    assert {m.to[0] for m in mail.outbox} == {"c1clerk@example.invalid"}  # only users with an address
    note = Notification.objects.get(problem=problem, recipient=units.c1_clerk)
    assert note.deliveries.get().ok and note.title.startswith("新交办")


def test_nothing_is_sent_when_the_transaction_rolls_back(org, units, make_problem,
                                                         django_capture_on_commit_callbacks):
    problem = make_problem()
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError), \
            transaction.atomic():
        services.problem_assign(actor=org.city_user, problem=problem, lead_unit=units.c1_ndrc, now=T0)
        raise RuntimeError("boom")
    assert callbacks == [] and mail.outbox == [] and not Notification.objects.exists()


def test_mark_read(org, units, assigned_problem):
    assigned_problem()
    assert services.notification_mark_all_read(actor=org.county1_user) == 1
    note = Notification.objects.get(recipient=units.c1_clerk)
    with pytest.raises(NotFound):
        services.notification_mark_read(actor=org.county1_user, notification_id=note.pk)
    assert services.notification_mark_read(actor=units.c1_clerk, notification_id=note.pk).read_at is not None


# --- tasks ---------------------------------------------------------------------------------------------

def test_task_three_lists_and_flow(org, units, make_task):
    task = make_task(responsible_person=units.c1_clerk, responsible_post="副局长", helping_units=[units.c1_land])
    assert task.status == Task.Status.ASSIGNED and task.lead_unit == units.c1_ndrc
    assert list(task.helping_units.all()) == [units.c1_land]
    assert Notification.objects.filter(task=task, recipient=units.c1_clerk, kind="task").exists()
    task = services.task_progress(actor=units.c1_clerk, task=task, note="已完成材料准备", percent=40,
                                  now=T0 + timedelta(days=1))
    assert task.status == Task.Status.IN_PROGRESS and task.progress_percent == 40
    task = services.task_complete(actor=units.c1_clerk, task=task, note="已完成", now=T0 + timedelta(days=2))
    assert task.status == Task.Status.COMPLETED and task.progress_percent == 100
    task = services.task_return(actor=org.city_user, task=task, reason="缺少批复文件", now=T0 + timedelta(days=3))
    assert task.status == Task.Status.IN_PROGRESS and task.completed_at is None
    task = services.task_complete(actor=org.county1_user, task=task, note="补齐", now=T0 + timedelta(days=4))
    task = services.task_close(actor=org.city_user, task=task, now=T0 + timedelta(days=5))
    assert task.status == Task.Status.CLOSED
    kinds = list(task.events.order_by("at", "pk").values_list("kind", flat=True))
    assert kinds == ["created", "progress", "completed", "returned", "completed", "closed"]


def test_task_transitions_refused_out_of_order(org, units, make_task):
    task = make_task()
    for action in ("return", "close"):
        with pytest.raises(Conflict):
            getattr(services, f"task_{action}")(actor=org.city_user, task=task, **(
                {"reason": "x"} if action == "return" else {}))
    done = services.task_complete(actor=org.county1_user, task=task, note="完成", now=T0)
    with pytest.raises(Conflict):
        services.task_progress(actor=org.county1_user, task=done, note="x", percent=10)


def test_late_task_completion_needs_explanation(org, units, make_task):
    task = make_task(due_date=T0.date())
    next_day = T0 + timedelta(days=1)
    with pytest.raises(ValidationFailed, match="书面说明"):
        services.task_complete(actor=org.county1_user, task=task, note="完成", now=next_day)
    done = services.task_complete(actor=org.county1_user, task=task, note="完成", late_explanation="等待省级批复",
                                  now=next_day)
    assert done.events.get(kind="completed").data["late"] is True


def test_task_permissions(org, units, make_task):
    with pytest.raises(PermissionDenied):
        make_task(actor=org.industry_user)
    task = make_task()
    with pytest.raises(NotFound):
        services.task_progress(actor=org.county2_user, task=task, note="x", percent=1)
    with pytest.raises(PermissionDenied):
        services.task_progress(actor=org.city_user, task=task, note="x", percent=1)
    with pytest.raises(ValidationFailed):
        services.task_progress(actor=org.county1_user, task=task, note="x", percent=120)
    with pytest.raises(ValidationFailed):
        make_task(responsible_person=org.county2_user)


def test_task_requires_due_date_unless_recurring(org, units, make_task):
    with pytest.raises(ValidationFailed):
        make_task(due_date=None)


# --- meetings ------------------------------------------------------------------------------------------

def test_meeting_decision_becomes_a_task_once(org, units):
    meeting = services.meeting_create(actor=org.city_user, data={
        "title": "全市重点项目月调度会", "kind": "monthly", "held_on": T0.date(), "region": org.city,
        "attendees": [org.county1_user, units.supervisor], "minutes": "会议听取了各县区汇报……"})
    decision = services.meeting_add_decision(actor=org.city_user, meeting=meeting,
                                             text="澜江区负责协调解决园区道路问题,3月底前打通", lead_unit=units.c1_ndrc,
                                             due_date=T0.date() + timedelta(days=28))
    task = services.decision_to_task(actor=org.city_user, decision=decision, now=T0)
    assert task.source == "meeting" and task.meeting == meeting and task.lead_unit == units.c1_ndrc
    assert task.commitment == decision.text and task.region == org.city
    decision.refresh_from_db()
    assert decision.task == task
    with pytest.raises(Conflict):
        services.decision_to_task(actor=org.city_user, decision=decision, now=T0)
    assert TaskEvent.objects.filter(task=task, kind="created").exists()
