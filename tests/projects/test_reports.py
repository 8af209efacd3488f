"""Monthly dispatch reports: county submits, project office approves or returns; approved reports are immutable,
corrections are new records; the ledger's rules on cumulative investment and image progress."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from devzone.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from devzone.core.models import AuditEvent
from devzone.projects import services
from devzone.projects.kpis import effective_reports
from devzone.projects.models import Evidence, ProgressReport

THIS_MONTH = date.today().replace(day=1)
LAST_MONTH = (THIS_MONTH - timedelta(days=1)).replace(day=1)
TWO_AGO = (LAST_MONTH - timedelta(days=1)).replace(day=1)


def submit(user, project, period=LAST_MONTH, amount="100", percent=10, **kwargs) -> ProgressReport:
    return services.report_submit(actor=user, project=project, period=period, investment_month=Decimal(amount),
                                  image_progress="主体施工", image_percent=percent, problems=kwargs.pop("problems", ""),
                                  **kwargs)


def test_submit_then_approve(org, make_project):
    project = make_project()
    report = submit(org.county1_user, project, problems="用电增容待协调")
    assert report.status == "submitted" and report.period == LAST_MONTH and report.submitted_by == org.county1_user
    with pytest.raises(PermissionDenied):
        services.report_approve(actor=org.county1_user, report=report)
    report = services.report_approve(actor=org.city_user, report=report)
    assert report.status == "approved" and report.reviewed_by == org.city_user
    assert AuditEvent.objects.filter(object_type="projects.progressreport", action="approve_report").exists()


def test_period_accepts_text_and_refuses_the_future(org, make_project):
    project = make_project()
    report = submit(org.county1_user, project, period=f"{TWO_AGO:%Y-%m}")
    assert report.period == TWO_AGO
    with pytest.raises(ValidationFailed, match="未来"):
        submit(org.county1_user, project, period=THIS_MONTH + timedelta(days=40))
    with pytest.raises(ValidationFailed, match="YYYY-MM"):
        submit(org.county1_user, project, period="2026年10月")


def test_one_report_per_month_and_approved_is_immutable(org, make_project):
    project = make_project()
    report = submit(org.county1_user, project)
    with pytest.raises(Conflict, match="等待审核"):
        submit(org.county1_user, project)
    services.report_approve(actor=org.city_user, report=report)
    with pytest.raises(Conflict, match="更正"):
        submit(org.county1_user, project, amount="90")
    with pytest.raises(ValidationFailed):
        services.report_return(actor=org.city_user, report=report, reason="改")
    with pytest.raises(ValidationFailed):
        services.report_approve(actor=org.city_user, report=report)


def test_return_with_reason_and_resubmit_in_place(org, make_project):
    project = make_project()
    report = submit(org.county1_user, project)
    with pytest.raises(ValidationFailed):
        services.report_return(actor=org.city_user, report=report, reason="")
    report = services.report_return(actor=org.city_user, report=report, reason="照片与进度不符")
    assert report.status == "returned" and report.return_reason == "照片与进度不符"
    again = services.report_resubmit(actor=org.county1_user, report=report, investment_month=Decimal("80"),
                                     image_progress="基础施工", image_percent=8)
    assert again.pk == report.pk and again.status == "submitted" and again.return_reason == ""
    assert again.investment_month == Decimal("80.00")
    assert ProgressReport.objects.filter(project=project).count() == 1


def test_correction_is_a_new_record_that_replaces_once_approved(org, make_project):
    project = make_project()
    original = services.report_approve(actor=org.city_user, report=submit(org.county1_user, project, amount="100"))
    correction = services.report_correct(actor=org.county1_user, report=original, investment_month=Decimal("120"),
                                         image_progress="主体施工(更正)", image_percent=12)
    assert correction.pk != original.pk and correction.corrects == original and correction.status == "submitted"
    assert list(effective_reports().filter(project=project)) == [original]  # not yet approved
    with pytest.raises(Conflict, match="等待审核"):
        services.report_correct(actor=org.county1_user, report=original, investment_month=Decimal("130"))
    services.report_approve(actor=org.city_user, report=correction)
    assert list(effective_reports().filter(project=project)) == [correction]
    original.refresh_from_db()
    assert original.status == "approved" and original.investment_month == Decimal("100.00")  # untouched
    with pytest.raises(Conflict, match="最新"):
        services.report_correct(actor=org.county1_user, report=original, investment_month=Decimal("130"))
    second = services.report_correct(actor=org.county1_user, report=correction, investment_month=Decimal("110"),
                                     image_percent=12)
    assert second.corrects == correction


def test_only_approved_reports_can_be_corrected(org, make_project):
    report = submit(org.county1_user, make_project())
    with pytest.raises(ValidationFailed, match="已审核"):
        services.report_correct(actor=org.county1_user, report=report, investment_month=Decimal("1"))


def test_cumulative_never_exceeds_total_investment(org, make_project):
    project = make_project(total_investment=Decimal("1000"))
    services.report_approve(actor=org.city_user, report=submit(org.county1_user, project, period=TWO_AGO,
                                                               amount="700"))
    with pytest.raises(ValidationFailed, match="超过项目总投资"):
        submit(org.county1_user, project, amount="301")
    pending = submit(org.county1_user, project, amount="300")  # exactly the total is fine
    assert pending.status == "submitted"


def test_approval_rechecks_the_total(org, make_project):
    project = make_project(total_investment=Decimal("1000"))
    first = submit(org.county1_user, project, period=TWO_AGO, amount="600")
    second = submit(org.county1_user, project, period=LAST_MONTH, amount="600")  # each alone fits
    services.report_approve(actor=org.city_user, report=first)
    with pytest.raises(ValidationFailed, match="超过项目总投资"):
        services.report_approve(actor=org.city_user, report=second)


def test_monthly_amount_cannot_be_negative(org, make_project):
    with pytest.raises(ValidationFailed, match="负数"):
        submit(org.county1_user, make_project(), amount="-5")


def test_image_progress_never_goes_back(org, make_project):
    project = make_project()
    services.report_approve(actor=org.city_user, report=submit(org.county1_user, project, period=TWO_AGO,
                                                               percent=40))
    with pytest.raises(ValidationFailed, match="低于"):
        submit(org.county1_user, project, period=LAST_MONTH, percent=30)
    with pytest.raises(ValidationFailed, match="0–100"):
        submit(org.county1_user, project, period=LAST_MONTH, percent=130)


def test_total_investment_cannot_drop_below_reported(org, make_project):
    project = make_project(total_investment=Decimal("1000"))
    services.report_approve(actor=org.city_user, report=submit(org.county1_user, project, amount="700"))
    with pytest.raises(ValidationFailed, match="累计完成投资"):
        services.project_update(actor=org.county1_user, project=project, data={"total_investment": Decimal("600")})


def test_photos_are_attached_with_their_dates(org, make_project, photo_upload):
    project = make_project()
    taken = LAST_MONTH + timedelta(days=3)
    report = submit(org.county1_user, project, photos=[photo_upload(taken), (photo_upload(None), taken)])
    photos = list(report.photos.order_by("pk"))
    assert [p.taken_on for p in photos] == [taken, taken]
    assert [p.taken_on_source for p in photos] == ["exif", "declared"]
    assert all(p.kind == Evidence.Kind.SITE_PHOTO and p.project == project for p in photos)


def test_bad_photo_rolls_back_the_whole_report(org, make_project, pdf_upload):
    project = make_project()
    with pytest.raises(ValidationFailed):
        submit(org.county1_user, project, photos=[pdf_upload()])
    assert not ProgressReport.objects.filter(project=project).exists()


def test_jurisdiction_and_cancelled_projects(org, make_project):
    other = make_project(region=org.county2)
    with pytest.raises(NotFound):
        submit(org.county1_user, other)
    report = submit(org.county2_user, other)
    with pytest.raises(NotFound):
        services.report_return(actor=org.county1_user, report=report, reason="x")
    project = make_project()
    services.project_cancel(actor=org.city_user, project=project, date=date.today(), reason="终止")
    with pytest.raises(ValidationFailed, match="终止"):
        submit(org.county1_user, project)
