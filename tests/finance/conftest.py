"""Fixtures for matchmaking: banks and a factory of financing needs made through the services."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from devzone.finance import services
from devzone.finance.models import Bank, FinancingNeed


@pytest.fixture
def banks(org) -> list[Bank]:
    return [services.bank_create(actor=org.admin, data={"name": name, "kind": kind})
            for name, kind in (("云澜农商银行", "rural"), ("工商银行云澜分行", "state"), ("云澜银行", "city"))]


@pytest.fixture
def make_need(org, make_enterprise):
    """make_need(region=..., amount=..., **fields) → a FinancingNeed entered by the admin for a new enterprise."""

    def make(region=None, amount: str = "1000", enterprise=None, **fields) -> FinancingNeed:
        enterprise = enterprise or make_enterprise(region=region or org.county1)
        data = {"enterprise": enterprise, "amount": Decimal(amount), "purpose": "流动资金", "term_months": 12,
                "raised_on": date(2026, 2, 1), **fields}
        return services.need_create(actor=org.admin, data=data)

    return make
