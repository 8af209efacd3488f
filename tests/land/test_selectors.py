"""Derived lists on hand-built dates: each 三未 state, 批而未用, the idle boundary, low-efficiency land from a
known evaluation result, the attraction results behind the proposal, and jurisdiction."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from devzone.land import selectors, services
from devzone.land.models import LandSettings

AS_OF = date(2026, 6, 30)


def _codes(qs) -> set[str]:
    return {p.code for p in qs}


@pytest.fixture
def chain(make_parcel):
    """One parcel in each state as of AS_OF, plus one whose supply comes after AS_OF."""
    d = date(2025, 1, 10)
    return {
        "reserve": make_parcel(code="R"),
        "approved": make_parcel(code="A", approved_on=d),
        "expropriated": make_parcel(code="E", approved_on=d, expropriated_on=d + timedelta(days=20)),
        "supplied": make_parcel(code="S", approved_on=d, expropriated_on=d, supplied_on=date(2026, 1, 5)),
        "used": make_parcel(code="U", approved_on=d, expropriated_on=d, supplied_on=d, used_on=date(2025, 9, 1)),
        "later": make_parcel(code="L", approved_on=d, expropriated_on=d, supplied_on=date(2026, 7, 1)),
    }


@pytest.mark.parametrize(("category", "expected"), [
    ("approved_not_expropriated", {"A"}),
    ("expropriated_not_supplied", {"E", "L"}),   # L is supplied only after the as-of date
    ("supplied_not_used", {"S"}),
    ("approved_not_used", {"A", "E", "S", "L"}),
])
def test_three_not_categories(org, chain, category, expected):
    qs = selectors.parcel_list(user=org.admin, filters={"category": category, "as_of": AS_OF.isoformat()})
    assert _codes(qs) == expected


def test_state_filter_as_of(org, chain):
    def state(name, as_of=AS_OF):
        return _codes(selectors.parcel_list(user=org.admin, filters={"state": name, "as_of": as_of}))

    assert state("reserve") == {"R"}
    assert state("used") == {"U"}
    assert state("used", date(2025, 8, 31)) == set()
    assert state("supplied", date(2026, 7, 1)) == {"S", "L"}


def test_idle_period_boundary(org, make_parcel):
    LandSettings.objects.update_or_create(pk=1, defaults={"idle_days": 365})
    make_parcel(code="ON", approved_on=date(2025, 1, 1), expropriated_on=date(2025, 1, 1),
                supplied_on=AS_OF - timedelta(days=365))
    make_parcel(code="INSIDE", approved_on=date(2025, 1, 1), expropriated_on=date(2025, 1, 1),
                supplied_on=AS_OF - timedelta(days=364))
    make_parcel(code="USED", approved_on=date(2024, 1, 1), expropriated_on=date(2024, 1, 1),
                supplied_on=date(2024, 1, 1), used_on=AS_OF)
    idle = selectors.parcel_list(user=org.admin, filters={"category": "idle", "as_of": AS_OF})
    assert _codes(idle) == {"ON"}
    LandSettings.objects.filter(pk=1).update(idle_days=364)
    idle = selectors.parcel_list(user=org.admin, filters={"category": "idle", "as_of": AS_OF})
    assert _codes(idle) == {"ON", "INSIDE"}


def test_parcel_lists_are_scoped(org, make_parcel):
    make_parcel(code="C1")
    make_parcel(code="C2", region=org.county2)
    assert _codes(selectors.parcel_list(user=org.county1_user)) == {"C1"}
    assert _codes(selectors.parcel_list(user=org.city_user)) == {"C1", "C2"}


def test_low_efficiency_from_a_published_evaluation(org, make_enterprise, make_project, make_parcel, published_run):
    services.zone_rule_set(actor=org.admin, zone=org.zone1, tax_per_mu_threshold=Decimal("20"))
    weak, strong, sparse = make_enterprise(), make_enterprise(), make_enterprise()
    used = {"approved_on": date(2024, 1, 1), "expropriated_on": date(2024, 1, 1), "supplied_on": date(2024, 1, 1),
            "used_on": date(2024, 6, 1), "zone": org.zone1}
    make_parcel(code="WEAK", enterprise=weak, **used)
    make_parcel(code="STRONG", enterprise=strong, **used)
    project = make_project(total_investment=Decimal("10000"))  # 10000 / 100 mu = 100 < 180 (zone default)
    make_parcel(code="SPARSE", enterprise=sparse, project=project, **used)
    make_parcel(code="NOT-USED", enterprise=weak, zone=org.zone1)
    published_run({weak: (12.5, "D"), strong: (35.0, "A"), sparse: (40.0, "B")})
    qs, findings = selectors.low_efficiency_list(user=org.admin)
    assert _codes(qs) == {"WEAK", "SPARSE"}
    by_code = {p.code: findings[p.pk] for p in qs}
    assert by_code["WEAK"].tax_per_mu == Decimal("12.50") and by_code["WEAK"].tax_threshold == Decimal("20")
    assert by_code["WEAK"].reasons == ["亩均税收 12.50 < 20.00"]
    assert by_code["SPARSE"].reasons == ["投资强度 100.00 < 180.00"]
    assert selectors.low_efficiency_findings(user=org.county2_user) == {}


def test_low_efficiency_uses_only_published_runs(org, make_enterprise, make_parcel, published_run):
    weak = make_enterprise()
    make_parcel(code="W", enterprise=weak, approved_on=date(2024, 1, 1), expropriated_on=date(2024, 1, 1),
                supplied_on=date(2024, 1, 1), used_on=date(2024, 2, 1))
    run = published_run({weak: (1.0, "D")})
    run.published = False
    run.published_at = None
    run.save()
    assert selectors.low_efficiency_findings(user=org.admin) == {}


def test_attraction_results_per_county(org):
    from devzone.attraction.models import Agreement, Lead

    def sign(region, amount, signed_on):
        lead = Lead.objects.create(name=f"线索{amount}", investor_name="投资方", source="network", region=region,
                                   stage="signed", stage_since=signed_on, registered_on=signed_on)
        Agreement.objects.create(lead=lead, region=region, signed_on=signed_on, counterpart="投资方", amount=amount)

    sign(org.county1, Decimal("50000"), date(2025, 3, 1))
    sign(org.town1, Decimal("10000"), date(2025, 4, 1))   # a township counts for its county
    sign(org.county2, Decimal("20000"), date(2025, 5, 1))
    sign(org.county2, Decimal("99999"), date(2024, 5, 1))  # other year
    results = {r.name: (r.signed_count, r.signed_amount) for r in selectors.attraction_results(user=org.city_user,
                                                                                               year=2025)}
    assert results == {"澜江区": (2, Decimal("60000")), "北湖区": (1, Decimal("20000"))}
    assert [r.name for r in selectors.attraction_results(user=org.county1_user, year=2025)] == ["澜江区"]


def test_account_balances_annotated(org):
    a = services.account_for(year=2026, region=org.county1)
    b = services.account_for(year=2026, region=org.county2)
    services.quota_grant(actor=org.city_user, account=a, area_mu=100, on=AS_OF)
    services.quota_transfer(actor=org.city_user, source=a, target=b, area_mu=30, on=AS_OF)
    rows = {r.unit_name: r for r in selectors.account_list(user=org.city_user, filters={"year": 2026})}
    assert (rows["澜江区"].granted, rows["澜江区"].transferred_out, rows["澜江区"].balance) == (100, 30, 70)
    assert rows["北湖区"].balance == 30
    assert [r.unit_name for r in selectors.account_list(user=org.county2_user)] == ["北湖区"]


def test_geojson_has_points_and_polygons_in_scope(org, make_parcel):
    make_parcel(code="P", lon=Decimal("113.1"), lat=Decimal("34.2"))
    polygon = {"type": "Polygon", "coordinates": [[[113, 34], [113.1, 34], [113.1, 34.1], [113, 34]]]}
    make_parcel(code="G", geometry=polygon)
    make_parcel(code="N")
    make_parcel(code="OTHER", region=org.county2, lon=Decimal("113"), lat=Decimal("34"))
    data = selectors.parcel_geojson(user=org.county1_user)
    assert data["type"] == "FeatureCollection"
    features = {f["properties"]["code"]: f for f in data["features"]}
    assert set(features) == {"P", "G"}
    assert features["P"]["geometry"] == {"type": "Point", "coordinates": [113.1, 34.2]}
    assert features["G"]["geometry"] == polygon
    assert features["P"]["properties"]["url"].startswith("/land/parcels/")
