"""Enterprise reads: jurisdiction, filters, sort by the latest year's figures, summary."""

from __future__ import annotations

from decimal import Decimal

import pytest

from devzone.core.errors import NotFound
from devzone.enterprises import selectors


def test_county_sees_only_own_enterprises(org, make_enterprise):
    mine = make_enterprise(region=org.town1)
    other = make_enterprise(region=org.county2)
    assert list(selectors.enterprise_list(user=org.county1_user)) == [mine]
    with pytest.raises(NotFound):
        selectors.enterprise_get(user=org.county1_user, enterprise_id=other.pk)
    assert selectors.enterprise_get(user=org.city_user, enterprise_id=other.pk) == other


def test_department_user_sees_the_city(org, make_enterprise):
    make_enterprise(region=org.county1)
    make_enterprise(region=org.county2)
    assert selectors.enterprise_list(user=org.industry_user).count() == 2


def test_filters(org, make_enterprise):
    tech = make_enterprise(high_tech=True, above_size=True, zone=org.zone1)
    make_enterprise(region=org.county2)
    user = org.city_user
    assert list(selectors.enterprise_list(user=user, filters={"flag": "high_tech"})) == [tech]
    assert list(selectors.enterprise_list(user=user, filters={"flag": ["high_tech", "above_size"]})) == [tech]
    assert list(selectors.enterprise_list(user=user, filters={"zone": org.zone1.pk})) == [tech]
    assert list(selectors.enterprise_list(user=user, filters={"region": org.county1.pk})) == [tech]
    assert list(selectors.enterprise_list(user=user, filters={"q": tech.credit_code[:12]})) == [tech]
    assert selectors.enterprise_list(user=user, filters={"industry": "C17"}).count() == 2


def test_sort_by_latest_tax(org, make_enterprise):
    low = make_enterprise(years={2025: {"tax": Decimal("5")}})
    high = make_enterprise(years={2025: {"tax": Decimal("500")}})
    none = make_enterprise(years={2024: {"tax": Decimal("900")}})
    rows = list(selectors.enterprise_list(user=org.city_user, filters={"sort": "-tax"}, year=2025))
    assert rows == [high, low, none]
    assert rows[0].latest_tax == Decimal("500") and rows[2].latest_tax is None


def test_registry_summary(org, make_enterprise):
    make_enterprise(above_size=True, years={2025: {"tax": Decimal("100")}})
    make_enterprise(years={2025: {"tax": Decimal("50")}, 2024: {"tax": Decimal("1")}})
    make_enterprise(region=org.county2, years={2025: {"tax": Decimal("1000")}})
    summary = selectors.registry_summary(user=org.county1_user)
    assert (summary.enterprises, summary.above_size, summary.year, summary.tax) == (2, 1, 2025, Decimal("150"))


def test_counts_by_county_cover_townships(org, make_enterprise):
    make_enterprise(region=org.town1, above_size=True)
    make_enterprise(region=org.county2)
    rows = {row["county"].name: (row["total"], row["above_size"])
            for row in selectors.enterprise_counts_by_county(user=org.city_user)}
    assert rows == {"澜江区": (1, 1), "北湖区": (1, 0)}
