"""Writes for imports: preview a file into a batch, commit a batch (all valid rows, or all-or-nothing, in one
transaction), cancel it; the one-pass import the command line uses; exports in the import layout.

`batch_create` and `batch_commit` are plain functions taking a `progress(stage, done, total)` callback, so a
background job can run them as they are.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePath

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from devzone.core import audit
from devzone.core.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationFailed
from devzone.core.exports import ExportColumn, write_xlsx
from devzone.core.jurisdiction import scope_for
from devzone.core.models import User
from devzone.core.services import READ_ONLY_ROLES, role_codes
from devzone.intake import pipeline
from devzone.intake.adapters.base import Adapter, CommitContext, ProgressFn
from devzone.intake.models import ImportBatch
from devzone.intake.reader import ReadLimits, check_size, file_format
from devzone.intake.registry import adapter_class

NUMBER_FORMATS = {"money": "#,##0.00", "number": "#,##0.##", "integer": "#,##0", "percent": "0.00"}
DEFAULT_BULK_THRESHOLD = 1000


def import_limits() -> ReadLimits:
    """ReadLimits with settings.INTAKE_LIMITS (a dict of ReadLimits fields) applied."""
    return ReadLimits(**getattr(settings, "INTAKE_LIMITS", {}))


def bulk_threshold() -> int:
    return int(getattr(settings, "INTAKE_BULK_THRESHOLD", DEFAULT_BULK_THRESHOLD))


def system_actor() -> User:
    """The actor of a command-line import without --user: the whole jurisdiction, audited without a person
    (as the demo loader is). Never saved."""
    return User(username="system", is_superuser=True, is_active=True)


def ensure_can_import(actor: User) -> None:
    if scope_for(actor).empty:
        raise PermissionDenied("您没有管辖范围,不能导入数据")
    if not actor.is_superuser and role_codes(actor) and role_codes(actor) <= READ_ONLY_ROLES:
        raise PermissionDenied("您的角色为只读,不能导入数据")


def make_adapter(kind: str, actor: User) -> Adapter:
    return adapter_class(kind)(actor)


# --- preview --------------------------------------------------------------------------------------------

def preview_file(*, actor: User, kind: str, data: bytes, filename: str,
                 progress: ProgressFn | None = None) -> pipeline.ParseResult:
    """Read and validate a file against the database; writes nothing (a dry run)."""
    adapter = make_adapter(kind, actor)
    ensure_can_import(actor)
    return pipeline.parse_file(adapter=adapter, data=data, filename=filename, limits=import_limits(),
                               progress=progress)


def batch_create(*, actor: User, kind: str, data: bytes, filename: str,
                 progress: ProgressFn | None = None) -> ImportBatch:
    """Preview a file and keep it as a batch waiting for the user's decision. A file that cannot be read
    is refused (DomainError) and nothing is stored."""
    parsed = preview_file(actor=actor, kind=kind, data=data, filename=filename, progress=progress)
    return _save_batch(actor=actor, kind=kind, data=data, filename=filename, parsed=parsed)


def _saved(actor: User) -> User | None:
    return actor if actor is not None and actor.pk else None


def _save_batch(*, actor: User, kind: str, data: bytes, filename: str, parsed: pipeline.ParseResult) -> ImportBatch:
    batch = ImportBatch(kind=kind, original_name=PurePath(filename).name[:255] or "upload", sha256=parsed.sha256,
                        size=len(data), created_by=_saved(actor))
    _apply_preview(batch, parsed)
    batch.file.save(batch.original_name, ContentFile(data), save=False)
    try:
        with transaction.atomic():
            batch.save()
            audit.record(actor=actor, action="create", instance=batch, after=_summary(batch))
    except BaseException:
        batch.file.delete(save=False)
        raise
    return batch


def _apply_preview(batch: ImportBatch, parsed: pipeline.ParseResult) -> None:
    counts = parsed.counts()
    batch.preview = parsed.to_json()
    batch.data_rows, batch.valid_rows, batch.rejected_rows = counts["data_rows"], counts["valid"], counts["rejected"]


def _summary(batch: ImportBatch) -> dict:
    return {"kind": batch.kind, "file": batch.original_name, "sha256": batch.sha256, "size": batch.size,
            "status": batch.status, "mode": batch.mode, "data_rows": batch.data_rows, "valid_rows": batch.valid_rows,
            "rejected_rows": batch.rejected_rows, "created": batch.created_count, "updated": batch.updated_count,
            **({"result": batch.result} if batch.result else {})}


# --- commit ---------------------------------------------------------------------------------------------

def _check_owner(actor: User, batch: ImportBatch) -> None:
    if not actor.is_superuser and batch.created_by_id != actor.pk:
        raise NotFound()


def read_stored_file(batch: ImportBatch) -> bytes:
    try:
        with batch.file.open("rb") as handle:
            return handle.read()
    except OSError as exc:
        raise Conflict("该批次的原始文件已不存在,请重新上传") from exc


def batch_commit(*, actor: User, batch: ImportBatch, mode: str, progress: ProgressFn | None = None,
                 parsed: pipeline.ParseResult | None = None) -> ImportBatch:
    """Validate the stored file again (the database may have changed since the preview) and write all valid
    rows (mode "valid") or, only when no row is rejected, all rows (mode "all") — in one transaction. Any
    failure rolls everything back, marks the batch failed (it may be retried) and re-raises."""
    _check_owner(actor, batch)
    if not batch.can_commit:
        raise Conflict(f"该批次状态为「{batch.get_status_display()}」,不能导入")
    ensure_can_import(actor)
    if parsed is None:
        parsed = pipeline.parse_file(adapter=make_adapter(batch.kind, actor), data=read_stored_file(batch),
                                     filename=batch.original_name, limits=import_limits(), progress=progress)
    try:
        pipeline.check_mode(mode, parsed)
    except ValidationFailed:
        _refresh_preview(batch, parsed)
        raise
    try:
        return _commit(actor=actor, batch=batch, mode=mode, parsed=parsed, progress=progress)
    except IntegrityError as exc:
        message = "导入失败:数据与已有记录冲突(可能有人同时登记了相同的数据),已全部回滚,未写入任何数据"
        _mark_failed(actor, batch, message)
        raise Conflict(message) from exc
    except DomainError as exc:
        _mark_failed(actor, batch, f"{exc.message}(已全部回滚,未写入任何数据)")
        raise
    except Exception as exc:
        _mark_failed(actor, batch, f"导入过程中出错,已全部回滚,未写入任何数据({type(exc).__name__}: {exc})")
        raise


def _commit(*, actor: User, batch: ImportBatch, mode: str, parsed: pipeline.ParseResult,
            progress: ProgressFn | None) -> ImportBatch:
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if not locked.can_commit:
            raise Conflict(f"该批次状态为「{locked.get_status_display()}」,不能导入")
        before = locked.status
        context = CommitContext(actor=actor, batch=locked, progress=progress, bulk_threshold=bulk_threshold())
        counts = pipeline.commit_parsed(parsed.adapter, parsed, mode=mode, context=context)
        _apply_preview(locked, parsed)
        locked.status, locked.mode, locked.committed_at, locked.error = (
            ImportBatch.Status.COMMITTED, mode, timezone.now(), "")
        locked.created_count, locked.updated_count = counts.get("created", 0), counts.get("updated", 0)
        locked.result = {**counts, "rejected_skipped": len(parsed.rejected),
                         "path": "bulk" if len(parsed.valid) > context.bulk_threshold else "services"}
        locked.save()
        audit.record(actor=actor, action="import", instance=locked, before={"status": before},
                     after=_summary(locked))
    return locked


def _refresh_preview(batch: ImportBatch, parsed: pipeline.ParseResult) -> None:
    """Keep the stored preview in step with the latest validation (shown when a commit is refused)."""
    _apply_preview(batch, parsed)
    ImportBatch.objects.filter(pk=batch.pk).update(
        preview=batch.preview, data_rows=batch.data_rows, valid_rows=batch.valid_rows,
        rejected_rows=batch.rejected_rows, updated_at=timezone.now())


def _mark_failed(actor: User, batch: ImportBatch, message: str) -> None:
    with transaction.atomic():
        ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.FAILED, error=message[:2000],
                                                      updated_at=timezone.now())
        batch.refresh_from_db()
        audit.record(actor=actor, action="import_failed", instance=batch, after={"error": batch.error})


@transaction.atomic
def batch_cancel(*, actor: User, batch: ImportBatch) -> ImportBatch:
    _check_owner(actor, batch)
    locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if not locked.can_commit:
        raise Conflict(f"该批次状态为「{locked.get_status_display()}」,不能取消")
    before = locked.status
    locked.status = ImportBatch.Status.CANCELLED
    locked.save(update_fields=["status", "updated_at"])
    audit.record(actor=actor, action="cancel", instance=locked, before={"status": before},
                 after={"status": locked.status})
    return locked


def import_file(*, actor: User, kind: str, data: bytes, filename: str, mode: str,
                progress: ProgressFn | None = None) -> tuple[ImportBatch, pipeline.ParseResult]:
    """Preview and commit in one pass (the command line): the mode is checked before anything is stored."""
    parsed = preview_file(actor=actor, kind=kind, data=data, filename=filename, progress=progress)
    pipeline.check_mode(mode, parsed)
    batch = _save_batch(actor=actor, kind=kind, data=data, filename=filename, parsed=parsed)
    return batch_commit(actor=actor, batch=batch, mode=mode, progress=progress, parsed=parsed), parsed


# --- reading a file from disk or an upload ----------------------------------------------------------------

def read_path(path: str) -> bytes:
    """The bytes of a file named on the command line, with the type and size checked before reading."""
    from pathlib import Path

    file_format(path)
    target = Path(path)
    try:
        if not target.is_file():
            raise ValidationFailed(f"文件不存在:{path}")
        check_size(target.stat().st_size, import_limits())
        return target.read_bytes()
    except OSError as exc:
        raise ValidationFailed(f"无法读取文件 {path}:{exc.strerror or exc}") from exc


def read_upload(upload) -> bytes:
    """The bytes of an uploaded file, refused by name and size before it is read."""
    file_format(upload.name or "")
    check_size(upload.size or 0, import_limits())
    return b"".join(upload.chunks())


# --- export ---------------------------------------------------------------------------------------------

def export_workbook(*, actor: User, kind: str, template: bool = False) -> tuple[bytes, int]:
    """The user's data (or an empty template) as .xlsx in the layout the importer reads; (bytes, rows)."""
    adapter = make_adapter(kind, actor)
    if template:
        fields, title, rows, sheet = list(adapter.fields), f"{adapter.title}导入模板", iter(()), adapter.title
        unit = "单位:万元"
    else:
        try:
            table = adapter.export()
        except NotImplementedError:
            raise ValidationFailed(f"「{adapter.title}」暂不支持导出") from None
        fields, title, rows, sheet, unit = list(table.fields), table.title, table.rows, table.sheet_name, table.unit
    columns = [ExportColumn("序号", 6), *[ExportColumn(f.header, f.export_width, NUMBER_FORMATS.get(f.kind))
                                        for f in fields]]
    counter = _Counter(rows)
    content = write_xlsx(title=title, columns=columns, rows=counter, unit=unit, sheet_name=sheet)
    return content, counter.count


class _Counter:
    """Counts the rows as write_xlsx streams them."""

    def __init__(self, rows) -> None:
        self.rows, self.count = rows, 0

    def __iter__(self) -> Iterator:
        for row in self.rows:
            self.count += 1
            yield row
