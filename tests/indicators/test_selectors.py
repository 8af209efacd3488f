"""Indicator reads: the monitor table, profile, trend and reconciliation on a small known economy, and what a
county may see of its neighbours (ranks, never their figures)."""

from __future__ import annotations

from decimal import Decimal

import polars as pl
import pytest
from django.db.models import Q

from devzone.core.errors import NotFound
from devzone.indicators import selectors, services
from devzone.indicators.models import MonitorSettings


@pytest.fixture
def economy(org, ind, series, put):
    """固定资产投资 (year to date): 澜江区 100 → 120 by October (+20%), 北湖区 200 → 210 (+5%), the city their sum
    (+10%); 澜江区 reported 130 against an official 120; targets: 澜江区 150, 北湖区 +10%."""
    series("fixed_investment", org.county1, "2025-01", [10 * m for m in range(1, 13)] + [12 * m for m in range(1, 11)])
    series("fixed_investment", org.county2, "2025-01", [20 * m for m in range(1, 13)] + [21 * m for m in range(1, 11)])
    series("fixed_investment", org.city, "2025-01", [30 * m for m in range(1, 13)] + [33 * m for m in range(1, 11)])
    put("fixed_investment", org.county1, "2026-10", 130, "reported")
    put("fixed_investment", org.county2, "2026-10", 999, "reported")
    services.target_save(actor=org.city_user, data={"indicator": ind["fixed_investment"], "region": org.county1,
                                                    "year": 2026, "amount": Decimal("150")})
    services.target_save(actor=org.city_user, data={"indicator": ind["fixed_investment"], "region": org.county2,
                                                    "year": 2026, "growth": Decimal("10")})
    return ind["fixed_investment"]


def _cells(table, code: str = "fixed_investment") -> dict:
    row = next(r for r in table.rows if r.indicator.code == code)
    return {place.name: cell for place, cell in zip(table.columns, row.cells, strict=True)}


def test_monitor_for_the_city(org, economy):
    table = selectors.monitor(user=org.city_user, period="2026-10", indicators=[economy])
    assert [c.name for c in table.columns] == ["云澜市", "澜江区", "北湖区"]
    cells = _cells(table)
    lan, bei, city = cells["澜江区"], cells["北湖区"], cells["云澜市"]
    assert (lan.ytd_value, lan.month_value, lan.source) == (120, 12, "official")
    assert lan.yoy == pytest.approx(20.0) and bei.yoy == pytest.approx(5.0) and city.yoy == pytest.approx(10.0)
    assert (lan.rank, lan.ranked, lan.first_tier, lan.rank_change) == (1, 2, True, 0)
    assert (bei.rank, bei.first_tier) == (2, False)
    assert lan.gap == pytest.approx(10.0) and bei.gap == pytest.approx(-5.0)
    # 澜江区: 120 of 150 (80%) while last year had 100 of 120 done by October (83.3%): 3.3 points behind → green
    assert lan.completion_pct == pytest.approx(80.0) and lan.elapsed_pct == pytest.approx(250 / 3)
    assert lan.elapsed_basis == "profile" and lan.light == "green" and lan.projection == pytest.approx(144.0)
    # 北湖区: a +10% target on last year's 240 is 264
    assert bei.target == pytest.approx(264.0) and bei.projection == pytest.approx(252.0)
    assert lan.two_year_avg is None  # no 2024 figures


def test_lights_follow_the_configured_thresholds(org, economy):
    MonitorSettings.objects.filter(pk=1).update(light_yellow_lag_points=Decimal("3"),
                                                light_red_lag_points=Decimal("3.5"))
    cells = _cells(selectors.monitor(user=org.city_user, period="2026-10", indicators=[economy]))
    assert cells["澜江区"].light == "yellow" and cells["北湖区"].light == "red"


def test_county_sees_its_rank_but_not_its_neighbours_figures(org, economy):
    table = selectors.monitor(user=org.county1_user, period="2026-10", indicators=[economy])
    assert [c.name for c in table.columns] == ["澜江区"]
    cell = _cells(table)["澜江区"]
    assert (cell.rank, cell.ranked, cell.gap) == (1, 2, pytest.approx(10.0))
    raw, _places = selectors.values_frame(user=org.county1_user, q=Q(), first_year=2025, last_year=2026)
    sources = raw.group_by("entity").agg(pl.col("source").unique().sort()).to_dicts()
    by_entity = {r["entity"]: r["source"] for r in sources}
    assert by_entity[f"r{org.county2.pk}"] == ["official"]        # a sibling: official only, for ranks
    assert by_entity[f"r{org.city.pk}"] == ["official"]           # the parent: official, for the gap
    assert by_entity[f"r{org.county1.pk}"] == ["official", "reported"]
    assert selectors.value_list(user=org.county1_user).filter(region=org.county2).count() == 0
    with pytest.raises(NotFound):
        selectors.monitor(user=org.county1_user, period="2026-10", focus=f"r{org.county2.pk}")
    with pytest.raises(NotFound):
        selectors.monitor(user=org.county1_user, period="2026-10", focus=f"r{org.city.pk}")


def test_benchmark_must_be_an_ancestor(org, economy):
    table = selectors.monitor(user=org.county1_user, period="2026-10", indicators=[economy],
                              benchmark=f"r{org.city.pk}")
    assert table.benchmark.name == "云澜市"
    with pytest.raises(NotFound):
        selectors.monitor(user=org.county1_user, period="2026-10", benchmark=f"r{org.county2.pk}")


def test_profile(org, economy):
    profile = selectors.region_profile(user=org.county1_user, entity=f"r{org.county1.pk}", period="2026-10")
    row = next(r for r in profile.rows if r.indicator.code == "fixed_investment")
    assert (row.reported, row.official, row.cell.rank) == (130, 120, 1)
    with pytest.raises(NotFound):
        selectors.region_profile(user=org.county1_user, entity=f"r{org.county2.pk}", period="2026-10")


def test_trend_has_target_path_and_projection(org, economy):
    trend = selectors.trend(user=org.county1_user, indicator=economy, entity=f"r{org.county1.pk}", year=2026)
    points = {p.period.month: p for p in trend.points}
    assert trend.target == 150 and trend.latest.month == 10 and trend.elapsed_basis == "profile"
    assert points[12].target_path == pytest.approx(150.0) and points[6].target_path == pytest.approx(75.0)
    assert points[10].projection_path == 120 and points[12].projection_path == pytest.approx(144.0)
    assert points[9].projection_path is None and points[11].ytd_value is None
    assert points[10].last_year_ytd == 100 and points[10].rank == 1


def test_reconciliation_lists_gaps_in_scope(org, economy):
    city = selectors.reconciliation(user=org.city_user, period="2026-10")
    assert [(g.place_name, round(g.diff_pct, 2)) for g in city.gaps] == [("北湖区", 375.71), ("澜江区", 8.33)]
    assert city.exceeding == 2
    mine = selectors.reconciliation(user=org.county1_user, period="2026-10")
    assert [g.place_name for g in mine.gaps] == ["澜江区"]
    MonitorSettings.objects.filter(pk=1).update(reconciliation_threshold_pct=Decimal("10"))
    assert selectors.reconciliation(user=org.city_user, period="2026-10", only_exceeding=True).exceeding == 1


def test_ranks_ignore_reported_figures_and_latest_period_defaults(org, economy):
    # 北湖区 reported 999 (a huge growth) but ranks use official figures only
    cells = _cells(selectors.monitor(user=org.city_user, indicators=[economy]))
    assert cells["北湖区"].rank == 2
    assert str(selectors.latest_period(user=org.city_user)) == "2026-10"


def test_reported_only_figures_show_without_ranks(org, ind, series):
    series("retail_sales", org.county1, "2025-12", [100, 8], source="reported")
    table = selectors.monitor(user=org.city_user, period="2026-01", indicators=[ind["retail_sales"]])
    cell = _cells(table, "retail_sales")["澜江区"]
    assert (cell.source, cell.ytd_value, cell.month_value, cell.rank) == ("reported", 8, 8, None)
    empty = selectors.monitor(user=org.county2_user, period="2026-10", indicators=[ind["retail_sales"]])
    assert empty.rows[0].cells == [None]


def test_parent_without_figures_shows_the_sum_of_complete_children(org, ind, series, put):
    for county, scale in ((org.county1, 1), (org.county2, 2)):
        series("tax_revenue", county, "2025-09", [90 * scale, 100 * scale, 110 * scale, 120 * scale,
                                                   10 * scale, 20 * scale])
    put("tax_share", org.county1, "2026-02", 70)
    put("tax_share", org.county2, "2026-02", 80)
    put("tax_revenue", org.county1, "2026-03", 30)  # 北湖区 has no March yet: no total for March
    table = selectors.monitor(user=org.city_user, period="2026-02",
                              indicators=[ind["tax_revenue"], ind["tax_share"]])
    city = _cells(table, "tax_revenue")["云澜市"]
    assert (city.source, city.ytd_value, city.month_value) == ("sum", 60, 30)
    assert _cells(table, "tax_share")["云澜市"] is None  # a rate is not summed
    march = selectors.monitor(user=org.city_user, period="2026-03", indicators=[ind["tax_revenue"]])
    assert _cells(march, "tax_revenue")["云澜市"] is None
