"""Indicator writes: values with audit, sources and jurisdiction; targets from above; the consistency checks
(every rule with a passing and a failing case, idempotent), and explaining and closing flags."""

from __future__ import annotations

from decimal import Decimal

import pytest

from devzone.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from devzone.core.models import AuditEvent
from devzone.indicators import selectors, services
from devzone.indicators.models import ConsistencyFlag, IndicatorValue, MonitorSettings, Target


def _value(ind, org, **overrides) -> dict:
    return {"indicator": ind["fixed_investment"], "region": org.county1, "year": 2026, "month": 10,
            "value": Decimal("123.45"), **overrides}


# --- values --------------------------------------------------------------------------------------------------

def test_county_reports_its_own_value_with_audit(org, ind):
    value = services.value_create(actor=org.county1_user, data=_value(ind, org))
    assert value.source == "reported" and value.entered_by == org.county1_user
    assert AuditEvent.objects.filter(object_type="indicators.indicatorvalue", object_id=str(value.pk),
                                     action="create").exists()
    updated = services.value_update(actor=org.county1_user, value=value, data={"value": Decimal("130")},
                                    expected_updated_at=value.updated_at)
    assert updated.value == Decimal("130")
    event = AuditEvent.objects.get(object_type="indicators.indicatorvalue", object_id=str(value.pk), action="update")
    assert event.before == {"value": "123.4500"} and event.after == {"value": "130"}


def test_county_cannot_write_a_neighbours_value(org, ind):
    with pytest.raises(NotFound):
        services.value_create(actor=org.county1_user, data=_value(ind, org, region=org.county2))
    theirs = services.value_create(actor=org.county2_user, data=_value(ind, org, region=org.county2))
    with pytest.raises(NotFound):
        services.value_update(actor=org.county1_user, value=theirs, data={"value": 1})


def test_only_statistics_enters_official_values(org, ind):
    with pytest.raises(PermissionDenied):
        services.value_create(actor=org.county1_user, data=_value(ind, org, source="official"))
    with pytest.raises(PermissionDenied):
        services.value_create(actor=org.city_user, data=_value(ind, org, source="official"))
    official = services.value_create(actor=ind.stats, data=_value(ind, org, source="official"))
    reported = services.value_create(actor=org.county1_user, data=_value(ind, org))
    assert {official.source, reported.source} == {"official", "reported"}  # both sources coexist
    with pytest.raises(PermissionDenied):
        services.value_update(actor=org.county1_user, value=official, data={"value": 1})


def test_duplicate_and_stale_edits_are_conflicts(org, ind):
    value = services.value_create(actor=org.county1_user, data=_value(ind, org))
    with pytest.raises(Conflict):
        services.value_create(actor=org.county1_user, data=_value(ind, org))
    seen = value.updated_at
    services.value_update(actor=org.county1_user, value=value, data={"note": "核实"}, expected_updated_at=seen)
    with pytest.raises(Conflict):
        services.value_update(actor=org.county1_user, value=value, data={"note": "再改"}, expected_updated_at=seen)


def test_period_must_fit_the_frequency_and_place_is_one_of_region_or_zone(org, ind):
    with pytest.raises(ValidationFailed, match="季度"):
        services.value_create(actor=org.county1_user, data=_value(ind, org, indicator=ind["gdp"], month=10))
    services.value_create(actor=org.county1_user, data=_value(ind, org, indicator=ind["gdp"], month=9))
    with pytest.raises(ValidationFailed):
        services.value_create(actor=org.county1_user, data=_value(ind, org, month=13))
    with pytest.raises(ValidationFailed):
        services.value_create(actor=org.county1_user, data=_value(ind, org, zone=org.zone1))
    zone_value = services.value_create(actor=org.county1_user, data=_value(ind, org, region=None, zone=org.zone1))
    assert zone_value.place == org.zone1
    with pytest.raises(NotFound):
        services.value_create(actor=org.county1_user, data=_value(ind, org, region=None, zone=org.zone2))


def test_value_save_replaces_and_delete_is_audited(org, ind):
    first, created = services.value_save(actor=org.county1_user, indicator=ind["retail_sales"], period="2026-09",
                                         region=org.county1, value=Decimal("10"))
    again, created_again = services.value_save(actor=org.county1_user, indicator=ind["retail_sales"],
                                               period="2026-09", region=org.county1, value=Decimal("11"))
    assert created and not created_again and first.pk == again.pk and again.value == Decimal("11")
    services.value_delete(actor=org.county1_user, value=again)
    assert not IndicatorValue.objects.filter(pk=first.pk).exists()
    assert AuditEvent.objects.filter(object_type="indicators.indicatorvalue", action="delete").exists()


def test_observer_cannot_write(org, ind):
    with pytest.raises(PermissionDenied):
        services.value_create(actor=org.observer, data=_value(ind, org))


# --- targets -------------------------------------------------------------------------------------------------

def test_targets_are_set_from_above(org, ind):
    data = {"indicator": ind["fixed_investment"], "region": org.county1, "year": 2026, "amount": Decimal("500")}
    with pytest.raises(PermissionDenied):
        services.target_save(actor=org.county1_user, data=data)
    target = services.target_save(actor=org.city_user, data=data)
    replaced = services.target_save(actor=org.city_user, data={**data, "amount": Decimal("520")})
    assert target.pk == replaced.pk and replaced.amount == Decimal("520")
    with pytest.raises(PermissionDenied):
        services.target_save(actor=org.city_user, data={**data, "region": org.city})
    with pytest.raises(ValidationFailed):
        services.target_save(actor=org.city_user, data={**data, "amount": None})
    assert services.target_save(actor=org.admin, data={**data, "region": org.city}).region == org.city


def test_breakdown_apply_saves_county_targets_by_last_years_shares(org, ind, series):
    series("fixed_investment", org.county1, "2025-01", [5, 10, 15, 25, 35, 45, 60, 75, 90, 100, 110, 120])
    series("fixed_investment", org.county2, "2025-01", [30 * m for m in range(1, 13)])   # 360 in 2025
    targets = services.target_breakdown_apply(actor=org.city_user, indicator=ind["fixed_investment"],
                                              entity=f"r{org.city.pk}", year=2026, total=Decimal("600"))
    amounts = {t.region.name: t.amount for t in targets}
    assert amounts == {"澜江区": Decimal("150.00"), "北湖区": Decimal("450.00")}
    lines = selectors.target_breakdown(user=org.city_user, indicator=ind["fixed_investment"],
                                       entity=f"r{org.city.pk}", year=2026, total=Decimal("600"))
    # 澜江区 did 15, 30, 45 and 30 of its 120 by quarter last year
    assert lines[0].quarters == (Decimal("18.75"), Decimal("37.50"), Decimal("56.25"), Decimal("37.50"))
    assert lines[1].quarters == (Decimal("112.50"),) * 4
    with pytest.raises(ValidationFailed):
        selectors.target_breakdown(user=org.city_user, indicator=ind["tax_share"], entity=f"r{org.city.pk}",
                                   year=2026, total=Decimal("80"))


# --- consistency checks --------------------------------------------------------------------------------------

def _rules(flags) -> set[tuple[str, str]]:
    return {(f.rule, f.region.name if f.region_id else f.zone.name) for f in flags}


def test_growth_mismatch_flags_the_stated_rate_not_the_correct_one(org, ind, put):
    put("gdp", org.county1, "2025-09", "1.87", "reported")
    put("gdp", org.county1, "2026-09", "1.90", "reported", stated=6.0)   # the speech: +6%, it is +1.6%
    put("gdp", org.county2, "2025-09", "1.87", "reported")
    put("gdp", org.county2, "2026-09", "1.90", "reported", stated=1.6)
    flags = services.run_consistency_checks(period="2026-09")
    assert _rules(flags) == {("growth_mismatch", "澜江区")}
    flag = flags[0]
    assert flag.values["stated_growth"] == 6.0 and flag.values["computed_growth"] == pytest.approx(1.6043, abs=1e-4)
    assert "6.0%" in flag.message and "1.6%" in flag.message and "澜江区" in flag.message


def test_cumulative_decrease_flag(org, ind, put):
    put("tax_revenue", org.county1, "2026-08", 500)
    put("tax_revenue", org.county1, "2026-09", 480)
    put("tax_revenue", org.county2, "2026-08", 500)
    put("tax_revenue", org.county2, "2026-09", 520)
    assert _rules(services.run_consistency_checks(period="2026-09")) == {("cumulative_decrease", "澜江区")}


def test_share_over_100_flag(org, ind, put):
    put("tax_share", org.county1, "2026-09", "101.20", "reported")
    put("tax_share", org.county2, "2026-09", "78.00", "reported")
    flags = services.run_consistency_checks(period="2026-09")
    assert _rules(flags) == {("share_over_100", "澜江区")} and flags[0].values == {"value": 101.2}


def test_outlier_flag_uses_the_places_own_history(org, ind, series):
    normal = [100 + (m % 4) for m in range(1, 25)]
    series("industrial_power", org.county1, "2024-09", [*normal, 1020])   # a misplaced decimal point
    series("industrial_power", org.county2, "2024-09", [v * 10 for v in normal] + [1020])
    assert _rules(services.run_consistency_checks(period="2026-09")) == {("outlier", "澜江区")}


def test_reconciliation_flag_uses_the_configured_threshold(org, ind, put):
    put("retail_sales", org.county1, "2026-09", 106, "reported")
    put("retail_sales", org.county1, "2026-09", 100, "official")
    put("retail_sales", org.county2, "2026-09", 103, "reported")
    put("retail_sales", org.county2, "2026-09", 100, "official")
    assert _rules(services.run_consistency_checks(period="2026-09")) == {("reconciliation", "澜江区")}
    MonitorSettings.objects.filter(pk=1).update(reconciliation_threshold_pct=Decimal("2"))
    assert _rules(services.run_consistency_checks(period="2026-09")) == {("reconciliation", "澜江区"),
                                                                         ("reconciliation", "北湖区")}


def test_checks_are_idempotent_and_resolve_fixed_figures(org, ind, put):
    put("tax_revenue", org.county1, "2026-08", 500)
    low = put("tax_revenue", org.county1, "2026-09", 480)
    first = services.run_consistency_checks(period="2026-09")
    second = services.run_consistency_checks(period="2026-09")
    assert [f.pk for f in first] == [f.pk for f in second]
    assert ConsistencyFlag.objects.filter(status="open").count() == 1
    low.value = Decimal("530")
    low.save()
    assert services.run_consistency_checks(period="2026-09") == []
    flag = ConsistencyFlag.objects.get()
    assert flag.status == "closed" and "不再触发" in flag.explanation


def test_explained_flag_is_not_reopened_and_closing_needs_someone_above(org, ind, put):
    put("tax_revenue", org.county1, "2026-08", 500)
    put("tax_revenue", org.county1, "2026-09", 480)
    flag = services.run_consistency_checks(period="2026-09")[0]
    with pytest.raises(NotFound):
        services.flag_explain(actor=org.county2_user, flag=flag, explanation="不是我们的")
    with pytest.raises(ValidationFailed):
        services.flag_explain(actor=org.county1_user, flag=flag, explanation="  ")
    explained = services.flag_explain(actor=org.county1_user, flag=flag, explanation="9月办理出口退税,冲减收入")
    assert explained.status == "explained" and explained.explained_by == org.county1_user
    assert [f.pk for f in services.run_consistency_checks(period="2026-09")] == [flag.pk]
    assert ConsistencyFlag.objects.count() == 1
    with pytest.raises(PermissionDenied):
        services.flag_close(actor=org.county1_user, flag=explained)
    closed = services.flag_close(actor=org.city_user, flag=explained, note="情况属实")
    assert closed.status == "closed" and closed.closed_by == org.city_user and "情况属实" in closed.explanation
    with pytest.raises(Conflict):
        services.flag_close(actor=org.city_user, flag=closed)
    assert AuditEvent.objects.filter(object_type="indicators.consistencyflag", action="update").count() == 2


def test_closing_an_unexplained_flag_needs_a_note(org, ind, put):
    put("tax_share", org.county1, "2026-09", "101.20", "reported")
    flag = services.run_consistency_checks(period="2026-09")[0]
    with pytest.raises(ValidationFailed):
        services.flag_close(actor=ind.stats, flag=flag)
    assert services.flag_close(actor=ind.stats, flag=flag, note="录入错误,已通知更正").status == "closed"


def test_running_checks_needs_a_checking_role(org, ind):
    with pytest.raises(PermissionDenied):
        services.checks_run(actor=org.county1_user, period="2026-09")
    assert services.checks_run(actor=ind.stats, period="2026-09") == []
    assert AuditEvent.objects.filter(action="run_checks").exists()


def test_target_update_keeps_amount_or_growth(org, ind):
    target = services.target_save(actor=org.city_user, data={"indicator": ind["gdp"], "region": org.county1,
                                                              "year": 2026, "growth": Decimal("6.5")})
    with pytest.raises(ValidationFailed):
        services.target_update(actor=org.city_user, target=target, data={"growth": None})
    services.target_delete(actor=org.city_user, target=target)
    assert not Target.objects.exists()
