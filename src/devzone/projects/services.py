"""Writes for key projects: the ledger, the stage state machine (declare → verify or return), evidence uploads,
monthly reports (submit → approve or return; corrections), plans, milestones, batches and replacement.

Every function is keyword-only, checks jurisdiction (a county acts on its own subtree; verification and approval
need the project office role), writes inside one transaction, appends to the audit chain and raises DomainError
subclasses whose messages are shown to users as they are.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from devzone.core import audit
from devzone.core.crud import create_audited, save_checked, update_audited, validate_instance
from devzone.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from devzone.core.jurisdiction import scope_for
from devzone.core.models import Role, User
from devzone.core.services import _only_fields, ensure_can_write, role_codes
from devzone.projects import files, signals, workflow
from devzone.projects.kpis import effective_reports as _effective_reports
from devzone.projects.models import (
    LIFECYCLE,
    BatchEntry,
    Evidence,
    Milestone,
    ProgressReport,
    Project,
    ProjectBatch,
    ProjectMonthPlan,
    ProjectRules,
    ProjectStage,
    ProjectYearPlan,
    Stage,
    StageEvent,
)

PROJECT_FIELDS = {
    "code", "name", "owner", "owner_name", "region", "zone", "industry", "chain_link", "category", "nature",
    "provincial_key", "city_key", "hundred_major", "government_invested", "content_scale", "total_investment",
    "start_year", "end_year", "land_mu", "own_land", "lon", "lat", "leader", "leader_name", "responsible_unit",
    "responsible_unit_name", "service_officer", *Project.MARK_FIELDS, "agreement_amount", "agreement_counterpart",
    "committed_output", "committed_tax",
}
RULES_FIELDS = {"signed_not_started_months", "lag_yellow_points", "lag_red_points", "effective_percent",
                "photo_window_days", "max_upload_mb"}
# The stage whose verification an evidence kind supports (deleting it after that stage is verified is refused).
KIND_STAGE = {
    Evidence.Kind.AGREEMENT: Stage.SIGNED, Evidence.Kind.APPROVAL: Stage.STARTED, Evidence.Kind.LAND: Stage.STARTED,
    Evidence.Kind.CONSTRUCTION_PERMIT: Stage.STARTED, Evidence.Kind.CONSTRUCTION_CONTRACT: Stage.STARTED,
    Evidence.Kind.SITE_PHOTO: Stage.STARTED, Evidence.Kind.COMPLETION: Stage.COMPLETED,
    Evidence.Kind.PRODUCTION: Stage.PRODUCING, Evidence.Kind.EFFECTIVENESS: Stage.EFFECTIVE,
}


# --- roles, rules, helpers ---------------------------------------------------------------------------

def rules_get() -> ProjectRules:
    """The thresholds in force (the single row is created with its defaults on first use)."""
    rules, _created = ProjectRules.objects.get_or_create(pk=1)
    return rules


@transaction.atomic
def rules_update(*, actor: User, data: Mapping[str, Any]) -> ProjectRules:
    if not actor.is_superuser:
        raise PermissionDenied("只有系统管理员可以修改项目规则参数")
    rules = rules_get()
    return update_audited(actor=actor, instance=rules, data=_only_fields(data, RULES_FIELDS),
                          expected_updated_at=None)


def can_verify(user: User) -> bool:
    """Verification (认定) and approval belong to the project office (大项目办) and administrators."""
    return bool(user.is_superuser or Role.Code.PROJECT_OFFICE in role_codes(user))


def ensure_office(user: User, project: Project) -> None:
    ensure_can_write(user, project.region)
    if not can_verify(user):
        raise PermissionDenied("只有大项目办(发改委)可以认定阶段、审核月报或终止项目")


def _lock(project: Project) -> Project:
    return Project.objects.select_for_update(of=("self",)).select_related("region").get(pk=project.pk)


def _today() -> date:
    return timezone.localdate()


def _money(value: Any, label: str, field: str) -> Decimal:
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError) as exc:
        raise ValidationFailed(f"{label}不是有效的金额", details=[{"field": field, "message": "无效金额"}]) from exc
    if not amount.is_finite():
        raise ValidationFailed(f"{label}不是有效的金额", details=[{"field": field, "message": "无效金额"}])
    return amount.quantize(Decimal("0.01"))


def _event(project: Project, *, actor: User | None, action: str, stage: str = "", on: date | None = None,
           note: str = "") -> None:
    StageEvent.objects.create(project=project, action=action, stage=stage, on=on, actor=actor, note=note)


def _state(project: Project) -> dict:
    return {"stage": project.stage, "declared_stage": project.declared_stage, "resume_stage": project.resume_stage,
            "suspended_on": project.suspended_on, "cancelled_on": project.cancelled_on}


def _save_state(project: Project, actor: User, action: str, before: dict, extra: dict | None = None) -> None:
    project.save(update_fields=["stage", "declared_stage", "resume_stage", "suspended_on", "cancelled_on",
                                "cancel_reason", "updated_at"])
    audit.record(actor=actor, action=action, instance=project, before=before, after={**_state(project),
                                                                                    **(extra or {})})


# --- the ledger --------------------------------------------------------------------------------------

_SPACES = re.compile(r"\s+")


def normalise_name(text: str) -> str:
    """Compare names the way people write them: no spaces, full-width brackets as half-width."""
    text = _SPACES.sub("", text or "")
    return text.replace("(", "(").replace(")", ")").strip()


def _clean_project_data(data: dict[str, Any], project: Project | None = None) -> None:
    for key in ("code", "name", "owner_name", "leader_name", "responsible_unit_name", "chain_link",
                "agreement_counterpart"):
        if key in data and data[key] is not None:
            data[key] = str(data[key]).strip()
    for key in ("total_investment", "agreement_amount", "committed_output", "committed_tax"):
        if data.get(key) is not None:
            data[key] = _money(data[key], str(Project._meta.get_field(key).verbose_name), key)
    owner = data.get("owner", project.owner if project else None)
    if owner is not None and not data.get("owner_name", project.owner_name if project else ""):
        data["owner_name"] = owner.name
    leader = data.get("leader", project.leader if project else None)
    if leader is not None and not data.get("leader_name", project.leader_name if project else ""):
        data["leader_name"] = str(leader)
    unit = data.get("responsible_unit", project.responsible_unit if project else None)
    if unit is not None and not data.get("responsible_unit_name", project.responsible_unit_name if project else ""):
        data["responsible_unit_name"] = unit.name
    zone = data.get("zone", project.zone if project else None)
    region = data.get("region", project.region if project else None)
    if zone is not None and region is not None and not region.path.startswith(zone.region.path) \
            and not zone.region.path.startswith(region.path):
        raise ValidationFailed(f"项目所在园区「{zone}」不在所选行政区划「{region}」内",
                               details=[{"field": "zone", "message": "园区与行政区划不一致"}])
    if data.get("code") and Project.objects.filter(code=data["code"]).exclude(
            pk=project.pk if project else None).exists():
        raise Conflict(f"项目编号 {data['code']} 已被其他项目使用",
                       details=[{"field": "code", "message": "编号重复"}])


@transaction.atomic
def project_create(*, actor: User, data: Mapping[str, Any]) -> Project:
    """Enter a project into the ledger at `planned` (default) or `signed` (declared, awaiting verification).

    `data` holds Project fields (objects for foreign keys) plus optional `stage` ("planned"|"signed") and
    `stage_date` (the date it entered the reserve, or the signing date).
    """
    data = dict(data)
    entry_stage = data.pop("stage", None) or Stage.PLANNED
    entry_date = data.pop("stage_date", None) or _today()
    data = _only_fields(data, PROJECT_FIELDS)
    if data.get("region") is None:
        raise ValidationFailed("请选择项目所在行政区划", details=[{"field": "region", "message": "必填"}])
    ensure_can_write(actor, data["region"])
    if entry_stage not in workflow.ENTRY_STAGES:
        raise ValidationFailed("项目只能以「谋划储备」或「签约」阶段入库",
                               details=[{"field": "stage", "message": "入库阶段"}])
    if data.get("total_investment") is None:
        raise ValidationFailed("请填写总投资", details=[{"field": "total_investment", "message": "必填"}])
    _clean_project_data(data)
    project = create_audited(actor=actor, instance=Project(**data))
    planned_on = entry_date if entry_stage == Stage.PLANNED else min(entry_date, _today())
    ProjectStage.objects.create(project=project, stage=Stage.PLANNED, actual_date=planned_on,
                                status=ProjectStage.Status.VERIFIED, declared_by=actor, declared_at=timezone.now(),
                                verified_by=actor, verified_at=timezone.now())
    _event(project, actor=actor, action=StageEvent.Action.ENTER, stage=Stage.PLANNED, on=planned_on)
    if entry_stage == Stage.SIGNED:
        project = project_declare_stage(actor=actor, project=project, stage=Stage.SIGNED, date=entry_date)
    return project


@transaction.atomic
def project_update(*, actor: User, project: Project, data: Mapping[str, Any],
                   expected_updated_at: datetime | None = None) -> Project:
    data = _only_fields(data, PROJECT_FIELDS)
    ensure_can_write(actor, project.region)
    if data.get("region") is not None:
        ensure_can_write(actor, data["region"])
    if "total_investment" in data and data["total_investment"] is None:
        raise ValidationFailed("请填写总投资", details=[{"field": "total_investment", "message": "必填"}])
    _clean_project_data(data, project)
    if "total_investment" in data:
        reported = _effective_reports().filter(project=project).aggregate(s=Sum("investment_month"))["s"] or 0
        if data["total_investment"] < reported:
            raise ValidationFailed(f"总投资不能低于已审核的累计完成投资 {Decimal(reported):.2f} 万元",
                                   details=[{"field": "total_investment", "message": "低于累计完成投资"}])
    return update_audited(actor=actor, instance=project, data=data, expected_updated_at=expected_updated_at)


def project_find_for_import(*, user: User, code: str | None, name: str, owner_name: str) -> Project | None:
    """The project an imported ledger row means: by code when the row has one, else by name and owner.

    Only projects in the user's jurisdiction are considered. A code that matches nothing falls back to name and
    owner among projects without a code. Several projects with the same name and owner raise Conflict.
    """
    qs = Project.objects.filter(scope_for(user).region_q()).select_related("owner")
    code = (code or "").strip()
    if code:
        found = qs.filter(code=code).first()
        if found is not None:
            return found
        qs = qs.filter(code="")
    wanted_name, wanted_owner = normalise_name(name), normalise_name(owner_name)
    if not wanted_name:
        return None
    head = wanted_name[:8]
    candidates = [p for p in qs.filter(name__icontains=head)
                  if normalise_name(p.name) == wanted_name
                  and (not wanted_owner or normalise_name(p.owner_label) == wanted_owner)]
    if len(candidates) > 1:
        raise Conflict(f"有 {len(candidates)} 个项目名称为「{name}」、建设单位为「{owner_name}」,请填写项目编号区分")
    return candidates[0] if candidates else None


@transaction.atomic
def project_year_plan_set(*, actor: User, project: Project, year: int,
                          planned_investment: Decimal) -> ProjectYearPlan:
    """Create or replace the investment planned for `year` (年度计划投资)."""
    ensure_can_write(actor, project.region)
    amount = _money(planned_investment, "年度计划投资", "planned_investment")
    if amount < 0:
        raise ValidationFailed("年度计划投资不能为负数", details=[{"field": "planned_investment", "message": "负数"}])
    if amount > project.total_investment:
        raise ValidationFailed(f"年度计划投资 {amount} 万元超过项目总投资 {project.total_investment} 万元",
                               details=[{"field": "planned_investment", "message": "超过总投资"}])
    existing = ProjectYearPlan.objects.filter(project=project, year=year).first()
    if existing is None:
        return create_audited(actor=actor, instance=ProjectYearPlan(project=project, year=year,
                                                                    planned_investment=amount))
    return update_audited(actor=actor, instance=existing, data={"planned_investment": amount},
                          expected_updated_at=None)


@transaction.atomic
def project_month_plan_set(*, actor: User, project: Project, year: int,
                           cumulative: Mapping[int, Decimal]) -> list[ProjectMonthPlan]:
    """Replace the year's monthly plan: month → investment planned by the end of that month (cumulative)."""
    ensure_can_write(actor, project.region)
    plan = ProjectYearPlan.objects.filter(project=project, year=year).first()
    rows, previous = [], Decimal(0)
    for month in sorted(cumulative):
        if not 1 <= int(month) <= 12:
            raise ValidationFailed(f"月份 {month} 无效")
        amount = _money(cumulative[month], "月度计划", "cumulative")
        if amount < previous:
            raise ValidationFailed(f"{month}月累计计划 {amount} 万元低于上月,累计数不能减少")
        if plan is not None and amount > plan.planned_investment:
            raise ValidationFailed(f"{month}月累计计划超过年度计划投资 {plan.planned_investment} 万元")
        previous = amount
        rows.append(ProjectMonthPlan(project=project, year=year, month=int(month), planned_cumulative=amount))
    before = list(ProjectMonthPlan.objects.filter(project=project, year=year).values("month", "planned_cumulative"))
    ProjectMonthPlan.objects.filter(project=project, year=year).delete()
    created = ProjectMonthPlan.objects.bulk_create(rows)
    audit.record(actor=actor, action="month_plan", instance=project, before={"year": year, "months": before},
                 after={"year": year, "months": [{"month": r.month, "planned_cumulative": r.planned_cumulative}
                                                 for r in created]})
    return created


@transaction.atomic
def project_stage_plan_set(*, actor: User, project: Project, stage: str, planned_date: date | None) -> ProjectStage:
    """Set the planned date of a lifecycle stage (计划签约/开工/竣工/投产/达效日期)."""
    ensure_can_write(actor, project.region)
    if stage not in LIFECYCLE:
        raise ValidationFailed(f"未知阶段:{stage}")
    row, _created = ProjectStage.objects.get_or_create(project=project, stage=stage)
    before = row.planned_date
    row.planned_date = planned_date
    row.save(update_fields=["planned_date"])
    audit.record(actor=actor, action="plan_stage", instance=project, before={"stage": stage, "planned_date": before},
                 after={"stage": stage, "planned_date": planned_date})
    return row


# --- the stage workflow ------------------------------------------------------------------------------

def _previous_verified_date(project: Project, stage: str) -> date | None:
    """The actual date of the latest verified stage before `stage` (signed or later)."""
    earlier = [s for s in LIFECYCLE[1:workflow.lifecycle_index(stage)]]
    row = (ProjectStage.objects.filter(project=project, stage__in=earlier, status=ProjectStage.Status.VERIFIED)
           .order_by("-actual_date").first())
    return row.actual_date if row else None


@transaction.atomic
def project_declare_stage(*, actor: User, project: Project, stage: str, date: date, note: str = "") -> Project:
    """The county declares that the project reached `stage` on `date`; it counts only once verified."""
    project = _lock(project)
    ensure_can_write(actor, project.region)
    reason = workflow.refusal_to_declare(current=project.stage, target=stage,
                                         government_invested=project.government_invested)
    if reason:
        raise ValidationFailed(reason, details=[{"field": "stage", "message": reason}])
    if project.declared_stage and project.declared_stage != stage:
        raise Conflict(f"已申报「{workflow.stage_label(project.declared_stage)}」尚待认定,"
                       f"不能同时申报「{workflow.stage_label(stage)}」")
    if date is None:
        raise ValidationFailed("请填写该阶段的实际日期", details=[{"field": "date", "message": "必填"}])
    if date > _today():
        raise ValidationFailed("不能申报未来的日期", details=[{"field": "date", "message": "未来日期"}])
    previous = _previous_verified_date(project, stage)
    if previous and date < previous:
        raise ValidationFailed(f"{workflow.stage_label(stage)}日期不能早于上一阶段的认定日期 {previous:%Y-%m-%d}",
                               details=[{"field": "date", "message": "早于上一阶段"}])
    row, _created = ProjectStage.objects.select_for_update().get_or_create(project=project, stage=stage)
    row.actual_date, row.status, row.note, row.return_reason = date, ProjectStage.Status.DECLARED, note, ""
    row.declared_by, row.declared_at = actor, timezone.now()
    row.save()
    before = _state(project)
    project.declared_stage = stage
    _event(project, actor=actor, action=StageEvent.Action.DECLARE, stage=stage, on=date, note=note)
    _save_state(project, actor, "declare_stage", before, {"date": date})
    return project


def _evidence_facts(project: Project, row: ProjectStage) -> workflow.EvidenceFacts:
    owner_years: list[tuple[int, Decimal | None, Decimal | None]] = []
    producing_year = None
    if row.stage == Stage.EFFECTIVE:
        producing = ProjectStage.objects.filter(project=project, stage=Stage.PRODUCING,
                                                status=ProjectStage.Status.VERIFIED).first()
        producing_year = producing.actual_date.year if producing else None
        if project.owner_id:
            owner_years = list(project.owner.years.values_list("year", "output", "tax"))
    return workflow.EvidenceFacts(
        stage=row.stage, stage_date=row.actual_date, nature=project.nature, own_land=project.own_land,
        agreement_amount=project.agreement_amount, agreement_counterpart=project.agreement_counterpart,
        committed_output=project.committed_output, committed_tax=project.committed_tax,
        evidence=list(project.evidence.all()), owner_years=owner_years, producing_year=producing_year)


def missing_for(project: Project, stage: str) -> list[workflow.Missing]:
    """What evidence the declared `stage` still lacks (for the pages; verification uses the same check)."""
    row = ProjectStage.objects.filter(project=project, stage=stage).first()
    if row is None or row.actual_date is None:
        return []
    rules = rules_get()
    return workflow.missing_evidence(_evidence_facts(project, row), photo_window_days=rules.photo_window_days,
                                     effective_percent=rules.effective_percent)


@transaction.atomic
def project_verify_stage(*, actor: User, project: Project, stage: str) -> Project:
    """The project office verifies (认定) a declared stage; refused, with the missing evidence named, when
    the evidence is incomplete ("手续不全的项目不予认定")."""
    project = _lock(project)
    ensure_office(actor, project)
    if project.declared_stage != stage:
        raise ValidationFailed(f"「{workflow.stage_label(stage)}」没有待认定的申报",
                               details=[{"field": "stage", "message": "没有待认定的申报"}])
    reason = workflow.refusal_to_declare(current=project.stage, target=stage,
                                         government_invested=project.government_invested)
    if reason:
        raise ValidationFailed(reason)
    row = ProjectStage.objects.select_for_update().get(project=project, stage=stage)
    missing = missing_for(project, stage)
    if missing:
        raise ValidationFailed("手续不全的项目不予认定:缺少" + "、".join(m.label for m in missing),
                               details=[{"field": m.code, "message": f"缺少{m.label}"} for m in missing])
    row.status, row.verified_by, row.verified_at = ProjectStage.Status.VERIFIED, actor, timezone.now()
    row.save(update_fields=["status", "verified_by", "verified_at"])
    before = _state(project)
    project.stage, project.declared_stage = stage, ""
    _event(project, actor=actor, action=StageEvent.Action.VERIFY, stage=stage, on=row.actual_date)
    _save_state(project, actor, "verify_stage", before, {"date": row.actual_date})
    signals.stage_verified.send(sender=Project, project=project, stage=stage, actor=actor, on=row.actual_date)
    return project


@transaction.atomic
def project_return_stage(*, actor: User, project: Project, stage: str, reason: str) -> Project:
    """The project office returns a declaration with a reason; the county may declare again."""
    project = _lock(project)
    ensure_office(actor, project)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("退回须填写理由", details=[{"field": "reason", "message": "必填"}])
    if project.declared_stage != stage:
        raise ValidationFailed(f"「{workflow.stage_label(stage)}」没有待认定的申报")
    row = ProjectStage.objects.select_for_update().get(project=project, stage=stage)
    row.status, row.return_reason = ProjectStage.Status.RETURNED, reason
    row.save(update_fields=["status", "return_reason"])
    before = _state(project)
    project.declared_stage = ""
    _event(project, actor=actor, action=StageEvent.Action.RETURN, stage=stage, on=row.actual_date, note=reason)
    _save_state(project, actor, "return_stage", before, {"reason": reason})
    return project


def _withdraw_declaration(project: Project, actor: User, note: str) -> None:
    if not project.declared_stage:
        return
    ProjectStage.objects.filter(project=project, stage=project.declared_stage).update(
        status=ProjectStage.Status.RETURNED, return_reason=note)
    _event(project, actor=actor, action=StageEvent.Action.RETURN, stage=project.declared_stage, note=note)
    project.declared_stage = ""


@transaction.atomic
def project_suspend(*, actor: User, project: Project, date: date, reason: str) -> Project:
    """停缓建: the project keeps its stage and may resume; a pending declaration is withdrawn."""
    project = _lock(project)
    ensure_can_write(actor, project.region)
    refusal = workflow.refusal_to_move(current=project.stage, target=Stage.SUSPENDED)
    if refusal:
        raise ValidationFailed(refusal)
    if not (reason or "").strip():
        raise ValidationFailed("停缓建须说明原因", details=[{"field": "reason", "message": "必填"}])
    if date is None or date > _today():
        raise ValidationFailed("请填写不晚于今天的停缓建日期", details=[{"field": "date", "message": "日期"}])
    before = _state(project)
    _withdraw_declaration(project, actor, "项目停缓建,申报撤回")
    project.resume_stage, project.stage, project.suspended_on = project.stage, Stage.SUSPENDED, date
    _event(project, actor=actor, action=StageEvent.Action.SUSPEND, stage=Stage.SUSPENDED, on=date, note=reason)
    _save_state(project, actor, "suspend", before, {"reason": reason})
    return project


@transaction.atomic
def project_resume(*, actor: User, project: Project, date: date, note: str = "") -> Project:
    project = _lock(project)
    ensure_can_write(actor, project.region)
    if project.stage != Stage.SUSPENDED:
        raise ValidationFailed("只有停缓建的项目可以恢复建设")
    if date is None or date > _today():
        raise ValidationFailed("请填写不晚于今天的恢复日期", details=[{"field": "date", "message": "日期"}])
    before = _state(project)
    project.stage, project.resume_stage, project.suspended_on = project.resume_stage, "", None
    _event(project, actor=actor, action=StageEvent.Action.RESUME, stage=project.stage, on=date, note=note)
    _save_state(project, actor, "resume", before)
    return project


@transaction.atomic
def project_cancel(*, actor: User, project: Project, date: date, reason: str,
                   replacement: Project | None = None) -> Project:
    """终止 with a reason (project office); optionally name the project that replaces it."""
    project = _lock(project)
    ensure_office(actor, project)
    refusal = workflow.refusal_to_move(current=project.stage, target=Stage.CANCELLED)
    if refusal:
        raise ValidationFailed(refusal)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("终止项目须说明原因", details=[{"field": "reason", "message": "必填"}])
    if date is None or date > _today():
        raise ValidationFailed("请填写不晚于今天的终止日期", details=[{"field": "date", "message": "日期"}])
    before = _state(project)
    _withdraw_declaration(project, actor, "项目终止,申报撤回")
    project.stage, project.cancelled_on, project.cancel_reason = Stage.CANCELLED, date, reason
    _event(project, actor=actor, action=StageEvent.Action.CANCEL, stage=Stage.CANCELLED, on=date, note=reason)
    _save_state(project, actor, "cancel", before, {"reason": reason})
    if replacement is not None:
        project_link_replacement(actor=actor, old=project, new=replacement)
    return project


@transaction.atomic
def project_link_replacement(*, actor: User, old: Project, new: Project) -> Project:
    """Link a cancelled project to the one that replaces it (调整替换); the new one joins the old one's batches."""
    old = Project.objects.select_related("region").get(pk=old.pk)
    new = _lock(new)
    ensure_office(actor, old)
    ensure_office(actor, new)
    if old.stage != Stage.CANCELLED:
        raise ValidationFailed("只有已终止的项目可以被替换,请先终止原项目")
    if new.pk == old.pk:
        raise ValidationFailed("项目不能替换自己")
    if new.stage == Stage.CANCELLED:
        raise ValidationFailed("替换项目不能是已终止的项目")
    if new.replaces_id and new.replaces_id != old.pk:
        raise Conflict(f"「{new}」已经替换了其他项目")
    if Project.objects.filter(replaces=old).exclude(pk=new.pk).exists():
        raise Conflict(f"「{old}」已有替换项目")
    new.replaces = old
    new.save(update_fields=["replaces", "updated_at"])
    for entry in BatchEntry.objects.filter(project=old):
        BatchEntry.objects.get_or_create(batch_id=entry.batch_id, project=new, list_kind=entry.list_kind)
    _event(new, actor=actor, action=StageEvent.Action.REPLACE, stage=new.stage, on=old.cancelled_on,
           note=f"替换已终止项目「{old.name}」")
    _event(old, actor=actor, action=StageEvent.Action.REPLACE, stage=Stage.CANCELLED, on=old.cancelled_on,
           note=f"由「{new.name}」替换")
    audit.record(actor=actor, action="replace", instance=new, before={"replaces": None},
                 after={"replaces": old.pk})
    return new


# --- evidence ----------------------------------------------------------------------------------------

def _read_upload(upload, limit: int) -> bytes:
    if hasattr(upload, "chunks"):
        data = bytearray()
        for chunk in upload.chunks():
            data += chunk
            if len(data) > limit:
                break
        return bytes(data)
    return upload.read(limit + 1)


@transaction.atomic
def evidence_upload(*, actor: User, project: Project, kind: str, upload, stage: str = "", document_number: str = "",
                    taken_on: date | None = None, note: str = "", report: ProgressReport | None = None) -> Evidence:
    """Store an evidence file after checking what it really is (JPEG, PNG or PDF) and its size. A photo's date
    comes from its EXIF DateTimeOriginal when present; otherwise the uploader must give it."""
    ensure_can_write(actor, project.region)
    if kind not in Evidence.Kind.values:
        raise ValidationFailed(f"未知的要件类别:{kind}", details=[{"field": "kind", "message": "未知类别"}])
    if stage and stage not in LIFECYCLE:
        raise ValidationFailed(f"未知阶段:{stage}", details=[{"field": "stage", "message": "未知阶段"}])
    rules = rules_get()
    limit = rules.max_upload_mb * 1024 * 1024
    name = str(getattr(upload, "name", "") or "upload").replace("\\", "/").rsplit("/", 1)[-1][:200]
    data = _read_upload(upload, limit)
    if len(data) > limit:
        raise ValidationFailed(f"文件「{name}」超过 {rules.max_upload_mb} MB 的上限",
                               details=[{"field": "file", "message": "文件过大"}])
    if not data:
        raise ValidationFailed(f"文件「{name}」是空文件", details=[{"field": "file", "message": "空文件"}])
    sniffed = files.sniff(data[:16])
    if sniffed is None:
        raise ValidationFailed(f"文件「{name}」不是 JPEG、PNG 图片或 PDF 文档(按文件内容判断)",
                               details=[{"field": "file", "message": "文件类型不符"}])
    if kind == Evidence.Kind.SITE_PHOTO and not sniffed.is_image:
        raise ValidationFailed("现场照片须为 JPEG 或 PNG 图片", details=[{"field": "file", "message": "不是图片"}])
    source = Evidence.DateSource.NONE
    exif = files.exif_datetime_original(data) if sniffed.content_type == files.JPEG else None
    if exif is not None:
        taken_on, source = exif.date(), Evidence.DateSource.EXIF
    elif taken_on is not None:
        source = Evidence.DateSource.DECLARED
    if kind == Evidence.Kind.SITE_PHOTO and taken_on is None:
        raise ValidationFailed("照片没有拍摄日期(EXIF),请填写拍摄日期",
                               details=[{"field": "taken_on", "message": "必填"}])
    if taken_on is not None and taken_on > _today():
        raise ValidationFailed("拍摄日期不能晚于今天", details=[{"field": "taken_on", "message": "未来日期"}])
    evidence = Evidence(project=project, report=report, stage=stage, kind=kind, original_name=name,
                        content_type=sniffed.content_type, size=len(data), sha256=hashlib.sha256(data).hexdigest(),
                        document_number=(document_number or "").strip()[:100], taken_on=taken_on,
                        taken_on_source=source, note=(note or "")[:200], uploaded_by=actor)
    evidence.file.save(f"projects/{project.pk}/{uuid.uuid4().hex}.{sniffed.extension}", ContentFile(data),
                       save=False)
    stored = evidence.file.name
    try:
        validate_instance(evidence)
        save_checked(evidence)
    except Exception:
        default_storage.delete(stored)
        raise
    audit.record(actor=actor, action="create", instance=evidence, after=evidence_snapshot(evidence))
    return evidence


def evidence_snapshot(evidence: Evidence) -> dict:
    return {**audit.snapshot(evidence, exclude=("file",)), "file": evidence.file.name}


@transaction.atomic
def evidence_delete(*, actor: User, evidence: Evidence) -> None:
    """Remove an upload that no verified stage or approved report relies on."""
    project = evidence.project
    ensure_can_write(actor, project.region)
    stage = KIND_STAGE.get(evidence.kind)
    if evidence.report_id and evidence.report.status == ProgressReport.Status.APPROVED:
        raise Conflict("已审核月报的照片不能删除")
    if stage and ProjectStage.objects.filter(project=project, stage=stage,
                                             status=ProjectStage.Status.VERIFIED).exists():
        raise Conflict(f"「{workflow.stage_label(stage)}」已认定,其要件不能删除")
    before = evidence_snapshot(evidence)
    name, pk, text = evidence.file.name, evidence.pk, str(evidence)
    evidence.delete()
    audit.record(actor=actor, action="delete", object_type="projects.evidence", object_id=str(pk),
                 object_repr=text, before=before)
    if not Evidence.objects.filter(file=name).exists():  # the demo shares some files between rows
        transaction.on_commit(lambda: default_storage.delete(name))


# --- monthly progress reports ------------------------------------------------------------------------

def month_start(value: date | str) -> date:
    """A period: a date (any day of the month) or "YYYY-MM" → the first day of that month."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.replace(day=1)
    match = re.fullmatch(r"\s*(\d{4})-(\d{1,2})(?:-\d{1,2})?\s*", str(value or ""))
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValidationFailed(f"月份「{value}」格式应为 YYYY-MM", details=[{"field": "period", "message": "格式错误"}])
    return date(int(match.group(1)), int(match.group(2)), 1)


def _check_ledger(project: Project, *, period: date, amount: Decimal, percent: int,
                  replacing: ProgressReport | None) -> None:
    """Cumulative completed investment stays within the total; image progress never goes backwards."""
    counted = _effective_reports().filter(project=project)
    if replacing is not None:
        counted = counted.exclude(pk=replacing.pk)
    other = counted.aggregate(s=Sum("investment_month"))["s"] or Decimal(0)
    cumulative = Decimal(other) + amount
    if cumulative > project.total_investment:
        raise ValidationFailed(
            f"累计完成投资将达到 {cumulative:.2f} 万元,超过项目总投资 {project.total_investment:.2f} 万元",
            details=[{"field": "investment_month", "message": "累计完成投资超过总投资"}])
    earlier = counted.filter(period__lt=period).order_by("-period").first()
    if earlier is not None and percent < earlier.image_percent:
        raise ValidationFailed(f"形象进度 {percent}% 低于 {earlier.period_label} 已审核的 {earlier.image_percent}%",
                               details=[{"field": "image_percent", "message": "形象进度不能倒退"}])
    later = counted.filter(period__gt=period).order_by("period").first()
    if later is not None and percent > later.image_percent:
        raise ValidationFailed(f"形象进度 {percent}% 高于 {later.period_label} 已审核的 {later.image_percent}%",
                               details=[{"field": "image_percent", "message": "形象进度与后续月份矛盾"}])


def _report_fields(investment_month, image_progress: str, image_percent, problems: str) -> dict:
    amount = _money(investment_month, "本月完成投资", "investment_month")
    if amount < 0:
        raise ValidationFailed("本月完成投资不能为负数(累计完成投资不能减少)",
                               details=[{"field": "investment_month", "message": "负数"}])
    try:
        percent = int(image_percent or 0)
    except (TypeError, ValueError) as exc:
        raise ValidationFailed("形象进度百分比应为 0–100 的整数") from exc
    if not 0 <= percent <= 100:
        raise ValidationFailed("形象进度百分比应为 0–100 的整数",
                               details=[{"field": "image_percent", "message": "0–100"}])
    return {"investment_month": amount, "image_progress": (image_progress or "").strip(), "image_percent": percent,
            "problems": (problems or "").strip()}


def _attach_photos(actor: User, report: ProgressReport, photos: Iterable) -> None:
    for item in photos:
        upload, taken_on = item if isinstance(item, tuple) else (item, None)
        evidence_upload(actor=actor, project=report.project, kind=Evidence.Kind.SITE_PHOTO, upload=upload,
                        taken_on=taken_on, report=report, note=f"{report.period_label} 月报照片")


@transaction.atomic
def report_submit(*, actor: User, project: Project, period: date | str, investment_month: Decimal,
                  image_progress: str = "", image_percent: int = 0, problems: str = "",
                  photos: Sequence = ()) -> ProgressReport:
    """The county submits a project's report for a month (a returned one is submitted again in place).
    `photos` are uploaded files, or (file, taken_on) pairs for photos without an EXIF date."""
    project = _lock(project)
    ensure_can_write(actor, project.region)
    if project.stage == Stage.CANCELLED:
        raise ValidationFailed("已终止的项目不再填报月报")
    period = month_start(period)
    if period > _today().replace(day=1):
        raise ValidationFailed("不能填报未来月份的月报", details=[{"field": "period", "message": "未来月份"}])
    fields = _report_fields(investment_month, image_progress, image_percent, problems)
    existing = ProgressReport.objects.select_for_update().filter(project=project, period=period,
                                                                 corrects__isnull=True).first()
    if existing is not None and existing.status == ProgressReport.Status.SUBMITTED:
        raise Conflict(f"{period:%Y-%m} 月报已提交,正在等待审核")
    if existing is not None and existing.status == ProgressReport.Status.APPROVED:
        raise Conflict(f"{period:%Y-%m} 月报已审核,不能修改;如有错误请提交更正")
    _check_ledger(project, period=period, amount=fields["investment_month"], percent=fields["image_percent"],
                  replacing=None)
    return _write_report(actor, project, existing, period, fields, photos, corrects=None)


def _write_report(actor: User, project: Project, existing: ProgressReport | None, period: date, fields: dict,
                  photos: Sequence, corrects: ProgressReport | None) -> ProgressReport:
    now = timezone.now()
    if existing is None:
        report = ProgressReport(project=project, period=period, corrects=corrects, submitted_by=actor,
                                submitted_at=now, status=ProgressReport.Status.SUBMITTED, **fields)
        validate_instance(report)
        report.save()
        audit.record(actor=actor, action="submit_report", instance=report, after=audit.snapshot(report))
    else:
        before = audit.snapshot(existing)
        for key, value in fields.items():
            setattr(existing, key, value)
        existing.status, existing.return_reason = ProgressReport.Status.SUBMITTED, ""
        existing.submitted_by, existing.submitted_at = actor, now
        existing.reviewed_by, existing.reviewed_at = None, None
        validate_instance(existing)
        existing.save()
        report = existing
        audit.record(actor=actor, action="resubmit_report", instance=report, before=before,
                     after=audit.snapshot(report))
    _attach_photos(actor, report, photos)
    return report


@transaction.atomic
def report_correct(*, actor: User, report: ProgressReport, investment_month: Decimal, image_progress: str = "",
                   image_percent: int = 0, problems: str = "", photos: Sequence = ()) -> ProgressReport:
    """A correction of an approved report: a new report pointing at it; once approved it takes its place."""
    project = _lock(report.project)
    ensure_can_write(actor, project.region)
    report = ProgressReport.objects.select_for_update().get(pk=report.pk)
    if report.status != ProgressReport.Status.APPROVED:
        raise ValidationFailed("只能更正已审核的月报;未审核或被退回的月报请直接修改后提交")
    existing = ProgressReport.objects.select_for_update().filter(corrects=report).first()
    if existing is not None and existing.status != ProgressReport.Status.RETURNED:
        raise Conflict("该月报已有更正记录,请在最新的记录上更正" if existing.status == ProgressReport.Status.APPROVED
                       else "该月报的更正正在等待审核")
    fields = _report_fields(investment_month, image_progress, image_percent, problems)
    _check_ledger(project, period=report.period, amount=fields["investment_month"],
                  percent=fields["image_percent"], replacing=report)
    return _write_report(actor, project, existing, report.period, fields, photos, corrects=report)


@transaction.atomic
def report_resubmit(*, actor: User, report: ProgressReport, investment_month: Decimal, image_progress: str = "",
                    image_percent: int = 0, problems: str = "", photos: Sequence = ()) -> ProgressReport:
    """Submit a returned report again, with changed figures."""
    if report.status != ProgressReport.Status.RETURNED:
        raise ValidationFailed("只有被退回的月报可以修改后重新提交")
    kwargs = {"investment_month": investment_month, "image_progress": image_progress,
              "image_percent": image_percent, "problems": problems, "photos": photos}
    if report.corrects_id:
        return report_correct(actor=actor, report=report.corrects, **kwargs)
    return report_submit(actor=actor, project=report.project, period=report.period, **kwargs)


@transaction.atomic
def report_approve(*, actor: User, report: ProgressReport) -> ProgressReport:
    """The project office approves a submitted report; it becomes immutable and counts in the ledger."""
    project = _lock(report.project)
    ensure_office(actor, project)
    report = ProgressReport.objects.select_for_update().get(pk=report.pk)
    if report.status != ProgressReport.Status.SUBMITTED:
        raise ValidationFailed(f"该月报当前为「{report.get_status_display()}」,不能审核通过")
    if report.corrects_id and _effective_reports().filter(pk=report.corrects_id).count() == 0:
        raise Conflict("被更正的月报已被其他更正取代,请在最新记录上更正")
    _check_ledger(project, period=report.period, amount=report.investment_month, percent=report.image_percent,
                  replacing=report.corrects)
    before = {"status": report.status}
    report.status, report.reviewed_by, report.reviewed_at = ProgressReport.Status.APPROVED, actor, timezone.now()
    report.save(update_fields=["status", "reviewed_by", "reviewed_at", "updated_at"])
    audit.record(actor=actor, action="approve_report", instance=report, before=before,
                 after={"status": report.status, "investment_month": report.investment_month,
                        "corrects": report.corrects_id})
    return report


@transaction.atomic
def report_return(*, actor: User, report: ProgressReport, reason: str) -> ProgressReport:
    """The project office returns a submitted report with a reason; the county corrects and submits again."""
    project = _lock(report.project)
    ensure_office(actor, project)
    report = ProgressReport.objects.select_for_update().get(pk=report.pk)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("退回须填写理由", details=[{"field": "reason", "message": "必填"}])
    if report.status != ProgressReport.Status.SUBMITTED:
        raise ValidationFailed(f"该月报当前为「{report.get_status_display()}」,不能退回")
    before = {"status": report.status}
    report.status, report.return_reason = ProgressReport.Status.RETURNED, reason
    report.reviewed_by, report.reviewed_at = actor, timezone.now()
    report.save(update_fields=["status", "return_reason", "reviewed_by", "reviewed_at", "updated_at"])
    audit.record(actor=actor, action="return_report", instance=report, before=before,
                 after={"status": report.status, "reason": reason})
    return report


# --- milestones and batches --------------------------------------------------------------------------

@transaction.atomic
def milestone_create(*, actor: User, project: Project, name: str, planned_date: date, note: str = "") -> Milestone:
    ensure_can_write(actor, project.region)
    if not (name or "").strip():
        raise ValidationFailed("请填写节点名称", details=[{"field": "name", "message": "必填"}])
    if planned_date is None:
        raise ValidationFailed("请填写节点计划日期", details=[{"field": "planned_date", "message": "必填"}])
    return create_audited(actor=actor, instance=Milestone(project=project, name=name.strip(),
                                                          planned_date=planned_date, note=note or ""))


@transaction.atomic
def milestone_complete(*, actor: User, milestone: Milestone, done_on: date) -> Milestone:
    ensure_can_write(actor, milestone.project.region)
    if done_on is None or done_on > _today():
        raise ValidationFailed("请填写不晚于今天的完成日期", details=[{"field": "done_on", "message": "日期"}])
    return update_audited(actor=actor, instance=milestone, data={"done_on": done_on}, expected_updated_at=None)


@transaction.atomic
def batch_create(*, actor: User, name: str, year: int, sequence: int = 1, held_on: date | None = None) -> ProjectBatch:
    if not can_verify(actor):
        raise PermissionDenied("只有大项目办可以设立「三个一批」批次")
    if ProjectBatch.objects.filter(name=name).exists():
        raise Conflict(f"批次「{name}」已存在")
    return create_audited(actor=actor, instance=ProjectBatch(name=name, year=year, sequence=sequence,
                                                             held_on=held_on))


@transaction.atomic
def batch_entry_add(*, actor: User, batch: ProjectBatch, project: Project, list_kind: str) -> BatchEntry:
    ensure_office(actor, project)
    if list_kind not in BatchEntry.List.values:
        raise ValidationFailed(f"未知的批次清单:{list_kind}")
    entry, created = BatchEntry.objects.get_or_create(batch=batch, project=project, list_kind=list_kind)
    if created:
        audit.record(actor=actor, action="batch_add", instance=project,
                     after={"batch": batch.pk, "list": list_kind})
    return entry


def project_for_update(*, user: User, project_id: int) -> Project:
    """A project the user may see, for a write (NotFound otherwise)."""
    project = Project.objects.filter(scope_for(user).region_q(), pk=project_id).select_related("region").first()
    if project is None:
        raise NotFound()
    return project
