"""Writes for dispatch and supervision: problems through their state machine, tasks, meetings, notifications.

Every transition is one row of a table (`PROBLEM_TRANSITIONS`, `TASK_TRANSITIONS`): the states it may
start from and the state it leads to. A service locks the row, checks the table and the actor's right to
act, writes the change, a timeline event (ProblemEvent / TaskEvent) and an audit event, and queues the
notifications — all in one transaction. Time comes in as `now` (default: the clock), so tests run on
hand-built clocks.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from devzone.core import audit
from devzone.core.crud import save_checked, update_audited, validate_instance
from devzone.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from devzone.core.models import Department, Region, Role, User
from devzone.core.services import _only_fields, ensure_can_write
from devzone.dispatch import permissions as perms
from devzone.dispatch.escalation import deadline_from, end_of_day, step_times
from devzone.dispatch.models import (
    DispatchRules,
    Escalation,
    Meeting,
    MeetingDecision,
    Notification,
    Problem,
    ProblemEvent,
    Satisfaction,
    SlaRule,
    Task,
    TaskEvent,
)
from devzone.dispatch.notifications import deliver_after_commit

PS = Problem.Status
TS = Task.Status


@dataclass(frozen=True)
class Transition:
    sources: tuple[str, ...]
    target: str
    label: Any  # what the user asked to do, for messages


PROBLEM_TRANSITIONS: dict[str, Transition] = {
    # 交办, 签收办理, 办结, 销号, 退回
    "assign": Transition((PS.SUBMITTED, PS.RETURNED), PS.ASSIGNED, pgettext_lazy("dispatch", "assign")),
    "start": Transition((PS.ASSIGNED,), PS.IN_PROGRESS, pgettext_lazy("dispatch", "accept")),
    "resolve": Transition((PS.ASSIGNED, PS.IN_PROGRESS), PS.RESOLVED, pgettext_lazy("dispatch", "resolve")),
    "close": Transition((PS.RESOLVED,), PS.CLOSED, pgettext_lazy("dispatch", "close")),
    "return": Transition((PS.ASSIGNED, PS.IN_PROGRESS, PS.RESOLVED), PS.RETURNED,
                         pgettext_lazy("dispatch", "return")),
}

TASK_TRANSITIONS: dict[str, Transition] = {
    "progress": Transition((TS.ASSIGNED, TS.IN_PROGRESS), TS.IN_PROGRESS, pgettext_lazy("dispatch", "report progress")),
    "complete": Transition((TS.ASSIGNED, TS.IN_PROGRESS), TS.COMPLETED, pgettext_lazy("dispatch", "complete")),
    "return": Transition((TS.COMPLETED,), TS.IN_PROGRESS, pgettext_lazy("dispatch", "return")),
    "close": Transition((TS.COMPLETED,), TS.CLOSED, pgettext_lazy("dispatch", "close")),
}
# A recurring series is not worked on itself; closing it ends the recurrence.
SERIES_TRANSITIONS: dict[str, Transition] = {
    "close": Transition((TS.ASSIGNED, TS.IN_PROGRESS), TS.CLOSED, pgettext_lazy("dispatch", "end the recurrence")),
}


def rules_get() -> DispatchRules:
    """The rules row (created with its defaults if an administrator deleted it)."""
    return DispatchRules.objects.get_or_create(pk=1)[0]


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def _status_label(model, status: str) -> str:
    return str(model.Status(status).label)


def _check_transition(table: Mapping[str, Transition], model, obj, action: str) -> Transition:
    transition = table.get(action)
    if transition is None:
        raise ValidationFailed(_("Unknown action: %s") % action)
    if obj.status not in transition.sources:
        raise Conflict(_("The item is %(status)s and cannot be asked to %(action)s.")
                       % {"status": _status_label(model, obj.status), "action": transition.label})
    return transition


def _lock(model, obj, expected_updated_at: datetime | None):
    locked = model.objects.select_for_update().get(pk=obj.pk)
    if expected_updated_at is not None and locked.updated_at != expected_updated_at:
        raise Conflict("该记录已被他人修改,请刷新后重试",
                       details=[{"field": "updated_at", "message": locked.updated_at.isoformat()}])
    return locked


def _required_text(value: str | None, field: str, message: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationFailed(message, details=[{"field": field, "message": message}])
    return text


def _ensure_unit_in_scope(actor: User, department: Department) -> None:
    if not perms.covers(actor, department.region):
        raise NotFound(_("Unit %s is not in your jurisdiction.") % department)


# --- notifications -------------------------------------------------------------------------------------

def unit_actors(departments: Iterable[Department]) -> list[User]:
    """Active users who act for any of `departments` (their own accounts, and the region accounts of the
    unit's own government); read-only users are left out."""
    departments = [d for d in departments if d is not None]
    if not departments:
        return []
    q = Q(department__in=[d.pk for d in departments])
    region_ids = set().union(*(perms.home_region_ids(d) for d in departments))
    q |= Q(region_id__in=region_ids)
    users = User.objects.filter(q, is_active=True).prefetch_related("roles")
    return [u for u in users if not perms.is_read_only(u)]


def supervisors_over(region: Region) -> list[User]:
    """Supervision-office users (督查室) whose jurisdiction covers `region`."""
    users = (User.objects.filter(is_active=True, roles__code=Role.Code.SUPERVISION)
             .select_related("region", "department__region").distinct())
    result = []
    for user in users:
        home = user.region or (user.department.region if user.department_id else None)
        if home is not None and region.path.startswith(home.path):
            result.append(user)
    return result


def notify(*, recipients: Iterable[User | None], kind: str, title: str, body: str = "", url: str = "",
           problem: Problem | None = None, task: Task | None = None, key: str = "",
           now: datetime | None = None, exclude: Iterable[User | None] = ()) -> list[Notification]:
    """Put a message in each recipient's inbox (once per `key`) and queue the outbound copies."""
    skip = {u.pk for u in exclude if u is not None}
    people: dict[int, User] = {}
    for user in recipients:
        if user is not None and user.pk not in skip and user.is_active:
            people.setdefault(user.pk, user)
    if not people:
        return []
    if key:
        taken = set(Notification.objects.filter(key=key, recipient_id__in=people).values_list("recipient_id",
                                                                                            flat=True))
        people = {pk: u for pk, u in people.items() if pk not in taken}
    at = _now(now)
    rows = Notification.objects.bulk_create([
        Notification(recipient=user, kind=kind, title=title[:200], body=body, url=url, problem=problem, task=task,
                     key=key, created_at=at) for user in people.values()])
    deliver_after_commit([row.pk for row in rows], rules_get().channel_names())
    return rows


@transaction.atomic
def notification_mark_read(*, actor: User, notification_id: int, now: datetime | None = None) -> Notification:
    notification = Notification.objects.filter(pk=notification_id, recipient=actor).first()
    if notification is None:
        raise NotFound()
    if notification.read_at is None:
        notification.read_at = _now(now)
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def notification_mark_all_read(*, actor: User, now: datetime | None = None) -> int:
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).update(read_at=_now(now))


# --- problems ------------------------------------------------------------------------------------------

PROBLEM_FIELDS = {"title", "description", "source", "source_ref", "enterprise", "meeting", "category",
                  "difficulty", "region", "sponsor_leader"}
PROBLEM_EDITABLE_STATUSES = (PS.SUBMITTED, PS.RETURNED)


def _problem_event(problem: Problem, kind: str, *, actor: User | None, at: datetime, from_status: str = "",
                   to_status: str = "", note: str = "", level: int | None = None,
                   data: dict | None = None) -> ProblemEvent:
    return ProblemEvent.objects.create(problem=problem, kind=kind, actor=actor, at=at, from_status=from_status,
                                       to_status=to_status, note=note, level=level,
                                       data=audit.to_json_safe(data or {}))


def _problem_state(problem: Problem) -> dict:
    return {k: getattr(problem, k) for k in (
        "status", "lead_unit_id", "handler_id", "deadline", "resolved_at", "result", "satisfaction",
        "closed_by_supervisor", "escalation_level")}


def _audit_problem(actor: User | None, action: str, problem: Problem, before: dict, note: str = "") -> None:
    after = _problem_state(problem)
    changed = {k for k in after if before.get(k) != after.get(k)}
    audit.record(actor=actor, action=action, instance=problem, before={k: before.get(k) for k in changed},
                 after={**{k: after[k] for k in changed}, **({"note": note} if note else {})})


def _default_region(actor: User) -> Region | None:
    if actor.region_id:
        return actor.region
    return actor.department.region if actor.department_id else None


def _check_problem_refs(actor: User, data: dict) -> None:
    enterprise = data.get("enterprise")
    if enterprise is not None and not perms.covers(actor, enterprise.region):
        raise NotFound(_("The enterprise is not in your jurisdiction."))
    meeting = data.get("meeting")
    if meeting is not None and not perms.covers(actor, meeting.region):
        raise NotFound(_("The meeting is not in your jurisdiction."))


@transaction.atomic
def problem_create(*, actor: User, data: Mapping[str, Any], now: datetime | None = None) -> Problem:
    """Raise a problem (提出问题/诉求); it waits for assignment (待交办)."""
    data = _only_fields(data, PROBLEM_FIELDS)
    _check_problem_refs(actor, data)
    if data.get("region") is None:
        enterprise = data.get("enterprise")
        data["region"] = enterprise.region if enterprise is not None else _default_region(actor)
    if data["region"] is None:
        raise ValidationFailed(_("Choose the region the problem belongs to."),
                               details=[{"field": "region", "message": _("required")}])
    ensure_can_write(actor, data["region"])
    at = _now(now)
    problem = Problem(**data, raised_by=actor, raised_at=at, status=PS.SUBMITTED)
    validate_instance(problem)
    problem.save()
    _problem_event(problem, ProblemEvent.Kind.CREATED, actor=actor, at=at, to_status=PS.SUBMITTED,
                   note=problem.description[:500])
    audit.record(actor=actor, action="create", instance=problem, after=audit.snapshot(problem))
    return problem


@transaction.atomic
def problem_update(*, actor: User, problem: Problem, data: Mapping[str, Any],
                   expected_updated_at: datetime | None = None, now: datetime | None = None) -> Problem:
    """Correct a problem before it is assigned (or after it came back): the raiser or a dispatcher."""
    data = _only_fields(data, PROBLEM_FIELDS)
    if problem.status not in PROBLEM_EDITABLE_STATUSES:
        raise Conflict(_("Only a problem waiting for assignment can be edited."))
    if problem.raised_by_id != actor.pk and not perms.can_assign_problem(actor, problem):
        raise PermissionDenied(_("Only the person who raised the problem or a dispatcher may edit it."))
    ensure_can_write(actor, problem.region)
    if data.get("region") is not None:
        ensure_can_write(actor, data["region"])
    _check_problem_refs(actor, data)
    updated = update_audited(actor=actor, instance=problem, data=data, expected_updated_at=expected_updated_at)
    _problem_event(updated, ProblemEvent.Kind.EDITED, actor=actor, at=_now(now),
                   data={"fields": sorted(data)})
    return updated


def sla_days_for(*, category: str, difficulty: str) -> int:
    rule = SlaRule.objects.filter(category=category, difficulty=difficulty).first()
    if rule is None:
        raise ValidationFailed(_("No time limit is configured for this category and difficulty; an administrator "
                                 "must add it to the SLA table."))
    return rule.days


@transaction.atomic
def problem_assign(*, actor: User, problem: Problem, lead_unit: Department,
                   helping_units: Sequence[Department] = (), handler: User | None = None, note: str = "",
                   now: datetime | None = None, expected_updated_at: datetime | None = None) -> Problem:
    """交办: give the problem to a lead unit (主办) and helping units (协办); the deadline comes from the SLA."""
    at = _now(now)
    locked = _lock(Problem, problem, expected_updated_at)
    transition = _check_transition(PROBLEM_TRANSITIONS, Problem, locked, "assign")
    if not perms.can_assign_problem(actor, locked):
        if perms.covers(actor, locked.region):
            raise PermissionDenied(_("Only the supervision office, the project office or a county may assign "
                                     "problems."))
        raise NotFound()
    if lead_unit is None:
        raise ValidationFailed(_("Choose the lead unit."), details=[{"field": "lead_unit", "message": _("required")}])
    helping = [d for d in dict.fromkeys(helping_units) if d.pk != lead_unit.pk]
    for unit in [lead_unit, *helping]:
        _ensure_unit_in_scope(actor, unit)
    if handler is not None and not perms.acts_for_unit(handler, lead_unit):
        raise ValidationFailed(_("The handler must belong to the lead unit."),
                               details=[{"field": "handler", "message": _("not in the lead unit")}])
    days = sla_days_for(category=locked.category, difficulty=locked.difficulty)
    before = _problem_state(locked)
    from_status = locked.status
    locked.status = transition.target
    locked.lead_unit, locked.handler, locked.assigned_by = lead_unit, handler, actor
    locked.assigned_at, locked.sla_days, locked.deadline = at, days, deadline_from(at, days)
    # A new assignment starts a new clock and a new round of handling.
    locked.started_at = locked.resolved_at = locked.resolved_by = None
    locked.result = locked.resolution = locked.late_explanation = ""
    locked.escalation_level, locked.escalated_at = Escalation.NONE, None
    save_checked(locked)  # the service checked the rules; the database's check constraints back them up
    locked.helping_units.set(helping)
    event = _problem_event(locked, ProblemEvent.Kind.ASSIGNED, actor=actor, at=at, from_status=from_status,
                           to_status=locked.status, note=note, data={
                               "lead_unit": str(lead_unit), "helping_units": [str(d) for d in helping],
                               "handler": str(handler) if handler else "", "sla_days": days,
                               "deadline": locked.deadline})
    _audit_problem(actor, "assign", locked, before, note)
    title = _("New assignment: %s") % locked.title
    body = _("%(unit)s leads; time limit %(days)s days, due %(deadline)s.") % {
        "unit": lead_unit, "days": days, "deadline": timezone.localtime(locked.deadline).strftime("%Y-%m-%d")}
    notify(recipients=[handler, *unit_actors([lead_unit])], kind=Notification.Kind.ASSIGNED, title=title, body=body,
           url=locked.get_absolute_url(), problem=locked, key=f"p{locked.pk}:assign:{event.pk}", now=at,
           exclude=[actor])
    if helping:
        notify(recipients=unit_actors(helping), kind=Notification.Kind.ASSIGNED,
               title=_("New assignment (helping): %s") % locked.title, body=body, url=locked.get_absolute_url(),
               problem=locked, key=f"p{locked.pk}:assign:{event.pk}", now=at, exclude=[actor])
    return locked


def _ensure_handles(actor: User, problem: Problem) -> None:
    if not perms.can_handle_problem(actor, problem):
        if perms.covers(actor, problem.region) or perms.acts_for_unit(actor, problem.lead_unit):
            raise PermissionDenied(_("Only the lead unit handles this problem."))
        raise NotFound()


@transaction.atomic
def problem_start(*, actor: User, problem: Problem, note: str = "", now: datetime | None = None,
                  expected_updated_at: datetime | None = None) -> Problem:
    """签收: the lead unit accepts the problem and starts handling it (the accepting person becomes handler)."""
    at = _now(now)
    locked = _lock(Problem, problem, expected_updated_at)
    transition = _check_transition(PROBLEM_TRANSITIONS, Problem, locked, "start")
    _ensure_handles(actor, locked)
    before = _problem_state(locked)
    locked.status, locked.started_at = transition.target, at
    if locked.handler_id is None:
        locked.handler = actor
    locked.save()
    _problem_event(locked, ProblemEvent.Kind.STARTED, actor=actor, at=at, from_status=before["status"],
                   to_status=locked.status, note=note)
    _audit_problem(actor, "start", locked, before, note)
    return locked


@transaction.atomic
def problem_add_note(*, actor: User, problem: Problem, note: str, now: datetime | None = None) -> ProblemEvent:
    """办理进展 / 协办意见: the lead unit, a helping unit or a supervisor adds a note to an open problem."""
    text = _required_text(note, "note", _("Write the note."))
    if problem.status not in Problem.OPEN_STATUSES:
        raise Conflict(_("Notes can be added only while the problem is being handled."))
    helping = list(problem.helping_units.all())
    allowed = (perms.can_handle_problem(actor, problem) or any(perms.acts_for_unit(actor, d) for d in helping)
               or perms.can_supervise_item(actor, problem))
    if not allowed:
        raise PermissionDenied(_("Only the units handling the problem and supervisors may add notes."))
    event = _problem_event(problem, ProblemEvent.Kind.NOTE, actor=actor, at=_now(now), note=text)
    audit.record(actor=actor, action="note", instance=problem, after={"note": text[:500]})
    Problem.objects.filter(pk=problem.pk).update(updated_at=timezone.now())
    return event


@transaction.atomic
def problem_resolve(*, actor: User, problem: Problem, result: str, resolution: str, late_explanation: str = "",
                    now: datetime | None = None, expected_updated_at: datetime | None = None) -> Problem:
    """办结: the lead unit reports the result. After the deadline a written explanation (书面说明) is required."""
    at = _now(now)
    locked = _lock(Problem, problem, expected_updated_at)
    transition = _check_transition(PROBLEM_TRANSITIONS, Problem, locked, "resolve")
    _ensure_handles(actor, locked)
    if result not in Problem.Result.values:
        raise ValidationFailed(_("Choose the result."), details=[{"field": "result", "message": _("required")}])
    resolution = _required_text(resolution, "resolution", _("Describe how the problem was handled."))
    explanation = (late_explanation or "").strip()
    if at > locked.deadline and not explanation:
        message = _("The time limit passed on %s: a written explanation of the delay is required.") % (
            timezone.localtime(locked.deadline).strftime("%Y-%m-%d %H:%M"))
        raise ValidationFailed(message, details=[{"field": "late_explanation", "message": message}])
    before = _problem_state(locked)
    locked.status, locked.resolved_at, locked.resolved_by = transition.target, at, actor
    locked.result, locked.resolution, locked.late_explanation = result, resolution, explanation
    save_checked(locked)
    _problem_event(locked, ProblemEvent.Kind.RESOLVED, actor=actor, at=at, from_status=before["status"],
                   to_status=locked.status, note=resolution,
                   data={"result": result, "late": at > locked.deadline, "late_explanation": explanation})
    _audit_problem(actor, "resolve", locked, before, resolution[:500])
    notify(recipients=[locked.raised_by, locked.assigned_by], kind=Notification.Kind.RESOLVED,
           title=_("Resolved, please confirm and close: %s") % locked.title,
           body=f"{locked.get_result_display()}:{resolution[:200]}", url=locked.get_absolute_url(),
           problem=locked, now=at, exclude=[actor])
    return locked


@transaction.atomic
def problem_close(*, actor: User, problem: Problem, satisfaction: str = "", note: str = "",
                  now: datetime | None = None, expected_updated_at: datetime | None = None) -> Problem:
    """销号: the person who raised the problem confirms and rates it, or a supervisor closes it."""
    at = _now(now)
    locked = _lock(Problem, problem, expected_updated_at)
    transition = _check_transition(PROBLEM_TRANSITIONS, Problem, locked, "close")
    if satisfaction and satisfaction not in Satisfaction.values:
        raise ValidationFailed(_("Unknown satisfaction rating."), details=[{"field": "satisfaction",
                                                                           "message": satisfaction}])
    if locked.raised_by_id == actor.pk and not perms.is_read_only(actor):
        if not satisfaction:
            raise ValidationFailed(_("Rate your satisfaction to close the problem."),
                                   details=[{"field": "satisfaction", "message": _("required")}])
        by_supervisor = False
    elif perms.can_supervise_item(actor, locked):
        by_supervisor = True
    elif perms.covers(actor, locked.region):
        raise PermissionDenied(_("Only the person who raised the problem or a supervisor may close it."))
    else:
        raise NotFound()
    before = _problem_state(locked)
    locked.status, locked.closed_at, locked.closed_by = transition.target, at, actor
    locked.closed_by_supervisor, locked.satisfaction = by_supervisor, satisfaction
    save_checked(locked)
    _problem_event(locked, ProblemEvent.Kind.CLOSED, actor=actor, at=at, from_status=before["status"],
                   to_status=locked.status, note=note,
                   data={"satisfaction": satisfaction, "by_supervisor": by_supervisor})
    _audit_problem(actor, "close", locked, before, note)
    notify(recipients=[locked.handler, *unit_actors([locked.lead_unit])], kind=Notification.Kind.CLOSED,
           title=_("Closed: %s") % locked.title,
           body=str(locked.get_satisfaction_display() or _("closed by a supervisor")),
           url=locked.get_absolute_url(), problem=locked, now=at, exclude=[actor])
    return locked


@transaction.atomic
def problem_return(*, actor: User, problem: Problem, reason: str, now: datetime | None = None,
                   expected_updated_at: datetime | None = None) -> Problem:
    """退回 with a reason: the lead unit sends an assignment back to the office (not its remit), the office
    withdraws it, or the raiser or a supervisor rejects a resolution (退回重办). It must then be re-assigned."""
    at = _now(now)
    locked = _lock(Problem, problem, expected_updated_at)
    transition = _check_transition(PROBLEM_TRANSITIONS, Problem, locked, "return")
    reason = _required_text(reason, "reason", _("Give the reason for returning the problem."))
    if locked.status == PS.RESOLVED:
        allowed = locked.raised_by_id == actor.pk or perms.can_supervise_item(actor, locked)
    else:
        allowed = perms.can_handle_problem(actor, locked) or perms.can_assign_problem(actor, locked)
    if not allowed or perms.is_read_only(actor):
        if perms.covers(actor, locked.region) or perms.acts_for_unit(actor, locked.lead_unit):
            raise PermissionDenied(_("You may not return this problem."))
        raise NotFound()
    before = _problem_state(locked)
    from_status = locked.status
    locked.status, locked.returned_reason = transition.target, reason
    save_checked(locked)
    event = _problem_event(locked, ProblemEvent.Kind.RETURNED, actor=actor, at=at, from_status=from_status,
                           to_status=locked.status, note=reason)
    _audit_problem(actor, "return", locked, before, reason)
    recipients = ([locked.handler, *unit_actors([locked.lead_unit])] if from_status == PS.RESOLVED
                  else [locked.assigned_by, locked.raised_by])
    notify(recipients=recipients, kind=Notification.Kind.RETURNED, title=_("Returned: %s") % locked.title,
           body=reason[:500], url=locked.get_absolute_url(), problem=locked, key=f"p{locked.pk}:return:{event.pk}",
           now=at, exclude=[actor])
    return locked


def problem_actions(user: User, problem: Problem) -> list[str]:
    """The actions `user` may take on `problem` now (for buttons); the services check again."""
    actions = []
    status = problem.status
    if perms.is_read_only(user):
        return actions
    if status in PROBLEM_TRANSITIONS["assign"].sources and perms.can_assign_problem(user, problem):
        actions.append("assign")
    handles = perms.can_handle_problem(user, problem)
    if status in PROBLEM_TRANSITIONS["start"].sources and handles:
        actions.append("start")
    if status in PROBLEM_TRANSITIONS["resolve"].sources and handles:
        actions.append("resolve")
    if status in Problem.OPEN_STATUSES and (handles or perms.can_supervise_item(user, problem)
                                             or any(perms.acts_for_unit(user, d) for d in problem.helping_units.all())):
        actions.append("note")
    if status in PROBLEM_TRANSITIONS["close"].sources and (
            problem.raised_by_id == user.pk or perms.can_supervise_item(user, problem)):
        actions.append("close")
    if status in PROBLEM_TRANSITIONS["return"].sources:
        if status == PS.RESOLVED:
            if problem.raised_by_id == user.pk or perms.can_supervise_item(user, problem):
                actions.append("return")
        elif handles or perms.can_assign_problem(user, problem):
            actions.append("return")
    if status in PROBLEM_EDITABLE_STATUSES and (problem.raised_by_id == user.pk
                                                 or perms.can_assign_problem(user, problem)):
        actions.append("edit")
    return actions


# --- escalation (the scheduled job calls these; see jobs.py) --------------------------------------------

ESCALATION_KIND = {
    Escalation.REMIND: Notification.Kind.REMINDER,
    Escalation.URGE: Notification.Kind.URGE,
    Escalation.SUPERVISE: Notification.Kind.SUPERVISE,
    Escalation.BULLETIN: Notification.Kind.BULLETIN,
}


def _escalation_recipients(item, level: int, unit: Department | None, person: User | None,
                           dispatcher: User | None) -> list[User | None]:
    people: list[User | None] = [person, *unit_actors([unit])]
    if level >= Escalation.URGE:
        people.append(dispatcher)
    if level >= Escalation.SUPERVISE:
        people.append(item.sponsor_leader)  # 督办: the sponsoring leader sees it
    if level >= Escalation.BULLETIN:
        people += supervisors_over(item.region)  # 通报: the supervision office lists it in the bulletin
    return people


def _escalation_title(level: int, title: str) -> str:
    return f"【{Escalation(level).label}】{title}"


@transaction.atomic
def problem_escalate(*, problem: Problem, level: int, now: datetime, rules: DispatchRules) -> bool:
    """Raise an open problem to `level`, writing one timeline event per step passed (提醒, 催办, 督办, 通报).

    Conditional on the level read, so two workers running the job at once escalate it only once.
    Returns whether this call escalated it.
    """
    current = problem.escalation_level
    if level <= current or problem.status not in Problem.OPEN_STATUSES:
        return False
    changed = Problem.objects.filter(pk=problem.pk, escalation_level=current,
                                     status__in=Problem.OPEN_STATUSES).update(
        escalation_level=level, escalated_at=now, updated_at=timezone.now())
    if not changed:
        return False
    due = step_times(start=problem.assigned_at, deadline=problem.deadline, rules=rules)
    for step in range(current + 1, level + 1):
        _problem_event(problem, ProblemEvent.Kind.ESCALATED, actor=None, at=now, level=step,
                       note=str(Escalation(step).label), data={"due_at": due[Escalation(step)],
                                                               "deadline": problem.deadline})
    audit.record(actor=None, action="escalate", instance=problem, before={"escalation_level": current},
                 after={"escalation_level": level})
    problem.escalation_level, problem.escalated_at = level, now
    overdue = max((now - problem.deadline).days, 0) if now >= problem.deadline else 0
    body = (_("Due %(deadline)s; %(days)s days overdue.") if overdue else _("Due %(deadline)s.")) % {
        "deadline": timezone.localtime(problem.deadline).strftime("%Y-%m-%d"), "days": overdue}
    notify(recipients=_escalation_recipients(problem, level, problem.lead_unit, problem.handler,
                                             problem.assigned_by),
           kind=ESCALATION_KIND[Escalation(level)], title=_escalation_title(level, problem.title), body=body,
           url=problem.get_absolute_url(), problem=problem,
           key=f"p{problem.pk}:esc:{level}:{int(problem.assigned_at.timestamp())}", now=now)
    return True


@transaction.atomic
def task_escalate(*, task: Task, level: int, now: datetime, rules: DispatchRules) -> bool:
    """The same escalation for an open task, measured against the end of its due date."""
    current = task.escalation_level
    if level <= current or task.status not in Task.OPEN_STATUSES or task.is_series:
        return False
    changed = Task.objects.filter(pk=task.pk, escalation_level=current, status__in=Task.OPEN_STATUSES).update(
        escalation_level=level, escalated_at=now, updated_at=timezone.now())
    if not changed:
        return False
    deadline = end_of_day(task.due_date)
    due = step_times(start=task.assigned_at, deadline=deadline, rules=rules)
    TaskEvent.objects.bulk_create([
        TaskEvent(task=task, kind=TaskEvent.Kind.ESCALATED, level=step, at=now, note=str(Escalation(step).label),
                  data=audit.to_json_safe({"due_at": due[Escalation(step)], "due_date": task.due_date}))
        for step in range(current + 1, level + 1)])
    audit.record(actor=None, action="escalate", instance=task, before={"escalation_level": current},
                 after={"escalation_level": level})
    task.escalation_level, task.escalated_at = level, now
    notify(recipients=_escalation_recipients(task, level, task.lead_unit, task.responsible_person, task.created_by),
           kind=ESCALATION_KIND[Escalation(level)], title=_escalation_title(level, str(task)),
           body=_("Due %s.") % task.due_date.isoformat(), url=task.get_absolute_url(), task=task,
           key=f"t{task.pk}:esc:{level}", now=now)
    return True


# --- tasks ---------------------------------------------------------------------------------------------

TASK_FIELDS = {"title", "commitment", "source", "source_ref", "meeting", "region", "sponsor_leader", "lead_unit",
               "helping_units", "responsible_person", "responsible_post", "due_date", "recurrence", "starts_on",
               "ends_on", "due_weekday", "due_day"}
TASK_EDITABLE = {"title", "commitment", "source_ref", "sponsor_leader", "responsible_person", "responsible_post",
                 "due_date", "ends_on"}


def _task_event(task: Task, kind: str, *, actor: User | None, at: datetime, from_status: str = "",
                to_status: str = "", note: str = "", percent: int | None = None,
                data: dict | None = None) -> TaskEvent:
    return TaskEvent.objects.create(task=task, kind=kind, actor=actor, at=at, from_status=from_status,
                                    to_status=to_status, note=note, percent=percent,
                                    data=audit.to_json_safe(data or {}))


def _check_task_people(task: Task) -> None:
    person = task.responsible_person
    if person is not None and not perms.acts_for_unit(person, task.lead_unit):
        raise ValidationFailed(_("The responsible person must belong to the responsible unit."),
                               details=[{"field": "responsible_person", "message": _("not in the unit")}])


def _notify_task_assigned(task: Task, actor: User | None, at: datetime) -> None:
    due = task.due_date.isoformat() if task.due_date else ""
    notify(recipients=[task.responsible_person, *unit_actors([task.lead_unit])], kind=Notification.Kind.TASK,
           title=_("New task: %s") % task, body=_("%(unit)s is responsible; due %(due)s.") % {
               "unit": task.lead_unit, "due": due},
           url=task.get_absolute_url(), task=task, key=f"t{task.pk}:assigned", now=at, exclude=[actor])


@transaction.atomic
def task_create(*, actor: User, data: Mapping[str, Any], now: datetime | None = None) -> Task:
    """Create a supervised task with its three lists; a recurring task gets its current period's instance."""
    data = dict(_only_fields(data, TASK_FIELDS))
    helping = [d for d in data.pop("helping_units", None) or []]
    if not perms.can_dispatch(actor):
        raise PermissionDenied(_("Only the supervision office, the project office or a county may create tasks."))
    if data.get("meeting") is not None and not perms.covers(actor, data["meeting"].region):
        raise NotFound(_("The meeting is not in your jurisdiction."))
    if data.get("region") is None:
        data["region"] = data["meeting"].region if data.get("meeting") else _default_region(actor)
    if data["region"] is None:
        raise ValidationFailed(_("Choose the region of the task."), details=[{"field": "region",
                                                                              "message": _("required")}])
    ensure_can_write(actor, data["region"])
    if data.get("lead_unit") is None:
        raise ValidationFailed(_("Choose the responsible unit."),
                               details=[{"field": "lead_unit", "message": _("required")}])
    helping = [d for d in dict.fromkeys(helping) if d.pk != data["lead_unit"].pk]
    for unit in [data["lead_unit"], *helping]:
        _ensure_unit_in_scope(actor, unit)
    data["recurrence"] = data.get("recurrence") or ""
    _check_recurrence(data)
    at = _now(now)
    task = Task(**data, created_by=actor, assigned_at=at, status=TS.ASSIGNED)
    _check_task_people(task)
    validate_instance(task)
    task.save()
    task.helping_units.set(helping)
    _task_event(task, TaskEvent.Kind.CREATED, actor=actor, at=at, to_status=task.status,
                data={"lead_unit": str(task.lead_unit), "helping_units": [str(d) for d in helping],
                      "due_date": task.due_date, "recurrence": task.recurrence})
    audit.record(actor=actor, action="create", instance=task,
                 after={**audit.snapshot(task), "helping_units": [d.pk for d in helping]})
    if task.is_series:
        from devzone.dispatch.recurrence import generate_for_series

        generate_for_series(task, today=timezone.localdate(at))
    else:
        _notify_task_assigned(task, actor, at)
    return task


def _check_recurrence(data: dict) -> None:
    recurrence = data["recurrence"]
    if not recurrence:
        if data.get("due_date") is None:
            raise ValidationFailed(_("Set the time limit (完成时限)."),
                                   details=[{"field": "due_date", "message": _("required")}])
        for key in ("starts_on", "ends_on", "due_weekday", "due_day"):
            data[key] = None
        return
    if data.get("starts_on") is None:
        raise ValidationFailed(_("A recurring task needs the date its first period starts."),
                               details=[{"field": "starts_on", "message": _("required")}])
    if recurrence == Task.Recurrence.WEEKLY and data.get("due_weekday") is None:
        raise ValidationFailed(_("A weekly task needs the weekday its report is due."),
                               details=[{"field": "due_weekday", "message": _("required")}])
    if recurrence == Task.Recurrence.MONTHLY and data.get("due_day") is None:
        raise ValidationFailed(_("A monthly task needs the day of the month its report is due."),
                               details=[{"field": "due_day", "message": _("required")}])
    if data.get("ends_on") is not None and data["ends_on"] < data["starts_on"]:
        raise ValidationFailed(_("The recurrence cannot end before it starts."),
                               details=[{"field": "ends_on", "message": _("before the start")}])
    data["due_date"] = None


@transaction.atomic
def task_update(*, actor: User, task: Task, data: Mapping[str, Any],
                expected_updated_at: datetime | None = None, now: datetime | None = None) -> Task:
    data = _only_fields(data, TASK_EDITABLE)
    if not perms.can_supervise_task(actor, task):
        raise PermissionDenied(_("Only the task's creator or a supervisor may edit it."))
    if task.status == TS.CLOSED:
        raise Conflict(_("A closed task cannot be edited."))
    if "due_date" in data and data["due_date"] is None and not task.is_series:
        raise ValidationFailed(_("Set the time limit (完成时限)."), details=[{"field": "due_date",
                                                                           "message": _("required")}])
    updated = update_audited(actor=actor, instance=task, data=data, expected_updated_at=expected_updated_at)
    _check_task_people(updated)
    _task_event(updated, TaskEvent.Kind.EDITED, actor=actor, at=_now(now), data={"fields": sorted(data)})
    return updated


def _ensure_handles_task(actor: User, task: Task) -> None:
    if not perms.can_handle_task(actor, task):
        if perms.covers(actor, task.region):
            raise PermissionDenied(_("Only the responsible unit works on this task."))
        raise NotFound()


def _ensure_supervises_task(actor: User, task: Task) -> None:
    if not perms.can_supervise_task(actor, task):
        if perms.covers(actor, task.region) or perms.acts_for_unit(actor, task.lead_unit):
            raise PermissionDenied(_("Only the task's creator or a supervisor may do this."))
        raise NotFound()


def _task_table(task: Task) -> Mapping[str, Transition]:
    return SERIES_TRANSITIONS if task.is_series else TASK_TRANSITIONS


@transaction.atomic
def task_progress(*, actor: User, task: Task, note: str, percent: int, now: datetime | None = None) -> Task:
    """进展: the responsible unit reports progress (text and percent)."""
    at = _now(now)
    locked = _lock(Task, task, None)
    transition = _check_transition(_task_table(locked), Task, locked, "progress")
    _ensure_handles_task(actor, locked)
    text = _required_text(note, "note", _("Describe the progress."))
    if percent is None or not 0 <= int(percent) <= 100:
        raise ValidationFailed(_("Progress is a percentage from 0 to 100."),
                               details=[{"field": "percent", "message": "0–100"}])
    from_status = locked.status
    locked.status, locked.progress_percent = transition.target, int(percent)
    locked.save()
    _task_event(locked, TaskEvent.Kind.PROGRESS, actor=actor, at=at, from_status=from_status,
                to_status=locked.status, note=text, percent=int(percent))
    audit.record(actor=actor, action="progress", instance=locked, before={"status": from_status},
                 after={"status": locked.status, "progress_percent": int(percent), "note": text[:500]})
    return locked


@transaction.atomic
def task_complete(*, actor: User, task: Task, note: str, late_explanation: str = "",
                  now: datetime | None = None) -> Task:
    """完成: the responsible unit reports the task done; after the time limit a written explanation is needed."""
    at = _now(now)
    locked = _lock(Task, task, None)
    transition = _check_transition(_task_table(locked), Task, locked, "complete")
    _ensure_handles_task(actor, locked)
    text = _required_text(note, "note", _("Describe what was done."))
    explanation = (late_explanation or "").strip()
    late = at >= end_of_day(locked.due_date)
    if late and not explanation:
        message = _("The time limit passed on %s: a written explanation of the delay is required.") % (
            locked.due_date.isoformat())
        raise ValidationFailed(message, details=[{"field": "late_explanation", "message": message}])
    from_status = locked.status
    locked.status, locked.completed_at, locked.progress_percent = transition.target, at, 100
    locked.completion_note, locked.late_explanation = text, explanation
    locked.save()
    _task_event(locked, TaskEvent.Kind.COMPLETED, actor=actor, at=at, from_status=from_status,
                to_status=locked.status, note=text, percent=100,
                data={"late": late, "late_explanation": explanation})
    audit.record(actor=actor, action="complete", instance=locked, before={"status": from_status},
                 after={"status": locked.status, "late": late})
    notify(recipients=[locked.created_by], kind=Notification.Kind.COMPLETED,
           title=_("Task completed, please close: %s") % locked, body=text[:300], url=locked.get_absolute_url(),
           task=locked, now=at, exclude=[actor])
    return locked


@transaction.atomic
def task_return(*, actor: User, task: Task, reason: str, now: datetime | None = None) -> Task:
    """退回: the creator or a supervisor does not accept the completion; the unit works on."""
    at = _now(now)
    locked = _lock(Task, task, None)
    transition = _check_transition(_task_table(locked), Task, locked, "return")
    _ensure_supervises_task(actor, locked)
    text = _required_text(reason, "reason", _("Give the reason for returning the task."))
    from_status = locked.status
    locked.status, locked.completed_at = transition.target, None
    locked.save()
    event = _task_event(locked, TaskEvent.Kind.RETURNED, actor=actor, at=at, from_status=from_status,
                        to_status=locked.status, note=text)
    audit.record(actor=actor, action="return", instance=locked, before={"status": from_status},
                 after={"status": locked.status, "reason": text[:500]})
    notify(recipients=[locked.responsible_person, *unit_actors([locked.lead_unit])],
           kind=Notification.Kind.RETURNED, title=_("Returned: %s") % locked, body=text[:500],
           url=locked.get_absolute_url(), task=locked, key=f"t{locked.pk}:return:{event.pk}", now=at,
           exclude=[actor])
    return locked


@transaction.atomic
def task_close(*, actor: User, task: Task, note: str = "", now: datetime | None = None) -> Task:
    """销号: the creator or a supervisor closes a completed task (or ends a recurring series)."""
    at = _now(now)
    locked = _lock(Task, task, None)
    transition = _check_transition(_task_table(locked), Task, locked, "close")
    _ensure_supervises_task(actor, locked)
    from_status = locked.status
    locked.status, locked.closed_at, locked.closed_by = transition.target, at, actor
    locked.save()
    _task_event(locked, TaskEvent.Kind.CLOSED, actor=actor, at=at, from_status=from_status,
                to_status=locked.status, note=note)
    audit.record(actor=actor, action="close", instance=locked, before={"status": from_status},
                 after={"status": locked.status})
    return locked


def task_actions(user: User, task: Task) -> list[str]:
    if perms.is_read_only(user):
        return []
    table = _task_table(task)
    actions = []
    handles, supervises_ = perms.can_handle_task(user, task), perms.can_supervise_task(user, task)
    for action, transition in table.items():
        if task.status not in transition.sources:
            continue
        if (action in ("progress", "complete") and handles) or (action in ("return", "close") and supervises_):
            actions.append(action)
    return actions


# --- meetings ------------------------------------------------------------------------------------------

MEETING_FIELDS = {"title", "kind", "held_on", "location", "chair", "region", "attendees", "other_attendees",
                  "minutes"}


@transaction.atomic
def meeting_create(*, actor: User, data: Mapping[str, Any]) -> Meeting:
    data = dict(_only_fields(data, MEETING_FIELDS))
    attendees = list(data.pop("attendees", None) or [])
    if data.get("region") is None:
        data["region"] = _default_region(actor)
    if data["region"] is None:
        raise ValidationFailed(_("Choose the region of the meeting."),
                               details=[{"field": "region", "message": _("required")}])
    ensure_can_write(actor, data["region"])
    meeting = Meeting(**data, created_by=actor)
    validate_instance(meeting)
    meeting.save()
    meeting.attendees.set(attendees)
    audit.record(actor=actor, action="create", instance=meeting,
                 after={**audit.snapshot(meeting), "attendees": [u.pk for u in attendees]})
    return meeting


@transaction.atomic
def meeting_update(*, actor: User, meeting: Meeting, data: Mapping[str, Any],
                   expected_updated_at: datetime | None = None) -> Meeting:
    data = dict(_only_fields(data, MEETING_FIELDS))
    attendees = data.pop("attendees", None)
    ensure_can_write(actor, meeting.region)
    if data.get("region") is not None:
        ensure_can_write(actor, data["region"])
    updated = update_audited(actor=actor, instance=meeting, data=data, expected_updated_at=expected_updated_at)
    if attendees is not None:
        updated.attendees.set(attendees)
    return updated


@transaction.atomic
def meeting_add_decision(*, actor: User, meeting: Meeting, text: str, lead_unit: Department | None = None,
                         due_date=None) -> MeetingDecision:
    """Record a decision of the meeting (议定事项); it becomes a task with decision_to_task."""
    ensure_can_write(actor, meeting.region)
    text = _required_text(text, "text", _("Write the decision."))
    if lead_unit is not None:
        _ensure_unit_in_scope(actor, lead_unit)
    order = (meeting.decisions.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    decision = MeetingDecision(meeting=meeting, order=order, text=text, lead_unit=lead_unit, due_date=due_date)
    validate_instance(decision)
    decision.save()
    audit.record(actor=actor, action="create", instance=decision, after=audit.snapshot(decision))
    return decision


@transaction.atomic
def decision_to_task(*, actor: User, decision: MeetingDecision, data: Mapping[str, Any] | None = None,
                     now: datetime | None = None) -> Task:
    """Turn a meeting decision into a supervised task (source: meeting), linking the two."""
    decision = MeetingDecision.objects.select_for_update().select_related("meeting__region").get(pk=decision.pk)
    if decision.task_id is not None:
        raise Conflict(_("This decision has already become a task."))
    meeting = decision.meeting
    fields = {"title": decision.text.splitlines()[0][:60], "commitment": decision.text,
              "source": Task.Source.MEETING, "source_ref": f"{meeting.title}({meeting.held_on:%Y-%m-%d})",
              "meeting": meeting, "region": meeting.region, "lead_unit": decision.lead_unit,
              "due_date": decision.due_date, **dict(data or {})}
    task = task_create(actor=actor, data=fields, now=now)
    decision.task = task
    decision.save(update_fields=["task", "updated_at"])
    audit.record(actor=actor, action="to_task", instance=decision, after={"task": task.pk})
    return task
