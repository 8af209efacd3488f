"""Writes for bank–enterprise matchmaking: banks, financing needs, matchmaking events and loans granted.

A need's status follows its outcomes: presented at an event → matched (已对接); loans granted covering the amount
→ met (已满足); a need may be withdrawn (已撤回) while nothing was granted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum

from devzone.core import audit
from devzone.core.crud import create_audited, update_audited
from devzone.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from devzone.core.jurisdiction import scope_for
from devzone.core.models import Region, User
from devzone.core.services import READ_ONLY_ROLES, _only_fields, ensure_can_write, role_codes
from devzone.finance.models import Bank, FinancingNeed, Loan, MatchEvent

BANK_FIELDS = {"name", "kind", "contact", "phone", "active"}
NEED_FIELDS = {"enterprise", "project", "region", "zone", "amount", "purpose", "term_months", "raised_on", "status",
               "note"}
EVENT_FIELDS = {"title", "held_on", "year", "quarter", "region", "location", "note"}
LOAN_FIELDS = {"need", "bank", "event", "amount", "granted_on", "term_months", "note"}
NS = FinancingNeed.Status


def _fail(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, details=[{"field": field, "message": message}])


def _ensure_writer(actor: User) -> None:
    if scope_for(actor).empty:
        raise PermissionDenied("您没有管辖范围,不能修改数据")
    if not actor.is_superuser and role_codes(actor) and role_codes(actor) <= READ_ONLY_ROLES:
        raise PermissionDenied("您的角色为只读,不能修改数据")


# --- banks ---------------------------------------------------------------------------------------------

@transaction.atomic
def bank_create(*, actor: User, data: Mapping[str, Any]) -> Bank:
    data = _only_fields(data, BANK_FIELDS)
    _ensure_writer(actor)
    name = (data.get("name") or "").strip()
    if not name:
        raise _fail("name", "请填写银行名称")
    if Bank.objects.filter(name=name).exists():
        raise Conflict(f"银行「{name}」已登记")
    return create_audited(actor=actor, instance=Bank(**{**data, "name": name}))


@transaction.atomic
def bank_update(*, actor: User, bank: Bank, data: Mapping[str, Any],
                expected_updated_at: datetime | None = None) -> Bank:
    data = _only_fields(data, BANK_FIELDS)
    _ensure_writer(actor)
    if "name" in data and Bank.objects.filter(name=data["name"]).exclude(pk=bank.pk).exists():
        raise Conflict(f"银行「{data['name']}」已登记")
    return update_audited(actor=actor, instance=bank, data=data, expected_updated_at=expected_updated_at)


# --- financing needs -----------------------------------------------------------------------------------

def _need_region(data: dict[str, Any]) -> None:
    """Fill region and zone from the enterprise or the project when not given; check they agree."""
    enterprise, project = data.get("enterprise"), data.get("project")
    if enterprise is None and project is None:
        raise _fail("enterprise", "请选择提出融资需求的企业或项目")
    source = enterprise if enterprise is not None else project
    if data.get("region") is None:
        data["region"] = source.region
    if data.get("zone") is None and "zone" not in data:
        data["zone"] = source.zone
    if enterprise is not None and project is not None and project.owner_id and project.owner_id != enterprise.pk:
        raise _fail("project", "所选项目的建设单位不是所选企业")


def _check_need_values(data: Mapping[str, Any]) -> None:
    amount = data.get("amount")
    if "amount" in data and (amount is None or Decimal(amount) <= 0):
        raise _fail("amount", "融资需求金额应大于 0(万元)")
    term = data.get("term_months")
    if "term_months" in data and (term is None or not 1 <= int(term) <= 360):
        raise _fail("term_months", "融资期限应在 1–360 个月之间")
    if "purpose" in data and not (data.get("purpose") or "").strip():
        raise _fail("purpose", "请填写融资用途")
    if "raised_on" in data and data.get("raised_on") is None:
        raise _fail("raised_on", "请填写提出日期")


def _check_refs_in_scope(actor: User, data: Mapping[str, Any]) -> None:
    scope = scope_for(actor)
    for key in ("enterprise", "project", "zone"):
        obj = data.get(key)
        if obj is not None and not scope.covers_path(obj.region.path):
            raise NotFound()


@transaction.atomic
def need_create(*, actor: User, data: Mapping[str, Any]) -> FinancingNeed:
    data = _only_fields(data, NEED_FIELDS)
    data.setdefault("status", NS.OPEN)
    _check_refs_in_scope(actor, data)
    _need_region(data)
    _check_need_values({"amount": None, "term_months": None, "purpose": "", "raised_on": None, **data})
    ensure_can_write(actor, data["region"])
    if data["status"] != NS.OPEN:
        raise _fail("status", "新登记的融资需求状态应为“待对接”")
    return create_audited(actor=actor, instance=FinancingNeed(**data))


@transaction.atomic
def need_update(*, actor: User, need: FinancingNeed, data: Mapping[str, Any],
                expected_updated_at: datetime | None = None) -> FinancingNeed:
    data = _only_fields(data, NEED_FIELDS)
    ensure_can_write(actor, need.region)
    _check_refs_in_scope(actor, data)
    if data.get("region") is not None:
        ensure_can_write(actor, data["region"])
    _check_need_values(data)
    status = data.get("status")
    if status is not None and status != need.status:
        _check_status_change(need, status)
    if "enterprise" in data or "project" in data:
        merged = {"enterprise": need.enterprise, "project": need.project, "region": need.region, "zone": need.zone,
                  **{k: v for k, v in data.items() if k in ("enterprise", "project")}}
        _need_region(merged)
    return update_audited(actor=actor, instance=need, data=data, expected_updated_at=expected_updated_at)


def _check_status_change(need: FinancingNeed, status: str) -> None:
    if status not in NS.values:
        raise _fail("status", f"未知的状态「{status}」")
    if status == NS.WITHDRAWN and need.loans.exists():
        raise Conflict("该需求已有银行放款,不能撤回")
    if status == NS.MET and granted_total(need) < need.amount:
        raise Conflict("放款金额尚未达到需求金额,不能标记为已满足")


def granted_total(need: FinancingNeed) -> Decimal:
    return need.loans.aggregate(total=Sum("amount"))["total"] or Decimal(0)


def _refresh_need_status(need: FinancingNeed, *, actor: User) -> None:
    """Move a need to matched / met from its loans (and presentations); withdrawn needs stay withdrawn."""
    if need.status == NS.WITHDRAWN:
        return
    total = granted_total(need)
    target = NS.MET if total >= need.amount else NS.MATCHED if total > 0 or need.events.exists() else NS.OPEN
    if target != need.status:
        before = need.status
        FinancingNeed.objects.filter(pk=need.pk).update(status=target)
        need.status = target
        audit.record(actor=actor, action="status", instance=need, before={"status": before}, after={"status": target})


# --- matchmaking events --------------------------------------------------------------------------------

def _check_event_values(data: Mapping[str, Any]) -> None:
    if "title" in data and not (data.get("title") or "").strip():
        raise _fail("title", "请填写对接会名称")
    if "held_on" in data and data.get("held_on") is None:
        raise _fail("held_on", "请填写对接会日期")
    if "quarter" in data and data.get("quarter") not in (1, 2, 3, 4):
        raise _fail("quarter", "季度应为 1–4")


def _event_links(actor: User, region: Region, banks: Iterable[Bank] | None,
                 needs: Iterable[FinancingNeed] | None) -> tuple[list[Bank] | None, list[FinancingNeed] | None]:
    need_list = list(needs) if needs is not None else None
    withdrawn = set(FinancingNeed.objects.filter(pk__in=[n.pk for n in need_list or []], status=NS.WITHDRAWN)
                    .values_list("pk", flat=True))
    for need in need_list or []:
        if not need.region.path.startswith(region.path):
            raise _fail("needs", f"融资需求「{need}」不在对接会所属区域「{region}」内")
        if need.pk in withdrawn:
            raise _fail("needs", f"融资需求「{need}」已撤回,不能推介")
    return (list(banks) if banks is not None else None), need_list


@transaction.atomic
def event_create(*, actor: User, data: Mapping[str, Any], banks: Iterable[Bank] = (),
                 needs: Iterable[FinancingNeed] = ()) -> MatchEvent:
    data = _only_fields(data, EVENT_FIELDS)
    if data.get("region") is None:
        raise _fail("region", "请选择对接会所属区域")
    ensure_can_write(actor, data["region"])
    held_on = data.get("held_on")
    if held_on is not None:
        data.setdefault("year", held_on.year)
        data.setdefault("quarter", quarter_of(held_on))
    _check_event_values({"title": "", "held_on": None, **data})
    bank_list, need_list = _event_links(actor, data["region"], banks, needs)
    event = create_audited(actor=actor, instance=MatchEvent(**data))
    event.banks.set(bank_list or [])
    event.needs.set(need_list or [])
    audit.record(actor=actor, action="link", instance=event,
                 after={"banks": [b.pk for b in bank_list or []], "needs": [n.pk for n in need_list or []]})
    for need in need_list or []:
        _refresh_need_status(need, actor=actor)
    return event


@transaction.atomic
def event_update(*, actor: User, event: MatchEvent, data: Mapping[str, Any], banks: Iterable[Bank] | None = None,
                 needs: Iterable[FinancingNeed] | None = None,
                 expected_updated_at: datetime | None = None) -> MatchEvent:
    data = _only_fields(data, EVENT_FIELDS)
    ensure_can_write(actor, event.region)
    if data.get("region") is not None:
        ensure_can_write(actor, data["region"])
    _check_event_values(data)
    updated = update_audited(actor=actor, instance=event, data=data, expected_updated_at=expected_updated_at)
    bank_list, need_list = _event_links(actor, updated.region, banks, needs)
    if bank_list is not None:
        updated.banks.set(bank_list)
    if need_list is not None:
        previous = list(updated.needs.all())
        updated.needs.set(need_list)
        for need in {n.pk: n for n in [*previous, *need_list]}.values():
            _refresh_need_status(need, actor=actor)
    if bank_list is not None or need_list is not None:
        audit.record(actor=actor, action="link", instance=updated,
                     after={"banks": [b.pk for b in bank_list] if bank_list is not None else "unchanged",
                            "needs": [n.pk for n in need_list] if need_list is not None else "unchanged"})
    return updated


def quarter_of(day: date) -> int:
    return (day.month - 1) // 3 + 1


@dataclass(frozen=True)
class EventProposal:
    """The default next quarterly event for a region: what the create form is prefilled with."""

    title: str
    year: int
    quarter: int
    held_on: date
    region: Region
    banks: list[Bank]
    needs: list[FinancingNeed]


def event_propose_next(*, actor: User, region: Region, today: date) -> EventProposal:
    """Propose the next quarter's matchmaking event for `region`: the quarter after the latest one held (or the
    quarter after today's), on the 15th of the quarter's middle month, with every active bank and the region's
    open needs."""
    if not scope_for(actor).covers_path(region.path):
        raise NotFound()
    latest = MatchEvent.objects.filter(region=region).order_by("-year", "-quarter").first()
    year, quarter = (latest.year, latest.quarter) if latest else (today.year, quarter_of(today))
    if latest and (latest.year, latest.quarter) < (today.year, quarter_of(today)):
        year, quarter = today.year, quarter_of(today)
    year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    held_on = date(year, quarter * 3 - 1, 15)
    needs = list(FinancingNeed.objects.filter(region__path__startswith=region.path, status=NS.OPEN)
                 .select_related("enterprise", "project", "region").order_by("raised_on", "pk"))
    return EventProposal(title=f"{region.name}{year}年第{quarter}季度政银企对接会", year=year, quarter=quarter,
                         held_on=held_on, region=region, banks=list(Bank.objects.filter(active=True)), needs=needs)


# --- loans ---------------------------------------------------------------------------------------------

@transaction.atomic
def loan_create(*, actor: User, data: Mapping[str, Any]) -> Loan:
    """Record a loan granted against a need (对接成果); the need becomes matched or met."""
    data = _only_fields(data, LOAN_FIELDS)
    need = data.get("need")
    if need is None:
        raise _fail("need", "请选择融资需求")
    ensure_can_write(actor, need.region)
    need = FinancingNeed.objects.select_for_update().get(pk=need.pk)
    data["need"] = need
    if need.status == NS.WITHDRAWN:
        raise Conflict("该融资需求已撤回,不能登记放款")
    if data.get("bank") is None:
        raise _fail("bank", "请选择放款银行")
    amount = data.get("amount")
    if amount is None or Decimal(amount) <= 0:
        raise _fail("amount", "放款金额应大于 0(万元)")
    if data.get("granted_on") is None:
        raise _fail("granted_on", "请填写放款日期")
    if data["granted_on"] < need.raised_on:
        raise _fail("granted_on", "放款日期不能早于需求提出日期")
    event = data.get("event")
    if event is not None and not scope_for(actor).covers_path(event.region.path) \
            and not need.region.path.startswith(event.region.path):
        raise NotFound()
    loan = create_audited(actor=actor, instance=Loan(**data))
    _refresh_need_status(need, actor=actor)
    return loan
