"""The mujun population built from the registry: who is in it, who takes part, groups, vetoes."""

from __future__ import annotations

import polars as pl
import pytest

from devzone.evaluation.engine import evaluate, load_scheme
from devzone.evaluation.population import enterprise_population, industry_division

YEAR = 2025


def test_population_rows_columns_and_groups(org, mujun_city):
    frame = enterprise_population(year=YEAR, region=org.city)
    codes = set(frame["credit_code"])
    assert codes == {e.credit_code for e in mujun_city.all_above}
    assert mujun_city.small.credit_code not in codes  # not above designated size
    assert mujun_city.service.credit_code not in codes  # above size, but not an industrial enterprise
    scheme = load_scheme("mujun")
    assert set(scheme.inputs) <= set(frame.columns)
    assert frame["credit_code"].to_list() == sorted(codes)
    by_code = {row["credit_code"]: row for row in frame.iter_rows(named=True)}
    township = mujun_city.county1[-1]
    assert by_code[township.credit_code]["group"] == "澜江区"  # the township's county
    assert by_code[township.credit_code]["county_id"] == org.county1.pk
    assert by_code[mujun_city.county2[0].credit_code]["group"] == "北湖区"
    assert by_code[mujun_city.county1[1].credit_code]["tax"] == 250.0
    assert by_code[mujun_city.county1[1].credit_code]["industry_division"] == "C17"


def test_years_in_production_and_veto(org, mujun_city, make_enterprise, figures):
    late = make_enterprise(region=org.county1, above_size=True, production_start_year=YEAR + 1,
                           years={YEAR: figures(10)})
    unknown = make_enterprise(region=org.county1, above_size=True, years={YEAR: figures(10)})
    frame = enterprise_population(year=YEAR)
    by_code = {row["credit_code"]: row for row in frame.iter_rows(named=True)}
    assert by_code[mujun_city.county1[1].credit_code]["years_in_production"] == YEAR - 2015 + 1
    assert by_code[mujun_city.young.credit_code]["years_in_production"] == 2
    assert by_code[late.credit_code]["years_in_production"] == 0  # starts after the year: never negative
    assert by_code[unknown.credit_code]["years_in_production"] is None
    assert by_code[mujun_city.vetoed.credit_code]["veto"] is True
    assert sum(frame["veto"]) == 1
    assert enterprise_population(year=YEAR - 1)["veto"].sum() == 0  # the veto is for YEAR only


def test_participation_rules_applied_by_the_engine(org, mujun_city, make_enterprise, figures):
    unknown = make_enterprise(region=org.county1, above_size=True, years={YEAR: figures(10)})
    result = evaluate(load_scheme("mujun"), enterprise_population(year=YEAR)).results
    out = {row["credit_code"]: row for row in result.iter_rows(named=True)}
    assert out[mujun_city.young.credit_code]["participates"] is False  # 2 years in production
    assert out[mujun_city.landless.credit_code]["participates"] is False  # land_mu = 0
    assert out[unknown.credit_code]["participates"] is False  # start year unknown
    assert all(out[e.credit_code]["participates"] for e in [*mujun_city.county1, *mujun_city.county2])
    assert out[mujun_city.vetoed.credit_code]["class"] == "D"
    assert "override:veto" in out[mujun_city.vetoed.credit_code]["flags"]


def test_population_is_limited_to_the_region(org, mujun_city):
    frame = enterprise_population(year=YEAR, region=org.county2)
    assert set(frame["group"]) == {"北湖区"}
    assert frame.height == len(mujun_city.county2) + 1
    empty = enterprise_population(year=1999)
    assert empty.height == 0 and isinstance(empty, pl.DataFrame)


@pytest.mark.parametrize(("code", "division"), [("C1711", "C17"), ("C17", "C17"), ("C", "C"), (None, ""),
                                                ("3411", "34")])
def test_industry_division(code, division):
    assert industry_division(code) == division
