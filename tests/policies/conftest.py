"""Fixtures for policy fulfilment: a city policy package (十章34条 style) with clauses, and an application
factory that walks an application through the services to the state asked for."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from devzone.policies import services
from devzone.policies.models import Application, Policy


@pytest.fixture
def policy(org) -> Policy:
    package = services.policy_create(actor=org.city_user, data={
        "name": "十章34条", "document_number": "云政发〔2026〕3号", "issuer": "云澜市人民政府",
        "issued_on": date(2026, 1, 10), "region": org.city})
    services.clause_create(actor=org.city_user, policy=package, data={
        "number": "第5条", "title": "技术改造奖补", "benefit": "subsidy", "amount_rule": "按设备投资额的10%奖补",
        "max_amount": Decimal("500"), "payment_days": 30})
    services.clause_create(actor=org.city_user, policy=package, data={
        "number": "第12条", "title": "贷款贴息", "benefit": "interest", "payment_days": 60})
    return package


@pytest.fixture
def make_application(org, policy, make_enterprise):
    """make_application(state="submitted"|"approved"|"paid"|"rejected", approved_on=..., ...)."""

    def make(state: str = "submitted", region=None, claimed: str = "100", approved_on: date = date(2026, 3, 1),
             paid_on: date | None = None, actor=None) -> Application:
        actor = actor or org.city_user
        enterprise = make_enterprise(region=region or org.county1)
        app = services.application_create(actor=actor, data={
            "enterprise": enterprise, "clause": policy.clauses.get(number="第5条"),
            "applied_on": date(2026, 2, 1), "claimed_amount": Decimal(claimed)})
        if state in ("approved", "paid"):
            app = services.application_approve(actor=actor, application=app, amount=Decimal(claimed),
                                               approved_on=approved_on)
        if state == "paid":
            app = services.application_pay(actor=actor, application=app, amount=Decimal(claimed),
                                           paid_on=paid_on or approved_on)
        if state == "rejected":
            app = services.application_reject(actor=actor, application=app, reason="材料不全")
        return app

    return make
