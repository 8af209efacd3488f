"""Fixtures of the evaluation app's tests (the engine's own tests live in tests/evaluation/engine/).

`mujun_city` builds a small registry through the services: 规上 manufacturers in both counties with 2025 figures,
one that started production in 2024 (不参评), one with no land (不参评), one not above size (not in the
population), one service-sector enterprise (not industrial), and a veto for one enterprise.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from devzone.core import jobs
from devzone.core.models import Job
from devzone.enterprises.models import Enterprise, Industry
from devzone.evaluation import services
from devzone.evaluation.models import EvaluationRun

YEAR = 2025


def make_figures(tax: float, land: float = 50, va: float | None = None, employees: int = 100, energy: float = 500,
            emission: float = 10, rd: float = 20, revenue: float = 5000) -> dict:
    return {
        "tax": Decimal(str(tax)), "land_mu": Decimal(str(land)),
        "value_added": Decimal(str(va if va is not None else tax * 4)), "employees": employees,
        "energy_tce": Decimal(str(energy)), "emission_eq": Decimal(str(emission)), "rd_expense": Decimal(str(rd)),
        "revenue": Decimal(str(revenue)),
    }


@pytest.fixture
def figures():
    """figures(tax, land=50, …) → one year's EnterpriseYear fields (value added defaults to 4 × tax)."""
    return make_figures


@dataclass
class MujunCity:
    county1: list[Enterprise]
    county2: list[Enterprise]
    young: Enterprise
    landless: Enterprise
    small: Enterprise
    service: Enterprise
    vetoed: Enterprise

    @property
    def all_above(self) -> list[Enterprise]:
        return [*self.county1, *self.county2, self.young, self.landless]


@pytest.fixture
def mujun_city(org, make_enterprise) -> MujunCity:
    def above(region, tax: float, **kwargs) -> Enterprise:
        return make_enterprise(region=region, above_size=True, production_start_year=2015,
                               years={YEAR: make_figures(tax, **kwargs), YEAR - 1: make_figures(tax * 0.9, **kwargs)})

    county1 = [above(org.county1, tax) for tax in (400, 250, 180, 120, 90, 60)]
    county1.append(above(org.town1, 150))  # a township enterprise groups under its county
    county2 = [above(org.county2, tax) for tax in (300, 200, 100, 50, 20)]
    young = make_enterprise(region=org.county1, above_size=True, production_start_year=YEAR - 1,
                            years={YEAR: make_figures(500)})
    landless = make_enterprise(region=org.county2, above_size=True, production_start_year=2010,
                               years={YEAR: make_figures(80, land=0)})
    small = make_enterprise(region=org.county1, above_size=False, production_start_year=2010,
                            years={YEAR: make_figures(30)})
    service = make_enterprise(region=org.county1, above_size=True, production_start_year=2010,
                              industry=Industry.objects.get(code="I"), years={YEAR: make_figures(300)})
    vetoed = county1[0]
    services.veto_create(actor=org.industry_user, data={"enterprise": vetoed, "year": YEAR, "kind": "safety",
                                                        "reason": "较大生产安全事故", "evidence": "应急局通报"})
    return MujunCity(county1=county1, county2=county2, young=young, landless=landless, small=small,
                     service=service, vetoed=vetoed)


@pytest.fixture
def run_now(django_capture_on_commit_callbacks):
    """run_now(actor, scheme_key, year, ...) → the run after its job ran in this process (as the worker does)."""

    def make(actor, scheme_key: str = "mujun", year: int = YEAR, **kwargs) -> EvaluationRun:
        with django_capture_on_commit_callbacks(execute=False):
            run = services.evaluation_run_create(actor=actor, scheme_key=scheme_key, year=year, **kwargs)
        job = jobs.run_job(run.job_id)
        assert job is not None
        run.refresh_from_db()
        if job.status != Job.Status.SUCCEEDED:
            pytest.fail(f"evaluation job failed: {job.message}\n{job.log}")
        return run

    return make
