"""API of evaluation runs: runs (list, detail, create, publish), their results (scoped by jurisdiction) and one
result's explanation."""


from datetime import datetime
from decimal import Decimal
from typing import Literal

from django.http import HttpRequest
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate

from devzone.api.schemas import ERRORS, READ_ERRORS
from devzone.core.errors import ValidationFailed
from devzone.evaluation import selectors, services
from devzone.evaluation.models import EvaluationResultRow, EvaluationRun

router = Router(tags=["evaluation"])


class RunOut(Schema):
    id: int
    scheme_key: str
    scheme_name: str
    year: int
    period: str
    source: EvaluationRun.Source
    population: str
    unit: str
    status: str
    progress: int
    message: str
    job_id: int | None
    units: int
    participants: int
    published: bool
    published_at: datetime | None
    computed_at: datetime | None
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_status(obj: EvaluationRun) -> str:
        return obj.status

    @staticmethod
    def resolve_progress(obj: EvaluationRun) -> int:
        return obj.job.progress if obj.job_id else 0

    @staticmethod
    def resolve_message(obj: EvaluationRun) -> str:
        return obj.job.message if obj.job_id else ""


class RunDetailOut(RunOut):
    group_columns: list[str]
    group_summary: list[dict]
    scheme_yaml: str

    @staticmethod
    def resolve_group_summary(obj: EvaluationRun, context) -> list[dict]:
        return selectors.visible_groups(user=context["request"].user, run=obj)


class RunFilters(Schema):
    scheme: str | None = None
    year: int | None = None
    published: bool | None = None
    sort: str | None = None


class RunIn(Schema):
    scheme: str
    year: int = Field(..., ge=1949, le=2100)
    period: str = ""


class ResultOut(Schema):
    id: int
    run_id: int
    unit_key: str
    unit_name: str
    enterprise_id: int | None
    region_id: int | None
    group: str
    industry_division: str
    participates: bool
    n: int
    score: float | None
    rank: int | None
    class_key: str = Field(..., description="class key (A, B, C or D for per-mu evaluation); empty when none")
    scores: dict
    flags: list[str]
    tax_to_next_class: Decimal | None
    updated_at: datetime

    @staticmethod
    def resolve_class_key(obj: EvaluationResultRow) -> str:
        return obj.klass

    @staticmethod
    def resolve_flags(obj: EvaluationResultRow) -> list[str]:
        return obj.flag_keys


class PolicyOut(Schema):
    id: int
    class_key: str
    category: str
    text: str


class ExplanationOut(ResultOut):
    values: dict
    benchmarks: dict
    inputs: dict
    explanation: dict
    flag_labels: list[str]
    class_label: str | None
    group_summary: dict | None
    policies: list[PolicyOut]


class ResultFilters(Schema):
    q: str | None = None
    county: int | None = None
    group: str | None = None
    class_key: str | None = None
    industry: str | None = None
    participates: Literal["yes", "no", "all"] | None = None
    flag: str | None = None
    sort: str | None = None


def _params(schema: Schema) -> dict:
    params = {k: v for k, v in schema.dict().items() if v not in (None, "")}
    if "class_key" in params:
        params["klass"] = params.pop("class_key")
    return params


@router.get("/runs", response={200: list[RunOut], **READ_ERRORS}, summary="评价运行列表")
@paginate(LimitOffsetPagination)
def list_runs(request: HttpRequest, filters: Query[RunFilters]):
    params = _params(filters)
    if "published" in params:
        params["published"] = "yes" if params["published"] else "no"
    return selectors.run_list(user=request.user, filters=params)


@router.get("/runs/{int:run_id}", response={200: RunDetailOut, **READ_ERRORS}, summary="评价运行详情")
def get_run(request: HttpRequest, run_id: int):
    return selectors.run_get(user=request.user, run_id=run_id)


@router.post("/runs", response={201: RunDetailOut, **ERRORS}, summary="发起评价(后台计算,企业库数据)")
def create_run(request: HttpRequest, payload: RunIn):
    run = services.evaluation_run_create(actor=request.user, scheme_key=payload.scheme, year=payload.year,
                                         period=payload.period)
    return Status(201, selectors.run_get(user=request.user, run_id=run.pk))


@router.post("/runs/upload", response={201: RunDetailOut, **ERRORS}, summary="发起评价(上传 .xlsx/.csv 文件)")
def create_run_from_file(request: HttpRequest, scheme: Form[str], year: Form[int], file: File[UploadedFile],
                         period: Form[str] = ""):
    if file.size > services.MAX_UPLOAD_BYTES:
        raise ValidationFailed("文件过大", details=[{"field": "file", "message": "文件过大"}])
    run = services.evaluation_run_create(actor=request.user, scheme_key=scheme, year=year, period=period,
                                         upload=services.Upload(name=file.name or "", content=file.read()))
    return Status(201, selectors.run_get(user=request.user, run_id=run.pk))


@router.post("/runs/{int:run_id}/publish", response={200: RunOut, **ERRORS}, summary="发布评价结果")
def publish_run(request: HttpRequest, run_id: int):
    run = selectors.run_get(user=request.user, run_id=run_id)
    services.evaluation_run_publish(actor=request.user, run=run)
    return selectors.run_get(user=request.user, run_id=run_id)


@router.post("/runs/{int:run_id}/unpublish", response={200: RunOut, **ERRORS}, summary="撤回发布")
def unpublish_run(request: HttpRequest, run_id: int):
    run = selectors.run_get(user=request.user, run_id=run_id)
    services.evaluation_run_unpublish(actor=request.user, run=run)
    return selectors.run_get(user=request.user, run_id=run_id)


@router.get("/runs/{int:run_id}/results", response={200: list[ResultOut], **READ_ERRORS}, summary="评价结果列表")
@paginate(LimitOffsetPagination)
def list_results(request: HttpRequest, run_id: int, filters: Query[ResultFilters]):
    run = selectors.run_get(user=request.user, run_id=run_id)
    return selectors.result_list(user=request.user, run=run, filters=_params(filters))


@router.get("/runs/{int:run_id}/results/{int:row_id}", response={200: ExplanationOut, **READ_ERRORS},
            summary="一个评价对象的结果解释")
def get_result(request: HttpRequest, run_id: int, row_id: int):
    run = selectors.run_get(user=request.user, run_id=run_id)
    row = selectors.result_get(user=request.user, run=run, row_id=row_id)
    scheme = run.scheme
    row.flag_labels = selectors.flag_labels(scheme, row.flags)
    row.class_label = selectors.class_labels(scheme).get(row.klass)
    row.group_summary = next((g for g in run.group_summary if g.get("group") == row.group), None)
    row.policies = list(selectors.policies(scheme_key=run.scheme_key, class_key=row.klass)) if row.klass else []
    return row
