"""The proposal rule: shares follow signed projects and agreed investment, and add up exactly."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devzone.land.quota_rule import UnitResult, propose_shares


def test_shares_follow_weights():
    results = [UnitResult(1, "甲", 3, Decimal("30000")), UnitResult(2, "乙", 1, Decimal("10000"))]
    shares = propose_shares(total_mu=Decimal("1000"), results=results, weight_count=Decimal("40"),
                            weight_amount=Decimal("60"))
    assert [s.area_mu for s in shares] == [Decimal("750.00"), Decimal("250.00")]
    only_amount = propose_shares(total_mu=Decimal("100"), results=[
        UnitResult(1, "甲", 9, Decimal("1")), UnitResult(2, "乙", 1, Decimal("3"))],
        weight_count=Decimal("0"), weight_amount=Decimal("1"))
    assert [s.area_mu for s in only_amount] == [Decimal("25.00"), Decimal("75.00")]


def test_no_signed_projects_splits_evenly():
    results = [UnitResult(i, str(i), 0, Decimal("0")) for i in range(3)]
    shares = propose_shares(total_mu=Decimal("100"), results=results, weight_count=Decimal("1"),
                            weight_amount=Decimal("1"))
    assert sorted(s.area_mu for s in shares) == [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, 50), st.integers(0, 10**6)), min_size=1, max_size=12),
       st.integers(0, 10**6), st.integers(0, 100), st.integers(0, 100))
def test_shares_always_add_up_and_are_non_negative(rows, total_cents, wc, wa):
    total = Decimal(total_cents) / 100
    results = [UnitResult(i, str(i), n, Decimal(a)) for i, (n, a) in enumerate(rows)]
    shares = propose_shares(total_mu=total, results=results, weight_count=Decimal(wc), weight_amount=Decimal(wa))
    assert sum(s.area_mu for s in shares) == total
    assert all(s.area_mu >= 0 for s in shares)
