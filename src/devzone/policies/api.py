"""API for policy fulfilment, under /api/v1/policies/."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from devzone.api.schemas import ERRORS, READ_ERRORS
from devzone.core import selectors as core_selectors
from devzone.enterprises import selectors as enterprise_selectors
from devzone.policies import selectors, services
from devzone.policies.models import Application, Clause, Policy

router = Router(tags=["policies"])


class ClauseOut(Schema):
    id: int
    policy_id: int
    number: str
    title: str
    benefit: Clause.Benefit
    amount_rule: str
    max_amount: Decimal | None
    payment_days: int
    updated_at: datetime


class PolicyOut(Schema):
    id: int
    name: str
    document_number: str
    issuer: str
    issued_on: date
    region_id: int
    region_name: str
    active: bool
    updated_at: datetime

    @staticmethod
    def resolve_region_name(obj: Policy) -> str:
        return obj.region.name


class PolicyDetailOut(PolicyOut):
    clauses: list[ClauseOut]

    @staticmethod
    def resolve_clauses(obj: Policy) -> list:
        return list(obj.clauses.all())


class PolicyIn(Schema):
    name: str
    document_number: str = ""
    issuer: str
    issued_on: date
    region_id: int
    active: bool = True


class PolicyPatch(Schema):
    updated_at: datetime
    name: str | None = None
    document_number: str | None = None
    issuer: str | None = None
    issued_on: date | None = None
    active: bool | None = None


class ClauseIn(Schema):
    number: str
    title: str
    benefit: Clause.Benefit = Clause.Benefit.SUBSIDY
    amount_rule: str = ""
    max_amount: Decimal | None = None
    payment_days: int = 30


class ClausePatch(Schema):
    updated_at: datetime
    number: str | None = None
    title: str | None = None
    benefit: Clause.Benefit | None = None
    amount_rule: str | None = None
    max_amount: Decimal | None = None
    payment_days: int | None = None


class ApplicationOut(Schema):
    id: int
    enterprise_id: int
    enterprise_name: str
    region_id: int
    clause_id: int
    policy_id: int
    clause_label: str
    applied_on: date
    claimed_amount: Decimal
    status: Application.Status
    approved_amount: Decimal | None
    approved_on: date | None
    due_date: date | None
    paid_amount: Decimal | None
    paid_on: date | None
    rejected_reason: str
    days_late: int
    overdue: bool
    problem_id: int | None
    updated_at: datetime

    @staticmethod
    def resolve_enterprise_name(obj: Application) -> str:
        return obj.enterprise.name

    @staticmethod
    def resolve_region_id(obj: Application) -> int:
        return obj.enterprise.region_id

    @staticmethod
    def resolve_policy_id(obj: Application) -> int:
        return obj.clause.policy_id

    @staticmethod
    def resolve_clause_label(obj: Application) -> str:
        return f"{obj.clause.policy.name} {obj.clause.number} {obj.clause.title}"

    @staticmethod
    def resolve_days_late(obj: Application) -> int:
        return obj.days_late(timezone.localdate())

    @staticmethod
    def resolve_overdue(obj: Application) -> bool:
        return obj.is_overdue(timezone.localdate())


class ApplicationFilters(Schema):
    q: str | None = None
    region: int | None = None
    policy: int | None = None
    clause: int | None = None
    status: Application.Status | None = None
    year: int | None = None
    overdue: bool | None = None
    late: bool | None = None
    sort: str | None = None


class ApplicationIn(Schema):
    enterprise_id: int
    clause_id: int
    applied_on: date
    claimed_amount: Decimal
    note: str = ""


class ApplicationPatch(Schema):
    updated_at: datetime
    clause_id: int | None = None
    applied_on: date | None = None
    claimed_amount: Decimal | None = None
    note: str | None = None


class ApproveIn(Schema):
    updated_at: datetime
    amount: Decimal
    approved_on: date


class RejectIn(Schema):
    updated_at: datetime
    reason: str


class PayIn(Schema):
    updated_at: datetime
    amount: Decimal
    paid_on: date


def _params(filters: Schema) -> dict[str, Any]:
    return {k: v for k, v in filters.dict().items() if v not in (None, "", False)}


# --- applications (declared first: /applications is not a policy id) ----------------------------------

@router.get("/applications", response={200: list[ApplicationOut], **READ_ERRORS}, summary="政策兑现申报列表")
@paginate(LimitOffsetPagination)
def list_applications(request: HttpRequest, filters: Query[ApplicationFilters]):
    return selectors.application_list(user=request.user, filters=_params(filters))


@router.get("/applications/{application_id}", response={200: ApplicationOut, **READ_ERRORS}, summary="申报详情")
def get_application(request: HttpRequest, application_id: int):
    return selectors.application_get(user=request.user, application_id=application_id)


@router.post("/applications", response={201: ApplicationOut, **ERRORS}, summary="登记申报")
def create_application(request: HttpRequest, payload: ApplicationIn):
    data = payload.dict()
    data["enterprise"] = enterprise_selectors.enterprise_get(user=request.user, enterprise_id=data.pop("enterprise_id"))
    data["clause"] = selectors.clause_get(user=request.user, clause_id=data.pop("clause_id"))
    app = services.application_create(actor=request.user, data=data)
    return Status(201, selectors.application_get(user=request.user, application_id=app.pk))


@router.patch("/applications/{application_id}", response={200: ApplicationOut, **ERRORS},
              summary="修改待审核的申报(乐观锁)")
def update_application(request: HttpRequest, application_id: int, payload: ApplicationPatch):
    app = selectors.application_get(user=request.user, application_id=application_id)
    data = payload.dict(exclude_unset=True)
    expected = data.pop("updated_at")
    if "clause_id" in data:
        data["clause"] = selectors.clause_get(user=request.user, clause_id=data.pop("clause_id"))
    services.application_update(actor=request.user, application=app, data=data, expected_updated_at=expected)
    return selectors.application_get(user=request.user, application_id=application_id)


@router.post("/applications/{application_id}/approve", response={200: ApplicationOut, **ERRORS},
             summary="审核通过(核定金额,按条款时限计算应兑付日期)")
def approve_application(request: HttpRequest, application_id: int, payload: ApproveIn):
    app = selectors.application_get(user=request.user, application_id=application_id)
    services.application_approve(actor=request.user, application=app, amount=payload.amount,
                                 approved_on=payload.approved_on, expected_updated_at=payload.updated_at)
    return selectors.application_get(user=request.user, application_id=application_id)


@router.post("/applications/{application_id}/reject", response={200: ApplicationOut, **ERRORS},
             summary="审核未通过")
def reject_application(request: HttpRequest, application_id: int, payload: RejectIn):
    app = selectors.application_get(user=request.user, application_id=application_id)
    services.application_reject(actor=request.user, application=app, reason=payload.reason,
                                expected_updated_at=payload.updated_at)
    return selectors.application_get(user=request.user, application_id=application_id)


@router.post("/applications/{application_id}/pay", response={200: ApplicationOut, **ERRORS}, summary="登记兑付")
def pay_application(request: HttpRequest, application_id: int, payload: PayIn):
    app = selectors.application_get(user=request.user, application_id=application_id)
    services.application_pay(actor=request.user, application=app, amount=payload.amount, paid_on=payload.paid_on,
                             expected_updated_at=payload.updated_at)
    return selectors.application_get(user=request.user, application_id=application_id)


# --- policies and clauses ------------------------------------------------------------------------------

@router.get("", response={200: list[PolicyOut], **READ_ERRORS}, summary="政策列表")
@paginate(LimitOffsetPagination)
def list_policies(request: HttpRequest, q: str | None = None, active: bool | None = None):
    return selectors.policy_list(user=request.user, filters={"q": q, "active": active})


@router.get("/{policy_id}", response={200: PolicyDetailOut, **READ_ERRORS}, summary="政策详情(含条款)")
def get_policy(request: HttpRequest, policy_id: int):
    return selectors.policy_get(user=request.user, policy_id=policy_id)


@router.post("", response={201: PolicyDetailOut, **ERRORS}, summary="登记政策")
def create_policy(request: HttpRequest, payload: PolicyIn):
    data = payload.dict()
    data["region"] = core_selectors.region_get(user=request.user, region_id=data.pop("region_id"))
    policy = services.policy_create(actor=request.user, data=data)
    return Status(201, selectors.policy_get(user=request.user, policy_id=policy.pk))


@router.patch("/{policy_id}", response={200: PolicyDetailOut, **ERRORS}, summary="修改政策(乐观锁)")
def update_policy(request: HttpRequest, policy_id: int, payload: PolicyPatch):
    policy = selectors.policy_get(user=request.user, policy_id=policy_id)
    data = payload.dict(exclude_unset=True)
    expected = data.pop("updated_at")
    services.policy_update(actor=request.user, policy=policy, data=data, expected_updated_at=expected)
    return selectors.policy_get(user=request.user, policy_id=policy_id)


@router.post("/{policy_id}/clauses", response={201: ClauseOut, **ERRORS}, summary="增加条款")
def create_clause(request: HttpRequest, policy_id: int, payload: ClauseIn):
    policy = selectors.policy_get(user=request.user, policy_id=policy_id)
    return Status(201, services.clause_create(actor=request.user, policy=policy, data=payload.dict()))


@router.patch("/clauses/{clause_id}", response={200: ClauseOut, **ERRORS}, summary="修改条款(乐观锁)")
def update_clause(request: HttpRequest, clause_id: int, payload: ClausePatch):
    clause = selectors.clause_get(user=request.user, clause_id=clause_id)
    data = payload.dict(exclude_unset=True)
    expected = data.pop("updated_at")
    return services.clause_update(actor=request.user, clause=clause, data=data, expected_updated_at=expected)
