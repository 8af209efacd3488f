"""Fixtures for land: projects entered through the services and walked through verified stages, parcels,
quota accounts, and a published 亩均 evaluation run with known results."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from tests_support import next_number

from devzone.evaluation.models import EvaluationResultRow, EvaluationRun
from devzone.land import services
from devzone.projects import services as project_services
from devzone.projects.models import Evidence, Project, Stage
from devzone.projects.samplefiles import make_pdf, site_photo


def pdf_upload(name: str = "文件.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, make_pdf(["批复"]), content_type="application/pdf")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def make_project(org):
    def make(region=None, **fields) -> Project:
        n = next_number()
        data = {"name": f"用地测试项目{n}", "region": region or org.county1, "total_investment": Decimal("20000"),
                "owner_name": f"测试建设单位{n}有限公司", "agreement_amount": Decimal("20000"),
                "agreement_counterpart": f"投资方{n}", **fields}
        return project_services.project_create(actor=org.admin, data=data)

    return make


EVIDENCE_FOR = {Stage.COMPLETED: Evidence.Kind.COMPLETION, Stage.PRODUCING: Evidence.Kind.PRODUCTION,
                Stage.EFFECTIVE: Evidence.Kind.EFFECTIVENESS}


@pytest.fixture
def advance(org):
    """advance(project, {stage: date}) declares, documents and verifies each stage in order."""

    def run(project: Project, dates: dict[str, date]) -> Project:
        county = org.county1_user
        for stage, day in dates.items():
            if stage == Stage.STARTED:
                for kind in (Evidence.Kind.APPROVAL, Evidence.Kind.LAND, Evidence.Kind.CONSTRUCTION_PERMIT,
                             Evidence.Kind.CONSTRUCTION_CONTRACT):
                    project_services.evidence_upload(actor=county, project=project, kind=kind,
                                                     upload=pdf_upload(f"{kind}.pdf"),
                                                     document_number="备案〔2026〕1号", stage=Stage.STARTED)
                taken = datetime(day.year, day.month, day.day, 10)
                photo = SimpleUploadedFile("现场.jpg", site_photo(1, taken_at=taken), content_type="image/jpeg")
                project_services.evidence_upload(actor=county, project=project, kind=Evidence.Kind.SITE_PHOTO,
                                                 upload=photo, stage=Stage.STARTED)
            elif stage in EVIDENCE_FOR:
                project_services.evidence_upload(actor=county, project=project, kind=EVIDENCE_FOR[stage],
                                                 upload=pdf_upload(), stage=stage)
            project = project_services.project_declare_stage(actor=county, project=project, stage=stage, date=day)
            project = project_services.project_verify_stage(actor=org.city_user, project=project, stage=stage)
        return project

    return run


@pytest.fixture
def make_parcel(org):
    def make(region=None, actor=None, **fields):
        n = next_number()
        data = {"code": f"DK-{n:05d}", "name": f"测试地块{n}", "region": region or org.county1,
                "area_mu": Decimal("100"), **fields}
        return services.parcel_create(actor=actor or org.admin, data=data)

    return make


@pytest.fixture
def published_run(org):
    """published_run({enterprise: (tax_per_mu, class)}) → a published 亩均 run with those results."""

    def make(results: dict, year: int = 2025) -> EvaluationRun:
        run = EvaluationRun.objects.create(scheme_key="mujun", scheme_name="亩均效益综合评价", scheme_yaml="key: mujun",
                                           year=year, source="database", units=len(results),
                                           participants=len(results), published=True, published_at=timezone.now())
        for rank, (enterprise, (tax_per_mu, klass)) in enumerate(results.items(), start=1):
            EvaluationResultRow.objects.create(
                run=run, unit_key=enterprise.credit_code, unit_name=enterprise.name, enterprise=enterprise,
                region=enterprise.region, participates=True, n=len(results), score=100.0 - rank, rank=rank,
                klass=klass, values={"tax_per_mu": tax_per_mu})
        return run

    return make
