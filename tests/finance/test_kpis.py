"""The share of financing needs met, by county, on a hand-computed fixture."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from devzone.finance import selectors, services


@pytest.fixture
def fixture_needs(org, banks, make_need):
    """county1: A 1000 fully met (600 + 400), B 500 half met (250), C 300 nothing, D 200 withdrawn;
    county2: E 800 oversubscribed (1000 granted), F 400 granted after the as-of date.
    As of 2026-06-30:
      county1 count 1/3 = 33.33%, amount (1000 + 250 + 0) / (1000 + 500 + 300) = 1250/1800 = 69.44%
      county2 count 1/2 = 50.00%, amount (800 capped + 0) / (800 + 400) = 800/1200 = 66.67%
      overall count 2/5 = 40.00%, amount 2050/3000 = 68.33%"""
    a = make_need(amount="1000")
    b = make_need(amount="500")
    c = make_need(amount="300")
    d = make_need(amount="200")
    e = make_need(region=org.county2, amount="800")
    f = make_need(region=org.county2, amount="400")
    bank = banks[0]

    def loan(need, amount, day):
        services.loan_create(actor=org.admin, data={"need": need, "bank": bank, "amount": Decimal(amount),
                                                    "granted_on": day})

    loan(a, "600", date(2026, 3, 1))
    loan(a, "400", date(2026, 4, 1))
    loan(b, "250", date(2026, 5, 1))
    loan(e, "1000", date(2026, 6, 30))
    loan(f, "400", date(2026, 7, 1))
    services.need_update(actor=org.admin, need=d, data={"status": "withdrawn"})
    return {"a": a, "b": b, "c": c, "d": d, "e": e, "f": f}


def test_share_of_needs_met_by_county(org, fixture_needs):
    n = fixture_needs
    report = selectors.financing_kpis(user=org.admin, as_of=date(2026, 6, 30))
    by_name = {row.name: row.kpi for row in report.counties}
    c1, c2 = by_name["澜江区"], by_name["北湖区"]
    assert (c1.count_met.numerator, c1.count_met.denominator, c1.count_met.value) == (1, 3, Decimal("33.33"))
    assert c1.count_met.numerator_ids == [n["a"].pk]
    assert c1.count_met.denominator_ids == sorted([n["a"].pk, n["b"].pk, n["c"].pk])
    assert (c1.amount_met.numerator, c1.amount_met.denominator) == (Decimal("1250"), Decimal("1800"))
    assert c1.amount_met.value == Decimal("69.44")
    assert c1.amount_met.numerator_ids == sorted([n["a"].pk, n["b"].pk])
    assert (c2.count_met.numerator, c2.count_met.denominator, c2.count_met.value) == (1, 2, Decimal("50.00"))
    assert (c2.amount_met.numerator, c2.amount_met.denominator) == (Decimal("800"), Decimal("1200"))
    assert c2.amount_met.value == Decimal("66.67")
    assert report.overall.count_met.value == Decimal("40.00")
    assert (report.overall.amount_met.numerator, report.overall.amount_met.value) == (Decimal("2050"),
                                                                                      Decimal("68.33"))


def test_as_of_date_and_status_follow_the_loans(org, fixture_needs):
    n = fixture_needs
    later = selectors.financing_kpis(user=org.admin, as_of=date(2026, 7, 1))
    c2 = {row.name: row.kpi for row in later.counties}["北湖区"]
    assert (c2.count_met.numerator, c2.count_met.value) == (2, Decimal("100.00"))
    earlier = selectors.financing_kpis(user=org.admin, as_of=date(2026, 3, 31))
    c1 = {row.name: row.kpi for row in earlier.counties}["澜江区"]
    assert c1.count_met.numerator == 0 and c1.amount_met.numerator == Decimal("600")
    for key, status in (("a", "met"), ("b", "matched"), ("c", "open"), ("d", "withdrawn"), ("e", "met")):
        n[key].refresh_from_db()
        assert n[key].status == status, key


def test_county_user_sees_only_its_county(org, fixture_needs):
    report = selectors.financing_kpis(user=org.county1_user, as_of=date(2026, 6, 30))
    assert [row.name for row in report.counties] == ["澜江区"]
    assert report.overall.count_met.denominator == 3


def test_kpi_numbers_link_to_their_rows(org, fixture_needs):
    n = fixture_needs
    rows = selectors.need_list(user=org.admin, filters={"kpi": "count_met", "part": "numerator",
                                                        "as_of": "2026-06-30", "region": org.county1.pk})
    assert [r.pk for r in rows] == [n["a"].pk]
    rows = selectors.need_list(user=org.admin, filters={"kpi": "amount_met", "part": "denominator",
                                                        "as_of": "2026-06-30", "region": org.county2.pk})
    assert sorted(r.pk for r in rows) == sorted([n["e"].pk, n["f"].pk])
