"""Selectors: which runs and rows each user reads; charts and history built from the visible rows only."""

from __future__ import annotations

import io

import polars as pl
import pytest

from devzone.core.errors import NotFound
from devzone.evaluation import selectors, services
from devzone.evaluation.models import EvaluationResultRow

YEAR = 2025


def _mujun_upload(mujun_city) -> bytes:
    """A per-mu file with two registry enterprises and one code the registry does not know."""
    known = [mujun_city.county1[0], mujun_city.county2[0]]
    rows = [{"credit_code": e.credit_code, "name": e.name, "group": e.region.name} for e in known]
    rows.append({"credit_code": "91990000UNKNOWN001", "name": "未登记企业", "group": "澜江区"})
    frame = pl.DataFrame(rows).with_columns(
        land_mu=pl.lit("10"), tax=pl.Series(["100", "80", "60"]), value_added=pl.lit("400"),
        employees=pl.lit("50"), energy_tce=pl.lit("100"), emission_eq=pl.lit("2"), rd_expense=pl.lit("5"),
        revenue=pl.lit("1000"), years_in_production=pl.lit("5"), veto=pl.lit("否"))
    buffer = io.BytesIO()
    frame.write_csv(buffer)
    return buffer.getvalue()


def test_run_visibility_by_role(org, mujun_city, run_now):
    run = run_now(org.city_user)
    assert selectors.run_get(user=org.industry_user, run_id=run.pk) == run
    for user in (org.county1_user, org.observer):
        with pytest.raises(NotFound):
            selectors.run_get(user=user, run_id=run.pk)
        assert not selectors.run_list(user=user).exists()
    services.evaluation_run_publish(actor=org.admin, run=run)
    assert selectors.run_get(user=org.observer, run_id=run.pk) == run
    assert list(selectors.run_list(user=org.county1_user, filters={"published": "yes", "year": YEAR})) == [run]
    assert not selectors.run_list(user=org.admin, filters={"published": "no"}).exists()


def test_rows_scoped_by_county_and_township(org, mujun_city, run_now):
    from devzone.core import services as core_services
    from devzone.core.models import Role

    run = run_now(org.city_user)
    county1 = {r.unit_key for r in selectors.result_list(user=org.county1_user, run=run,
                                                         filters={"participates": "all"})}
    assert county1 == {e.credit_code for e in [*mujun_city.county1, mujun_city.young]}
    assert selectors.result_list(user=org.city_user, run=run, filters={"participates": "all"}).count() == 14
    nobody = core_services.user_create(actor=None, username="nobody", password=None, roles=[Role.Code.COUNTY])
    assert not selectors.result_queryset(user=nobody, run=run).exists()
    row = EvaluationResultRow.objects.get(run=run, enterprise=mujun_city.county2[0])
    with pytest.raises(NotFound):
        selectors.result_get(user=org.county1_user, run=run, row_id=row.pk)
    chart = selectors.class_distribution(user=org.county2_user, run=run)
    assert chart["categories"] == ["北湖区"] and sum(s["data"][0] for s in chart["series"]) == 5


def test_unplaced_enterprise_rows_stay_with_city_wide_users(org, mujun_city, run_now):
    run = run_now(org.city_user, upload=services.Upload(name="亩均.csv", content=_mujun_upload(mujun_city)))
    rows = {r.unit_key: r for r in EvaluationResultRow.objects.filter(run=run)}
    assert rows["91990000UNKNOWN001"].enterprise is None and rows["91990000UNKNOWN001"].region is None
    assert rows[mujun_city.county1[0].credit_code].region == org.county1
    assert rows[mujun_city.county1[0].credit_code].unit_name == mujun_city.county1[0].name
    city = {r.unit_key for r in selectors.result_list(user=org.city_user, run=run, filters={"participates": "all"})}
    assert "91990000UNKNOWN001" in city and len(city) == 3
    county1 = {r.unit_key for r in selectors.result_list(user=org.county1_user, run=run,
                                                         filters={"participates": "all"})}
    assert county1 == {mujun_city.county1[0].credit_code}


def test_public_rankings_without_a_place_are_seen_by_all(org, run_now):
    content = "unit,period,rater,rating\n窗口A,2026-01/02,企业1,满意\n窗口B,2026-01/02,企业1,不满意\n".encode()
    run = run_now(org.city_user, scheme_key="window", year=2026,
                  upload=services.Upload(name="评议.csv", content=content))
    assert selectors.result_list(user=org.county1_user, run=run).count() == 2


def test_rank_history_keeps_the_latest_published_run_per_year(org, mujun_city, run_now):
    first = run_now(org.city_user)
    second = run_now(org.city_user)
    services.evaluation_run_publish(actor=org.city_user, run=first)
    services.evaluation_run_publish(actor=org.city_user, run=second)
    enterprise = mujun_city.county1[1]
    history = selectors.rank_history(user=org.county1_user, enterprise=enterprise, scheme_key="mujun")
    assert [row.run for row in history] == [second]
    assert selectors.history_schemes(user=org.county1_user, enterprise=enterprise) == [("mujun", "亩均效益综合评价")]
    assert selectors.rank_history(user=org.county2_user, enterprise=enterprise, scheme_key="mujun") == []


def test_flag_labels(org):
    from devzone.evaluation.engine import load_scheme

    scheme = load_scheme("mujun")
    labels = selectors.flag_labels(scheme, "excluded;undefined:va_per_energy;override:veto")
    assert labels == ["不参评", "单位能耗增加值无法计算(记0分)", "一票否决(重大安全或环境事故)"]
