"""Writes for policy fulfilment: policies and clauses, applications through submitted → approved → paid (or
rejected), and the overdue sweep that turns late payments into dispatch problems.

`policy_overdue_sweep(now=...)` is idempotent: an application gets at most one problem (a one-to-one link,
taken under a row lock), so running it hourly, from several workers, or again after a crash never duplicates.
Paying an application whose problem is still open writes a note on the problem's timeline saying so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from devzone.core import audit
from devzone.core.crud import create_audited, save_checked, update_audited, validate_instance
from devzone.core.errors import Conflict, NotFound, ValidationFailed
from devzone.core.jurisdiction import scope_for
from devzone.core.models import User
from devzone.core.services import _only_fields, ensure_can_write
from devzone.dispatch.models import Category, Difficulty, Problem, ProblemEvent
from devzone.policies.models import Application, Clause, Policy

POLICY_FIELDS = {"name", "document_number", "issuer", "issued_on", "region", "active"}
CLAUSE_FIELDS = {"number", "title", "benefit", "amount_rule", "max_amount", "payment_days"}
APPLICATION_FIELDS = {"enterprise", "clause", "applied_on", "claimed_amount", "note"}
AS = Application.Status
SWEEP_USERNAME = "policy-sweep"


def _fail(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, details=[{"field": field, "message": message}])


def _today(now: datetime | None) -> date:
    return timezone.localdate(now) if now is not None else timezone.localdate()


# --- policies and clauses ------------------------------------------------------------------------------

@transaction.atomic
def policy_create(*, actor: User, data: Mapping[str, Any]) -> Policy:
    data = _only_fields(data, POLICY_FIELDS)
    if data.get("region") is None:
        raise _fail("region", "请选择发布政策的行政区划")
    ensure_can_write(actor, data["region"])
    if not (data.get("name") or "").strip():
        raise _fail("name", "请填写政策名称")
    if Policy.objects.filter(region=data["region"], name=data["name"]).exists():
        raise Conflict(f"「{data['region']}」已有名为「{data['name']}」的政策")
    return create_audited(actor=actor, instance=Policy(**data))


@transaction.atomic
def policy_update(*, actor: User, policy: Policy, data: Mapping[str, Any],
                  expected_updated_at: datetime | None = None) -> Policy:
    data = _only_fields(data, POLICY_FIELDS)
    ensure_can_write(actor, policy.region)
    if data.get("region") is not None:
        ensure_can_write(actor, data["region"])
    return update_audited(actor=actor, instance=policy, data=data, expected_updated_at=expected_updated_at)


def _check_clause(data: Mapping[str, Any]) -> None:
    if "number" in data and not (data.get("number") or "").strip():
        raise _fail("number", "请填写条款编号")
    if "title" in data and not (data.get("title") or "").strip():
        raise _fail("title", "请填写条款名称")
    days = data.get("payment_days")
    if "payment_days" in data and (days is None or not 1 <= int(days) <= 365):
        raise _fail("payment_days", "兑付时限应为审核通过后 1–365 天")


@transaction.atomic
def clause_create(*, actor: User, policy: Policy, data: Mapping[str, Any]) -> Clause:
    data = _only_fields(data, CLAUSE_FIELDS)
    ensure_can_write(actor, policy.region)
    _check_clause({"number": "", "title": "", **data})
    if Clause.objects.filter(policy=policy, number=data["number"]).exists():
        raise Conflict(f"政策「{policy}」已有条款「{data['number']}」")
    return create_audited(actor=actor, instance=Clause(policy=policy, **data))


@transaction.atomic
def clause_update(*, actor: User, clause: Clause, data: Mapping[str, Any],
                  expected_updated_at: datetime | None = None) -> Clause:
    data = _only_fields(data, CLAUSE_FIELDS)
    ensure_can_write(actor, clause.policy.region)
    _check_clause(data)
    if "number" in data and Clause.objects.filter(policy=clause.policy_id, number=data["number"]).exclude(
            pk=clause.pk).exists():
        raise Conflict(f"政策「{clause.policy}」已有条款「{data['number']}」")
    return update_audited(actor=actor, instance=clause, data=data, expected_updated_at=expected_updated_at)


# --- applications --------------------------------------------------------------------------------------

def _check_application(actor: User, data: Mapping[str, Any]) -> None:
    enterprise, clause = data.get("enterprise"), data.get("clause")
    if enterprise is None:
        raise _fail("enterprise", "请选择申报企业")
    if clause is None:
        raise _fail("clause", "请选择申报的政策条款")
    ensure_can_write(actor, enterprise.region)
    clause = Clause.objects.select_related("policy__region").get(pk=clause.pk)  # the policy as stored now
    if not enterprise.region.path.startswith(clause.policy.region.path):
        raise _fail("clause", f"政策「{clause.policy}」不适用于{enterprise.region}的企业")
    if not clause.policy.active:
        raise _fail("clause", f"政策「{clause.policy}」已停止执行,不能申报")
    claimed = data.get("claimed_amount")
    if claimed is None or Decimal(claimed) <= 0:
        raise _fail("claimed_amount", "申报金额应大于 0(万元)")
    if clause.max_amount is not None and Decimal(claimed) > clause.max_amount:
        raise _fail("claimed_amount", f"申报金额超过该条款上限 {clause.max_amount} 万元")
    if data.get("applied_on") is None:
        raise _fail("applied_on", "请填写申报日期")
    if data["applied_on"] < clause.policy.issued_on:
        raise _fail("applied_on", "申报日期早于政策发布日期")


@transaction.atomic
def application_create(*, actor: User, data: Mapping[str, Any]) -> Application:
    data = _only_fields(data, APPLICATION_FIELDS)
    _check_application(actor, data)
    return create_audited(actor=actor, instance=Application(**data, status=AS.SUBMITTED))


@transaction.atomic
def application_update(*, actor: User, application: Application, data: Mapping[str, Any],
                       expected_updated_at: datetime | None = None) -> Application:
    """Correct an application while it waits for review."""
    data = _only_fields(data, APPLICATION_FIELDS)
    ensure_can_write(actor, application.enterprise.region)
    if application.status != AS.SUBMITTED:
        raise Conflict("只有待审核的申报可以修改")
    merged = {"enterprise": application.enterprise, "clause": application.clause,
              "applied_on": application.applied_on, "claimed_amount": application.claimed_amount, **data}
    _check_application(actor, merged)
    return update_audited(actor=actor, instance=application, data=data, expected_updated_at=expected_updated_at)


def _lock(application: Application, expected_updated_at: datetime | None) -> Application:
    locked = (Application.objects.select_for_update(of=("self",)).select_related("clause", "enterprise__region")
              .get(pk=application.pk))
    if expected_updated_at is not None and locked.updated_at != expected_updated_at:
        raise Conflict("该记录已被他人修改,请刷新后重试",
                       details=[{"field": "updated_at", "message": locked.updated_at.isoformat()}])
    return locked


def _transition(actor: User, locked: Application, action: str, before: dict) -> Application:
    validate_instance(locked)
    save_checked(locked)
    after = audit.snapshot(locked)
    changed = {k for k in after if before.get(k) != after.get(k)} - {"updated_at"}
    audit.record(actor=actor, action=action, instance=locked, before={k: before.get(k) for k in changed},
                 after={k: after[k] for k in changed})
    return locked


@transaction.atomic
def application_approve(*, actor: User, application: Application, amount: Decimal, approved_on: date,
                        expected_updated_at: datetime | None = None) -> Application:
    """审核通过: the amount due and the due date (approval + the clause's payment days)."""
    locked = _lock(application, expected_updated_at)
    ensure_can_write(actor, locked.enterprise.region)
    if locked.status != AS.SUBMITTED:
        raise Conflict(f"申报状态为「{locked.get_status_display()}」,不能审核")
    if amount is None or Decimal(amount) < 0:
        raise _fail("amount", "核定金额不能为负数")
    if Decimal(amount) > locked.claimed_amount:
        raise _fail("amount", "核定金额不能超过申报金额")
    if approved_on is None or approved_on < locked.applied_on:
        raise _fail("approved_on", "审核日期不能早于申报日期")
    before = audit.snapshot(locked)
    locked.status, locked.approved_amount, locked.approved_on = AS.APPROVED, Decimal(amount), approved_on
    locked.approved_by = actor if actor.pk else None
    locked.due_date = approved_on + timedelta(days=locked.clause.payment_days)
    return _transition(actor, locked, "approve", before)


@transaction.atomic
def application_reject(*, actor: User, application: Application, reason: str,
                       expected_updated_at: datetime | None = None) -> Application:
    locked = _lock(application, expected_updated_at)
    ensure_can_write(actor, locked.enterprise.region)
    if locked.status != AS.SUBMITTED:
        raise Conflict(f"申报状态为「{locked.get_status_display()}」,不能驳回")
    reason = (reason or "").strip()
    if not reason:
        raise _fail("reason", "请填写未通过的理由")
    before = audit.snapshot(locked)
    locked.status, locked.rejected_reason = AS.REJECTED, reason
    return _transition(actor, locked, "reject", before)


@transaction.atomic
def application_pay(*, actor: User, application: Application, amount: Decimal, paid_on: date,
                    expected_updated_at: datetime | None = None) -> Application:
    """兑付: record the payment; a late one keeps its lateness, and its open overdue problem gets a note."""
    locked = _lock(application, expected_updated_at)
    ensure_can_write(actor, locked.enterprise.region)
    if locked.status != AS.APPROVED:
        raise Conflict(f"申报状态为「{locked.get_status_display()}」,不能登记兑付")
    if amount is None or Decimal(amount) <= 0:
        raise _fail("amount", "兑付金额应大于 0(万元)")
    if Decimal(amount) > locked.approved_amount:
        raise _fail("amount", f"兑付金额超过核定金额 {locked.approved_amount} 万元")
    if paid_on is None or paid_on < locked.approved_on:
        raise _fail("paid_on", "兑付日期不能早于审核日期")
    before = audit.snapshot(locked)
    locked.status, locked.paid_amount, locked.paid_on = AS.PAID, Decimal(amount), paid_on
    _transition(actor, locked, "pay", before)
    if locked.problem_id:
        _note_payment_on_problem(actor, locked)
    return locked


def _note_payment_on_problem(actor: User, application: Application) -> None:
    problem = Problem.objects.select_for_update().get(pk=application.problem_id)
    if problem.status in Problem.DONE_STATUSES:
        return
    late = application.days_late(application.paid_on)
    note = (f"政策资金已于 {application.paid_on:%Y-%m-%d} 兑付 {application.paid_amount} 万元"
            f"(逾期 {late} 天),可据此办结销号")
    ProblemEvent.objects.create(problem=problem, kind=ProblemEvent.Kind.NOTE, actor=actor if actor.pk else None,
                                at=timezone.now(), note=note,
                                data={"policy_application": application.pk, "paid": True})
    problem.save(update_fields=["updated_at"])
    audit.record(actor=actor, action="note", instance=problem, after={"note": note})


# --- overdue sweep -------------------------------------------------------------------------------------

@dataclass
class SweepReport:
    today: date
    checked: int = 0
    created: list[int] = field(default_factory=list)   # problem ids
    already: int = 0                                   # overdue applications that already have a problem

    def text(self) -> str:
        return (f"{self.today:%Y-%m-%d} 检查逾期未兑付的政策申报 {self.checked} 件:"
                f"新生成督办问题 {len(self.created)} 件,已有问题 {self.already} 件")


def sweep_actor() -> User:
    """The account that raises the sweep's problems when nobody approved the application in the platform (an
    imported approval): inactive and without a usable password, so nobody can sign in with it."""
    user, created = User.objects.get_or_create(username=SWEEP_USERNAME,
                                               defaults={"is_active": False, "first_name": "政策兑现逾期巡检"})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def policy_overdue_sweep(*, now: datetime | None = None) -> SweepReport:
    """Raise one dispatch problem (category 政策兑现) for each approved application unpaid past its due date."""
    today = _today(now)
    report = SweepReport(today=today)
    overdue = Application.objects.filter(status=AS.APPROVED, due_date__lt=today).order_by("pk")
    for pk in overdue.values_list("pk", flat=True).iterator(chunk_size=500):
        report.checked += 1
        problem_id = _raise_overdue_problem(pk, today=today, now=now or timezone.now())
        if problem_id is None:
            report.already += 1
        else:
            report.created.append(problem_id)
    return report


@transaction.atomic
def _raise_overdue_problem(application_id: int, *, today: date, now: datetime) -> int | None:
    app = (Application.objects.select_for_update(of=("self",))
           .select_related("enterprise__region", "clause__policy", "approved_by").get(pk=application_id))
    if app.problem_id is not None or not app.is_overdue(today):
        return None
    raiser = app.approved_by if app.approved_by_id else sweep_actor()
    days = app.days_late(today)
    problem = Problem(
        title=f"{app.enterprise.name}政策资金逾期未兑付({app.clause.policy.name} {app.clause.number})"[:200],
        description=(f"{app.clause.policy.name}{app.clause.number}「{app.clause.title}」:"
                     f"核定 {app.approved_amount} 万元,应于 {app.due_date:%Y-%m-%d} 前兑付,"
                     f"截至 {today:%Y-%m-%d} 已逾期 {days} 天未兑付。"),
        source=Problem.Source.ENTERPRISE, source_ref=f"政策兑现申请 #{app.pk}", enterprise=app.enterprise,
        category=Category.POLICY, difficulty=Difficulty.NORMAL, region=app.enterprise.region, raised_by=raiser,
        raised_at=now, status=Problem.Status.SUBMITTED)
    validate_instance(problem)
    problem.save()
    ProblemEvent.objects.create(problem=problem, kind=ProblemEvent.Kind.CREATED, actor=None, at=now,
                                to_status=Problem.Status.SUBMITTED, note=problem.description[:500],
                                data={"policy_application": app.pk, "days_late": days})
    audit.record(actor=None, action="create", instance=problem, after=audit.snapshot(problem))
    app.problem = problem
    app.save(update_fields=["problem", "updated_at"])
    audit.record(actor=None, action="overdue_problem", instance=app, after={"problem": problem.pk,
                                                                            "days_late": days})
    return problem.pk


def application_for_write(*, actor: User, application_id: int) -> Application:
    """An application the actor may change (404 outside the jurisdiction)."""
    app = Application.objects.select_related("enterprise__region").filter(pk=application_id).first()
    if app is None or not scope_for(actor).covers_path(app.enterprise.region.path):
        raise NotFound()
    return app
