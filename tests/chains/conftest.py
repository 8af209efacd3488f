"""A known chain: 纺织服装 with one link of each strength, filled through the services."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from devzone.chains import services
from devzone.chains.models import Chain, ChainLink


@dataclass
class Fixture:
    chain: Chain
    strong: ChainLink
    weak: ChainLink
    missing: ChainLink
    project_only: ChainLink


@pytest.fixture
def textile(org, make_enterprise):
    """strong: 3 enterprises, 1 above size; weak: 2 small ones; missing: nothing; project_only: nothing yet."""
    chain = services.chain_create(actor=org.admin, data={"name": "纺织服装", "industry_codes": "C17,C18",
                                                         "leader_name": "王副市长", "leader_post": "副市长"})
    up, mid, down = list(chain.segments.order_by("sort_order"))
    strong = services.link_create(actor=org.admin, data={"segment": up, "name": "纺纱", "industry_codes": "C171"})
    weak = services.link_create(actor=org.admin, data={"segment": mid, "name": "印染", "industry_codes": "C1713"})
    missing = services.link_create(actor=org.admin, data={"segment": down, "name": "品牌服装",
                                                          "industry_codes": "C18"})
    project_only = services.link_create(actor=org.admin, data={"segment": down, "name": "家纺"})
    services.link_set_enterprises(actor=org.admin, link=strong, enterprises=[
        make_enterprise(above_size=True), make_enterprise(), make_enterprise(region=org.county2)])
    services.link_set_enterprises(actor=org.admin, link=weak, enterprises=[make_enterprise(), make_enterprise()])
    return Fixture(chain=chain, strong=strong, weak=weak, missing=missing, project_only=project_only)


@pytest.fixture
def industry():
    from devzone.enterprises.models import Industry

    return lambda code: Industry.objects.get(code=code)


@pytest.fixture
def make_lead(org):
    """make_lead(stage, **fields) → a lead in county1 made through the attraction services."""
    from decimal import Decimal

    from tests_support import next_number

    from devzone.attraction import services as attraction_services

    def make(stage: str = "clue", **fields):
        lead = attraction_services.lead_create(actor=org.admin, data={
            "name": f"链上项目{next_number()}", "investor_name": "远方集团", "source": "chain",
            "region": org.county1, "intended_investment": Decimal("30000"), **fields})
        if stage == "dropped":
            return attraction_services.lead_move(actor=org.admin, lead=lead, to_stage=stage, reason="不再跟进")
        if stage != "clue":
            return attraction_services.lead_move(actor=org.admin, lead=lead, to_stage=stage)
        return lead

    return make
