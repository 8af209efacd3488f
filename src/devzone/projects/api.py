"""API for key projects: the ledger, the stage workflow (declare, verify, return), evidence, monthly reports and
their approval, plans, milestones, warnings and KPIs (each rate with the ids behind it)."""


from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import FileResponse, HttpRequest
from django.urls import reverse
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate

from devzone.api.schemas import ERRORS, READ_ERRORS
from devzone.core import selectors as core_selectors
from devzone.core.errors import ValidationFailed
from devzone.core.exports import money
from devzone.core.models import User
from devzone.enterprises import selectors as enterprise_selectors
from devzone.projects import selectors, services
from devzone.projects.kpis import KpiSet, Rate
from devzone.projects.models import (
    BatchEntry,
    Evidence,
    Milestone,
    ProgressReport,
    Project,
    ProjectStage,
    Stage,
    StageEvent,
)
from devzone.projects.workflow import stage_label

router = Router(tags=["projects"])


# --- schemas ---------------------------------------------------------------------------------------------

def status_text(project: Project) -> str:
    """"签约", or "签约 · 开工申报未认定" when a declared stage awaits verification."""
    text = stage_label(project.stage)
    if project.declared_stage:
        text += f" · {stage_label(project.declared_stage)}申报未认定"
    return text


class ProjectOut(Schema):
    id: int
    code: str
    name: str
    region_id: int
    region_name: str
    zone_id: int | None
    zone_name: str | None
    owner_id: int | None
    owner_name: str
    category: Project.Category
    nature: Project.Nature
    provincial_key: bool
    city_key: bool
    hundred_major: bool
    government_invested: bool
    total_investment: Decimal
    start_year: int | None
    end_year: int | None
    stage: Stage
    declared_stage: str
    status_text: str
    leader_id: int | None
    leader_name: str
    responsible_unit_name: str
    year_plan: Decimal | None = None
    ytd_investment: Decimal | None = None
    cumulative_investment: Decimal | None = None
    plan_percent: Decimal | None = None
    lag_points: Decimal | None = None
    light: str | None = None
    updated_at: datetime

    @staticmethod
    def resolve_region_name(obj: Project) -> str:
        return obj.region.name

    @staticmethod
    def resolve_zone_name(obj: Project) -> str | None:
        return obj.zone.name if obj.zone_id else None

    @staticmethod
    def resolve_owner_name(obj: Project) -> str:
        return obj.owner_label

    @staticmethod
    def resolve_leader_name(obj: Project) -> str:
        return obj.leader_label

    @staticmethod
    def resolve_responsible_unit_name(obj: Project) -> str:
        return obj.unit_label

    @staticmethod
    def resolve_status_text(obj: Project) -> str:
        return status_text(obj)

    @staticmethod
    def resolve_year_plan(obj: Project) -> Decimal | None:
        return money(getattr(obj, "year_plan", None))

    @staticmethod
    def resolve_ytd_investment(obj: Project) -> Decimal | None:
        return money(getattr(obj, "ytd_investment", None))

    @staticmethod
    def resolve_cumulative_investment(obj: Project) -> Decimal | None:
        return money(getattr(obj, "cumulative_investment", None))

    @staticmethod
    def resolve_plan_percent(obj: Project) -> Decimal | None:
        return money(getattr(obj, "plan_percent", None))

    @staticmethod
    def resolve_lag_points(obj: Project) -> Decimal | None:
        return money(getattr(obj, "lag_points", None))


class StageOut(Schema):
    stage: str
    label: str
    planned_date: date | None
    actual_date: date | None
    status: str
    verified_at: datetime | None
    return_reason: str

    @staticmethod
    def resolve_label(obj: ProjectStage) -> str:
        return stage_label(obj.stage)


class EvidenceOut(Schema):
    id: int
    kind: Evidence.Kind
    stage: str
    report_id: int | None
    original_name: str
    content_type: str
    size: int
    sha256: str
    document_number: str
    taken_on: date | None
    taken_on_source: str
    url: str
    created_at: datetime

    @staticmethod
    def resolve_url(obj: Evidence) -> str:
        return reverse("api:evidence_file", args=[obj.pk])


class YearPlanOut(Schema):
    year: int
    planned_investment: Decimal
    updated_at: datetime


class MilestoneOut(Schema):
    id: int
    name: str
    planned_date: date
    done_on: date | None
    note: str
    updated_at: datetime


class EventOut(Schema):
    action: StageEvent.Action
    stage: str
    on: date | None
    actor: str | None
    note: str
    created_at: datetime

    @staticmethod
    def resolve_actor(obj: StageEvent) -> str | None:
        return obj.actor.get_username() if obj.actor_id else None


class BatchEntryOut(Schema):
    batch_id: int
    batch_name: str
    list_kind: BatchEntry.List

    @staticmethod
    def resolve_batch_name(obj: BatchEntry) -> str:
        return obj.batch.name


class ProjectDetailOut(ProjectOut):
    industry_code: str | None
    chain_link: str
    content_scale: str
    land_mu: Decimal | None
    own_land: bool
    lon: Decimal | None
    lat: Decimal | None
    responsible_unit_id: int | None
    service_officer_id: int | None
    mark_high_end: bool
    mark_smart: bool
    mark_green: bool
    mark_integrated: bool
    agreement_amount: Decimal | None
    agreement_counterpart: str
    committed_output: Decimal | None
    committed_tax: Decimal | None
    suspended_on: date | None
    cancelled_on: date | None
    cancel_reason: str
    replaces_id: int | None
    replacement_id: int | None
    stages: list[StageOut]
    evidence: list[EvidenceOut]
    year_plans: list[YearPlanOut]
    milestones: list[MilestoneOut]
    events: list[EventOut]
    batches: list[BatchEntryOut]

    @staticmethod
    def resolve_industry_code(obj: Project) -> str | None:
        return obj.industry.code if obj.industry_id else None

    @staticmethod
    def resolve_replacement_id(obj: Project) -> int | None:
        replacement = getattr(obj, "replacement", None)
        return replacement.pk if replacement else None

    @staticmethod
    def resolve_stages(obj: Project) -> list:
        return sorted(obj.stages.all(), key=lambda s: list(Stage.values).index(s.stage))

    @staticmethod
    def resolve_evidence(obj: Project) -> list:
        return list(obj.evidence.all())

    @staticmethod
    def resolve_year_plans(obj: Project) -> list:
        return list(obj.year_plans.all())

    @staticmethod
    def resolve_milestones(obj: Project) -> list:
        return list(obj.milestones.all())

    @staticmethod
    def resolve_events(obj: Project) -> list:
        return list(obj.events.all())

    @staticmethod
    def resolve_batches(obj: Project) -> list:
        return list(obj.batch_entries.all())


class ProjectFilters(Schema):
    q: str | None = None
    stage: Stage | None = None
    declared_stage: Stage | None = None
    verification: str | None = None
    region: int | None = None
    zone: int | None = None
    level: str | None = None
    batch: int | None = None
    category: Project.Category | None = None
    nature: Project.Nature | None = None
    industry: str | None = None
    leader: str | None = None
    light: str | None = None
    as_of: date | None = None
    cohort: str | None = None
    kpi: str | None = None
    part: str | None = None
    sort: str | None = None


PROJECT_INPUT_FIELDS = {
    "code": (str, ""), "owner_name": (str, ""), "chain_link": (str, ""), "content_scale": (str, ""),
    "leader_name": (str, ""), "responsible_unit_name": (str, ""), "agreement_counterpart": (str, ""),
}


class ProjectIn(Schema):
    name: str
    region_id: int
    total_investment: Decimal
    code: str = ""
    zone_id: int | None = None
    owner_id: int | None = None
    owner_name: str = ""
    industry_code: str | None = None
    chain_link: str = ""
    category: Project.Category = Project.Category.INDUSTRY
    nature: Project.Nature = Project.Nature.NEW
    provincial_key: bool = False
    city_key: bool = False
    hundred_major: bool = False
    government_invested: bool = False
    content_scale: str = ""
    start_year: int | None = None
    end_year: int | None = None
    land_mu: Decimal | None = None
    own_land: bool = False
    lon: Decimal | None = None
    lat: Decimal | None = None
    leader_id: int | None = None
    leader_name: str = ""
    responsible_unit_id: int | None = None
    responsible_unit_name: str = ""
    service_officer_id: int | None = None
    mark_high_end: bool = False
    mark_smart: bool = False
    mark_green: bool = False
    mark_integrated: bool = False
    agreement_amount: Decimal | None = None
    agreement_counterpart: str = ""
    committed_output: Decimal | None = None
    committed_tax: Decimal | None = None
    stage: str = Stage.PLANNED
    stage_date: date | None = None


class ProjectPatch(Schema):
    updated_at: datetime
    name: str | None = None
    code: str | None = None
    region_id: int | None = None
    zone_id: int | None = None
    owner_id: int | None = None
    owner_name: str | None = None
    industry_code: str | None = None
    chain_link: str | None = None
    category: Project.Category | None = None
    nature: Project.Nature | None = None
    provincial_key: bool | None = None
    city_key: bool | None = None
    hundred_major: bool | None = None
    government_invested: bool | None = None
    content_scale: str | None = None
    total_investment: Decimal | None = None
    start_year: int | None = None
    end_year: int | None = None
    land_mu: Decimal | None = None
    own_land: bool | None = None
    lon: Decimal | None = None
    lat: Decimal | None = None
    leader_id: int | None = None
    leader_name: str | None = None
    responsible_unit_id: int | None = None
    responsible_unit_name: str | None = None
    service_officer_id: int | None = None
    mark_high_end: bool | None = None
    mark_smart: bool | None = None
    mark_green: bool | None = None
    mark_integrated: bool | None = None
    agreement_amount: Decimal | None = None
    agreement_counterpart: str | None = None
    committed_output: Decimal | None = None
    committed_tax: Decimal | None = None


NULLABLE = {"zone", "owner", "industry", "leader", "responsible_unit", "service_officer", "start_year", "end_year",
            "land_mu", "lon", "lat", "agreement_amount", "committed_output", "committed_tax"}


def _user_ref(user_id: int | None, field: str) -> User | None:
    if not user_id:
        return None
    found = User.objects.filter(pk=user_id, is_active=True).first()
    if found is None:
        raise ValidationFailed(f"用户 {user_id} 不存在", details=[{"field": field, "message": "用户不存在"}])
    return found


def resolve_project_refs(user, data: dict[str, Any], *, patch: bool = False) -> dict[str, Any]:
    """Turn *_id / industry_code into objects the user may see (404 for a region or zone outside scope)."""
    refs = {
        "region_id": ("region", lambda v: core_selectors.region_get(user=user, region_id=v)),
        "zone_id": ("zone", lambda v: core_selectors.zone_get(user=user, zone_id=v)),
        "owner_id": ("owner", lambda v: enterprise_selectors.enterprise_get(user=user, enterprise_id=v)),
        "industry_code": ("industry", lambda v: enterprise_selectors.industry_get(code=v)),
        "responsible_unit_id": ("responsible_unit",
                                lambda v: core_selectors.department_get(user=user, department_id=v)),
        "leader_id": ("leader", lambda v: _user_ref(v, "leader_id")),
        "service_officer_id": ("service_officer", lambda v: _user_ref(v, "service_officer_id")),
    }
    for key, (name, lookup) in refs.items():
        if key in data:
            value = data.pop(key)
            data[name] = lookup(value) if value else None
    if patch:
        return {k: v for k, v in data.items() if v is not None or k in NULLABLE}
    return data


class StageIn(Schema):
    stage: Stage
    date: date
    note: str = ""


class VerifyIn(Schema):
    stage: Stage


class ReturnIn(Schema):
    stage: Stage
    reason: str


class SuspendIn(Schema):
    date: date
    reason: str


class ResumeIn(Schema):
    date: date
    note: str = ""


class CancelIn(Schema):
    date: date
    reason: str
    replacement_id: int | None = None


class YearPlanIn(Schema):
    year: int
    planned_investment: Decimal


class MilestoneIn(Schema):
    name: str
    planned_date: date
    note: str = ""


class MilestoneDoneIn(Schema):
    done_on: date


class EvidenceIn(Schema):
    kind: Evidence.Kind
    stage: str = ""
    document_number: str = ""
    taken_on: date | None = None
    note: str = ""


class ReportOut(Schema):
    id: int
    project_id: int
    project_name: str
    region_name: str
    period: str
    investment_month: Decimal
    image_progress: str
    image_percent: int
    problems: str
    status: ProgressReport.Status
    corrects_id: int | None
    submitted_by: str | None
    submitted_at: datetime | None
    reviewed_by: str | None
    reviewed_at: datetime | None
    return_reason: str
    photos: list[EvidenceOut]
    updated_at: datetime

    @staticmethod
    def resolve_project_name(obj: ProgressReport) -> str:
        return obj.project.name

    @staticmethod
    def resolve_region_name(obj: ProgressReport) -> str:
        return obj.project.region.name

    @staticmethod
    def resolve_period(obj: ProgressReport) -> str:
        return obj.period_label

    @staticmethod
    def resolve_submitted_by(obj: ProgressReport) -> str | None:
        return obj.submitted_by.get_username() if obj.submitted_by_id else None

    @staticmethod
    def resolve_reviewed_by(obj: ProgressReport) -> str | None:
        return obj.reviewed_by.get_username() if obj.reviewed_by_id else None

    @staticmethod
    def resolve_photos(obj: ProgressReport) -> list:
        return list(obj.photos.all())


class ReportFilters(Schema):
    status: ProgressReport.Status | None = None
    period: str | None = None
    region: int | None = None
    project: int | None = None
    q: str | None = None
    sort: str | None = None


class ReportIn(Schema):
    period: str
    investment_month: Decimal
    image_progress: str = ""
    image_percent: int = 0
    problems: str = ""


class ReportFixIn(Schema):
    investment_month: Decimal
    image_progress: str = ""
    image_percent: int = 0
    problems: str = ""


class ReasonIn(Schema):
    reason: str


class CountRateOut(Schema):
    key: str
    label: str
    numerator: int
    denominator: int
    value: Decimal | None
    numerator_ids: list[int]
    denominator_ids: list[int]


class MoneyRateOut(Schema):
    key: str
    label: str
    numerator: Decimal
    denominator: Decimal
    value: Decimal | None
    numerator_ids: list[int]
    denominator_ids: list[int]


class TierOut(Schema):
    key: str
    label: str
    count: int
    investment: Decimal
    ids: list[int]


class KpiValuesOut(Schema):
    start_rate: CountRateOut
    production_rate: CountRateOut
    effectiveness_rate: CountRateOut
    investment_rate: MoneyRateOut
    tiers: list[TierOut]
    project_count: int
    project_ids: list[int]
    total_investment: Decimal


class KpiGroupOut(KpiValuesOut):
    id: int | None
    name: str


class KpiOut(KpiValuesOut):
    cohort: str
    cohort_label: str
    as_of: date
    region_id: int | None
    zone_id: int | None
    groups: list[KpiGroupOut]


class KpiQuery(Schema):
    cohort: str
    as_of: date
    region: int | None = None
    zone: int | None = None
    group_by: str | None = None


def _rate(rate: Rate) -> dict:
    return {"key": rate.key, "label": rate.label, "numerator": rate.numerator, "denominator": rate.denominator,
            "value": rate.value, "numerator_ids": rate.numerator_ids, "denominator_ids": rate.denominator_ids}


def kpi_values(kpi: KpiSet) -> dict:
    return {**{r.key: _rate(r) for r in kpi.rates},
            "investment_rate": {**_rate(kpi.investment_rate), "numerator": money(kpi.investment_rate.numerator),
                                "denominator": money(kpi.investment_rate.denominator)},
            "tiers": [{"key": t.key, "label": t.label, "count": t.count, "investment": money(t.investment),
                       "ids": t.ids} for t in kpi.tiers],
            "project_count": len(kpi.member_ids), "project_ids": kpi.member_ids,
            "total_investment": money(kpi.member_investment)}


class WarningProjectOut(Schema):
    id: int
    name: str
    region_name: str
    status_text: str
    leader_name: str
    signed_on: date | None = None
    lag_points: Decimal | None = None
    light: str | None = None

    @staticmethod
    def resolve_region_name(obj: Project) -> str:
        return obj.region.name

    @staticmethod
    def resolve_status_text(obj: Project) -> str:
        return status_text(obj)

    @staticmethod
    def resolve_leader_name(obj: Project) -> str:
        return obj.leader_label

    @staticmethod
    def resolve_lag_points(obj: Project) -> Decimal | None:
        return money(getattr(obj, "lag_points", None))


class OverdueOut(Schema):
    id: int
    project_id: int
    project_name: str
    name: str
    planned_date: date

    @staticmethod
    def resolve_project_name(obj: Milestone) -> str:
        return obj.project.name


class WarningsOut(Schema):
    as_of: date
    ledger_as_of: date
    signed_not_started: list[WarningProjectOut]
    lagging: list[WarningProjectOut]
    overdue_milestones: list[OverdueOut]
    declared_awaiting_verification: int


# --- the ledger ------------------------------------------------------------------------------------------

def _detail(request: HttpRequest, project_id: int) -> Project:
    project = selectors.project_get(user=request.user, project_id=project_id)
    ledger = selectors.project_get_ledger(user=request.user, project_id=project_id)
    for name in ("year_plan", "ytd_investment", "cumulative_investment", "plan_percent", "lag_points", "light"):
        setattr(project, name, getattr(ledger, name))
    return project


def _project(request: HttpRequest, project_id: int) -> Project:
    return services.project_for_update(user=request.user, project_id=project_id)


@router.get("", response={200: list[ProjectOut], **READ_ERRORS}, summary="项目台账")
@paginate(LimitOffsetPagination)
def list_projects(request: HttpRequest, filters: Query[ProjectFilters]):
    params = {k: v for k, v in filters.dict().items() if v not in (None, "")}
    return selectors.project_list(user=request.user, filters=params, as_of=params.pop("as_of", None))


@router.post("", response={201: ProjectDetailOut, **ERRORS}, summary="项目入库")
def create_project(request: HttpRequest, payload: ProjectIn):
    data = resolve_project_refs(request.user, payload.dict())
    project = services.project_create(actor=request.user, data=data)
    return Status(201, _detail(request, project.pk))


@router.get("/kpis", response={200: KpiOut, **READ_ERRORS}, summary="项目考核指标(开工率、投产率、达效率、投资完成率)")
def project_kpis(request: HttpRequest, query: Query[KpiQuery]):
    report = selectors.project_kpis(user=request.user, cohort=query.cohort, as_of=query.as_of,
                                    region_id=query.region, zone_id=query.zone, group_by=query.group_by)
    overall = report.overall
    return {**kpi_values(overall), "cohort": overall.cohort.key, "cohort_label": overall.cohort.label,
            "as_of": overall.as_of, "region_id": query.region, "zone_id": query.zone,
            "groups": [{**kpi_values(g.kpi), "id": g.id, "name": g.name} for g in report.groups]}


@router.get("/warnings", response={200: WarningsOut, **READ_ERRORS}, summary="预警:签而未落、时序滞后、节点逾期")
def project_warnings(request: HttpRequest, as_of: date | None = None, mine: bool = False):
    found = selectors.warnings_for(user=request.user, as_of=as_of, leader=request.user if mine else None)
    return {"as_of": found.as_of, "ledger_as_of": found.ledger_as_of, "signed_not_started": found.signed_not_started,
            "lagging": found.lagging, "overdue_milestones": found.overdue,
            "declared_awaiting_verification": found.declared}


@router.get("/verifications", response={200: list[ProjectOut], **READ_ERRORS}, summary="待认定的阶段申报")
@paginate(LimitOffsetPagination)
def verification_queue(request: HttpRequest):
    return selectors.verification_queue(user=request.user)


@router.get("/reports", response={200: list[ReportOut], **READ_ERRORS}, summary="月度调度报告")
@paginate(LimitOffsetPagination)
def list_reports(request: HttpRequest, filters: Query[ReportFilters]):
    params = {k: v for k, v in filters.dict().items() if v not in (None, "")}
    return selectors.report_list(user=request.user, filters=params).prefetch_related("photos")


@router.get("/reports/{report_id}", response={200: ReportOut, **READ_ERRORS}, summary="月报详情")
def get_report(request: HttpRequest, report_id: int):
    return selectors.report_get(user=request.user, report_id=report_id)


@router.post("/reports/{report_id}/approve", response={200: ReportOut, **ERRORS}, summary="审核通过月报")
def approve_report(request: HttpRequest, report_id: int):
    report = selectors.report_get(user=request.user, report_id=report_id)
    services.report_approve(actor=request.user, report=report)
    return selectors.report_get(user=request.user, report_id=report_id)


@router.post("/reports/{report_id}/return", response={200: ReportOut, **ERRORS}, summary="退回月报")
def return_report(request: HttpRequest, report_id: int, payload: ReasonIn):
    report = selectors.report_get(user=request.user, report_id=report_id)
    services.report_return(actor=request.user, report=report, reason=payload.reason)
    return selectors.report_get(user=request.user, report_id=report_id)


@router.post("/reports/{report_id}/correct", response={201: ReportOut, **ERRORS}, summary="更正已审核的月报")
def correct_report(request: HttpRequest, report_id: int, payload: ReportFixIn):
    report = selectors.report_get(user=request.user, report_id=report_id)
    correction = services.report_correct(actor=request.user, report=report, **payload.dict())
    return Status(201, selectors.report_get(user=request.user, report_id=correction.pk))


@router.post("/reports/{report_id}/resubmit", response={200: ReportOut, **ERRORS}, summary="修改后重新提交被退回的月报")
def resubmit_report(request: HttpRequest, report_id: int, payload: ReportFixIn):
    report = selectors.report_get(user=request.user, report_id=report_id)
    report = services.report_resubmit(actor=request.user, report=report, **payload.dict())
    return selectors.report_get(user=request.user, report_id=report.pk)


@router.post("/reports/{report_id}/photos", response={201: EvidenceOut, **ERRORS}, summary="上传月报现场照片")
def upload_report_photo(request: HttpRequest, report_id: int, file: File[UploadedFile],
                        taken_on: Form[date | None] = None):
    report = selectors.report_get(user=request.user, report_id=report_id)
    if report.status == ProgressReport.Status.APPROVED:
        raise ValidationFailed("已审核的月报不能再添加照片")
    evidence = services.evidence_upload(actor=request.user, project=report.project, kind=Evidence.Kind.SITE_PHOTO,
                                        upload=file, taken_on=taken_on, report=report,
                                        note=f"{report.period_label} 月报照片")
    return Status(201, evidence)


@router.get("/evidence/{evidence_id}/file", response={200: None, **READ_ERRORS}, url_name="evidence_file",
            summary="下载要件文件(仅限管辖范围)")
def evidence_file(request: HttpRequest, evidence_id: int):
    evidence = selectors.evidence_get(user=request.user, evidence_id=evidence_id)
    return evidence_response(evidence)


def evidence_response(evidence: Evidence) -> FileResponse:
    """The stored file, inline for images and PDFs, never sniffed by the browser as something else."""
    response = FileResponse(evidence.file.open("rb"), content_type=evidence.content_type, as_attachment=False,
                            filename=evidence.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
    return response


@router.post("/milestones/{milestone_id}/done", response={200: MilestoneOut, **ERRORS}, summary="节点完成")
def milestone_done(request: HttpRequest, milestone_id: int, payload: MilestoneDoneIn):
    milestone = selectors.milestone_get(user=request.user, milestone_id=milestone_id)
    return services.milestone_complete(actor=request.user, milestone=milestone, done_on=payload.done_on)


@router.get("/{project_id}", response={200: ProjectDetailOut, **READ_ERRORS}, summary="项目详情")
def get_project(request: HttpRequest, project_id: int):
    return _detail(request, project_id)


@router.patch("/{project_id}", response={200: ProjectDetailOut, **ERRORS}, summary="修改项目(乐观锁)")
def update_project(request: HttpRequest, project_id: int, payload: ProjectPatch):
    project = _project(request, project_id)
    data = payload.dict(exclude_unset=True)
    expected = data.pop("updated_at")
    data = resolve_project_refs(request.user, data, patch=True)
    services.project_update(actor=request.user, project=project, data=data, expected_updated_at=expected)
    return _detail(request, project_id)


@router.post("/{project_id}/stages/declare", response={200: ProjectDetailOut, **ERRORS}, summary="申报阶段(县区)")
def declare_stage(request: HttpRequest, project_id: int, payload: StageIn):
    services.project_declare_stage(actor=request.user, project=_project(request, project_id), stage=payload.stage,
                                   date=payload.date, note=payload.note)
    return _detail(request, project_id)


@router.post("/{project_id}/stages/verify", response={200: ProjectDetailOut, **ERRORS},
             summary="认定阶段(大项目办;要件不全时 422 并列出缺少的要件)")
def verify_stage(request: HttpRequest, project_id: int, payload: VerifyIn):
    services.project_verify_stage(actor=request.user, project=_project(request, project_id), stage=payload.stage)
    return _detail(request, project_id)


@router.post("/{project_id}/stages/return", response={200: ProjectDetailOut, **ERRORS}, summary="退回阶段申报")
def return_stage(request: HttpRequest, project_id: int, payload: ReturnIn):
    services.project_return_stage(actor=request.user, project=_project(request, project_id), stage=payload.stage,
                                  reason=payload.reason)
    return _detail(request, project_id)


@router.post("/{project_id}/suspend", response={200: ProjectDetailOut, **ERRORS}, summary="停缓建")
def suspend_project(request: HttpRequest, project_id: int, payload: SuspendIn):
    services.project_suspend(actor=request.user, project=_project(request, project_id), date=payload.date,
                             reason=payload.reason)
    return _detail(request, project_id)


@router.post("/{project_id}/resume", response={200: ProjectDetailOut, **ERRORS}, summary="恢复建设")
def resume_project(request: HttpRequest, project_id: int, payload: ResumeIn):
    services.project_resume(actor=request.user, project=_project(request, project_id), date=payload.date,
                            note=payload.note)
    return _detail(request, project_id)


@router.post("/{project_id}/cancel", response={200: ProjectDetailOut, **ERRORS}, summary="终止项目(可指定替换项目)")
def cancel_project(request: HttpRequest, project_id: int, payload: CancelIn):
    replacement = _project(request, payload.replacement_id) if payload.replacement_id else None
    services.project_cancel(actor=request.user, project=_project(request, project_id), date=payload.date,
                            reason=payload.reason, replacement=replacement)
    return _detail(request, project_id)


@router.post("/{project_id}/year-plans", response={200: ProjectDetailOut, **ERRORS}, summary="设置年度计划投资")
def set_year_plan(request: HttpRequest, project_id: int, payload: YearPlanIn):
    services.project_year_plan_set(actor=request.user, project=_project(request, project_id), year=payload.year,
                                   planned_investment=payload.planned_investment)
    return _detail(request, project_id)


@router.post("/{project_id}/milestones", response={201: MilestoneOut, **ERRORS}, summary="添加节点")
def add_milestone(request: HttpRequest, project_id: int, payload: MilestoneIn):
    milestone = services.milestone_create(actor=request.user, project=_project(request, project_id),
                                          name=payload.name, planned_date=payload.planned_date, note=payload.note)
    return Status(201, milestone)


@router.post("/{project_id}/evidence", response={201: EvidenceOut, **ERRORS}, summary="上传要件(JPEG/PNG/PDF)")
def upload_evidence(request: HttpRequest, project_id: int, details: Form[EvidenceIn], file: File[UploadedFile]):
    evidence = services.evidence_upload(actor=request.user, project=_project(request, project_id),
                                        upload=file, **details.dict())
    return Status(201, evidence)


@router.get("/{project_id}/reports", response={200: list[ReportOut], **READ_ERRORS}, summary="项目的月报")
@paginate(LimitOffsetPagination)
def project_reports(request: HttpRequest, project_id: int):
    project = _project(request, project_id)
    return selectors.report_list(user=request.user, filters={"project": project.pk}).prefetch_related("photos")


@router.post("/{project_id}/reports", response={201: ReportOut, **ERRORS}, summary="填报月报(县区)")
def submit_report(request: HttpRequest, project_id: int, payload: ReportIn):
    report = services.report_submit(actor=request.user, project=_project(request, project_id), **payload.dict())
    return Status(201, selectors.report_get(user=request.user, report_id=report.pk))
