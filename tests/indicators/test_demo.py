"""The demo step: 36 months for every county and the city, both sources, deliberate mismatches, one inconsistent
stated growth rate, targets 2024–2026 — run on a context rebuilt from a loaded demo database."""

from __future__ import annotations

from collections import Counter

from devzone.core.models import Region, User
from devzone.demo.context import DemoContext
from devzone.demo.indicators import build_indicators
from devzone.demo.loader import demo_load
from devzone.indicators import selectors
from devzone.indicators.models import ConsistencyFlag, IndicatorValue, Target


def _context() -> DemoContext:
    ctx = DemoContext(scale=1)
    ctx.city = Region.objects.get(level="city")
    ctx.counties = list(Region.objects.filter(level="county").order_by("sort_order", "path"))
    ctx.users = {u.username: u for u in User.objects.all()}
    return ctx


def _clear() -> None:
    ConsistencyFlag.objects.all().delete()
    Target.objects.all().delete()
    IndicatorValue.objects.all().delete()


def test_demo_step(db):
    demo_load(scale=1)
    _clear()  # once the step is in the loader's list, start again from nothing
    counts = build_indicators(_context())
    places = 9  # eight counties and the city
    monthly_rows = 13 * 36 + 12  # thirteen monthly indicators for 36 months, GDP for 12 quarters
    assert counts["indicator_values"] == places * monthly_rows * 2 == IndicatorValue.objects.count()
    assert counts["indicator_targets"] == places * 14 * 3 == Target.objects.filter(year__in=[2024, 2025, 2026]).count()
    per_place = Counter(IndicatorValue.objects.filter(indicator__code="retail_sales").values_list("region", "source"))
    assert len(per_place) == places * 2 and set(per_place.values()) == {36}
    first = IndicatorValue.objects.order_by("year", "month").values_list("year", "month").first()
    assert first == (2023, 11)

    flags = Counter(ConsistencyFlag.objects.values_list("rule", "year", "month"))
    assert flags[("growth_mismatch", 2026, 10)] == 1
    assert flags[("reconciliation", 2026, 10)] == 4
    assert not any(rule in {"cumulative_decrease", "share_over_100"} for rule, _y, _m in flags)
    growth = ConsistencyFlag.objects.get(rule="growth_mismatch")
    assert abs(growth.values["stated_growth"] - growth.values["computed_growth"]) > 4

    county1 = User.objects.get(username="county1")
    table = selectors.monitor(user=county1, period="2026-10")
    gdp = next(row for row in table.rows if row.indicator.code == "gdp")
    cell = gdp.cells[0]
    assert str(gdp.period) == "2026-09" and cell.rank is not None and cell.ranked == 8 and cell.target is not None
    city = selectors.monitor(user=User.objects.get(username="city"), period="2026-10")
    assert len(city.columns) == 9 and all(row.cells[0] is not None for row in city.rows)

    snapshot = list(IndicatorValue.objects.order_by("pk").values_list("region", "indicator", "year", "month",
                                                                      "source", "value")[:500])
    _clear()
    build_indicators(_context())
    again = list(IndicatorValue.objects.order_by("pk").values_list("region", "indicator", "year", "month",
                                                                   "source", "value")[:500])
    assert again == snapshot  # deterministic
