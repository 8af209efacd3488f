"""Derived figures on hand-built Polars frames: month ↔ year-to-date, growth, ranks, tiers, gaps, two-year averages,
time progress, projection, breakdown, reconciliation and every consistency rule (one passing, one failing case)."""

from __future__ import annotations

from decimal import Decimal

import polars as pl
import pytest

from devzone.indicators import analytics as a
from devzone.indicators.periods import Period, as_of


def catalog(**overrides) -> pl.DataFrame:
    row = {"indicator": "x", "basis": "ytd", "frequency": "monthly", "is_rate": False, "is_share": False,
           "direction": "higher", "rank_basis": "growth", "aggregation": "sum"}
    return a.catalog_frame([{**row, **overrides}])


def frame(rows: list[tuple], **extra) -> pl.DataFrame:
    """rows of (entity, year, month, value) for indicator "x"."""
    data = [{"indicator": "x", "entity": e, "year": y, "month": m, "value": float(v), **extra} for e, y, m, v in rows]
    return pl.DataFrame(data).with_columns(pl.col("year").cast(pl.Int32), pl.col("month").cast(pl.Int32))


def by_period(df: pl.DataFrame, column: str, entity: str = "r1") -> dict[tuple[int, int], float | None]:
    return {(r["year"], r["month"]): r[column] for r in df.filter(pl.col("entity") == entity).to_dicts()}


# --- month ↔ year to date ------------------------------------------------------------------------------------

def test_month_from_cumulative_restarts_in_january():
    df = frame([("r1", 2025, 11, 110), ("r1", 2025, 12, 125), ("r1", 2026, 1, 9), ("r1", 2026, 2, 20)])
    months = by_period(a.months_from_cumulative(df), "month_value")
    assert months[(2025, 12)] == 15
    assert months[(2026, 1)] == 9          # January is its own year to date, not 9 − 125
    assert months[(2026, 2)] == 11
    assert months[(2025, 11)] is None      # October 2025 is missing: the difference would cover two months


def test_month_from_cumulative_leaves_a_gap_null():
    df = frame([("r1", 2026, 1, 10), ("r1", 2026, 3, 35), ("r1", 2026, 4, 50)])
    months = by_period(a.months_from_cumulative(df), "month_value")
    assert months == {(2026, 1): 10, (2026, 3): None, (2026, 4): 15}


def test_cumulative_from_months_restarts_in_january_and_stops_at_a_gap():
    df = frame([("r1", 2025, 11, 5), ("r1", 2025, 12, 7), ("r1", 2026, 1, 4), ("r1", 2026, 2, 6),
                ("r1", 2026, 4, 8)])
    df = df.vstack(frame([(e, y, m, v) for e, y, m, v in [("r1", 2025, m, 1) for m in range(1, 11)]]))
    ytd = by_period(a.cumulative_from_months(df), "ytd_value")
    assert ytd[(2025, 12)] == 10 + 5 + 7
    assert ytd[(2026, 1)] == 4 and ytd[(2026, 2)] == 10
    assert ytd[(2026, 4)] is None          # March 2026 is missing


def test_round_trip_month_cumulative_across_the_year_boundary():
    months = [("r1", 2025, m, m * 1.5) for m in range(1, 13)] + [("r1", 2026, m, 20 - m) for m in range(1, 4)]
    cumulative = a.cumulative_from_months(frame(months), value="value", out="ytd")
    back = a.months_from_cumulative(cumulative, value="ytd", out="again")
    assert back.select((pl.col("again") - pl.col("value")).abs().max()).item() < 1e-9
    assert by_period(cumulative, "ytd")[(2026, 1)] == 19


def test_quarterly_figures_step_by_three_months():
    df = frame([("r1", 2026, 3, 100), ("r1", 2026, 6, 210), ("r1", 2026, 9, 330)]).with_columns(
        step=pl.lit(3, dtype=pl.Int32))
    assert by_period(a.months_from_cumulative(df), "month_value") == {(2026, 3): 100, (2026, 6): 110,
                                                                      (2026, 9): 120}
    assert as_of(Period(2026, 10), "quarterly") == Period(2026, 9)
    assert as_of(Period(2026, 2), "quarterly") == Period(2025, 12)
    assert as_of(Period(2026, 10), "annual") == Period(2025, 12)


# --- year on year --------------------------------------------------------------------------------------------

def test_yoy_with_and_without_last_years_figure():
    df = frame([("r1", 2025, 10, 200), ("r1", 2026, 10, 230), ("r1", 2026, 9, 180), ("r2", 2025, 10, 0),
                ("r2", 2026, 10, 50)])
    yoy = a.year_on_year(df, value="value")
    assert by_period(yoy, "yoy")[(2026, 10)] == pytest.approx(15.0)
    assert by_period(yoy, "yoy")[(2026, 9)] is None        # September 2025 missing
    assert by_period(yoy, "yoy_prev")[(2026, 9)] is None
    assert by_period(yoy, "yoy", "r2")[(2026, 10)] is None  # over zero: no rate


def test_yoy_of_a_rate_is_in_points():
    df = frame([("r1", 2025, 10, 72.5), ("r1", 2026, 10, 75.0)], is_rate=True)
    assert by_period(a.year_on_year(df, value="value"), "yoy")[(2026, 10)] == pytest.approx(2.5)


def test_derive_keeps_the_stated_rate_and_computes_beside_it():
    df = frame([("r1", 2025, 1, 1.87), ("r1", 2026, 1, 1.9)]).with_columns(
        stated_growth=pl.Series([None, 6.0], dtype=pl.Float64))
    derived = a.derive(df, catalog())
    row = derived.filter(pl.col("year") == 2026).to_dicts()[0]
    assert row["yoy"] == 6.0 and row["yoy_is_stated"]
    assert row["yoy_calc"] == pytest.approx(1.604, abs=1e-3)


def test_derive_month_basis_builds_the_year_to_date():
    rows = [("r1", 2025, m, 10) for m in range(1, 13)] + [("r1", 2026, m, 11) for m in range(1, 4)]
    derived = a.derive(frame(rows), catalog(basis="month"))
    ytd = by_period(derived, "ytd_value")
    assert ytd[(2026, 3)] == 33 and ytd[(2025, 12)] == 120
    assert by_period(derived, "yoy")[(2026, 3)] == pytest.approx(10.0)
    assert by_period(derived, "yoy_month")[(2026, 3)] == pytest.approx(10.0)


# --- ranks ---------------------------------------------------------------------------------------------------

def _rank_frame(metrics: dict[str, float | None], direction: str = "higher", month: int = 10) -> pl.DataFrame:
    return pl.DataFrame([{"indicator": "x", "entity": e, "rank_group": "c", "year": 2026, "month": month,
                          "rank_metric": v, "direction": direction} for e, v in metrics.items()],
                        schema_overrides={"year": pl.Int32, "month": pl.Int32, "rank_metric": pl.Float64})


def test_ranks_with_ties_are_competition_ranks():
    ranked = a.competition_rank(_rank_frame({"a": 8.0, "b": 9.5, "c": 8.0, "d": 3.1, "e": None}),
                                metric="rank_metric", group=["rank_group"])
    ranks = dict(zip(ranked["entity"], ranked["rank"], strict=True))
    assert ranks == {"b": 1, "a": 2, "c": 2, "d": 4, "e": None}
    assert set(ranked["ranked"]) == {4}


def test_ties_survive_float_noise_and_lower_is_better():
    noisy = (1.1 * 3 - 3.3) + 5.0  # 5.000000000000000x
    ranked = a.competition_rank(_rank_frame({"a": noisy, "b": 5.0, "c": 2.0}, direction="lower"),
                                metric="rank_metric", group=["rank_group"])
    ranks = dict(zip(ranked["entity"], ranked["rank"], strict=True))
    assert ranks == {"c": 1, "a": 2, "b": 2}


def test_rank_change_and_first_tier():
    before = _rank_frame({"a": 1.0, "b": 2.0, "c": 3.0, "d": 4.0, "e": 5.0, "f": 6.0, "g": 7.0}, month=9)
    now = _rank_frame({"a": 9.0, "b": 2.0, "c": 3.0, "d": 4.0, "e": 5.0, "f": 6.0, "g": 7.0}, month=10)
    ranked = a.rank_among_siblings(pl.concat([before, now]), tier_parts=3).filter(pl.col("month") == 10)
    rows = {r["entity"]: r for r in ranked.to_dicts()}
    assert rows["a"]["rank"] == 1 and rows["a"]["rank_prev"] == 7 and rows["a"]["rank_change"] == 6
    assert rows["g"]["rank"] == 2 and rows["g"]["rank_change"] == -1
    # seven ranked: the top third is ⌈7/3⌉ = 3 places
    assert {e for e, r in rows.items() if r["first_tier"]} == {"a", "g", "f"}


def test_first_tier_with_a_tie_at_the_cut():
    ranked = a.rank_among_siblings(_rank_frame({"a": 5.0, "b": 4.0, "c": 4.0, "d": 1.0, "e": 0.5, "f": 0.1}),
                                   tier_parts=3)
    assert {r["entity"] for r in ranked.to_dicts() if r["first_tier"]} == {"a", "b", "c"}


# --- gaps, aggregation, two-year average ---------------------------------------------------------------------

def test_gap_to_parent_in_points():
    df = pl.DataFrame({"indicator": ["x"] * 3, "entity": ["r2", "r3", "r1"], "benchmark": ["r1", "r1", None],
                       "year": [2026] * 3, "month": [10] * 3, "yoy": [8.5, 4.0, 6.2]})
    gaps = dict(zip(*a.gap_to_benchmark(df, df, metric="yoy").select("entity", "gap"), strict=True))
    assert gaps["r2"] == pytest.approx(2.3) and gaps["r3"] == pytest.approx(-2.2) and gaps["r1"] is None


def test_aggregate_children_only_when_complete():
    df = pl.DataFrame({"indicator": ["x"] * 3, "entity": ["r2", "r3", "r2"], "year": [2026] * 3,
                       "month": [9, 9, 10], "value": [10.0, 5.0, 12.0], "aggregation": ["sum"] * 3})
    totals = a.aggregate_children(df, parent_of={"r2": "r1", "r3": "r1"}, expected={"r1": 2})
    assert totals.to_dicts() == [{"indicator": "x", "entity": "r1", "year": 2026, "month": 9, "value": 15.0}]


def test_two_year_average_growth():
    assert a.two_year_average_growth(10.0, -2.0) == pytest.approx(((1.1 * 0.98) ** 0.5 - 1) * 100)
    assert a.two_year_average_growth(None, 3.0) is None
    df = frame([("r1", 2024, 10, 100), ("r1", 2025, 10, 90), ("r1", 2026, 10, 121)])
    derived = a.derive(df, catalog())
    assert by_period(derived, "two_year_avg")[(2026, 10)] == pytest.approx(10.0)  # √(121/100) − 1


def test_two_year_average_falls_back_to_the_growth_rates():
    df = frame([("r1", 2025, 10, 90), ("r1", 2026, 10, 99)]).with_columns(
        stated_growth=pl.Series([20.0, None], dtype=pl.Float64))  # 2025's rate as stated: +20%
    derived = a.derive(df, catalog())
    expected = a.two_year_average_growth(10.0, 20.0)
    assert by_period(derived, "two_year_avg")[(2026, 10)] == pytest.approx(expected)


# --- targets -------------------------------------------------------------------------------------------------

def test_elapsed_share_by_calendar_on_a_known_month():
    assert a.elapsed_share(6) == 0.5
    assert a.elapsed_share(9) == 0.75
    assert a.elapsed_share(6, {6: 30.0}) == 0.5              # no December total: calendar
    assert a.elapsed_share(6, {6: 30.0, 12: 120.0}) == 0.25  # last year had a quarter done by June


def _progress(values: list[tuple], target: float | None = None, growth: float | None = None, basis: str = "ytd",
              direction: str = "higher") -> dict:
    derived = a.derive(frame(values), catalog(basis=basis, direction=direction))
    targets = pl.DataFrame([{"indicator": "x", "entity": "r1", "year": 2026, "target_amount": target,
                             "target_growth": growth}],
                           schema={"indicator": pl.String, "entity": pl.String, "year": pl.Int32,
                                   "target_amount": pl.Float64, "target_growth": pl.Float64})
    result = a.time_progress(derived, targets, yellow=5.0, red=10.0)
    return {r["month"]: r for r in result.filter(pl.col("year") == 2026).to_dicts()}


def test_time_elapsed_check_by_calendar():
    # June 2026, no history: half the year gone, 45 of 100 done → 5 points behind → yellow
    june = _progress([("r1", 2026, 6, 45)], target=100)[6]
    assert june["elapsed_basis"] == "calendar" and june["elapsed_pct"] == pytest.approx(50.0)
    assert june["completion_pct"] == pytest.approx(45.0) and june["lag_points"] == pytest.approx(5.0)
    assert june["light"] == "yellow"
    assert _progress([("r1", 2026, 6, 52)], target=100)[6]["light"] == "green"
    assert _progress([("r1", 2026, 6, 38)], target=100)[6]["light"] == "red"


def test_time_elapsed_check_by_last_years_profile():
    # last year: 30 of 120 by June (25%); this year 40 of 100 by June → 15 points ahead of its own pace
    last_year = [("r1", 2025, 6, 30), ("r1", 2025, 12, 120)]
    june = _progress([*last_year, ("r1", 2026, 6, 40)], target=100)[6]
    assert june["elapsed_basis"] == "profile" and june["elapsed_pct"] == pytest.approx(25.0)
    assert june["lag_points"] == pytest.approx(-15.0) and june["light"] == "green"


def test_growth_target_becomes_an_amount_and_lower_is_better_inverts_the_lag():
    june = _progress([("r1", 2025, 12, 200), ("r1", 2026, 6, 90)], growth=10.0)[6]
    assert june["target"] == pytest.approx(220.0)
    cap = _progress([("r1", 2026, 6, 60)], target=100, direction="lower")[6]  # used 60% of a cap by mid-year
    assert cap["lag_points"] == pytest.approx(10.0) and cap["light"] == "red"


def test_projection_on_a_hand_built_profile():
    profile = {3: 20.0, 6: 50.0, 9: 80.0, 12: 100.0}
    assert a.project_year_end(60.0, 6, profile) == pytest.approx(120.0)     # 50% of last year's year by June
    assert a.project_year_end(60.0, 6) == pytest.approx(120.0)              # the calendar says the same here
    assert a.project_year_end(30.0, 3, profile) == pytest.approx(150.0)     # 20% by March
    assert a.project_year_end(30.0, 3) == pytest.approx(120.0)
    assert a.project_year_end(None, 3, profile) is None
    rows = [("r1", 2025, m, v) for m, v in profile.items()] + [("r1", 2026, 3, 30)]
    march = _progress(rows, target=140)[3]
    assert march["projection"] == pytest.approx(150.0) and march["projection_pct"] == pytest.approx(150 / 1.4)


def test_point_indicators_compare_the_figure_with_the_target():
    row = _progress([("r1", 2026, 6, 72)], target=80, basis="point")[6]
    assert row["elapsed_pct"] is None and row["completion_pct"] == pytest.approx(90.0)
    assert row["lag_points"] == pytest.approx(10.0) and row["light"] == "red" and row["projection"] is None


def test_breakdown_adds_up_exactly():
    last_year = pl.DataFrame({"entity": ["r2", "r3", "r4"], "annual": [100.0, 200.0, 300.0],
                              "q1": [10.0, 50.0, None], "q2": [20.0, 50.0, None], "q3": [30.0, 50.0, None],
                              "q4": [40.0, 50.0, None]})
    lines = a.breakdown_target(Decimal("1000"), last_year)
    assert [line.entity for line in lines] == ["r2", "r3", "r4"]
    assert [line.annual for line in lines] == [Decimal("166.67"), Decimal("333.33"), Decimal("500.00")]
    assert sum(line.annual for line in lines) == Decimal("1000")
    assert lines[0].quarters == (Decimal("16.67"), Decimal("33.33"), Decimal("50.00"), Decimal("66.67"))
    assert lines[2].quarters == (Decimal("125.00"),) * 4  # no quarterly history: equal quarters
    assert all(sum(line.quarters) == line.annual for line in lines)


# --- reconciliation and consistency --------------------------------------------------------------------------

def _sourced(rows: list[tuple]) -> pl.DataFrame:
    """(entity, year, month, value, source[, stated])"""
    data = [{"indicator": "x", "entity": r[0], "year": r[1], "month": r[2], "value": float(r[3]), "source": r[4],
             "stated_growth": r[5] if len(r) > 5 else None} for r in rows]
    df = pl.DataFrame(data, schema_overrides={"year": pl.Int32, "month": pl.Int32, "stated_growth": pl.Float64})
    return df.join(catalog(), on="indicator")


def test_reconcile_lists_largest_gaps_first():
    df = _sourced([("r1", 2026, 10, 104, "reported"), ("r1", 2026, 10, 100, "official"),
                   ("r2", 2026, 10, 88, "reported"), ("r2", 2026, 10, 100, "official"),
                   ("r3", 2026, 10, 50, "reported")])
    table = a.reconcile(df, threshold_pct=5.0)
    assert table["entity"].to_list() == ["r2", "r1"]
    assert table["diff_pct"].to_list() == pytest.approx([-12.0, 4.0])
    assert table["exceeds"].to_list() == [True, False]


def test_growth_mismatch_rule():
    bad = _sourced([("r1", 2025, 10, 1.87, "reported"), ("r1", 2026, 10, 1.9, "reported", 6.0)])
    found = a.growth_mismatches(bad, tolerance=0.5)
    assert found.height == 1 and found["computed"][0] == pytest.approx(1.604, abs=1e-3)
    good = _sourced([("r1", 2025, 10, 1.87, "reported"), ("r1", 2026, 10, 1.9, "reported", 1.6)])
    assert a.growth_mismatches(good, tolerance=0.5).is_empty()


def test_cumulative_decrease_rule():
    bad = _sourced([("r1", 2026, 8, 50, "official"), ("r1", 2026, 9, 48, "official")])
    assert a.cumulative_decreases(bad)["month"].to_list() == [9]
    year_boundary = _sourced([("r1", 2025, 12, 120, "official"), ("r1", 2026, 1, 9, "official")])
    assert a.cumulative_decreases(year_boundary).is_empty()


def test_share_rule():
    rows = _sourced([("r1", 2026, 10, 100.5, "reported"), ("r2", 2026, 10, 99.9, "reported")]).with_columns(
        is_share=pl.lit(True))
    assert a.shares_over_limit(rows)["entity"].to_list() == ["r1"]


def test_outlier_rule():
    history = [("r1", 2025 + (m - 1) // 12, (m - 1) % 12 + 1, 100 + (m % 5), "official") for m in range(1, 13)]
    normal = _sourced([*history, ("r1", 2026, 1, 103, "official")]).with_columns(month_value=pl.col("value"))
    at = Period(2026, 1).index
    assert a.month_outliers(normal, at_index=at, window=24, min_history=6, z=5.0).is_empty()
    typo = _sourced([*history, ("r1", 2026, 1, 1030, "official")]).with_columns(month_value=pl.col("value"))
    found = a.month_outliers(typo, at_index=at, window=24, min_history=6, z=5.0)
    assert found.height == 1 and found["median"][0] == 102.0
    short = _sourced([*history[-3:], ("r1", 2026, 1, 1030, "official")]).with_columns(month_value=pl.col("value"))
    assert a.month_outliers(short, at_index=at, window=24, min_history=6, z=5.0).is_empty()


def test_period_parsing():
    assert Period.parse("2026-10") == Period.parse("2026年10月") == Period(2026, 10)
    assert str(Period(2026, 1).previous()) == "2025-12" and Period(2026, 3).ytd_label == "1-3月"
    from devzone.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        Period.parse("2026-13")
    with pytest.raises(ValidationFailed):
        Period.parse("October")
