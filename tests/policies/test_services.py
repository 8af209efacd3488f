"""Policy services: readable validation messages, state rules, due dates and lateness, jurisdiction, audit."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from devzone.core.errors import Conflict, NotFound, ValidationFailed
from devzone.core.models import AuditEvent
from devzone.policies import services


def test_due_date_and_lateness(org, make_application):
    app = make_application("approved", approved_on=date(2026, 3, 1))
    assert app.due_date == date(2026, 3, 31) and app.approved_by == org.city_user
    assert app.days_late(date(2026, 3, 31)) == 0 and not app.is_overdue(date(2026, 3, 31))
    assert app.days_late(date(2026, 4, 3)) == 3 and app.is_overdue(date(2026, 4, 3))
    paid = services.application_pay(actor=org.county1_user, application=app, amount=Decimal("60"),
                                    paid_on=date(2026, 4, 5))
    assert paid.days_late(date(2026, 12, 1)) == 5 and not paid.is_overdue(date(2026, 12, 1))
    actions = list(AuditEvent.objects.filter(object_type="policies.application", object_id=str(app.pk))
                   .order_by("pk").values_list("action", flat=True))
    assert actions == ["create", "approve", "pay"]


def test_application_validation_messages(org, policy, make_enterprise):
    clause = policy.clauses.get(number="第5条")
    base = {"enterprise": make_enterprise(), "clause": clause, "applied_on": date(2026, 2, 1),
            "claimed_amount": Decimal("100")}
    for change, message in [({"claimed_amount": Decimal("0")}, "应大于 0"), ({"claimed_amount": Decimal("501")},
                            "上限"), ({"applied_on": date(2025, 12, 1)}, "早于政策发布日期"),
                            ({"clause": None}, "政策条款"), ({"enterprise": None}, "申报企业")]:
        with pytest.raises(ValidationFailed, match=message):
            services.application_create(actor=org.county1_user, data={**base, **change})
    with pytest.raises(NotFound):
        services.application_create(actor=org.county2_user, data=base)


def test_state_rules(org, make_application):
    app = make_application()
    with pytest.raises(Conflict, match="不能登记兑付"):
        services.application_pay(actor=org.county1_user, application=app, amount=Decimal("1"),
                                 paid_on=date(2026, 3, 1))
    with pytest.raises(ValidationFailed, match="不能超过申报金额"):
        services.application_approve(actor=org.county1_user, application=app, amount=Decimal("101"),
                                     approved_on=date(2026, 3, 1))
    with pytest.raises(ValidationFailed, match="不能早于申报日期"):
        services.application_approve(actor=org.county1_user, application=app, amount=Decimal("10"),
                                     approved_on=date(2026, 1, 1))
    with pytest.raises(ValidationFailed, match="理由"):
        services.application_reject(actor=org.county1_user, application=app, reason=" ")
    rejected = services.application_reject(actor=org.county1_user, application=app, reason="材料不全")
    with pytest.raises(Conflict, match="不能审核"):
        services.application_approve(actor=org.county1_user, application=rejected, amount=Decimal("1"),
                                     approved_on=date(2026, 3, 1))
    with pytest.raises(Conflict, match="只有待审核"):
        services.application_update(actor=org.county1_user, application=rejected,
                                    data={"claimed_amount": Decimal("5")})


def test_policy_and_clause_rules(org, policy):
    with pytest.raises(Conflict, match="已有名为"):
        services.policy_create(actor=org.city_user, data={"name": "十章34条", "issuer": "x",
                                                          "issued_on": date(2026, 1, 1), "region": org.city})
    with pytest.raises(Conflict, match="已有条款"):
        services.clause_create(actor=org.city_user, policy=policy, data={"number": "第5条", "title": "重复"})
    with pytest.raises(ValidationFailed, match="1–365"):
        services.clause_create(actor=org.city_user, policy=policy, data={"number": "第40条", "title": "x",
                                                                         "payment_days": 0})
    with pytest.raises(NotFound):
        services.clause_create(actor=org.county1_user, policy=policy, data={"number": "第41条", "title": "x"})
    services.policy_update(actor=org.city_user, policy=policy, data={"active": False})
    with pytest.raises(ValidationFailed, match="已停止执行"):
        services.application_create(actor=org.city_user, data={
            "enterprise": _enterprise(org), "clause": policy.clauses.first(), "applied_on": date(2026, 2, 1),
            "claimed_amount": Decimal("1")})


def _enterprise(org):
    from tests_support import make_credit_code

    from devzone.enterprises.models import Enterprise
    from devzone.enterprises.services import enterprise_create

    existing = Enterprise.objects.first()
    return existing or enterprise_create(actor=org.admin, data={"credit_code": make_credit_code("990102"),
                                                                "name": "测试企业", "region": org.county1})


def test_county_policy_does_not_apply_to_another_county(org, make_enterprise):
    county_policy = services.policy_create(actor=org.county2_user, data={
        "name": "北湖区稳增长十条", "issuer": "北湖区人民政府", "issued_on": date(2026, 1, 1), "region": org.county2})
    clause = services.clause_create(actor=org.county2_user, policy=county_policy, data={"number": "第1条",
                                                                                        "title": "奖励"})
    with pytest.raises(ValidationFailed, match="不适用于"):
        services.application_create(actor=org.city_user, data={
            "enterprise": make_enterprise(), "clause": clause, "applied_on": date(2026, 2, 1),
            "claimed_amount": Decimal("5")})
