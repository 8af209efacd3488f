"""Fixtures for attraction tests: an investment-bureau user, leads made through the services, negative-list rules."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from tests_support import PASSWORD, next_number

from devzone.attraction import services
from devzone.attraction.models import Lead, NegativeListRule
from devzone.core import services as core_services
from devzone.core.models import Role
from devzone.enterprises.models import Industry


@pytest.fixture
def investment_user(org):
    department = core_services.department_create(actor=None, name="市商务局", code="commerce", region=org.city)
    return core_services.user_create(actor=None, username="investment", password=PASSWORD,
                                     roles=[Role.Code.INVESTMENT], department=department)


@pytest.fixture
def make_lead(org):
    """make_lead(stage=..., since=date, actor=..., **fields) → a Lead created and moved through the services."""

    def make(stage: str = Lead.Stage.CLUE, since: date | None = None, actor=None, **fields) -> Lead:
        actor = actor or org.admin
        since = since or date(2026, 1, 5)
        data = {"name": f"测试项目{next_number()}", "investor_name": "远方集团有限公司", "source": "chain",
                "region": org.county1, "responsible_person": org.county1_user,
                "intended_investment": Decimal("50000"), "intended_land_mu": Decimal("100"),
                "registered_on": since, **fields}
        lead = services.lead_create(actor=actor, data=data)
        if stage == Lead.Stage.DROPPED:
            return services.lead_move(actor=actor, lead=lead, to_stage=stage, on=since, reason="不符合产业定位")
        if stage != Lead.Stage.CLUE:
            lead = services.lead_move(actor=actor, lead=lead, to_stage=stage, on=since)
        return lead

    return make


@pytest.fixture
def negative_rules(db):
    """The three 一律不招 rules: an industry class, energy per output, and intensity below the zone threshold."""
    return [
        NegativeListRule.objects.create(name="炼焦及石油加工", kind="industry", industry_codes="C25"),
        NegativeListRule.objects.create(name="高耗能", kind="energy", max_energy_per_output=Decimal("0.5")),
        NegativeListRule.objects.create(name="投资强度不达标", kind="intensity"),
    ]


@pytest.fixture
def industry():
    return lambda code: Industry.objects.get(code=code)
