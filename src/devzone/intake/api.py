"""API for imports: upload a file for a preview, commit or cancel it, read batches.

    POST /api/v1/imports                 multipart: kind, file → 201 the batch with its preview
    POST /api/v1/imports/{id}/commit     {"mode": "valid" | "all"} → the committed batch
    POST /api/v1/imports/{id}/cancel
    GET  /api/v1/imports, /api/v1/imports/{id}, /api/v1/imports/kinds
"""

from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate

from devzone.api.schemas import ERRORS, READ_ERRORS
from devzone.intake import selectors, services
from devzone.intake.models import ImportBatch
from devzone.intake.registry import adapter_choices

router = Router(tags=["imports"])


class KindOut(Schema):
    kind: str
    title: str


class BatchOut(Schema):
    id: int
    kind: str
    status: ImportBatch.Status
    mode: str
    original_name: str
    size: int
    sha256: str
    created_by: str | None
    data_rows: int
    valid_rows: int
    rejected_rows: int
    created_count: int
    updated_count: int
    error: str
    created_at: datetime
    updated_at: datetime
    committed_at: datetime | None

    @staticmethod
    def resolve_created_by(obj: ImportBatch) -> str | None:
        return obj.created_by.username if obj.created_by_id else None


class BatchDetailOut(BatchOut):
    preview: dict
    result: dict


class CommitIn(Schema):
    mode: Literal["valid", "all"] = "valid"


class BatchFilters(Schema):
    kind: str | None = None
    status: ImportBatch.Status | None = None
    sort: str | None = None


@router.get("/kinds", response={200: list[KindOut], **READ_ERRORS}, summary="可导入的数据类型")
def list_kinds(request: HttpRequest):
    return [{"kind": kind, "title": title} for kind, title in adapter_choices()]


@router.post("", response={201: BatchDetailOut, **ERRORS}, summary="上传文件并预览(不写入数据)")
def create_batch(request: HttpRequest, kind: Form[str], file: File[UploadedFile]):
    data = services.read_upload(file)
    batch = services.batch_create(actor=request.user, kind=kind, data=data, filename=file.name or "upload")
    return Status(201, batch)


@router.get("", response={200: list[BatchOut], **READ_ERRORS}, summary="我的导入批次")
@paginate(LimitOffsetPagination)
def list_batches(request: HttpRequest, filters: Query[BatchFilters]):
    params = {k: v for k, v in filters.dict().items() if v not in (None, "")}
    return selectors.batch_list(user=request.user, filters=params)


@router.get("/{batch_id}", response={200: BatchDetailOut, **READ_ERRORS}, summary="导入批次详情(含预览)")
def get_batch(request: HttpRequest, batch_id: int):
    return selectors.batch_get(user=request.user, batch_id=batch_id)


@router.post("/{batch_id}/commit", response={200: BatchDetailOut, **ERRORS},
             summary="确认导入:valid 导入全部有效行;all 仅在全部有效时导入")
def commit_batch(request: HttpRequest, batch_id: int, payload: CommitIn):
    batch = selectors.batch_get(user=request.user, batch_id=batch_id)
    return services.batch_commit(actor=request.user, batch=batch, mode=payload.mode)


@router.post("/{batch_id}/cancel", response={200: BatchDetailOut, **ERRORS}, summary="取消导入")
def cancel_batch(request: HttpRequest, batch_id: int):
    batch = selectors.batch_get(user=request.user, batch_id=batch_id)
    return services.batch_cancel(actor=request.user, batch=batch)
