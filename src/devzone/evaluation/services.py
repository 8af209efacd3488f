"""Writes of the evaluation app: scheme copies, runs (create → job → results), publishing, vetoes, policies.

Who may do what:
- evaluation managers (project office, industry bureau, administrators) create runs, edit scheme copies and
  publish or unpublish results;
- the industry bureau and the supervision office (and administrators) record one-vote vetoes, for enterprises
  in their jurisdiction;
- administrators edit the differentiated policies (also through the Django admin, which is audited).
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from pathlib import Path, PurePath
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from devzone.core import audit
from devzone.core.crud import create_audited, delete_audited, update_audited, validate_instance
from devzone.core.errors import Conflict, PermissionDenied, ValidationFailed
from devzone.core.jobs import job_enqueue
from devzone.core.jurisdiction import scope_for
from devzone.core.models import Job, Role, User
from devzone.core.services import _only_fields, ensure_can_write, role_codes
from devzone.enterprises.models import Enterprise
from devzone.evaluation.engine import EvaluationInputError, Scheme, SchemeError, builtin_scheme_names
from devzone.evaluation.engine.tables import read_table
from devzone.evaluation.models import EvaluationRun, PolicyRule, SchemeVersion, VetoRecord
from devzone.evaluation.population import database_population_supported

MANAGER_ROLES = frozenset({Role.Code.PROJECT_OFFICE, Role.Code.INDUSTRY})
VETO_ROLES = frozenset({Role.Code.INDUSTRY, Role.Code.SUPERVISION})
UPLOAD_SUFFIXES = (".xlsx", ".csv")
MAX_UPLOAD_BYTES = 30 * 1024 * 1024
JOB_KIND = "evaluation.run"


# --- who may ---------------------------------------------------------------------------------------------

def can_manage(user) -> bool:
    """Project office, industry bureau and administrators run, publish and see unpublished evaluations."""
    return bool(user is not None and user.is_authenticated and user.is_active
                and (user.is_superuser or role_codes(user) & MANAGER_ROLES))


def can_record_veto(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active
                and (user.is_superuser or role_codes(user) & VETO_ROLES))


def _require_manager(actor: User) -> None:
    if not can_manage(actor):
        raise PermissionDenied("只有大项目办、工信局或系统管理员可以进行此操作")


# --- schemes ---------------------------------------------------------------------------------------------

def builtin_yaml(key: str) -> str | None:
    if key not in builtin_scheme_names():
        return None
    return resources.files("devzone.evaluation").joinpath("schemes", f"{key}.yaml").read_text(encoding="utf-8")


def scheme_source(key: str) -> tuple[str, SchemeVersion | None]:
    """The YAML a new run of `key` uses: the active database copy, else the built-in scheme."""
    active = SchemeVersion.objects.filter(key=key, active=True).first()
    if active is not None:
        return active.yaml_text, active
    text = builtin_yaml(key)
    if text is None:
        raise ValidationFailed(f"未知的评价方案:{key}", details=[{"field": "scheme", "message": "未知方案"}])
    return text, None


def parse_scheme(yaml_text: str, *, field: str = "yaml_text") -> Scheme:
    """The engine's own validation; its one-line message is what the user reads."""
    try:
        return Scheme.from_yaml(yaml_text)
    except SchemeError as exc:
        raise ValidationFailed(f"方案有误:{exc}", details=[{"field": field, "message": str(exc)}]) from exc


@transaction.atomic
def scheme_version_create(*, actor: User, yaml_text: str, note: str = "", activate: bool = False) -> SchemeVersion:
    """Store an edited copy of a scheme after the engine accepted it; numbered per key."""
    _require_manager(actor)
    scheme = parse_scheme(yaml_text)
    last = (SchemeVersion.objects.select_for_update().filter(key=scheme.key).order_by("-version")
            .values_list("version", flat=True).first())
    version = SchemeVersion(key=scheme.key, name=scheme.name[:100], yaml_text=yaml_text, version=(last or 0) + 1,
                            note=note, created_by=actor)
    create_audited(actor=actor, instance=version)
    if activate:
        version = scheme_version_activate(actor=actor, version=version)
    return version


@transaction.atomic
def scheme_version_activate(*, actor: User, version: SchemeVersion) -> SchemeVersion:
    """Make `version` the copy new runs of its key use (the others of the key stop being active)."""
    _require_manager(actor)
    parse_scheme(version.yaml_text)
    SchemeVersion.objects.filter(key=version.key, active=True).exclude(pk=version.pk).update(
        active=False, updated_at=timezone.now())
    return update_audited(actor=actor, instance=version, data={"active": True}, expected_updated_at=None)


@transaction.atomic
def scheme_version_deactivate(*, actor: User, version: SchemeVersion) -> SchemeVersion:
    """New runs of the key fall back to the built-in scheme (or need another active copy)."""
    _require_manager(actor)
    return update_audited(actor=actor, instance=version, data={"active": False}, expected_updated_at=None)


# --- runs ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Upload:
    name: str
    content: bytes


def _check_upload(upload: Upload, scheme: Scheme) -> int:
    """Refuse a file that is not a readable table with the scheme's input columns; returns its data rows."""
    from devzone.intake.reader import ReadLimits, sniff

    suffix = PurePath(upload.name or "").suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        shown = suffix or "(无扩展名)"
        raise ValidationFailed(f"不支持的文件类型 {shown}:请上传 .xlsx 或 .csv 文件",
                               details=[{"field": "file", "message": "文件类型不支持"}])
    sniff(upload.content, upload.name, ReadLimits(max_file_bytes=MAX_UPLOAD_BYTES))
    frame = read_uploaded(upload.content, suffix)
    needs = scheme.required_columns()
    missing = [column for column in needs if column not in frame.columns]
    if missing:
        described = "、".join(f"{column}({'、'.join(dict.fromkeys(needs[column]))})" for column in missing)
        message = f"文件缺少方案「{scheme.name}」需要的列:{described}"
        raise ValidationFailed(message, details=[{"field": "file", "message": message}])
    return frame.height


def read_uploaded(content: bytes, suffix: str):
    """Read an uploaded table with the engine's reader (the one the CLI uses), through a temporary file."""
    with tempfile.TemporaryDirectory(prefix="devzone-eval-") as folder:
        path = Path(folder) / f"input{suffix}"
        path.write_bytes(content)
        try:
            return read_table(path)
        except EvaluationInputError as exc:
            message = str(exc).replace(str(path), "上传的文件")
            raise ValidationFailed(message, details=[{"field": "file", "message": message}]) from exc


@transaction.atomic
def evaluation_run_create(*, actor: User, scheme_key: str, year: int, period: str = "",
                          upload: Upload | None = None) -> EvaluationRun:
    """Freeze the scheme, describe the population, and queue the "evaluation.run" job that computes it."""
    _require_manager(actor)
    yaml_text, version = scheme_source(scheme_key)
    scheme = parse_scheme(yaml_text, field="scheme")
    scope = scope_for(actor)
    if scope.empty:
        raise PermissionDenied("您没有管辖范围,不能发起评价")
    region = None if scope.unrestricted else actor.region or actor.department.region
    run = EvaluationRun(scheme_key=scheme.key, scheme_name=scheme.name[:100], scheme_yaml=yaml_text,
                        unit=scheme.unit[:32], scheme_version=version, year=year,
                        period=(period or "").strip()[:32], scope_region=region, created_by=actor)
    if upload is not None:
        rows = _check_upload(upload, scheme)
        run.source = EvaluationRun.Source.UPLOAD
        run.input_name = PurePath(upload.name).name[:255]
        run.population = f"上传文件 {run.input_name},{rows} 行"
        run.input_file.save(run.input_name, ContentFile(upload.content), save=False)
    elif database_population_supported(scheme):
        run.source = EvaluationRun.Source.DATABASE
        where = region.name if region is not None else "全部地区"
        run.population = f"企业库:{where} {year} 年有年度数据的规上工业企业"
    else:
        raise ValidationFailed(f"方案「{scheme.name}」的数据不在数据库中,请上传包含其输入列的 .xlsx 或 .csv 文件",
                               details=[{"field": "file", "message": "请上传文件"}])
    validate_instance(run)
    run.save()
    audit.record(actor=actor, action="create", instance=run,
                 after={**audit.snapshot(run, exclude=("scheme_yaml", "input_file")),
                        "input_file": run.input_file.name or ""})
    job = job_enqueue(actor=actor, kind=JOB_KIND, title=f"考核评价:{run}", params={"run_id": run.pk})
    run.job = job
    run.save(update_fields=["job", "updated_at"])
    return run


def _run_for_update(run: EvaluationRun) -> EvaluationRun:
    return EvaluationRun.objects.select_for_update(of=("self",)).select_related("job").get(pk=run.pk)


@transaction.atomic
def evaluation_run_publish(*, actor: User, run: EvaluationRun) -> EvaluationRun:
    """Make a finished run visible outside the project office (county users see their own rows)."""
    _require_manager(actor)
    locked = _run_for_update(run)
    if not locked.succeeded:
        raise Conflict("评价尚未成功完成,不能发布")
    if locked.published:
        return locked
    locked.published, locked.published_at, locked.published_by = True, timezone.now(), actor
    locked.save(update_fields=["published", "published_at", "published_by", "updated_at"])
    audit.record(actor=actor, action="publish", instance=locked,
                 after={"published": True, "published_at": locked.published_at})
    return locked


@transaction.atomic
def evaluation_run_unpublish(*, actor: User, run: EvaluationRun) -> EvaluationRun:
    _require_manager(actor)
    locked = _run_for_update(run)
    if not locked.published:
        return locked
    before = {"published": True, "published_at": locked.published_at, "published_by": locked.published_by_id}
    locked.published, locked.published_at, locked.published_by = False, None, None
    locked.save(update_fields=["published", "published_at", "published_by", "updated_at"])
    audit.record(actor=actor, action="unpublish", instance=locked, before=before, after={"published": False})
    return locked


@transaction.atomic
def evaluation_run_delete(*, actor: User, run: EvaluationRun) -> None:
    """Remove an unpublished run and its rows (a published one must be unpublished first)."""
    _require_manager(actor)
    locked = _run_for_update(run)
    if locked.published:
        raise Conflict("已发布的评价不能删除,请先撤回发布")
    if locked.job_id and locked.job.status in {Job.Status.QUEUED, Job.Status.RUNNING}:
        raise Conflict("评价正在计算,完成后才能删除")
    before = audit.snapshot(locked, exclude=("scheme_yaml", "input_file", "group_summary"))
    object_type, object_id, object_repr = audit.object_type_of(locked), str(locked.pk), str(locked)
    file_name, storage = locked.input_file.name, locked.input_file.storage
    locked.delete()
    if file_name:
        transaction.on_commit(lambda: storage.delete(file_name))
    audit.record(actor=actor, action="delete", object_type=object_type, object_id=object_id,
                 object_repr=object_repr, before=before)


# --- vetoes ----------------------------------------------------------------------------------------------

VETO_FIELDS = {"enterprise", "year", "kind", "reason", "evidence"}


@transaction.atomic
def veto_create(*, actor: User, data: Mapping[str, Any]) -> VetoRecord:
    """Record a one-vote veto (一票否决) for an enterprise in the actor's jurisdiction."""
    data = _only_fields(data, VETO_FIELDS)
    if not can_record_veto(actor):
        raise PermissionDenied("只有工信局、督查室或系统管理员可以登记一票否决")
    enterprise: Enterprise | None = data.get("enterprise")
    if enterprise is None:
        raise ValidationFailed("请选择企业", details=[{"field": "enterprise", "message": "必填"}])
    ensure_can_write(actor, enterprise.region)
    record = VetoRecord(**data, created_by=actor)
    validate_instance(record)
    return create_audited(actor=actor, instance=record)


@transaction.atomic
def veto_delete(*, actor: User, veto: VetoRecord) -> None:
    if not can_record_veto(actor):
        raise PermissionDenied("只有工信局、督查室或系统管理员可以撤销一票否决")
    ensure_can_write(actor, veto.enterprise.region)
    delete_audited(actor=actor, instance=veto)


# --- differentiated policies -----------------------------------------------------------------------------

POLICY_FIELDS = {"scheme_key", "class_key", "category", "text", "sort_order"}


def _require_admin(actor: User) -> None:
    if not actor.is_superuser:
        raise PermissionDenied("只有系统管理员可以修改差别化政策")


@transaction.atomic
def policy_rule_create(*, actor: User, data: Mapping[str, Any]) -> PolicyRule:
    _require_admin(actor)
    return create_audited(actor=actor, instance=PolicyRule(**_only_fields(data, POLICY_FIELDS)))


@transaction.atomic
def policy_rule_update(*, actor: User, rule: PolicyRule, data: Mapping[str, Any],
                       expected_updated_at: datetime | None = None) -> PolicyRule:
    _require_admin(actor)
    return update_audited(actor=actor, instance=rule, data=_only_fields(data, POLICY_FIELDS),
                          expected_updated_at=expected_updated_at)


@transaction.atomic
def policy_rule_delete(*, actor: User, rule: PolicyRule) -> None:
    _require_admin(actor)
    delete_audited(actor=actor, instance=rule)
