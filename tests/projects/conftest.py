"""Fixtures for key projects: a factory that enters projects through the services, evidence uploads made of
real (tiny) JPEG and PDF files, and a helper that walks a project through declared and verified stages."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from tests_support import next_number

from devzone.projects import services
from devzone.projects.models import Evidence, Project, Stage
from devzone.projects.samplefiles import make_pdf, site_photo


def pdf_upload(name: str = "文件.pdf", text: str = "批复") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, make_pdf([text]), content_type="application/pdf")


def photo_upload(taken: date | None, name: str = "现场.jpg", seed: int = 1) -> SimpleUploadedFile:
    taken_at = datetime(taken.year, taken.month, taken.day, 10, 0) if taken else None
    return SimpleUploadedFile(name, site_photo(seed, taken_at=taken_at), content_type="image/jpeg")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def make_project(org):
    """make_project(region=..., actor=..., **fields) → a Project entered through project_create."""

    def make(region=None, actor=None, **fields) -> Project:
        n = next_number()
        data = {"name": f"测试项目{n}", "region": region or org.county1, "total_investment": Decimal("20000"),
                "owner_name": f"测试建设单位{n}有限公司", "agreement_amount": Decimal("20000"),
                "agreement_counterpart": f"投资方{n}", **fields}
        return services.project_create(actor=actor or org.admin, data=data)

    return make


def add_start_evidence(project: Project, start: date, actor) -> None:
    """Every document a start needs, and a site photo taken on the start date (EXIF)."""
    for kind, number in ((Evidence.Kind.APPROVAL, "发改备案〔2026〕12号"), (Evidence.Kind.LAND, ""),
                         (Evidence.Kind.CONSTRUCTION_PERMIT, ""), (Evidence.Kind.CONSTRUCTION_CONTRACT, "")):
        services.evidence_upload(actor=actor, project=project, kind=kind, upload=pdf_upload(f"{kind}.pdf"),
                                 document_number=number, stage=Stage.STARTED)
    services.evidence_upload(actor=actor, project=project, kind=Evidence.Kind.SITE_PHOTO,
                             upload=photo_upload(start), stage=Stage.STARTED)


@pytest.fixture(name="pdf_upload")
def pdf_upload_fixture():
    return pdf_upload


@pytest.fixture(name="photo_upload")
def photo_upload_fixture():
    return photo_upload


@pytest.fixture
def start_evidence():
    return add_start_evidence


EVIDENCE_FOR = {Stage.COMPLETED: Evidence.Kind.COMPLETION, Stage.PRODUCING: Evidence.Kind.PRODUCTION,
                Stage.EFFECTIVE: Evidence.Kind.EFFECTIVENESS}


@pytest.fixture
def advance(org):
    """advance(project, {stage: date, ...}) declares, documents and verifies each stage in order."""

    def run(project: Project, dates: dict[str, date], county=None) -> Project:
        county = county or org.county1_user
        for stage, day in dates.items():
            if stage == Stage.STARTED:
                add_start_evidence(project, day, county)
            elif stage in EVIDENCE_FOR:
                services.evidence_upload(actor=county, project=project, kind=EVIDENCE_FOR[stage],
                                         upload=pdf_upload(), stage=stage)
            project = services.project_declare_stage(actor=county, project=project, stage=stage, date=day)
            project = services.project_verify_stage(actor=org.city_user, project=project, stage=stage)
        return project

    return run
