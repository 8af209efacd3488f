"""Pages for dispatch and supervision: my work, problem and task lists and details with their one-click actions,
meetings, the inbox and daily digest, the supervision board and the KPI table. Thin: forms parse, services
write, selectors read."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from devzone.core.errors import DomainError, NotFound
from devzone.dispatch import forms as dforms
from devzone.dispatch import permissions as perms
from devzone.dispatch import selectors, services
from devzone.dispatch.escalation import days_overdue
from devzone.dispatch.kpis import Ratio
from devzone.dispatch.models import Escalation
from devzone.web.formflow import submit_form
from devzone.web.tables import Column, render_list


def _get_or_404(fn, **kwargs):
    try:
        return fn(**kwargs)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _page(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    """Render a dispatch page with the section tabs and the unread count."""
    context.setdefault("unread", selectors.unread_count(user=request.user))
    return render(request, template, context)


def _units(problem) -> str:
    return "、".join(d.name for d in problem.helping_units.all())


def problem_columns(now: datetime, rules) -> list[Column]:
    return [
        Column("number", gettext_lazy("number"), lambda p: p.number, sort="raised",
               link=lambda p: reverse("dispatch:problem", args=[p.pk]), width=14),
        Column("title", gettext_lazy("title"), lambda p: p.title, sort="title",
               link=lambda p: reverse("dispatch:problem", args=[p.pk]), width=34),
        Column("light", gettext_lazy("due light"),
               lambda p: selectors.problem_light(p, now=now, dispatch_rules=rules), kind="light", width=10),
        Column("status", gettext_lazy("status"), lambda p: p.get_status_display(), sort="status", width=10),
        Column("level", gettext_lazy("escalation level"),
               lambda p: p.get_escalation_level_display() if p.escalation_level else "", sort="level", width=10),
        Column("category", gettext_lazy("category"), lambda p: p.get_category_display(), sort="category", width=12),
        Column("difficulty", gettext_lazy("difficulty"), lambda p: p.get_difficulty_display(), width=8),
        Column("source", gettext_lazy("source"), lambda p: p.get_source_display(), width=8),
        Column("region", gettext_lazy("region"), lambda p: p.region.name, sort="region", width=12),
        Column("unit", gettext_lazy("lead unit"), lambda p: p.lead_unit.name if p.lead_unit else "", sort="unit",
               width=18),
        Column("helping", gettext_lazy("helping units"), _units, width=24),
        Column("handler", gettext_lazy("handler"), lambda p: str(p.handler) if p.handler else "", width=10),
        Column("assigned", gettext_lazy("assigned at"), lambda p: p.assigned_at, kind="date", width=14),
        Column("deadline", gettext_lazy("deadline"), lambda p: p.deadline, sort="deadline", kind="date", width=14),
        Column("overdue_days", gettext_lazy("days overdue"),
               lambda p: days_overdue(p.deadline, p.resolved_at or now) or None, kind="number", width=8),
        Column("result", gettext_lazy("result"), lambda p: p.get_result_display(), width=10),
        Column("satisfaction", gettext_lazy("satisfaction"), lambda p: p.get_satisfaction_display(), width=10),
    ]


def task_columns(now: datetime, rules) -> list[Column]:
    return [
        Column("number", gettext_lazy("number"), lambda t: t.number,
               link=lambda t: reverse("dispatch:task", args=[t.pk]), width=14),
        Column("title", gettext_lazy("title"), lambda t: str(t), sort="title",
               link=lambda t: reverse("dispatch:task", args=[t.pk]), width=34),
        Column("light", gettext_lazy("due light"), lambda t: selectors.task_light(t, now=now, dispatch_rules=rules),
               kind="light", width=10),
        Column("status", gettext_lazy("status"), lambda t: t.get_status_display(), sort="status", width=10),
        Column("level", gettext_lazy("escalation level"),
               lambda t: t.get_escalation_level_display() if t.escalation_level else "", sort="level", width=10),
        Column("source", gettext_lazy("source"), lambda t: t.get_source_display(), width=10),
        Column("unit", gettext_lazy("responsible unit"), lambda t: t.lead_unit.name, sort="unit", width=18),
        Column("person", gettext_lazy("responsible person"),
               lambda t: " ".join(x for x in (str(t.responsible_person or ""), t.responsible_post) if x), width=14),
        Column("commitment", gettext_lazy("commitment"), lambda t: t.commitment[:60], width=40),
        Column("due", gettext_lazy("time limit"), lambda t: t.due_date, sort="due", kind="date", width=14),
        Column("recurrence", gettext_lazy("recurrence"), lambda t: t.get_recurrence_display() if t.recurrence else "",
               width=8),
        Column("progress", gettext_lazy("progress (%)"), lambda t: t.progress_percent, sort="progress",
               kind="number", width=8),
    ]


MEETING_COLUMNS = [
    Column("date", gettext_lazy("date"), lambda m: m.held_on, sort="date", kind="date", width=14),
    Column("title", gettext_lazy("title"), lambda m: m.title, sort="title",
           link=lambda m: reverse("dispatch:meeting", args=[m.pk]), width=36),
    Column("kind", gettext_lazy("kind"), lambda m: m.get_kind_display(), sort="kind", width=12),
    Column("region", gettext_lazy("region"), lambda m: m.region.name, width=12),
    Column("chair", gettext_lazy("chaired by"), lambda m: m.chair, width=12),
    Column("decisions", gettext_lazy("decisions"), lambda m: m.decision_count, kind="number", width=8),
]


# --- my work -------------------------------------------------------------------------------------------

@login_required
def my_work(request: HttpRequest) -> HttpResponse:
    now, rules = timezone.now(), selectors.rules()
    work = selectors.my_work(user=request.user)

    def rows(problems):
        return [{"obj": p, "light": selectors.problem_light(p, now=now, dispatch_rules=rules)} for p in problems]

    def task_rows(tasks):
        return [{"obj": t, "light": selectors.task_light(t, now=now, dispatch_rules=rules)} for t in tasks]

    return _page(request, "dispatch/my_work.html", {
        "title": _("My work"), "tab": "my_work",
        "sections": [
            {"key": "to_handle", "title": _("To handle (my unit leads)"), "rows": rows(work.to_handle)},
            {"key": "helping", "title": _("Helping (my unit assists)"), "rows": rows(work.helping)},
            {"key": "to_assign", "title": _("To assign"), "rows": rows(work.to_assign)},
            {"key": "to_close", "title": _("Resolved, to confirm and close"), "rows": rows(work.to_close)},
        ],
        "task_sections": [
            {"key": "tasks_to_do", "title": _("Tasks my unit is responsible for"), "rows": task_rows(work.tasks_to_do)},
            {"key": "tasks_to_close", "title": _("Completed tasks to close"), "rows": task_rows(work.tasks_to_close)},
        ],
    })


# --- problems ------------------------------------------------------------------------------------------

@login_required
def problem_list(request: HttpRequest) -> HttpResponse:
    now, rules = timezone.now(), selectors.rules()
    form = dforms.ProblemFilterForm(request.GET or None, user=request.user)
    filters = {**form.filters(), "sort": request.GET.get("sort", "")}
    kpi_label = _kpi_caption(request) if filters.get("kpi") else ""
    queryset = selectors.problem_list(user=request.user, filters=filters, now=now)
    return render_list(request, template="dispatch/problem_list.html", title=_("Problems"),
                       queryset=queryset, columns=problem_columns(now, rules), form=form, export_name=_("Problems"),
                       extra={"tab": "problems", "unread": selectors.unread_count(user=request.user),
                              "kpi_label": kpi_label, "can_raise": not perms.is_read_only(request.user)},
                       ledger=lambda: _ledgers().problems_response(queryset))


def _ledgers():
    from devzone.reports import ledgers

    return ledgers


def _kpi_caption(request: HttpRequest) -> str:
    metric, _dot, part = request.GET.get("kpi", "").partition(".")
    label = KPI_LABELS.get(metric, metric)
    part_label = {"num": _("numerator"), "den": _("denominator")}.get(part, "")
    return f"{selectors.parse_period(request.GET.get('period')).label} · {label} {part_label}".strip()


@login_required
def problem_detail(request: HttpRequest, pk: int, forms: dict | None = None) -> HttpResponse:
    problem = _get_or_404(selectors.problem_get, user=request.user, problem_id=pk)
    now, rules = timezone.now(), selectors.rules()
    actions = services.problem_actions(request.user, problem)
    forms = forms or {}
    if "assign" in actions:
        forms.setdefault("assign", dforms.AssignForm(user=request.user, initial={
            "lead_unit": problem.lead_unit_id, "helping_units": [d.pk for d in problem.helping_units.all()]}))
    for action, form_class in (("resolve", dforms.ResolveForm), ("close", dforms.CloseForm),
                               ("return", dforms.ReasonForm), ("note", dforms.NoteForm)):
        if action in actions:
            forms.setdefault(action, form_class())
    return _page(request, "dispatch/problem_detail.html", {
        "title": problem.title, "tab": "problems", "problem": problem, "actions": actions, "forms": forms,
        "light": selectors.problem_light(problem, now=now, dispatch_rules=rules),
        "overdue_days": days_overdue(problem.deadline, problem.resolved_at or now),
        "steps": [(Escalation(level).label, at, problem.escalation_level >= level)
                  for level, at in selectors.problem_step_times(problem, rules)],
        "events": list(problem.events.all()), "late": bool(problem.deadline and now > problem.deadline),
        "raiser_closes": problem.raised_by_id == request.user.pk,
    })


@login_required
def problem_create(request: HttpRequest) -> HttpResponse:
    form = dforms.ProblemForm(request.POST or None, user=request.user)
    if request.method == "POST":
        done = submit_form(request, form, lambda data: services.problem_create(actor=request.user, data=data),
                           _("Problem raised."))
        if done:
            return done
    return _page(request, "dispatch/form.html", {"form": form, "title": _("Raise a problem"), "tab": "problems"})


@login_required
def problem_edit(request: HttpRequest, pk: int) -> HttpResponse:
    problem = _get_or_404(selectors.problem_get, user=request.user, problem_id=pk)
    form = dforms.ProblemForm(request.POST or None, instance=problem, user=request.user)
    if request.method == "POST":
        def save(data: dict):
            return services.problem_update(actor=request.user, problem=problem, data=data,
                                           expected_updated_at=form.cleaned_data.get("updated_at"))
        done = submit_form(request, form, save, _("Problem saved."))
        if done:
            return done
    return _page(request, "dispatch/form.html", {"form": form, "title": _("Edit %s") % problem.number,
                                                 "tab": "problems"})


PROBLEM_ACTION_MESSAGES = {
    "assign": gettext_lazy("Assigned."), "start": gettext_lazy("Accepted; the problem is being handled."),
    "resolve": gettext_lazy("Resolved."), "close": gettext_lazy("Closed."), "return": gettext_lazy("Returned."),
    "note": gettext_lazy("Note added."),
}


def _problem_action_call(request: HttpRequest, problem, action: str) -> tuple[object | None, Callable | None]:
    """The bound form (if the action has one) and the service call that performs the action."""
    user, post = request.user, request.POST
    if action == "assign":
        form = dforms.AssignForm(post, user=user)
        return form, lambda d: services.problem_assign(actor=user, problem=problem, lead_unit=d["lead_unit"],
                                                       helping_units=list(d["helping_units"]), handler=d["handler"],
                                                       note=d["note"])
    if action == "start":
        return None, lambda d: services.problem_start(actor=user, problem=problem)
    if action == "resolve":
        form = dforms.ResolveForm(post)
        return form, lambda d: services.problem_resolve(actor=user, problem=problem, result=d["result"],
                                                        resolution=d["resolution"],
                                                        late_explanation=d["late_explanation"])
    if action == "close":
        form = dforms.CloseForm(post)
        return form, lambda d: services.problem_close(actor=user, problem=problem, satisfaction=d["satisfaction"],
                                                      note=d["note"])
    if action == "return":
        form = dforms.ReasonForm(post)
        return form, lambda d: services.problem_return(actor=user, problem=problem, reason=d["reason"])
    if action == "note":
        form = dforms.NoteForm(post)
        return form, lambda d: services.problem_add_note(actor=user, problem=problem, note=d["note"])
    return None, None


def _run_action(request: HttpRequest, form, call: Callable, message: str) -> bool:
    """Validate the form and call the service; errors land on the form (or as a message). True on success."""
    if form is not None and not form.is_valid():
        return False
    try:
        call(form.cleaned_data if form is not None else {})
    except DomainError as exc:
        if form is None:
            messages.error(request, exc.message)
            return True  # nothing to re-render; the message explains
        attached = False
        for detail in exc.details:
            if detail.get("field") in form.fields:
                form.add_error(detail["field"], detail.get("message", ""))
                attached = True
        if not attached:
            form.add_error(None, exc.message)
        return False
    messages.success(request, message)
    return True


@login_required
@require_POST
def problem_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    problem = _get_or_404(selectors.problem_get, user=request.user, problem_id=pk)
    form, call = _problem_action_call(request, problem, action)
    if call is None:
        raise Http404
    if _run_action(request, form, call, str(PROBLEM_ACTION_MESSAGES[action])):
        return redirect(_next_url(request, reverse("dispatch:problem", args=[pk])))
    return problem_detail(request, pk, forms={action: form})


def _next_url(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


# --- tasks ---------------------------------------------------------------------------------------------

@login_required
def task_list(request: HttpRequest) -> HttpResponse:
    now, rules = timezone.now(), selectors.rules()
    form = dforms.TaskFilterForm(request.GET or None, user=request.user)
    filters = {**form.filters(), "sort": request.GET.get("sort", "")}
    return render_list(request, template="dispatch/task_list.html", title=_("Tasks"),
                       queryset=selectors.task_list(user=request.user, filters=filters, now=now),
                       columns=task_columns(now, rules), form=form, export_name=_("Tasks"),
                       extra={"tab": "tasks", "unread": selectors.unread_count(user=request.user),
                              "can_create": perms.can_dispatch(request.user)})


@login_required
def task_detail(request: HttpRequest, pk: int, forms: dict | None = None) -> HttpResponse:
    task = _get_or_404(selectors.task_get, user=request.user, task_id=pk)
    now, rules = timezone.now(), selectors.rules()
    actions = services.task_actions(request.user, task)
    forms = forms or {}
    for action, factory in (("progress", lambda: dforms.ProgressForm(initial={"percent": task.progress_percent})),
                            ("complete", dforms.CompleteForm), ("return", dforms.ReasonForm),
                            ("close", lambda: dforms.NoteForm(prefix="close"))):
        if action in actions:
            forms.setdefault(action, factory())
    instances = [{"obj": t, "light": selectors.task_light(t, now=now, dispatch_rules=rules)}
                 for t in task.instances.all()] if task.is_series else []
    return _page(request, "dispatch/task_detail.html", {
        "title": str(task), "tab": "tasks", "task": task, "actions": actions, "forms": forms,
        "light": selectors.task_light(task, now=now, dispatch_rules=rules), "events": list(task.events.all()),
        "instances": instances, "late": bool(task.due_date and timezone.localdate(now) > task.due_date),
    })


@login_required
def task_create(request: HttpRequest) -> HttpResponse:
    form = dforms.TaskForm(request.POST or None, user=request.user)
    if request.method == "POST":
        done = submit_form(request, form, lambda data: services.task_create(actor=request.user, data=data),
                           _("Task assigned."))
        if done:
            return done
    return _page(request, "dispatch/form.html", {"form": form, "title": _("New supervised task"), "tab": "tasks"})


TASK_ACTION_MESSAGES = {"progress": gettext_lazy("Progress recorded."), "complete": gettext_lazy("Completed."),
                        "return": gettext_lazy("Returned."), "close": gettext_lazy("Closed.")}


@login_required
@require_POST
def task_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    task = _get_or_404(selectors.task_get, user=request.user, task_id=pk)
    user, post = request.user, request.POST
    if action == "progress":
        form = dforms.ProgressForm(post)
        call = lambda d: services.task_progress(actor=user, task=task, note=d["note"], percent=d["percent"])  # noqa: E731
    elif action == "complete":
        form = dforms.CompleteForm(post)
        call = lambda d: services.task_complete(actor=user, task=task, note=d["note"],  # noqa: E731
                                                late_explanation=d["late_explanation"])
    elif action == "return":
        form = dforms.ReasonForm(post)
        call = lambda d: services.task_return(actor=user, task=task, reason=d["reason"])  # noqa: E731
    elif action == "close":
        form = dforms.NoteForm(post, prefix="close")
        form.fields["note"].required = False
        call = lambda d: services.task_close(actor=user, task=task, note=d["note"])  # noqa: E731
    else:
        raise Http404
    if _run_action(request, form, call, str(TASK_ACTION_MESSAGES[action])):
        return redirect(_next_url(request, reverse("dispatch:task", args=[pk])))
    return task_detail(request, pk, forms={action: form})


# --- meetings ------------------------------------------------------------------------------------------

@login_required
def meeting_list(request: HttpRequest) -> HttpResponse:
    form = dforms.MeetingFilterForm(request.GET or None, user=request.user)
    filters = {**form.filters(), "sort": request.GET.get("sort", "")}
    return render_list(request, template="dispatch/meeting_list.html", title=_("Meetings"),
                       queryset=selectors.meeting_list(user=request.user, filters=filters), columns=MEETING_COLUMNS,
                       form=form, export_name=_("Meetings"),
                       extra={"tab": "meetings", "unread": selectors.unread_count(user=request.user),
                              "can_create": not perms.is_read_only(request.user)})


@login_required
def meeting_detail(request: HttpRequest, pk: int, decision_form=None) -> HttpResponse:
    meeting = _get_or_404(selectors.meeting_get, user=request.user, meeting_id=pk)
    writable = not perms.is_read_only(request.user) and perms.covers(request.user, meeting.region)
    return _page(request, "dispatch/meeting_detail.html", {
        "title": meeting.title, "tab": "meetings", "meeting": meeting, "writable": writable,
        "can_dispatch": perms.can_dispatch(request.user), "decisions": list(meeting.decisions.all()),
        "decision_form": decision_form or (dforms.DecisionForm(user=request.user) if writable else None),
    })


@login_required
def meeting_create(request: HttpRequest) -> HttpResponse:
    form = dforms.MeetingForm(request.POST or None, user=request.user)
    if request.method == "POST":
        done = submit_form(request, form, lambda data: services.meeting_create(actor=request.user, data=data),
                           _("Meeting saved."))
        if done:
            return done
    return _page(request, "dispatch/form.html", {"form": form, "title": _("New meeting"), "tab": "meetings"})


@login_required
@require_POST
def meeting_decision_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _get_or_404(selectors.meeting_get, user=request.user, meeting_id=pk)
    form = dforms.DecisionForm(request.POST, user=request.user)
    call = lambda d: services.meeting_add_decision(actor=request.user, meeting=meeting, text=d["text"],  # noqa: E731
                                                   lead_unit=d["lead_unit"], due_date=d["due_date"])
    if _run_action(request, form, call, _("Decision recorded.")):
        return redirect("dispatch:meeting", pk=pk)
    return meeting_detail(request, pk, decision_form=form)


@login_required
@require_POST
def decision_to_task(request: HttpRequest, pk: int, decision_id: int) -> HttpResponse:
    decision = _get_or_404(selectors.decision_get, user=request.user, meeting_id=pk, decision_id=decision_id)
    try:
        task = services.decision_to_task(actor=request.user, decision=decision)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("dispatch:meeting", pk=pk)
    messages.success(request, _("The decision is now a supervised task."))
    return redirect(task.get_absolute_url())


# --- inbox and digest ----------------------------------------------------------------------------------

@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") == "1"
    paginator = Paginator(selectors.notification_list(user=request.user, unread=unread_only), 50)
    page = paginator.get_page(request.GET.get("page"))
    return _page(request, "dispatch/inbox.html", {"title": _("Inbox"), "tab": "inbox", "page": page,
                                                  "unread_only": unread_only})


@login_required
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one message read and go to what it is about."""
    try:
        note = services.notification_mark_read(actor=request.user, notification_id=pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return redirect(note.url or reverse("dispatch:inbox"))


@login_required
@require_POST
def inbox_read_all(request: HttpRequest) -> HttpResponse:
    count = services.notification_mark_all_read(actor=request.user)
    messages.success(request, _("%d messages marked as read.") % count)
    return redirect("dispatch:inbox")


@login_required
def digest(request: HttpRequest) -> HttpResponse:
    try:
        day = date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        day = timezone.localdate()
    data = selectors.daily_digest(user=request.user, day=day)
    return _page(request, "dispatch/digest.html", {"title": _("Daily digest"), "tab": "digest", "digest": data,
                                                   "previous": day.fromordinal(day.toordinal() - 1),
                                                   "following": day.fromordinal(day.toordinal() + 1)})


# --- supervision board ---------------------------------------------------------------------------------

@login_required
def board(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    data = selectors.board(user=request.user, now=now)
    problems_url = reverse("dispatch:problems")
    tasks_url = reverse("dispatch:tasks")
    chart = {
        "categories": [row.unit_name for row in data.overdue_by_unit],
        "links": [f"{problems_url}?{urlencode({'unit': row.unit_id, 'overdue': 'on'})}"
                  for row in data.overdue_by_unit],
        "series": [{"name": str(_("Overdue problems")), "data": [row.count for row in data.overdue_by_unit]}],
    }
    levels = [{"level": level, "label": Escalation(level).label, "count": data.level_counts.get(level, 0),
               "url": f"{problems_url}?{urlencode({'status': 'open', 'level': level})}"}
              for level in Escalation.values]
    return _page(request, "dispatch/board.html", {
        "title": _("Supervision board"), "tab": "board", "board": data, "chart": chart, "levels": levels,
        "problems_url": problems_url, "tasks_url": tasks_url, "now": now,
    })


# --- KPIs ----------------------------------------------------------------------------------------------

KPI_LABELS = {
    "assigned": gettext_lazy("assigned problems"), "completion": gettext_lazy("completion rate"),
    "solve": gettext_lazy("solution rate"), "on_time": gettext_lazy("on-time completion rate"),
    "satisfaction": gettext_lazy("satisfaction rate"), "handling_days": gettext_lazy("average handling days"),
    "overdue": gettext_lazy("overdue count"),
}


def _kpi_row(label: str, unit_id, kpis, period_key: str, list_url: str) -> dict:
    def link(metric: str, part: str = "num") -> str:
        params = {"kpi": f"{metric}.{part}", "period": period_key}
        if unit_id is not None:
            params["unit"] = unit_id
        return f"{list_url}?{urlencode(params)}"

    def ratio(metric: str) -> dict:
        value: Ratio = getattr(kpis, metric)
        return {"percent": value.percent, "num": value.numerator, "den": value.denominator,
                "num_url": link(metric, "num"), "den_url": link(metric, "den")}

    return {
        "label": label, "unit_id": unit_id,
        "assigned": len(kpis.assigned_ids), "assigned_url": link("assigned"),
        "completion": ratio("completion"), "solve": ratio("solve"), "on_time": ratio("on_time"),
        "satisfaction": ratio("satisfaction"),
        "handling_days": kpis.handling_days.value, "handling_url": link("handling_days"),
        "overdue": len(kpis.overdue_ids), "overdue_url": link("overdue"),
    }


@login_required
def kpi_page(request: HttpRequest) -> HttpResponse:
    period = selectors.parse_period(request.GET.get("period"))
    table = selectors.kpi_table(user=request.user, period=period)
    units = selectors.units_by_id(table.by_unit)
    list_url = reverse("dispatch:problems")
    rows = sorted((_kpi_row(units[unit_id].name if unit_id in units else "—", unit_id, kpis, period.key, list_url)
                   for unit_id, kpis in table.by_unit.items()), key=lambda r: (-r["assigned"], r["label"]))
    total = _kpi_row(_("Total"), None, table.total, period.key, list_url) if table.total else None
    return _page(request, "dispatch/kpis.html", {
        "title": _("Problem-handling KPIs"), "tab": "kpis", "period": period, "rows": rows, "total": total,
        "labels": KPI_LABELS,
    })


@login_required
def rules_page(request: HttpRequest) -> HttpResponse:
    return _page(request, "dispatch/rules.html", {"title": _("Time limits and escalation rules"), "tab": "rules",
                                                  "rules": selectors.rules(), "sla": list(selectors.sla_table())})
