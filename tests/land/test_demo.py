"""The demo step: quotas with every kind of movement, parcels in each 三未 state and idle, low-efficiency
land from the published evaluation, standard land with checks, disposal actions — deterministic."""

from __future__ import annotations

from datetime import date

from devzone.core import audit
from devzone.core.models import User
from devzone.demo.loader import demo_load
from devzone.land import selectors
from devzone.land.models import DisposalAction, Parcel, QuotaMovement, StandardLandCondition

AS_OF = date(2026, 10, 31)


def test_demo_step(db):
    report = demo_load(scale=1)
    counts = report.counts
    assert counts["parcels"] == Parcel.objects.count() > 100
    assert set(QuotaMovement.objects.values_list("kind", flat=True)) == set(QuotaMovement.Kind.values)
    city = User.objects.get(username="city")
    for category in selectors.CATEGORIES:
        found = selectors.parcel_list(user=city, filters={"category": category, "as_of": AS_OF})
        assert found.exists(), category
    assert selectors.low_efficiency_findings(user=city)
    assert StandardLandCondition.objects.count() == counts["standard_land_parcels"] > 0
    assert DisposalAction.objects.filter(status="done").exists()
    assert all(a.balance >= 0 for a in selectors.account_list(user=city))
    county1 = User.objects.get(username="county1")
    assert 0 < selectors.parcel_list(user=county1).count() < Parcel.objects.count()
    assert audit.verify_chain().ok
