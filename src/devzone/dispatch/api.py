"""API for dispatch and supervision: /problems, /tasks, /meetings, /notifications (mounted at /api/v1/)."""


from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from devzone.api.schemas import ERRORS, READ_ERRORS
from devzone.core import selectors as core_selectors
from devzone.core.jurisdiction import get_in_scope
from devzone.core.models import Department, User
from devzone.dispatch import selectors, services
from devzone.dispatch.models import Meeting, Problem, Task
from devzone.enterprises import selectors as enterprise_selectors

router = Router(tags=["dispatch"])


def _rules(request: HttpRequest):
    """The rules row, read once per request (lights are computed for every row of a page)."""
    if not hasattr(request, "_dispatch_rules"):
        request._dispatch_rules = selectors.rules()
        request._dispatch_now = timezone.now()
    return request._dispatch_rules, request._dispatch_now


def _filters(schema: Schema) -> dict[str, Any]:
    return {k: v for k, v in schema.dict().items() if v not in (None, "")}


# --- problems ------------------------------------------------------------------------------------------

class EventOut(Schema):
    kind: str
    from_status: str
    to_status: str
    level: int | None
    actor: str | None
    note: str
    data: dict
    at: datetime

    @staticmethod
    def resolve_actor(obj) -> str | None:
        return obj.actor.get_username() if obj.actor_id else None


class ProblemOut(Schema):
    id: int
    number: str
    title: str
    description: str
    source: Problem.Source
    source_ref: str
    enterprise_id: int | None
    meeting_id: int | None
    category: str
    difficulty: str
    region_id: int
    region_name: str
    raised_by: str
    raised_at: datetime
    sponsor_leader_id: int | None
    status: Problem.Status
    lead_unit_id: int | None
    lead_unit_name: str | None
    helping_unit_ids: list[int]
    handler_id: int | None
    assigned_at: datetime | None
    sla_days: int | None
    deadline: datetime | None
    resolved_at: datetime | None
    result: str
    closed_at: datetime | None
    closed_by_supervisor: bool
    satisfaction: str
    returned_reason: str
    escalation_level: int
    light: str
    updated_at: datetime

    @staticmethod
    def resolve_region_name(obj: Problem) -> str:
        return obj.region.name

    @staticmethod
    def resolve_raised_by(obj: Problem) -> str:
        return obj.raised_by.get_username()

    @staticmethod
    def resolve_lead_unit_name(obj: Problem) -> str | None:
        return obj.lead_unit.name if obj.lead_unit_id else None

    @staticmethod
    def resolve_helping_unit_ids(obj: Problem) -> list[int]:
        return [d.pk for d in obj.helping_units.all()]

    @staticmethod
    def resolve_light(obj: Problem, context) -> str:
        rules, now = _rules(context["request"])
        return selectors.problem_light(obj, now=now, dispatch_rules=rules).code


class ProblemDetailOut(ProblemOut):
    resolution: str
    late_explanation: str
    events: list[EventOut]
    actions: list[str]

    @staticmethod
    def resolve_events(obj: Problem) -> list:
        return list(obj.events.all())

    @staticmethod
    def resolve_actions(obj: Problem, context) -> list[str]:
        return services.problem_actions(context["request"].user, obj)


class ProblemFilters(Schema):
    q: str | None = None
    status: str | None = None
    category: str | None = None
    difficulty: str | None = None
    source: str | None = None
    level: int | None = None
    unit: int | None = None
    helping_unit: int | None = None
    region: int | None = None
    enterprise: int | None = None
    overdue: bool | None = None
    light: str | None = None
    mine: bool | None = None
    kpi: str | None = None
    period: str | None = None
    sort: str | None = None


class ProblemIn(Schema):
    title: str
    description: str = ""
    source: Problem.Source
    source_ref: str = ""
    enterprise_id: int | None = None
    meeting_id: int | None = None
    category: str
    difficulty: str = "normal"
    region_id: int | None = None
    sponsor_leader_id: int | None = None


class ProblemPatch(Schema):
    updated_at: datetime
    title: str | None = None
    description: str | None = None
    source: Problem.Source | None = None
    source_ref: str | None = None
    enterprise_id: int | None = None
    meeting_id: int | None = None
    category: str | None = None
    difficulty: str | None = None
    region_id: int | None = None
    sponsor_leader_id: int | None = None


class AssignIn(Schema):
    lead_unit_id: int
    helping_unit_ids: list[int] = []
    handler_id: int | None = None
    note: str = ""
    updated_at: datetime | None = None


class StartIn(Schema):
    note: str = ""
    updated_at: datetime | None = None


class ResolveIn(Schema):
    result: Problem.Result
    resolution: str
    late_explanation: str = ""
    updated_at: datetime | None = None


class CloseIn(Schema):
    satisfaction: str = ""
    note: str = ""
    updated_at: datetime | None = None


class ReturnIn(Schema):
    reason: str
    updated_at: datetime | None = None


class NoteIn(Schema):
    note: str


class SlaOut(Schema):
    category: str
    difficulty: str
    days: int


class RatioOut(Schema):
    numerator: int
    denominator: int
    percent: Decimal | None


class UnitKpiOut(Schema):
    unit_id: int | None
    unit_name: str
    assigned: int
    completion: RatioOut
    solve: RatioOut
    on_time: RatioOut
    satisfaction: RatioOut
    average_handling_days: Decimal | None
    overdue: int


class KpiOut(Schema):
    period: str
    units: list[UnitKpiOut]
    total: UnitKpiOut | None


def _department(department_id: int | None) -> Department | None:
    """A department by id; the service decides whether it lies in the actor's jurisdiction (404 if not)."""
    if department_id is None:
        return None
    return get_in_scope(Department.objects.select_related("region"), pk=department_id)


def _person(user_id: int | None) -> User | None:
    if user_id is None:
        return None
    return get_in_scope(User.objects.filter(is_active=True).select_related("region", "department__region"),
                        pk=user_id)


def resolve_problem_refs(user, data: dict[str, Any]) -> dict[str, Any]:
    if "region_id" in data:
        region_id = data.pop("region_id")
        data["region"] = core_selectors.region_get(user=user, region_id=region_id) if region_id else None
    if "enterprise_id" in data:
        enterprise_id = data.pop("enterprise_id")
        data["enterprise"] = (enterprise_selectors.enterprise_get(user=user, enterprise_id=enterprise_id)
                              if enterprise_id else None)
    if "meeting_id" in data:
        meeting_id = data.pop("meeting_id")
        data["meeting"] = selectors.meeting_get(user=user, meeting_id=meeting_id) if meeting_id else None
    if "sponsor_leader_id" in data:
        data["sponsor_leader"] = _person(data.pop("sponsor_leader_id"))
    return data


def _problem(request: HttpRequest, problem_id: int) -> Problem:
    return selectors.problem_get(user=request.user, problem_id=problem_id)


@router.get("/problems", response={200: list[ProblemOut], **READ_ERRORS}, summary="问题诉求列表")
@paginate(LimitOffsetPagination)
def list_problems(request: HttpRequest, filters: Query[ProblemFilters]):
    return selectors.problem_list(user=request.user, filters=_filters(filters))


@router.get("/problems/sla", response={200: list[SlaOut], **READ_ERRORS}, summary="办理时限表(类别×难度)")
def sla_table(request: HttpRequest):
    return list(selectors.sla_table())


def _ratio(value) -> dict:
    return {"numerator": value.numerator, "denominator": value.denominator, "percent": value.percent}


def _unit_kpis(unit_id, name: str, kpis) -> dict:
    return {"unit_id": unit_id, "unit_name": name, "assigned": len(kpis.assigned_ids),
            "completion": _ratio(kpis.completion), "solve": _ratio(kpis.solve), "on_time": _ratio(kpis.on_time),
            "satisfaction": _ratio(kpis.satisfaction), "average_handling_days": kpis.handling_days.value,
            "overdue": len(kpis.overdue_ids)}


@router.get("/problems/kpis", response={200: KpiOut, **READ_ERRORS}, summary="问题办理指标(按单位)")
def problem_kpis(request: HttpRequest, period: str | None = None):
    parsed = selectors.parse_period(period)
    table = selectors.kpi_table(user=request.user, period=parsed)
    units = selectors.units_by_id(table.by_unit)
    rows = [_unit_kpis(unit_id, units[unit_id].name if unit_id in units else "", kpis)
            for unit_id, kpis in table.by_unit.items()]
    total = _unit_kpis(None, "合计", table.total) if table.total else None
    return {"period": parsed.key, "units": sorted(rows, key=lambda r: -r["assigned"]), "total": total}


@router.get("/problems/{problem_id}", response={200: ProblemDetailOut, **READ_ERRORS}, summary="问题详情与办理轨迹")
def get_problem(request: HttpRequest, problem_id: int):
    return _problem(request, problem_id)


@router.post("/problems", response={201: ProblemDetailOut, **ERRORS}, summary="提出问题诉求")
def create_problem(request: HttpRequest, payload: ProblemIn):
    data = resolve_problem_refs(request.user, payload.dict())
    problem = services.problem_create(actor=request.user, data=data)
    return Status(201, _problem(request, problem.pk))


@router.patch("/problems/{problem_id}", response={200: ProblemDetailOut, **ERRORS}, summary="修改问题(交办前,乐观锁)")
def update_problem(request: HttpRequest, problem_id: int, payload: ProblemPatch):
    problem = _problem(request, problem_id)
    data = payload.dict(exclude_unset=True)
    expected = data.pop("updated_at")
    data = resolve_problem_refs(request.user, data)
    services.problem_update(actor=request.user, problem=problem, data=data, expected_updated_at=expected)
    return _problem(request, problem_id)


@router.post("/problems/{problem_id}/assign", response={200: ProblemDetailOut, **ERRORS}, summary="交办")
def assign_problem(request: HttpRequest, problem_id: int, payload: AssignIn):
    problem = _problem(request, problem_id)
    services.problem_assign(actor=request.user, problem=problem, lead_unit=_department(payload.lead_unit_id),
                            helping_units=[_department(pk) for pk in payload.helping_unit_ids],
                            handler=_person(payload.handler_id), note=payload.note,
                            expected_updated_at=payload.updated_at)
    return _problem(request, problem_id)


@router.post("/problems/{problem_id}/start", response={200: ProblemDetailOut, **ERRORS}, summary="签收办理")
def start_problem(request: HttpRequest, problem_id: int, payload: StartIn):
    services.problem_start(actor=request.user, problem=_problem(request, problem_id), note=payload.note,
                           expected_updated_at=payload.updated_at)
    return _problem(request, problem_id)


@router.post("/problems/{problem_id}/resolve", response={200: ProblemDetailOut, **ERRORS},
             summary="办结(超期须附书面说明)")
def resolve_problem(request: HttpRequest, problem_id: int, payload: ResolveIn):
    services.problem_resolve(actor=request.user, problem=_problem(request, problem_id), result=payload.result,
                             resolution=payload.resolution, late_explanation=payload.late_explanation,
                             expected_updated_at=payload.updated_at)
    return _problem(request, problem_id)


@router.post("/problems/{problem_id}/close", response={200: ProblemDetailOut, **ERRORS}, summary="销号")
def close_problem(request: HttpRequest, problem_id: int, payload: CloseIn):
    services.problem_close(actor=request.user, problem=_problem(request, problem_id),
                           satisfaction=payload.satisfaction, note=payload.note,
                           expected_updated_at=payload.updated_at)
    return _problem(request, problem_id)


@router.post("/problems/{problem_id}/return", response={200: ProblemDetailOut, **ERRORS}, summary="退回")
def return_problem(request: HttpRequest, problem_id: int, payload: ReturnIn):
    services.problem_return(actor=request.user, problem=_problem(request, problem_id), reason=payload.reason,
                            expected_updated_at=payload.updated_at)
    return _problem(request, problem_id)


@router.post("/problems/{problem_id}/notes", response={200: ProblemDetailOut, **ERRORS}, summary="办理进展/协办意见")
def add_problem_note(request: HttpRequest, problem_id: int, payload: NoteIn):
    services.problem_add_note(actor=request.user, problem=_problem(request, problem_id), note=payload.note)
    return _problem(request, problem_id)


# --- tasks ---------------------------------------------------------------------------------------------

class TaskEventOut(Schema):
    kind: str
    from_status: str
    to_status: str
    level: int | None
    percent: int | None
    actor: str | None
    note: str
    data: dict
    at: datetime

    @staticmethod
    def resolve_actor(obj) -> str | None:
        return obj.actor.get_username() if obj.actor_id else None


class TaskOut(Schema):
    id: int
    number: str
    title: str
    commitment: str
    source: Task.Source
    source_ref: str
    meeting_id: int | None
    region_id: int
    lead_unit_id: int
    lead_unit_name: str
    helping_unit_ids: list[int]
    responsible_person_id: int | None
    responsible_post: str
    due_date: date | None
    status: Task.Status
    progress_percent: int
    completed_at: datetime | None
    closed_at: datetime | None
    escalation_level: int
    recurrence: str
    starts_on: date | None
    ends_on: date | None
    due_weekday: int | None
    due_day: int | None
    series_id: int | None
    period: str
    light: str
    updated_at: datetime

    @staticmethod
    def resolve_lead_unit_name(obj: Task) -> str:
        return obj.lead_unit.name

    @staticmethod
    def resolve_helping_unit_ids(obj: Task) -> list[int]:
        return [d.pk for d in obj.helping_units.all()]

    @staticmethod
    def resolve_light(obj: Task, context) -> str:
        rules, now = _rules(context["request"])
        return selectors.task_light(obj, now=now, dispatch_rules=rules).code


class TaskDetailOut(TaskOut):
    completion_note: str
    late_explanation: str
    events: list[TaskEventOut]
    actions: list[str]

    @staticmethod
    def resolve_events(obj: Task) -> list:
        return list(obj.events.all())

    @staticmethod
    def resolve_actions(obj: Task, context) -> list[str]:
        return services.task_actions(context["request"].user, obj)


class TaskFilters(Schema):
    q: str | None = None
    status: str | None = None
    source: str | None = None
    kind: str | None = None
    unit: int | None = None
    region: int | None = None
    meeting: int | None = None
    series: int | None = None
    level: int | None = None
    overdue: bool | None = None
    light: str | None = None
    mine: bool | None = None
    due_from: date | None = None
    due_to: date | None = None
    sort: str | None = None


class TaskIn(Schema):
    title: str
    commitment: str
    source: Task.Source
    source_ref: str = ""
    meeting_id: int | None = None
    region_id: int | None = None
    lead_unit_id: int
    helping_unit_ids: list[int] = []
    responsible_person_id: int | None = None
    responsible_post: str = ""
    due_date: date | None = None
    sponsor_leader_id: int | None = None
    recurrence: Task.Recurrence = Task.Recurrence.NONE
    starts_on: date | None = None
    ends_on: date | None = None
    due_weekday: int | None = None
    due_day: int | None = None


class TaskPatch(Schema):
    updated_at: datetime
    title: str | None = None
    commitment: str | None = None
    source_ref: str | None = None
    responsible_person_id: int | None = None
    responsible_post: str | None = None
    due_date: date | None = None
    ends_on: date | None = None
    sponsor_leader_id: int | None = None


class ProgressIn(Schema):
    note: str
    percent: int


class CompleteIn(Schema):
    note: str
    late_explanation: str = ""


class TaskCloseIn(Schema):
    note: str = ""


def resolve_task_refs(user, data: dict[str, Any]) -> dict[str, Any]:
    if "region_id" in data:
        region_id = data.pop("region_id")
        data["region"] = core_selectors.region_get(user=user, region_id=region_id) if region_id else None
    if "meeting_id" in data:
        meeting_id = data.pop("meeting_id")
        data["meeting"] = selectors.meeting_get(user=user, meeting_id=meeting_id) if meeting_id else None
    if "lead_unit_id" in data:
        data["lead_unit"] = _department(data.pop("lead_unit_id"))
    if "helping_unit_ids" in data:
        data["helping_units"] = [_department(pk) for pk in data.pop("helping_unit_ids")]
    for key in ("responsible_person", "sponsor_leader"):
        if f"{key}_id" in data:
            data[key] = _person(data.pop(f"{key}_id"))
    return data


def _task(request: HttpRequest, task_id: int) -> Task:
    return selectors.task_get(user=request.user, task_id=task_id)


@router.get("/tasks", response={200: list[TaskOut], **READ_ERRORS}, summary="督办任务列表")
@paginate(LimitOffsetPagination)
def list_tasks(request: HttpRequest, filters: Query[TaskFilters]):
    return selectors.task_list(user=request.user, filters=_filters(filters))


@router.get("/tasks/{task_id}", response={200: TaskDetailOut, **READ_ERRORS}, summary="任务详情与进展")
def get_task(request: HttpRequest, task_id: int):
    return _task(request, task_id)


@router.post("/tasks", response={201: TaskDetailOut, **ERRORS}, summary="新建督办任务(三个清单)")
def create_task(request: HttpRequest, payload: TaskIn):
    task = services.task_create(actor=request.user, data=resolve_task_refs(request.user, payload.dict()))
    return Status(201, _task(request, task.pk))


@router.patch("/tasks/{task_id}", response={200: TaskDetailOut, **ERRORS}, summary="修改任务(乐观锁)")
def update_task(request: HttpRequest, task_id: int, payload: TaskPatch):
    task = _task(request, task_id)
    data = payload.dict(exclude_unset=True)
    expected = data.pop("updated_at")
    services.task_update(actor=request.user, task=task, data=resolve_task_refs(request.user, data),
                         expected_updated_at=expected)
    return _task(request, task_id)


@router.post("/tasks/{task_id}/progress", response={200: TaskDetailOut, **ERRORS}, summary="报送进展")
def task_progress(request: HttpRequest, task_id: int, payload: ProgressIn):
    services.task_progress(actor=request.user, task=_task(request, task_id), note=payload.note,
                           percent=payload.percent)
    return _task(request, task_id)


@router.post("/tasks/{task_id}/complete", response={200: TaskDetailOut, **ERRORS}, summary="完成(超期须附书面说明)")
def task_complete(request: HttpRequest, task_id: int, payload: CompleteIn):
    services.task_complete(actor=request.user, task=_task(request, task_id), note=payload.note,
                           late_explanation=payload.late_explanation)
    return _task(request, task_id)


@router.post("/tasks/{task_id}/return", response={200: TaskDetailOut, **ERRORS}, summary="退回")
def task_return(request: HttpRequest, task_id: int, payload: ReturnIn):
    services.task_return(actor=request.user, task=_task(request, task_id), reason=payload.reason)
    return _task(request, task_id)


@router.post("/tasks/{task_id}/close", response={200: TaskDetailOut, **ERRORS}, summary="销号")
def task_close(request: HttpRequest, task_id: int, payload: TaskCloseIn):
    services.task_close(actor=request.user, task=_task(request, task_id), note=payload.note)
    return _task(request, task_id)


# --- meetings ------------------------------------------------------------------------------------------

class DecisionOut(Schema):
    id: int
    order: int
    text: str
    lead_unit_id: int | None
    due_date: date | None
    task_id: int | None


class MeetingOut(Schema):
    id: int
    title: str
    kind: Meeting.Kind
    held_on: date
    location: str
    chair: str
    region_id: int
    decision_count: int
    updated_at: datetime


class MeetingDetailOut(MeetingOut):
    attendee_ids: list[int]
    other_attendees: str
    minutes: str
    decisions: list[DecisionOut]

    @staticmethod
    def resolve_attendee_ids(obj: Meeting) -> list[int]:
        return [u.pk for u in obj.attendees.all()]

    @staticmethod
    def resolve_decisions(obj: Meeting) -> list:
        return list(obj.decisions.all())


class MeetingFilters(Schema):
    q: str | None = None
    kind: Meeting.Kind | None = None
    region: int | None = None
    held_from: date | None = None
    held_to: date | None = None
    sort: str | None = None


class MeetingIn(Schema):
    title: str
    kind: Meeting.Kind
    held_on: date
    location: str = ""
    chair: str = ""
    region_id: int | None = None
    attendee_ids: list[int] = []
    other_attendees: str = ""
    minutes: str = ""


class MeetingPatch(Schema):
    updated_at: datetime
    title: str | None = None
    kind: Meeting.Kind | None = None
    held_on: date | None = None
    location: str | None = None
    chair: str | None = None
    attendee_ids: list[int] | None = None
    other_attendees: str | None = None
    minutes: str | None = None


class DecisionIn(Schema):
    text: str
    lead_unit_id: int | None = None
    due_date: date | None = None


def _meeting_refs(user, data: dict[str, Any]) -> dict[str, Any]:
    if "region_id" in data:
        region_id = data.pop("region_id")
        data["region"] = core_selectors.region_get(user=user, region_id=region_id) if region_id else None
    if "attendee_ids" in data:
        ids = data.pop("attendee_ids")
        data["attendees"] = [_person(pk) for pk in ids] if ids is not None else None
    return {k: v for k, v in data.items() if v is not None or k == "region"}


@router.get("/meetings", response={200: list[MeetingOut], **READ_ERRORS}, summary="会议列表")
@paginate(LimitOffsetPagination)
def list_meetings(request: HttpRequest, filters: Query[MeetingFilters]):
    return selectors.meeting_list(user=request.user, filters=_filters(filters))


@router.get("/meetings/{meeting_id}", response={200: MeetingDetailOut, **READ_ERRORS}, summary="会议详情与议定事项")
def get_meeting(request: HttpRequest, meeting_id: int):
    return selectors.meeting_get(user=request.user, meeting_id=meeting_id)


@router.post("/meetings", response={201: MeetingDetailOut, **ERRORS}, summary="登记会议")
def create_meeting(request: HttpRequest, payload: MeetingIn):
    meeting = services.meeting_create(actor=request.user, data=_meeting_refs(request.user, payload.dict()))
    return Status(201, selectors.meeting_get(user=request.user, meeting_id=meeting.pk))


@router.patch("/meetings/{meeting_id}", response={200: MeetingDetailOut, **ERRORS}, summary="修改会议(乐观锁)")
def update_meeting(request: HttpRequest, meeting_id: int, payload: MeetingPatch):
    meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
    data = payload.dict(exclude_unset=True)
    expected = data.pop("updated_at")
    services.meeting_update(actor=request.user, meeting=meeting, data=_meeting_refs(request.user, data),
                            expected_updated_at=expected)
    return selectors.meeting_get(user=request.user, meeting_id=meeting_id)


@router.post("/meetings/{meeting_id}/decisions", response={201: DecisionOut, **ERRORS}, summary="记录议定事项")
def add_decision(request: HttpRequest, meeting_id: int, payload: DecisionIn):
    meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
    decision = services.meeting_add_decision(actor=request.user, meeting=meeting, text=payload.text,
                                             lead_unit=_department(payload.lead_unit_id), due_date=payload.due_date)
    return Status(201, decision)


@router.post("/meetings/{meeting_id}/decisions/{decision_id}/task", response={201: TaskDetailOut, **ERRORS},
             summary="议定事项转为督办任务")
def decision_to_task(request: HttpRequest, meeting_id: int, decision_id: int):
    decision = selectors.decision_get(user=request.user, meeting_id=meeting_id, decision_id=decision_id)
    task = services.decision_to_task(actor=request.user, decision=decision)
    return Status(201, _task(request, task.pk))


# --- notifications -------------------------------------------------------------------------------------

class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    url: str
    problem_id: int | None
    task_id: int | None
    created_at: datetime
    read_at: datetime | None


class NotificationFilters(Schema):
    unread: bool | None = None


class CountOut(Schema):
    count: int


@router.get("/notifications", response={200: list[NotificationOut], **READ_ERRORS}, summary="我的消息")
@paginate(LimitOffsetPagination)
def list_notifications(request: HttpRequest, filters: Query[NotificationFilters]):
    return selectors.notification_list(user=request.user, unread=bool(filters.unread))


@router.post("/notifications/read-all", response={200: CountOut, **ERRORS}, summary="全部标为已读")
def read_all_notifications(request: HttpRequest):
    return {"count": services.notification_mark_all_read(actor=request.user)}


@router.post("/notifications/{notification_id}/read", response={200: NotificationOut, **ERRORS}, summary="标为已读")
def read_notification(request: HttpRequest, notification_id: int):
    return services.notification_mark_read(actor=request.user, notification_id=notification_id)
