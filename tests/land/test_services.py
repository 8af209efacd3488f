"""Quota ledger (balances, overdraw refused, paid swaps, audit), parcels, disposals and standard-land checks."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from devzone.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from devzone.core.models import AuditEvent
from devzone.land import services
from devzone.land.models import DisposalAction, QuotaMovement, StandardLandCheck

D = date(2026, 3, 1)


@pytest.fixture
def accounts(org):
    a = services.account_for(year=2026, region=org.county1)
    b = services.account_for(year=2026, region=org.county2)
    services.quota_grant(actor=org.city_user, account=a, area_mu=Decimal("100"), on=D)
    return a, b


def test_grant_allocate_and_balance(org, accounts, make_project):
    a, _b = accounts
    project = make_project()
    services.quota_allocate(actor=org.county1_user, account=a, project=project, area_mu="30.5", on=D)
    assert services.account_balance(a) == Decimal("69.50")
    assert AuditEvent.objects.filter(action="quota_allocation", object_type="land.quotamovement").count() == 1
    event = AuditEvent.objects.get(action="quota_grant")
    assert event.after["balance"] == "100.00"


def test_county_cannot_grant_itself_quota(org):
    account = services.account_for(year=2026, region=org.county1)
    with pytest.raises(NotFound):
        services.quota_grant(actor=org.county1_user, account=account, area_mu=10, on=D)


def test_allocation_that_would_overdraw_is_refused(org, accounts, make_project):
    a, _b = accounts
    project = make_project()
    with pytest.raises(ValidationFailed, match=r"余额 100\.00 亩,不足 100\.01 亩"):
        services.quota_allocate(actor=org.county1_user, account=a, project=project, area_mu="100.01", on=D)
    assert QuotaMovement.objects.filter(kind="allocation").count() == 0
    services.quota_allocate(actor=org.county1_user, account=a, project=project, area_mu="100", on=D)
    assert services.account_balance(a) == 0


def test_transfer_that_would_overdraw_writes_nothing(org, accounts):
    a, b = accounts
    with pytest.raises(ValidationFailed, match="不足"):
        services.quota_transfer(actor=org.city_user, source=a, target=b, area_mu="150", on=D)
    assert QuotaMovement.objects.filter(kind__in=["transfer_out", "transfer_in"]).count() == 0
    assert services.account_balance(b) == 0


def test_paid_swap_moves_quota_with_price(org, accounts):
    a, b = accounts
    out, inc = services.quota_transfer(actor=org.city_user, source=a, target=b, area_mu="40", on=D,
                                       price_per_mu="12.5")
    assert (out.kind, inc.kind) == ("swap_out", "swap_in")
    assert out.total_price == inc.total_price == Decimal("500.00")
    assert services.account_balance(a) == Decimal("60.00")
    assert services.account_balance(b) == Decimal("40.00")
    assert AuditEvent.objects.filter(action__in=["quota_swap_out", "quota_swap_in"]).count() == 2


def test_county_cannot_move_quota_into_another_county(org, accounts):
    a, b = accounts
    with pytest.raises(NotFound):
        services.quota_transfer(actor=org.county1_user, source=a, target=b, area_mu="1", on=D)


def test_transfer_needs_same_year_and_positive_area(org, accounts):
    a, _b = accounts
    other_year = services.account_for(year=2025, region=org.county2)
    with pytest.raises(ValidationFailed, match="同一年度"):
        services.quota_transfer(actor=org.city_user, source=a, target=other_year, area_mu="1", on=D)
    with pytest.raises(ValidationFailed, match="大于 0"):
        services.quota_grant(actor=org.city_user, account=a, area_mu="-5", on=D)


def test_allocation_to_project_outside_the_unit_is_refused(org, accounts, make_project):
    a, _b = accounts
    project = make_project(region=org.county2)
    with pytest.raises(ValidationFailed, match="不在"):
        services.quota_allocate(actor=org.city_user, account=a, project=project, area_mu="1", on=D)


def test_proposal_adopt_writes_grants(org):
    written = services.quota_proposal_adopt(actor=org.city_user, year=2026,
                                            shares=[(org.county1, "60.25"), (org.county2, "0")], on=D)
    assert len(written) == 1
    assert services.account_balance(services.account_for(year=2026, region=org.county1)) == Decimal("60.25")


def test_parcel_dates_follow_the_chain(org, make_parcel):
    with pytest.raises(ValidationFailed, match="尚无批准日期"):
        make_parcel(expropriated_on=D)
    with pytest.raises(ValidationFailed, match="早于批准日期"):
        make_parcel(approved_on=D, expropriated_on=D - timedelta(days=1))
    parcel = make_parcel(approved_on=D, expropriated_on=D, supplied_on=D + timedelta(days=30))
    assert parcel.state == "supplied"
    assert parcel.state_on(D + timedelta(days=29)) == "expropriated"


def test_parcel_update_optimistic_lock_and_scope(org, make_parcel):
    parcel = make_parcel(region=org.county2)
    with pytest.raises(NotFound):
        services.parcel_update(actor=org.county1_user, parcel=parcel, data={"name": "x"})
    stale = parcel.updated_at - timedelta(seconds=5)
    with pytest.raises(Conflict):
        services.parcel_update(actor=org.county2_user, parcel=parcel, data={"name": "新名"}, expected_updated_at=stale)
    with pytest.raises(PermissionDenied):
        services.parcel_update(actor=org.observer, parcel=parcel, data={"name": "x"})


def test_bad_geometry_is_refused(org, make_parcel):
    with pytest.raises(ValidationFailed, match="GeoJSON"):
        make_parcel(geometry={"type": "Circle"})


def test_document_upload_checks_content(org, make_parcel):
    parcel = make_parcel()
    fake = SimpleUploadedFile("合同.pdf", b"MZ not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationFailed, match="不是 JPEG、PNG 图片或 PDF"):
        services.document_upload(actor=org.county1_user, parcel=parcel, kind="supply", upload=fake)
    from devzone.projects.samplefiles import make_pdf

    doc = services.document_upload(actor=org.county1_user, parcel=parcel, kind="supply",
                                   upload=SimpleUploadedFile("合同.pdf", make_pdf(["出让合同"])))
    assert doc.content_type == "application/pdf"


def test_disposal_is_tracked_to_done(org, make_parcel):
    parcel = make_parcel(approved_on=D)
    action = services.disposal_create(actor=org.county1_user, parcel=parcel,
                                      data={"category": "approved_not_expropriated", "action": "revitalise"})
    with pytest.raises(Conflict, match="未办结"):
        services.disposal_create(actor=org.county1_user, parcel=parcel,
                                 data={"category": "approved_not_expropriated", "action": "reclaim"})
    with pytest.raises(ValidationFailed, match="处置结果"):
        services.disposal_progress(actor=org.county1_user, disposal=action, status="done", done_on=D)
    action = services.disposal_progress(actor=org.county1_user, disposal=action, status="done", done_on=D,
                                        result="已完成征收")
    assert action.status == DisposalAction.Status.DONE
    with pytest.raises(Conflict):
        services.disposal_progress(actor=org.county1_user, disposal=action, status="in_progress")
    assert AuditEvent.objects.filter(object_type="land.disposalaction").count() == 2


def test_standard_land_checked_when_project_becomes_effective(org, make_project, make_enterprise, make_parcel,
                                                              advance):
    today = date.today()
    owner = make_enterprise(years={today.year: {"output": Decimal("8000"), "tax": Decimal("1500"),
                                                "energy_tce": Decimal("400"), "emission_eq": Decimal("2")}})
    project = make_project(owner=owner, committed_output=Decimal("10000"), total_investment=Decimal("30000"))
    parcel = make_parcel(project=project, enterprise=owner, area_mu=Decimal("100"), approved_on=date(2024, 1, 1),
                         expropriated_on=date(2024, 2, 1), supplied_on=date(2024, 3, 1))
    services.standard_condition_set(actor=org.county1_user, parcel=parcel, data={
        "min_investment_intensity": Decimal("280"),  # 30000 / 100 = 300: pass
        "min_tax_per_mu": Decimal("20"),             # 1500 / 100 = 15: fail
        "max_energy_per_output": Decimal("0.1"),     # 400 / 8000 = 0.05: pass
    })
    start = today - timedelta(days=100)
    project = advance(project, {"signed": start - timedelta(days=30), "started": start,
                                "completed": start + timedelta(days=40), "producing": start + timedelta(days=50),
                                "effective": today})
    assert project.stage == "effective"  # recorded, never blocking
    check = StandardLandCheck.objects.get(parcel=parcel)
    assert check.passed is False
    assert [(r["key"], r["passed"]) for r in check.results] == [
        ("min_investment_intensity", True), ("min_tax_per_mu", False), ("max_energy_per_output", True)]
    assert check.results[1]["actual"] == "15.0000"
    assert AuditEvent.objects.filter(action="standard_land_check").count() == 1


def test_standard_check_without_figures_fails_the_conditions(org, make_project, make_parcel):
    project = make_project()
    parcel = make_parcel(project=project)
    services.standard_condition_set(actor=org.admin, parcel=parcel, data={"min_tax_per_mu": Decimal("10")})
    (check,) = services.standard_checks_run(actor=org.admin, project=project, on=date(2026, 6, 1))
    assert not check.passed and check.results[0]["actual"] is None
