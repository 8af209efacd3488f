"""The demo's key-project step: every county and stage, 24 months of reports ending 2026-10, real evidence files,
lagging, unverified and replaced projects, data that obeys the ledger's own rules, and determinism."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.db.models import Count, Max, Min, Sum

from devzone.core.errors import ValidationFailed
from devzone.core.models import Region, User
from devzone.demo import loader
from devzone.demo.context import DemoContext
from devzone.demo.projects import DEMO_END, build_projects, owners_by_county, plan_projects
from devzone.enterprises.models import Enterprise, Industry
from devzone.projects import selectors, services
from devzone.projects.files import exif_datetime_original
from devzone.projects.kpis import effective_reports
from devzone.projects.models import Evidence, ProgressReport, Project, ProjectStage, Stage


@pytest.fixture
def demo(db, monkeypatch):
    steps = list(loader.STEPS)
    if not any(step is build_projects for _label, step in steps):
        steps.append(("重点项目", build_projects))
    monkeypatch.setattr(loader, "STEPS", steps)
    return loader.demo_load(scale=1)


def test_demo_step(demo):
    """One load of the demo (it takes seconds), three sets of checks."""
    check_ledger(demo)
    check_evidence()
    check_determinism()


def check_ledger(demo):
    assert demo.counts["projects"] == Project.objects.count() == 600
    counties = Region.objects.filter(level="county")
    for county in counties:
        assert Project.objects.filter(region__path__startswith=county.path).count() >= 50
    assert set(Project.objects.values_list("stage", flat=True)) == set(Stage.values)
    assert Project.objects.exclude(declared_stage="").count() >= 10  # 申报未认定
    assert ProjectStage.objects.filter(status="returned").exists()
    assert Project.objects.filter(replaces__isnull=False).count() >= 3
    assert Project.objects.filter(replaces__isnull=False, replaces__stage="cancelled").count() == \
        Project.objects.filter(replaces__isnull=False).count()

    reports = ProgressReport.objects.aggregate(first=Min("period"), last=Max("period"))
    assert (reports["first"], reports["last"]) == (date(2024, 11, 1), date(2026, 10, 1))
    statuses = dict(ProgressReport.objects.values_list("status").annotate(n=Count("pk")))
    assert statuses["approved"] > 3000 and statuses["submitted"] > 0 and statuses["returned"] > 0
    assert ProgressReport.objects.filter(corrects__isnull=False, status="approved").count() >= 5

    # the ledger's own rules hold: cumulative within the total
    totals = dict(Project.objects.values_list("pk", "total_investment"))
    done = effective_reports().order_by().values("project").annotate(s=Sum("investment_month"))
    assert [row["project"] for row in done if row["s"] > totals[row["project"]]] == []
    effective_sum = effective_reports().aggregate(s=Sum("investment_month"))["s"]
    assert effective_sum and effective_sum > 0

    # lights of every colour, 签而未落 and overdue milestones as of the end of the demo
    city = User.objects.get(username="city")
    lights = dict(selectors.project_list(user=city, as_of=DEMO_END).order_by().values_list("light")
                  .annotate(n=Count("pk")))
    assert lights.get("red", 0) > 10 and lights.get("yellow", 0) > 10 and lights.get("green", 0) > 50
    assert selectors.signed_not_started(user=city, as_of=DEMO_END).count() > 10
    assert selectors.overdue_milestones(user=city, as_of=DEMO_END).exists()

    # KPIs are computable and sensible for a year and for a batch
    for cohort in ("2025", f"batch:{Project.objects.filter(batch_entries__isnull=False).values_list('batch_entries__batch', flat=True).first()}"):  # noqa: E501
        kpi = selectors.project_kpis(user=city, cohort=cohort, as_of=DEMO_END).overall
        assert kpi.start_rate.denominator > 0 and Decimal(0) <= kpi.start_rate.value <= Decimal(100)

    # a county sees its own projects only
    county1 = User.objects.get(username="county1")
    mine = selectors.project_list(user=county1)
    assert 0 < mine.count() < 600
    assert all(p.region.path.startswith(county1.region.path) for p in mine[:100])


def check_evidence():
    photos = Evidence.objects.filter(kind="site_photo").order_by("pk")
    assert photos.count() > 500 and Evidence.objects.filter(report__isnull=False).exists()
    for photo in photos[:20]:
        content = default_storage.open(photo.file.name).read()
        assert exif_datetime_original(content).date() == photo.taken_on and len(content) == photo.size
    pdf = Evidence.objects.filter(content_type="application/pdf").first()
    assert default_storage.open(pdf.file.name).read().startswith(b"%PDF-")

    # verified starts carry the evidence verification demands; declared ones lack it and stay unverified
    verified = Project.objects.filter(stages__stage="started", stages__status="verified").order_by("pk")[:25]
    for project in verified:
        assert services.missing_for(project, "started") == [], project.pk
    declared = Project.objects.filter(declared_stage="started").first()
    office = User.objects.get(username="city")
    with pytest.raises(ValidationFailed, match="手续不全的项目不予认定"):
        services.project_verify_stage(actor=office, project=declared, stage="started")


def check_determinism():
    ctx = DemoContext(scale=1)
    ctx.counties = list(Region.objects.filter(level="county").order_by("sort_order"))
    for township in Region.objects.filter(level="township").order_by("pk"):
        ctx.townships.setdefault(township.parent_id, []).append(township)
    from devzone.core.models import Department, Zone

    ctx.zones = list(Zone.objects.order_by("pk"))
    ctx.departments = {d.code: d for d in Department.objects.all()}
    ctx.users = {u.username: u for u in User.objects.all()}
    ctx.enterprises = list(Enterprise.objects.order_by("pk"))
    plans = plan_projects(ctx, ctx.rng("projects"), industries={i.code: i for i in Industry.objects.all()},
                          owners=owners_by_county(ctx))
    stored = list(Project.objects.order_by("pk").values_list("code", "name", "total_investment")[:60])
    assert [(p.project.code, p.project.name, p.project.total_investment) for p in plans[:60]] == stored
