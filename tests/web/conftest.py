"""Fixtures for the cockpit and the map: projects entered through the services with verified stage dates, a
lead signed into an agreement, an overdue problem assigned to a unit."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from tests_support import next_number

from devzone.attraction import services as attraction_services
from devzone.core import services as core_services
from devzone.dispatch import services as dispatch_services
from devzone.dispatch.reference import ensure_dispatch_reference
from devzone.projects import services as project_services
from devzone.projects.models import Project, ProjectStage

TODAY = timezone.localdate()
JAN1 = date(TODAY.year, 1, 1)  # on or before today, always in this year's cohort


@pytest.fixture
def make_project(org):
    """make_project(stages=("signed", "started"), region=..., **fields): a project whose stages are verified on
    1 January of this year (the KPIs count verified stages only)."""

    def make(stages: tuple[str, ...] = (), region=None, **fields) -> Project:
        n = next_number()
        data = {"name": fields.pop("name", f"驾驶舱项目{n}"), "region": region or org.county1,
                "total_investment": Decimal("20000"), "owner_name": f"测试建设单位{n}有限公司", **fields}
        project = project_services.project_create(actor=org.admin, data=data)
        for stage in stages:
            ProjectStage.objects.update_or_create(project=project, stage=stage, defaults={
                "actual_date": JAN1, "status": ProjectStage.Status.VERIFIED})
        if stages:
            Project.objects.filter(pk=project.pk).update(stage=stages[-1])
            project.refresh_from_db()
        return project

    return make


@pytest.fixture
def sign_agreement(org):
    """sign_agreement(amount, region=county1): a lead registered and signed this year, through the services."""

    def sign(amount: str, region=None, responsible=None):
        lead = attraction_services.lead_create(actor=org.admin, data={
            "name": f"签约项目{next_number()}", "investor_name": "远方集团有限公司", "source": "chain",
            "region": region or org.county1, "responsible_person": responsible or org.county1_user,
            "intended_investment": Decimal(amount), "intended_land_mu": Decimal("100"), "registered_on": JAN1})
        lead = attraction_services.lead_move(actor=org.admin, lead=lead, to_stage="negotiating", on=JAN1)
        return attraction_services.lead_sign(actor=org.admin, lead=lead, agreement_data={
            "signed_on": JAN1, "amount": Decimal(amount)})

    return sign


@pytest.fixture
def overdue_problem(org):
    """overdue_problem(unit, region): a problem assigned 90 days ago to `unit`, long past its deadline."""
    ensure_dispatch_reference()

    def make(unit=None, region=None, title: str = "项目用地报批受阻"):
        then = timezone.now() - timedelta(days=90)
        problem = dispatch_services.problem_create(actor=org.city_user, data={
            "title": title, "source": "project", "category": "land", "difficulty": "normal",
            "region": region or org.county1}, now=then)
        return dispatch_services.problem_assign(actor=org.city_user, problem=problem,
                                                lead_unit=unit or org.dept_county2, helping_units=[], now=then)

    return make


@pytest.fixture
def county1_unit(org):
    return core_services.department_create(actor=None, name="澜江区发改局", code="ndrc", region=org.county1)
