"""Matchmaking services: readable Chinese validation messages, jurisdiction, status rules, the quarterly
proposal, and audit of every write."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from devzone.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from devzone.core.models import AuditEvent
from devzone.finance import services
from devzone.finance.models import FinancingNeed


def test_need_validation_messages(org, make_enterprise):
    enterprise = make_enterprise()
    base = {"enterprise": enterprise, "amount": Decimal("100"), "purpose": "流动资金", "term_months": 12,
            "raised_on": date(2026, 2, 1)}
    cases = [({"amount": Decimal("0")}, "应大于 0"), ({"term_months": 0}, "1–360"), ({"purpose": " "}, "融资用途"),
             ({"enterprise": None}, "企业或项目"), ({"raised_on": None}, "提出日期")]
    for change, message in cases:
        with pytest.raises(ValidationFailed, match=message):
            services.need_create(actor=org.county1_user, data={**base, **change})
    assert FinancingNeed.objects.count() == 0


def test_need_in_another_county_or_by_observer_is_refused(org, make_enterprise):
    other = make_enterprise(region=org.county2)
    data = {"enterprise": other, "amount": Decimal("100"), "purpose": "x", "term_months": 12,
            "raised_on": date(2026, 2, 1)}
    with pytest.raises(NotFound):
        services.need_create(actor=org.county1_user, data=data)
    with pytest.raises(PermissionDenied):
        services.need_create(actor=org.observer, data=data)


def test_status_rules_and_audit(org, make_need, banks):
    need = make_need(amount="100")
    assert AuditEvent.objects.filter(object_type="finance.financingneed", object_id=str(need.pk),
                                     action="create").exists()
    with pytest.raises(Conflict, match="不能标记为已满足"):
        services.need_update(actor=org.county1_user, need=need, data={"status": "met"})
    services.loan_create(actor=org.county1_user, data={"need": need, "bank": banks[0], "amount": Decimal("40"),
                                                       "granted_on": date(2026, 3, 1)})
    need.refresh_from_db()
    assert need.status == "matched"
    with pytest.raises(Conflict, match="不能撤回"):
        services.need_update(actor=org.county1_user, need=need, data={"status": "withdrawn"})
    services.loan_create(actor=org.county1_user, data={"need": need, "bank": banks[1], "amount": Decimal("60"),
                                                       "granted_on": date(2026, 3, 2)})
    need.refresh_from_db()
    assert need.status == "met"
    assert AuditEvent.objects.filter(object_id=str(need.pk), action="status").count() == 2
    withdrawn = make_need()
    services.need_update(actor=org.county1_user, need=withdrawn, data={"status": "withdrawn"})
    with pytest.raises(Conflict, match="已撤回"):
        services.loan_create(actor=org.county1_user, data={"need": withdrawn, "bank": banks[0],
                                                           "amount": Decimal("1"), "granted_on": date(2026, 3, 1)})
    with pytest.raises(ValidationFailed, match="不能推介"):
        services.event_create(actor=org.county1_user, data={"title": "x", "held_on": date(2026, 3, 1),
                                                            "region": org.county1}, needs=[withdrawn])


def test_loan_validation(org, make_need, banks):
    need = make_need()
    with pytest.raises(ValidationFailed, match="放款金额应大于 0"):
        services.loan_create(actor=org.county1_user, data={"need": need, "bank": banks[0], "amount": Decimal("-1"),
                                                           "granted_on": date(2026, 3, 1)})
    with pytest.raises(ValidationFailed, match="请选择放款银行"):
        services.loan_create(actor=org.county1_user, data={"need": need, "amount": Decimal("1"),
                                                           "granted_on": date(2026, 3, 1)})
    with pytest.raises(NotFound):
        services.loan_create(actor=org.county2_user, data={"need": need, "bank": banks[0], "amount": Decimal("1"),
                                                           "granted_on": date(2026, 3, 1)})


def test_event_needs_must_lie_in_its_region(org, make_need):
    other = make_need(region=org.county2)
    with pytest.raises(ValidationFailed, match="不在对接会所属区域"):
        services.event_create(actor=org.city_user, data={"title": "澜江区对接会", "held_on": date(2026, 3, 1),
                                                         "region": org.county1}, needs=[other])


def test_quarterly_proposal_follows_the_latest_event(org, make_need, banks):
    need = make_need()
    first = services.event_propose_next(actor=org.county1_user, region=org.county1, today=date(2026, 11, 20))
    assert (first.year, first.quarter, first.held_on) == (2027, 1, date(2027, 2, 15))
    assert first.needs == [need] and len(first.banks) == 3 and "2027年第1季度" in first.title
    services.event_create(actor=org.county1_user, data={"title": first.title, "held_on": first.held_on,
                                                        "region": org.county1})
    second = services.event_propose_next(actor=org.county1_user, region=org.county1, today=date(2026, 11, 20))
    assert (second.year, second.quarter) == (2027, 2)
    with pytest.raises(NotFound):
        services.event_propose_next(actor=org.county1_user, region=org.county2, today=date(2026, 11, 20))


def test_bank_names_are_unique(org):
    services.bank_create(actor=org.city_user, data={"name": "云澜银行", "kind": "city"})
    with pytest.raises(Conflict, match="已登记"):
        services.bank_create(actor=org.county1_user, data={"name": "云澜银行", "kind": "city"})
    with pytest.raises(PermissionDenied):
        services.bank_create(actor=org.observer, data={"name": "某银行"})
