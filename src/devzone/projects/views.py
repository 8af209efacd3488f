"""Pages for key projects: the ledger (filters, sort, export, stage funnel), detail with the stage timeline and
evidence, create/edit, stage declaration and verification, suspension and cancellation, evidence, plans and
milestones, monthly reports with the approval queue, the verification queue, warnings, the sponsoring leader's
page and the KPI board. Views parse and render; services and selectors decide."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from devzone.core.errors import DomainError, NotFound
from devzone.core.models import AuditEvent
from devzone.core.services import READ_ONLY_ROLES, role_codes
from devzone.projects import selectors, services
from devzone.projects.api import evidence_response, status_text
from devzone.projects.forms import (
    CancelForm,
    DeclareForm,
    EvidenceForm,
    KpiForm,
    MilestoneForm,
    ProjectFilterForm,
    ProjectForm,
    ReportFilterForm,
    ReportForm,
    ReportReviewForm,
    ResumeForm,
    StageReviewForm,
    SuspendForm,
    YearPlanForm,
)
from devzone.projects.models import LIFECYCLE, ProgressReport, Project, Stage
from devzone.projects.services import KIND_STAGE
from devzone.projects.workflow import stage_label
from devzone.web.formflow import submit_form
from devzone.web.tables import Column, render_list

LIGHT_CSS = {"red": "bg-red text-red-fg", "yellow": "bg-yellow text-yellow-fg", "green": "bg-green text-green-fg",
             "none": "bg-secondary-lt"}
STAGE_CSS = {Stage.PLANNED: "bg-secondary-lt", Stage.SIGNED: "bg-blue-lt", Stage.STARTED: "bg-cyan-lt",
             Stage.COMPLETED: "bg-teal-lt", Stage.PRODUCING: "bg-green-lt", Stage.EFFECTIVE: "bg-green text-green-fg",
             Stage.SUSPENDED: "bg-orange-lt", Stage.CANCELLED: "bg-dark-lt"}
REPORT_CSS = {"submitted": "bg-yellow-lt", "approved": "bg-green-lt", "returned": "bg-red-lt"}


class Badge(str):
    """Text that the ledger table shows as a coloured badge and the Excel export writes as plain text."""

    css: str

    def __new__(cls, text: str, css: str) -> Badge:
        badge = super().__new__(cls, text)
        badge.css = css
        return badge


def light_label(key: str | None) -> str:
    return {"red": _("red light"), "yellow": _("yellow light"), "green": _("green light")}.get(key or "", "—")


def light_badge(project: Project) -> Badge:
    key = getattr(project, "light", None) or "none"
    return Badge(light_label(key), LIGHT_CSS[key])


def stage_badge(project: Project) -> Badge:
    css = "bg-warning text-warning-fg" if project.declared_stage else STAGE_CSS.get(project.stage, "")
    return Badge(status_text(project), css)


def region_label(region) -> str:
    if region.level == region.Level.TOWNSHIP and region.parent_id:
        return f"{region.parent.name} {region.name}"
    return region.name


def _years(p: Project) -> str:
    if p.start_year and p.end_year:
        return f"{p.start_year}-{p.end_year}"
    return str(p.start_year or p.end_year or "")


def project_columns(as_of: date) -> list[Column]:
    year, month = as_of.year, as_of.month
    return [
        Column("code", gettext_lazy("project code"), lambda p: p.code, sort="code", width=14),
        Column("name", gettext_lazy("project name"), lambda p: p.name, sort="name",
               link=lambda p: reverse("projects:detail", args=[p.pk]), width=34),
        Column("stage", gettext_lazy("stage"), stage_badge, sort="stage", kind="badge", width=20),
        Column("region", gettext_lazy("region"), lambda p: region_label(p.region), sort="region", width=16),
        Column("zone", gettext_lazy("zone"), lambda p: p.zone.name if p.zone_id else "", sort="zone", width=20),
        Column("owner", gettext_lazy("owner (construction unit)"), lambda p: p.owner_label, width=28),
        Column("nature", gettext_lazy("nature"), lambda p: p.get_nature_display(), width=8),
        Column("years", gettext_lazy("construction period"), _years, width=11),
        Column("total", gettext_lazy("total investment"), lambda p: p.total_investment, sort="total", kind="money"),
        Column("prior", _("completed by the end of %(year)s") % {"year": year - 1},
               lambda p: p.prior_investment, kind="money"),
        Column("plan", _("planned for %(year)s") % {"year": year}, lambda p: p.year_plan, sort="plan", kind="money"),
        Column("ytd", _("completed Jan–%(month)s") % {"month": f"{month}月"}, lambda p: p.ytd_investment,
               sort="ytd", kind="money"),
        Column("percent", gettext_lazy("share of the year plan (%)"), lambda p: p.plan_percent, sort="percent",
               kind="money", width=10),
        Column("light", gettext_lazy("light"), light_badge, sort="lag", kind="badge", width=8),
        Column("image", gettext_lazy("image progress"), lambda p: p.latest_image or "", width=30),
        Column("leader", gettext_lazy("sponsoring leader"), lambda p: p.leader_label, sort="leader", width=10),
        Column("unit", gettext_lazy("responsible unit"), lambda p: p.unit_label, width=18),
        Column("problems", gettext_lazy("problems"), lambda p: p.latest_problems or "", width=30),
    ]


def _get(fn, **kwargs):
    try:
        return fn(**kwargs)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def can_write(user) -> bool:
    codes = role_codes(user)
    return user.is_superuser or not codes or not codes <= READ_ONLY_ROLES


def _as_of(request: HttpRequest) -> date:
    try:
        return selectors.parse_date(request.GET.get("as_of")) or selectors.default_as_of()
    except DomainError:
        return selectors.default_as_of()


# --- the ledger ------------------------------------------------------------------------------------------

@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    form = ProjectFilterForm(request.GET or None, user=request.user)
    as_of = _as_of(request)
    filters = {**form.filters(), "sort": request.GET.get("sort", "")}
    for key in ("cohort", "kpi", "part", "warning"):  # the rows behind a KPI number or a warning
        if request.GET.get(key):
            filters[key] = request.GET[key]
    try:
        queryset = selectors.project_list(user=request.user, filters=filters, as_of=as_of)
    except DomainError as exc:
        messages.error(request, exc.message)
        queryset = selectors.project_list(user=request.user, filters=form.filters(), as_of=as_of)
    funnel = selectors.stage_funnel(queryset)
    funnel["labels"] = {"declared": _("declared, not verified")}
    return render_list(request, template="projects/project_list.html", title=_("Project ledger"),
                       queryset=queryset, columns=project_columns(as_of), form=form,
                       export_name=_("Key project ledger"), unit=_("Unit: 10k yuan"),
                       extra={"as_of": as_of, "funnel": funnel,
                              "kpi_filter": filters.get("kpi") or filters.get("warning")},
                       ledger=lambda: _ledger().projects_response(queryset, as_of))


def _ledger():
    from devzone.reports import ledgers

    return ledgers


def _audit_history(project: Project) -> list[AuditEvent]:
    related = {
        "projects.progressreport": [r.pk for r in project.reports.all()],
        "projects.evidence": [e.pk for e in project.evidence.all()],
        "projects.milestone": [m.pk for m in project.milestones.all()],
        "projects.projectyearplan": [p.pk for p in project.year_plans.all()],
    }
    q = Q(object_type="projects.project", object_id=str(project.pk))
    for object_type, ids in related.items():
        if ids:
            q |= Q(object_type=object_type, object_id__in=[str(i) for i in ids])
    return list(AuditEvent.objects.filter(q).order_by("-seq")[:100])


def _timeline(project: Project) -> list[dict]:
    rows = {s.stage: s for s in project.stages.all()}
    evidence: dict[str, list] = {}
    for item in project.evidence.all():
        if item.report_id:
            continue
        evidence.setdefault(item.stage or KIND_STAGE.get(item.kind, ""), []).append(item)
    current = LIFECYCLE.index(project.resume_stage or project.stage) if (project.resume_stage or project.stage) \
        in LIFECYCLE else -1
    timeline = []
    for index, stage in enumerate(LIFECYCLE):
        row = rows.get(stage)
        timeline.append({"stage": stage, "label": stage_label(stage), "row": row, "evidence": evidence.get(stage, []),
                         "reached": index <= current, "declared": project.declared_stage == stage})
    return timeline


@login_required
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = _get(selectors.project_get, user=request.user, project_id=pk)
    as_of = selectors.default_as_of()
    ledger = selectors.project_get_ledger(user=request.user, project_id=pk, as_of=as_of)
    today = timezone.localdate()
    missing = services.missing_for(project, project.declared_stage) if project.declared_stage else []
    writer, office = can_write(request.user), services.can_verify(request.user)
    intensity, threshold, meets = selectors.intensity(project)
    milestones = [{"m": m, "overdue": m.done_on is None and m.planned_date < today} for m in project.milestones.all()]
    reports = list(project.reports.all())
    chart = {"categories": [r.period_label for r in sorted(reports, key=lambda r: r.period)
                            if r.status == ProgressReport.Status.APPROVED and not _superseded(r, reports)],
             "series": [{"name": _("investment completed this month"),
                         "data": [float(r.investment_month) for r in sorted(reports, key=lambda r: r.period)
                                  if r.status == ProgressReport.Status.APPROVED and not _superseded(r, reports)]}]}
    return render(request, "projects/project_detail.html", {
        "project": project, "ledger": ledger, "title": project.name, "as_of": as_of,
        "status": stage_badge(project), "light": light_badge(ledger), "timeline": _timeline(project),
        "missing": missing, "can_write": writer, "can_verify": office,
        "intensity": intensity, "threshold": threshold, "meets_threshold": meets, "milestones": milestones,
        "reports": reports, "report_css": REPORT_CSS, "events": list(project.events.all()),
        "history": _audit_history(project), "chart": chart,
        "declare_form": DeclareForm(project=project) if writer and project.stage in LIFECYCLE else None,
        "evidence_form": EvidenceForm() if writer else None,
        "plan_form": YearPlanForm() if writer else None, "milestone_form": MilestoneForm() if writer else None,
    })


def _superseded(report: ProgressReport, reports: list[ProgressReport]) -> bool:
    return any(r.corrects_id == report.pk and r.status == ProgressReport.Status.APPROVED for r in reports)


@login_required
def project_create(request: HttpRequest) -> HttpResponse:
    form = ProjectForm(request.POST or None, user=request.user)
    if request.method == "POST":
        done = submit_form(request, form, lambda data: services.project_create(actor=request.user, data=data),
                           _("Project saved."))
        if done:
            return done
    return render(request, "projects/project_form.html", {"form": form, "title": _("New key project")})


@login_required
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = _get(selectors.project_get, user=request.user, project_id=pk)
    form = ProjectForm(request.POST or None, instance=project, user=request.user)
    if request.method == "POST":
        def save(data: dict):
            return services.project_update(actor=request.user, project=project, data=data,
                                           expected_updated_at=form.cleaned_data.get("updated_at"))
        done = submit_form(request, form, save, _("Project saved."))
        if done:
            return done
    return render(request, "projects/project_form.html",
                  {"form": form, "project": project, "title": _("Edit %s") % project.name})


# --- workflow actions ------------------------------------------------------------------------------------

def _action(request: HttpRequest, *, project: Project, form, save, message: str, title: str,
            extra: dict | None = None) -> HttpResponse:
    if request.method == "POST":
        done = submit_form(request, form, save, message)
        if done:
            return done
    return render(request, "projects/action.html", {"form": form, "project": project, "title": title,
                                                    **(extra or {})})


def _project_for(request: HttpRequest, pk: int) -> Project:
    return _get(services.project_for_update, user=request.user, project_id=pk)


@login_required
def project_declare(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project_for(request, pk)
    form = DeclareForm(request.POST or None, project=project)
    return _action(request, project=project, form=form, message=_("Stage declared; it counts once verified."),
                   title=_("Declare a stage: %s") % project.name,
                   save=lambda d: services.project_declare_stage(actor=request.user, project=project,
                                                                 stage=d["stage"], date=d["date"],
                                                                 note=d.get("note", "")))


@login_required
def project_verify(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project_for(request, pk)
    if not project.declared_stage:
        messages.info(request, _("Nothing awaits verification."))
        return redirect(project.get_absolute_url())
    stage = project.declared_stage
    form = StageReviewForm(request.POST or None)

    def save(data: dict):
        if data["decision"] == "verify":
            return services.project_verify_stage(actor=request.user, project=project, stage=stage)
        return services.project_return_stage(actor=request.user, project=project, stage=stage,
                                             reason=data.get("reason", ""))

    return _action(request, project=project, form=form, save=save, message=_("Decision recorded."),
                   title=_("Verify: %(stage)s of %(name)s") % {"stage": stage_label(stage), "name": project.name},
                   extra={"missing": services.missing_for(project, stage), "declared": stage_label(stage),
                          "stage_row": project.stages.filter(stage=stage).first()})


@login_required
def project_suspend(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project_for(request, pk)
    form = SuspendForm(request.POST or None)
    return _action(request, project=project, form=form, message=_("Project suspended."),
                   title=_("Suspend: %s") % project.name,
                   save=lambda d: services.project_suspend(actor=request.user, project=project, date=d["date"],
                                                           reason=d["reason"]))


@login_required
def project_resume(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project_for(request, pk)
    form = ResumeForm(request.POST or None)
    return _action(request, project=project, form=form, message=_("Construction resumed."),
                   title=_("Resume: %s") % project.name,
                   save=lambda d: services.project_resume(actor=request.user, project=project, date=d["date"],
                                                          note=d.get("note", "")))


@login_required
def project_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project_for(request, pk)
    form = CancelForm(request.POST or None, user=request.user, project=project)
    return _action(request, project=project, form=form, message=_("Project cancelled."),
                   title=_("Cancel: %s") % project.name,
                   save=lambda d: services.project_cancel(actor=request.user, project=project, date=d["date"],
                                                          reason=d["reason"], replacement=d.get("replacement")))


@login_required
def evidence_upload(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project_for(request, pk)
    form = EvidenceForm(request.POST or None, request.FILES or None, initial={"stage": request.GET.get("stage", ""),
                                                                              "kind": request.GET.get("kind", "")})

    def save(d: dict):
        services.evidence_upload(actor=request.user, project=project, kind=d["kind"], upload=d["file"],
                                 stage=d.get("stage") or "", document_number=d.get("document_number", ""),
                                 taken_on=d.get("taken_on"), note=d.get("note", ""))
        return project

    return _action(request, project=project, form=form, save=save, message=_("File uploaded."),
                   title=_("Upload evidence: %s") % project.name)


@login_required
def evidence_file(request: HttpRequest, evidence_id: int) -> HttpResponse:
    """Serve an upload only to users whose jurisdiction covers its project (no public /media/ URL)."""
    evidence = _get(selectors.evidence_get, user=request.user, evidence_id=evidence_id)
    return evidence_response(evidence)


@login_required
@require_POST
def evidence_delete(request: HttpRequest, evidence_id: int) -> HttpResponse:
    evidence = _get(selectors.evidence_get, user=request.user, evidence_id=evidence_id)
    project = evidence.project
    try:
        services.evidence_delete(actor=request.user, evidence=evidence)
        messages.success(request, _("File removed."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(project.get_absolute_url())


@login_required
def year_plan(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project_for(request, pk)
    form = YearPlanForm(request.POST or None)
    return _action(request, project=project, form=form, message=_("Year plan saved."),
                   title=_("Year plan: %s") % project.name,
                   save=lambda d: services.project_year_plan_set(actor=request.user, project=project, year=d["year"],
                                                                 planned_investment=d["planned_investment"])
                   and project)


@login_required
def milestone_add(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project_for(request, pk)
    form = MilestoneForm(request.POST or None)
    return _action(request, project=project, form=form, message=_("Milestone added."),
                   title=_("Add a milestone: %s") % project.name,
                   save=lambda d: services.milestone_create(actor=request.user, project=project, name=d["name"],
                                                            planned_date=d["planned_date"],
                                                            note=d.get("note", "")) and project)


@login_required
@require_POST
def milestone_done(request: HttpRequest, milestone_id: int) -> HttpResponse:
    milestone = _get(selectors.milestone_get, user=request.user, milestone_id=milestone_id)
    try:
        done_on = selectors.parse_date(request.POST.get("done_on"), "done_on") or timezone.localdate()
        services.milestone_complete(actor=request.user, milestone=milestone, done_on=done_on)
        messages.success(request, _("Milestone done."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(milestone.project.get_absolute_url())


@login_required
def verification_queue(request: HttpRequest) -> HttpResponse:
    projects = list(selectors.verification_queue(user=request.user)[:500])
    return render(request, "projects/verification_queue.html", {
        "title": _("Declarations awaiting verification"), "projects": projects,
        "can_verify": services.can_verify(request.user)})


# --- monthly reports -------------------------------------------------------------------------------------

REPORT_COLUMNS = [
    Column("period", gettext_lazy("month"), lambda r: r.period_label, sort="period", width=9,
           link=lambda r: reverse("projects:report", args=[r.pk])),
    Column("project", gettext_lazy("project name"), lambda r: r.project.name, sort="project", width=34,
           link=lambda r: reverse("projects:detail", args=[r.project_id])),
    Column("region", gettext_lazy("region"), lambda r: region_label(r.project.region), sort="region", width=16),
    Column("investment", gettext_lazy("investment completed this month"), lambda r: r.investment_month,
           sort="investment", kind="money"),
    Column("percent", gettext_lazy("image progress (%)"), lambda r: r.image_percent, kind="number", width=8),
    Column("image", gettext_lazy("image progress"), lambda r: r.image_progress, width=30),
    Column("problems", gettext_lazy("problems raised"), lambda r: r.problems, width=30),
    Column("status", gettext_lazy("status"), lambda r: Badge(
        r.get_status_display() + (_(" (correction)") if r.corrects_id else ""), REPORT_CSS[r.status]),
        sort="status", kind="badge", width=12),
    Column("submitted", gettext_lazy("submitted at"), lambda r: r.submitted_at, sort="submitted", kind="date"),
]


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    form = ReportFilterForm(request.GET or None, user=request.user)
    filters = {**form.filters(), "sort": request.GET.get("sort", "")}
    try:
        queryset = selectors.report_list(user=request.user, filters=filters)
    except DomainError as exc:
        messages.error(request, exc.message)
        queryset = selectors.report_list(user=request.user)
    pending = selectors.report_list(user=request.user, filters={"status": "submitted"}).count()
    return render_list(request, template="projects/report_list.html", title=_("Monthly dispatch"),
                       queryset=queryset, columns=REPORT_COLUMNS, form=form, export_name=_("Monthly dispatch"),
                       unit=_("Unit: 10k yuan"),
                       extra={"pending": pending, "can_verify": services.can_verify(request.user)})


@login_required
def report_create(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project_for(request, pk)
    form = ReportForm(request.POST or None, request.FILES or None)
    return _action(request, project=project, form=form, message=_("Report submitted for approval."),
                   title=_("Monthly report: %s") % project.name,
                   save=lambda d: services.report_submit(actor=request.user, project=project,
                                                         **form.service_kwargs()))


@login_required
def report_detail(request: HttpRequest, report_id: int) -> HttpResponse:
    report = _get(selectors.report_get, user=request.user, report_id=report_id)
    history = list(report.project.reports.all())
    office = services.can_verify(request.user)
    return render(request, "projects/report_detail.html", {
        "report": report, "project": report.project, "title": f"{report.project.name} {report.period_label}",
        "history": history, "report_css": REPORT_CSS, "can_verify": office, "can_write": can_write(request.user),
        "review_form": ReportReviewForm() if office and report.status == "submitted" else None,
        "correction": getattr(report, "correction", None),
    })


@login_required
@require_POST
def report_review(request: HttpRequest, report_id: int) -> HttpResponse:
    report = _get(selectors.report_get, user=request.user, report_id=report_id)
    form = ReportReviewForm(request.POST)

    def save(data: dict):
        if data["decision"] == "approve":
            return services.report_approve(actor=request.user, report=report)
        return services.report_return(actor=request.user, report=report, reason=data.get("reason", ""))

    done = submit_form(request, form, save, _("Decision recorded."))
    if done:
        return done
    history = list(report.project.reports.all())
    return render(request, "projects/report_detail.html", {
        "report": report, "project": report.project, "title": f"{report.project.name} {report.period_label}",
        "history": history, "report_css": REPORT_CSS, "can_verify": True, "review_form": form,
        "can_write": can_write(request.user)}, status=200)


@login_required
def report_fix(request: HttpRequest, report_id: int) -> HttpResponse:
    """Correct an approved report (a new record) or resubmit a returned one."""
    report = _get(selectors.report_get, user=request.user, report_id=report_id)
    initial = {"investment_month": report.investment_month, "image_progress": report.image_progress,
               "image_percent": report.image_percent, "problems": report.problems}
    form = ReportForm(request.POST or None, request.FILES or None, fixed_period=True, initial=initial)

    def save(data: dict):
        kwargs = form.service_kwargs()
        if report.status == ProgressReport.Status.RETURNED:
            return services.report_resubmit(actor=request.user, report=report, **kwargs)
        return services.report_correct(actor=request.user, report=report, **kwargs)

    title = (_("Resubmit %(period)s: %(name)s") if report.status == "returned"
             else _("Correct %(period)s: %(name)s")) % {"period": report.period_label, "name": report.project.name}
    return _action(request, project=report.project, form=form, save=save,
                   message=_("Report submitted for approval."), title=title, extra={"report": report})


# --- warnings, leader, KPIs ------------------------------------------------------------------------------

WARNING_ROWS = 15


@login_required
def warnings(request: HttpRequest) -> HttpResponse:
    found = selectors.warnings_for(user=request.user, limit=WARNING_ROWS)
    return render(request, "projects/warnings.html", {"title": _("Project warnings"), "w": found,
                                                      "rules": services.rules_get()})


@login_required
def sponsored(request: HttpRequest) -> HttpResponse:
    """我包抓的项目: the signed-in leader's projects with their lights and warnings."""
    as_of = selectors.default_as_of()
    projects = list(selectors.sponsored_projects(user=request.user, as_of=as_of))
    found = selectors.warnings_for(user=request.user, leader=request.user, limit=WARNING_ROWS)
    rows = [{"p": p, "light": light_badge(p), "status": stage_badge(p)} for p in projects]
    counts = {key: sum(1 for p in projects if p.light == key) for key in ("red", "yellow", "green")}
    return render(request, "projects/sponsored.html", {"title": _("My sponsored projects"), "rows": rows,
                                                       "as_of": as_of, "w": found, "counts": counts})


@login_required
def kpi_board(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    form = KpiForm(request.GET or None, initial={"cohort": str(today.year), "as_of": today, "group_by": "county"})
    cohort, as_of, group_by = str(today.year), today, "county"
    if form.is_bound and form.is_valid():
        cohort, as_of = form.cleaned_data["cohort"], form.cleaned_data["as_of"]
        group_by = form.cleaned_data.get("group_by") or "county"
    try:
        report = selectors.project_kpis(user=request.user, cohort=cohort, as_of=as_of, group_by=group_by)
    except DomainError as exc:
        messages.error(request, exc.message)
        report = None
    list_url = reverse("projects:list")

    def link(key: str, part: str, region=None) -> str:
        params = {"cohort": cohort, "as_of": as_of.isoformat(), "kpi": key, "part": part}
        if region and group_by == "county":
            params["region"] = region
        if region and group_by == "zone":
            params["zone"] = region
        return f"{list_url}?{urlencode(params)}"

    rows = []
    if report is not None:
        for label, group_id, kpi in [(_("Whole jurisdiction"), None, report.overall),
                                     *[(g.name, g.id, g.kpi) for g in report.groups]]:
            rows.append({"label": label, "id": group_id, "rates": [
                {"rate": r, "num_url": link(r.key, "numerator", group_id),
                 "den_url": link(r.key, "denominator", group_id)} for r in kpi.rates],
                "tiers": [{"tier": t, "url": link(t.key, "members", group_id)} for t in kpi.tiers]})
    chart = None
    if report is not None and report.groups:
        chart = {"categories": [g.name for g in report.groups],
                 "series": [{"name": r.label, "data": [float(getattr(g.kpi, r.key).value or 0)
                                                      for g in report.groups]}
                            for r in report.overall.rates]}
    return render(request, "projects/kpis.html", {"title": _("Project KPIs"), "form": form, "report": report,
                                                  "rows": rows, "chart": chart, "cohort": cohort, "as_of": as_of})
