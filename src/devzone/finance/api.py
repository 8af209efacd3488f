"""API for bank–enterprise matchmaking, under /api/v1/financing/."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from devzone.api.schemas import ERRORS, READ_ERRORS, masked
from devzone.core import selectors as core_selectors
from devzone.core.errors import NotFound
from devzone.core.jurisdiction import get_in_scope
from devzone.enterprises import selectors as enterprise_selectors
from devzone.finance import selectors, services
from devzone.finance.models import Bank, FinancingNeed, Loan, MatchEvent
from devzone.projects import selectors as project_selectors

router = Router(tags=["financing"])


# --- schemas -------------------------------------------------------------------------------------------

class BankOut(Schema):
    id: int
    name: str
    kind: Bank.Kind
    contact: str
    phone: str
    active: bool
    updated_at: datetime

    resolve_phone = masked("phone", "phone")


class BankIn(Schema):
    name: str
    kind: Bank.Kind = Bank.Kind.CITY
    contact: str = ""
    phone: str = ""
    active: bool = True


class BankPatch(Schema):
    updated_at: datetime
    name: str | None = None
    kind: Bank.Kind | None = None
    contact: str | None = None
    phone: str | None = None
    active: bool | None = None


class NeedOut(Schema):
    id: int
    enterprise_id: int | None
    enterprise_name: str | None
    project_id: int | None
    project_name: str | None
    region_id: int
    region_name: str
    zone_id: int | None
    amount: Decimal
    granted: Decimal
    purpose: str
    term_months: int
    raised_on: date
    status: FinancingNeed.Status
    note: str
    updated_at: datetime

    @staticmethod
    def resolve_enterprise_name(obj: FinancingNeed) -> str | None:
        return obj.enterprise.name if obj.enterprise_id else None

    @staticmethod
    def resolve_project_name(obj: FinancingNeed) -> str | None:
        return obj.project.name if obj.project_id else None

    @staticmethod
    def resolve_region_name(obj: FinancingNeed) -> str:
        return obj.region.name

    @staticmethod
    def resolve_granted(obj: FinancingNeed) -> Decimal:
        return (getattr(obj, "granted_total", None) or Decimal(0)).quantize(Decimal("0.01"))


class LoanOut(Schema):
    id: int
    need_id: int
    bank_id: int
    bank_name: str
    event_id: int | None
    amount: Decimal
    granted_on: date
    term_months: int | None
    note: str
    updated_at: datetime

    @staticmethod
    def resolve_bank_name(obj: Loan) -> str:
        return obj.bank.name


class NeedDetailOut(NeedOut):
    loans: list[LoanOut]
    event_ids: list[int]

    @staticmethod
    def resolve_loans(obj: FinancingNeed) -> list:
        return list(obj.loans.all())

    @staticmethod
    def resolve_event_ids(obj: FinancingNeed) -> list[int]:
        return [e.pk for e in obj.events.all()]


class NeedFilters(Schema):
    q: str | None = None
    region: int | None = None
    zone: int | None = None
    status: FinancingNeed.Status | None = None
    year: int | None = None
    event: int | None = None
    kpi: str | None = None
    part: str | None = None
    as_of: date | None = None
    sort: str | None = None


class NeedIn(Schema):
    enterprise_id: int | None = None
    project_id: int | None = None
    zone_id: int | None = None
    amount: Decimal
    purpose: str
    term_months: int
    raised_on: date
    note: str = ""


class NeedPatch(Schema):
    updated_at: datetime
    amount: Decimal | None = None
    purpose: str | None = None
    term_months: int | None = None
    raised_on: date | None = None
    status: FinancingNeed.Status | None = None
    note: str | None = None


class EventOut(Schema):
    id: int
    title: str
    held_on: date
    year: int
    quarter: int
    region_id: int
    region_name: str
    location: str
    note: str
    updated_at: datetime

    @staticmethod
    def resolve_region_name(obj: MatchEvent) -> str:
        return obj.region.name


class EventDetailOut(EventOut):
    bank_ids: list[int]
    need_ids: list[int]
    loans: list[LoanOut]

    @staticmethod
    def resolve_bank_ids(obj: MatchEvent) -> list[int]:
        return [b.pk for b in obj.banks.all()]

    @staticmethod
    def resolve_need_ids(obj: MatchEvent) -> list[int]:
        return [n.pk for n in obj.needs.all()]

    @staticmethod
    def resolve_loans(obj: MatchEvent) -> list:
        return list(obj.loans.all())


class EventFilters(Schema):
    year: int | None = None
    quarter: int | None = None
    region: int | None = None
    sort: str | None = None


class EventIn(Schema):
    title: str
    held_on: date
    region_id: int
    location: str = ""
    note: str = ""
    bank_ids: list[int] = []
    need_ids: list[int] = []


class EventPatch(Schema):
    updated_at: datetime
    title: str | None = None
    held_on: date | None = None
    location: str | None = None
    note: str | None = None
    bank_ids: list[int] | None = None
    need_ids: list[int] | None = None


class ProposalOut(Schema):
    title: str
    year: int
    quarter: int
    held_on: date
    region_id: int
    bank_ids: list[int]
    need_ids: list[int]


class LoanIn(Schema):
    need_id: int
    bank_id: int
    event_id: int | None = None
    amount: Decimal
    granted_on: date
    term_months: int | None = None
    note: str = ""


class LoanFilters(Schema):
    bank: int | None = None
    need: int | None = None
    year: int | None = None
    sort: str | None = None


class RateOut(Schema):
    key: str
    label: str
    value: Decimal | None
    numerator: Decimal
    denominator: Decimal
    numerator_ids: list[int]
    denominator_ids: list[int]


class CountyKpiOut(Schema):
    county_id: int | None
    county_name: str
    count_met: RateOut
    amount_met: RateOut


class KpiOut(Schema):
    as_of: date
    year: int | None
    overall: CountyKpiOut
    counties: list[CountyKpiOut]


# --- helpers -------------------------------------------------------------------------------------------

def _params(filters: Schema) -> dict[str, Any]:
    return {k: v for k, v in filters.dict().items() if v not in (None, "")}


def _need_refs(user, data: dict[str, Any]) -> dict[str, Any]:
    if "enterprise_id" in data:
        pk = data.pop("enterprise_id")
        data["enterprise"] = enterprise_selectors.enterprise_get(user=user, enterprise_id=pk) if pk else None
    if "project_id" in data:
        pk = data.pop("project_id")
        data["project"] = get_in_scope(project_selectors.project_queryset(user=user), pk=pk) if pk else None
    if "zone_id" in data:
        pk = data.pop("zone_id")
        if pk:
            data["zone"] = core_selectors.zone_get(user=user, zone_id=pk)
    return data


def _banks(ids: list[int] | None) -> list[Bank] | None:
    if ids is None:
        return None
    banks = list(Bank.objects.filter(pk__in=ids))
    if len(banks) != len(set(ids)):
        raise NotFound("银行不存在")
    return banks


def _needs(user, ids: list[int] | None) -> list[FinancingNeed] | None:
    if ids is None:
        return None
    needs = list(selectors.need_queryset(user=user).filter(pk__in=ids))
    if len(needs) != len(set(ids)):
        raise NotFound()
    return needs


def _kpi_out(county_id, name: str, kpi) -> dict:
    def rate(r) -> dict:
        return {"key": r.key, "label": r.label, "value": r.value, "numerator": r.numerator,
                "denominator": r.denominator, "numerator_ids": r.numerator_ids,
                "denominator_ids": r.denominator_ids}

    return {"county_id": county_id, "county_name": name, "count_met": rate(kpi.count_met),
            "amount_met": rate(kpi.amount_met)}


# --- banks ---------------------------------------------------------------------------------------------

@router.get("/banks", response={200: list[BankOut], **READ_ERRORS}, summary="银行列表")
@paginate(LimitOffsetPagination)
def list_banks(request: HttpRequest, q: str | None = None, kind: Bank.Kind | None = None):
    return selectors.bank_list(filters={"q": q, "kind": kind})


@router.post("/banks", response={201: BankOut, **ERRORS}, summary="登记银行")
def create_bank(request: HttpRequest, payload: BankIn):
    return Status(201, services.bank_create(actor=request.user, data=payload.dict()))


@router.patch("/banks/{bank_id}", response={200: BankOut, **ERRORS}, summary="修改银行(乐观锁)")
def update_bank(request: HttpRequest, bank_id: int, payload: BankPatch):
    data = payload.dict(exclude_unset=True)
    expected = data.pop("updated_at")
    return services.bank_update(actor=request.user, bank=selectors.bank_get(bank_id=bank_id), data=data,
                                expected_updated_at=expected)


# --- needs ---------------------------------------------------------------------------------------------

@router.get("/needs", response={200: list[NeedOut], **READ_ERRORS}, summary="融资需求列表")
@paginate(LimitOffsetPagination)
def list_needs(request: HttpRequest, filters: Query[NeedFilters]):
    return selectors.need_list(user=request.user, filters=_params(filters))


@router.get("/needs/{need_id}", response={200: NeedDetailOut, **READ_ERRORS}, summary="融资需求详情")
def get_need(request: HttpRequest, need_id: int):
    return selectors.need_get(user=request.user, need_id=need_id)


@router.post("/needs", response={201: NeedDetailOut, **ERRORS}, summary="登记融资需求")
def create_need(request: HttpRequest, payload: NeedIn):
    need = services.need_create(actor=request.user, data=_need_refs(request.user, payload.dict()))
    return Status(201, selectors.need_get(user=request.user, need_id=need.pk))


@router.patch("/needs/{need_id}", response={200: NeedDetailOut, **ERRORS}, summary="修改融资需求(乐观锁)")
def update_need(request: HttpRequest, need_id: int, payload: NeedPatch):
    need = selectors.need_get(user=request.user, need_id=need_id)
    data = payload.dict(exclude_unset=True)
    expected = data.pop("updated_at")
    services.need_update(actor=request.user, need=need, data=data, expected_updated_at=expected)
    return selectors.need_get(user=request.user, need_id=need_id)


# --- events --------------------------------------------------------------------------------------------

@router.get("/events", response={200: list[EventOut], **READ_ERRORS}, summary="政银企对接会列表")
@paginate(LimitOffsetPagination)
def list_events(request: HttpRequest, filters: Query[EventFilters]):
    return selectors.event_list(user=request.user, filters=_params(filters))


@router.get("/events/proposal", response={200: ProposalOut, **READ_ERRORS}, summary="建议下一季度对接会")
def propose_event(request: HttpRequest, region_id: int, today: date | None = None):
    region = core_selectors.region_get(user=request.user, region_id=region_id)
    proposal = services.event_propose_next(actor=request.user, region=region, today=today or timezone.localdate())
    return {"title": proposal.title, "year": proposal.year, "quarter": proposal.quarter,
            "held_on": proposal.held_on, "region_id": region.pk, "bank_ids": [b.pk for b in proposal.banks],
            "need_ids": [n.pk for n in proposal.needs]}


@router.get("/events/{event_id}", response={200: EventDetailOut, **READ_ERRORS}, summary="对接会详情")
def get_event(request: HttpRequest, event_id: int):
    return selectors.event_get(user=request.user, event_id=event_id)


@router.post("/events", response={201: EventDetailOut, **ERRORS}, summary="登记对接会")
def create_event(request: HttpRequest, payload: EventIn):
    data = payload.dict()
    banks, needs = _banks(data.pop("bank_ids")), _needs(request.user, data.pop("need_ids"))
    data["region"] = core_selectors.region_get(user=request.user, region_id=data.pop("region_id"))
    event = services.event_create(actor=request.user, data=data, banks=banks, needs=needs)
    return Status(201, selectors.event_get(user=request.user, event_id=event.pk))


@router.patch("/events/{event_id}", response={200: EventDetailOut, **ERRORS}, summary="修改对接会(乐观锁)")
def update_event(request: HttpRequest, event_id: int, payload: EventPatch):
    event = selectors.event_for_write(user=request.user, event_id=event_id)
    data = payload.dict(exclude_unset=True)
    expected = data.pop("updated_at")
    banks = _banks(data.pop("bank_ids", None))
    needs = _needs(request.user, data.pop("need_ids", None))
    services.event_update(actor=request.user, event=event, data=data, banks=banks, needs=needs,
                          expected_updated_at=expected)
    return selectors.event_get(user=request.user, event_id=event_id)


# --- loans and KPI -------------------------------------------------------------------------------------

@router.get("/loans", response={200: list[LoanOut], **READ_ERRORS}, summary="放款(对接成果)列表")
@paginate(LimitOffsetPagination)
def list_loans(request: HttpRequest, filters: Query[LoanFilters]):
    return selectors.loan_list(user=request.user, filters=_params(filters))


@router.post("/loans", response={201: LoanOut, **ERRORS}, summary="登记放款")
def create_loan(request: HttpRequest, payload: LoanIn):
    data = payload.dict()
    data["need"] = selectors.need_get(user=request.user, need_id=data.pop("need_id"))
    data["bank"] = selectors.bank_get(bank_id=data.pop("bank_id"))
    event_id = data.pop("event_id")
    data["event"] = selectors.event_get(user=request.user, event_id=event_id) if event_id else None
    return Status(201, services.loan_create(actor=request.user, data=data))


@router.get("/kpis", response={200: KpiOut, **READ_ERRORS}, summary="融资需求满足率(按县区)")
def get_kpis(request: HttpRequest, as_of: date | None = None, year: int | None = None):
    report = selectors.financing_kpis(user=request.user, as_of=as_of or timezone.localdate(), year=year)
    return {"as_of": report.as_of, "year": report.year, "overall": _kpi_out(None, "全部", report.overall),
            "counties": [_kpi_out(c.id, c.name, c.kpi) for c in report.counties]}
