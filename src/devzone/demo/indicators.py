"""Demo step: 36 months of economic indicators (ending 2026-10) for every county and the city, official and
reported, with a few deliberate mismatches and one inconsistent stated growth rate; annual targets 2024–2026;
then the consistency checks of the last two months, so that the reconciliation page has something to show.

County figures follow a seasonal profile per indicator and a growth rate per year; the city's figures are the sum
of its counties' (its rate indicators are computed from its sums). Reported figures equal the official ones or
differ by less than 1% for a whole year, except the deliberate mismatches of the last month.
"""

from __future__ import annotations

from decimal import Decimal

from devzone.demo.context import DemoContext
from devzone.indicators.catalog import ensure_catalog
from devzone.indicators.models import Indicator, IndicatorValue, Target
from devzone.indicators.periods import Period
from devzone.indicators.services import run_consistency_checks

END = Period(2026, 10)
MONTHS = 36
START = END.shift(-(MONTHS - 1))  # 2023-11
TARGET_YEARS = (2024, 2025, 2026)
MISMATCHES = 4
MISMATCH_CODES = ("fixed_investment", "retail_sales", "tax_revenue", "foreign_trade", "domestic_capital")
STATED_GROWTH_CODES = ("gdp", "industry_va")
INCONSISTENT_CODE = "industry_va"
BATCH = 2000

# Annual level of a mid-sized county in the indicator's unit, and the range of its yearly growth (%).
FLOWS: dict[str, tuple[float, tuple[float, float]]] = {
    "gdp": (300.0, (4.0, 7.5)),
    "industry_va": (80.0, (4.0, 9.0)),
    "fixed_investment": (150.0, (-4.0, 12.0)),
    "industrial_investment": (60.0, (0.0, 15.0)),
    "renovation_investment": (20.0, (-8.0, 18.0)),
    "retail_sales": (120.0, (3.0, 7.0)),
    "budget_revenue": (150000.0, (2.0, 8.0)),
    "foreign_capital": (3000.0, (-10.0, 20.0)),
    "domestic_capital": (80.0, (5.0, 12.0)),
    "foreign_trade": (40.0, (-5.0, 10.0)),
    "industrial_power": (60000.0, (3.0, 8.0)),
}
_INVEST = (4, 5, 8, 8, 9, 9, 9, 9, 10, 9, 10, 10)
SEASONS: dict[str, tuple[int, ...]] = {
    "gdp": (7, 7, 8, 8, 8, 9, 8, 8, 9, 9, 9, 10),
    "industry_va": (7, 6, 8, 8, 9, 8, 8, 8, 9, 9, 10, 10),
    "fixed_investment": _INVEST, "industrial_investment": _INVEST, "renovation_investment": _INVEST,
    "retail_sales": (9, 7, 8, 8, 8, 8, 8, 8, 8, 9, 9, 10),
    "budget_revenue": (12, 8, 9, 9, 9, 8, 8, 7, 8, 8, 7, 7),
    "foreign_capital": (7, 7, 8, 8, 8, 9, 9, 9, 9, 9, 9, 8),
    "domestic_capital": (7, 7, 8, 8, 8, 9, 9, 9, 9, 9, 9, 8),
    "foreign_trade": (8, 6, 8, 8, 8, 9, 9, 9, 9, 9, 9, 8),
    "industrial_power": (8, 7, 8, 8, 8, 9, 9, 9, 8, 8, 9, 9),
}
TWO = Decimal("0.01")


def _periods() -> list[Period]:
    return [START.shift(k) for k in range(MONTHS)]


def _years() -> list[int]:
    return list(range(START.year, END.year + 1))


def _county_flows(rng, size: float) -> tuple[dict[str, dict[tuple[int, int], float]], dict[str, dict[int, float]]]:
    """Month flows for every year of the window (whole years, so that year-to-date sums start in January), and
    each indicator's annual level per year."""
    flows: dict[str, dict[tuple[int, int], float]] = {}
    levels: dict[str, dict[int, float]] = {}
    for code, (base, (low, high)) in FLOWS.items():
        level = base * size * rng.uniform(0.8, 1.2)
        season = SEASONS[code]
        total = sum(season)
        flows[code], levels[code] = {}, {}
        for year in _years():
            if year > _years()[0]:
                level *= 1 + rng.uniform(low, high) / 100
            levels[code][year] = level
            for month in range(1, 13):
                noise = max(0.85, min(1.15, rng.gauss(1.0, 0.03)))
                flows[code][(year, month)] = level * season[month - 1] / total * noise
    ratio = rng.uniform(0.62, 0.78)
    flows["tax_revenue"] = {key: value * ratio * max(0.9, min(1.1, rng.gauss(1.0, 0.02)))
                            for key, value in flows["budget_revenue"].items()}
    levels["tax_revenue"] = {year: level * ratio for year, level in levels["budget_revenue"].items()}
    count = int(120 * size)
    flows["above_size_count"] = {}
    for year in _years():
        for month in range(1, 13):
            count = max(10, count + rng.choice((-1, 0, 0, 1, 1, 2)))
            flows["above_size_count"][(year, month)] = float(count)
    return flows, levels


def _ytd(flows: dict[tuple[int, int], float]) -> dict[tuple[int, int], float]:
    result, running = {}, {}
    for (year, month) in sorted(flows):
        running[year] = running.get(year, 0.0) + flows[(year, month)]
        result[(year, month)] = running[year]
    return result


def _figures(flows: dict[str, dict[tuple[int, int], float]],
             indicators: dict[str, Indicator]) -> dict[str, dict[tuple[int, int], float]]:
    """The figure each indicator stores, by its basis: year to date, month value, or point (stock, rate)."""
    figures: dict[str, dict[tuple[int, int], float]] = {}
    for code, indicator in indicators.items():
        if code == "tax_share":
            tax, budget = _ytd(flows["tax_revenue"]), _ytd(flows["budget_revenue"])
            figures[code] = {key: tax[key] / budget[key] * 100 for key in tax}
        elif indicator.basis == Indicator.Basis.YTD:
            figures[code] = _ytd(flows[code])
        else:
            figures[code] = dict(flows[code])
    return figures


def _wanted(indicator: Indicator, period: Period) -> bool:
    if indicator.frequency == Indicator.Frequency.QUARTERLY:
        return period.month % 3 == 0
    if indicator.frequency == Indicator.Frequency.ANNUAL:
        return period.month == 12
    return True


def _decimal(value: float, indicator: Indicator) -> Decimal:
    if indicator.unit == Indicator.Unit.COUNT:
        return Decimal(round(value))
    return Decimal(str(round(value, 2))).quantize(TWO)


def _growth(current: Decimal, previous: Decimal | None) -> Decimal | None:
    if previous is None or previous <= 0:
        return None
    return ((current / previous - 1) * 100).quantize(Decimal("0.1"))


def build_indicators(ctx: DemoContext) -> dict[str, int]:
    ensure_catalog()
    rng = ctx.rng("indicators")
    indicators = {i.code: i for i in Indicator.objects.filter(active=True).order_by("sort_order", "code")
                  if i.code in FLOWS or i.code in ("tax_revenue", "tax_share", "above_size_count")}
    places = [*ctx.counties, ctx.city]
    county_flows, county_levels = {}, {}
    for county in ctx.counties:
        county_flows[county.pk], county_levels[county.pk] = _county_flows(rng, rng.uniform(0.5, 1.8))
    first = county_flows[ctx.counties[0].pk]
    city_flows = {code: {key: sum(county_flows[c.pk][code][key] for c in ctx.counties) for key in first[code]}
                  for code in first}
    figures = {c.pk: _figures(county_flows[c.pk], indicators) for c in ctx.counties}
    figures[ctx.city.pk] = _figures(city_flows, indicators)
    users = {place.pk: ctx.users.get(f"county{i}") for i, place in enumerate(ctx.counties, start=1)}
    users[ctx.city.pk] = ctx.users.get("city")

    # deliberate mismatches (last month) and the one inconsistent stated growth rate, chosen up front
    pairs = [(county.pk, code) for county in ctx.counties for code in MISMATCH_CODES]
    mismatched = {pair: rng.uniform(0.08, 0.15) for pair in rng.sample(pairs, min(MISMATCHES, len(pairs)))}
    inconsistent = rng.choice([c.pk for c in ctx.counties if (c.pk, INCONSISTENT_CODE) not in mismatched])

    official: dict[tuple[int, str, int, int], Decimal] = {}
    rows: list[IndicatorValue] = []
    for place in places:
        for code, indicator in indicators.items():
            series = figures[place.pk][code]
            for period in _periods():
                if _wanted(indicator, period):
                    official[(place.pk, code, period.year, period.month)] = _decimal(series[(period.year,
                                                                                            period.month)], indicator)
    for place in places:
        for code, indicator in indicators.items():
            year_factor = {year: (0.0 if rng.random() < 0.6 or indicator.basis == Indicator.Basis.POINT
                                  else rng.uniform(-0.008, 0.008)) for year in _years()}
            for period in _periods():
                key = (place.pk, code, period.year, period.month)
                if key not in official:
                    continue
                value = official[key]
                last = official.get((place.pk, code, period.year - 1, period.month))
                stated = _growth(value, last) if code in STATED_GROWTH_CODES else None
                rows.append(IndicatorValue(
                    indicator=indicator, region=place, year=period.year, month=period.month, value=value,
                    source=IndicatorValue.Source.OFFICIAL, stated_growth=stated, channel=IndicatorValue.Channel.DEMO))
                factor = 1 + year_factor[period.year]
                if period == END and (place.pk, code) in mismatched:
                    factor = 1 + mismatched[(place.pk, code)]
                reported = _decimal(float(value) * factor, indicator) if factor != 1 else value
                reported_stated = None
                if period == END and place.pk == inconsistent and code == INCONSISTENT_CODE:
                    last_reported = _decimal(float(last) * (1 + year_factor[period.year - 1]), indicator)
                    computed = _growth(reported, last_reported)
                    reported_stated = computed + Decimal("4.4") if computed is not None else Decimal("6.0")
                rows.append(IndicatorValue(
                    indicator=indicator, region=place, year=period.year, month=period.month, value=reported,
                    source=IndicatorValue.Source.REPORTED, stated_growth=reported_stated,
                    channel=IndicatorValue.Channel.DEMO, entered_by=users.get(place.pk)))
    IndicatorValue.objects.bulk_create(rows, batch_size=BATCH)

    targets = _targets(rng, ctx, indicators, county_levels, figures)
    Target.objects.bulk_create(targets, batch_size=BATCH)
    flags = [*run_consistency_checks(period=END.previous()), *run_consistency_checks(period=END)]
    return {"indicator_values": len(rows), "indicator_targets": len(targets), "indicator_flags": len(flags)}


def _targets(rng, ctx: DemoContext, indicators: dict[str, Indicator], levels: dict, figures: dict) -> list[Target]:
    """Annual targets: amounts of last year's level grown 5–12% (the city's is the sum of its counties'), GDP as a
    growth rate, 税收占比 70%, 规上企业数 last December's count plus a few."""
    targets: list[Target] = []
    setter = ctx.users.get("city")
    for year in TARGET_YEARS:
        city_amounts: dict[str, Decimal] = {}
        for county in ctx.counties:
            for code, indicator in indicators.items():
                amount, growth = None, None
                if code == "gdp":
                    growth = Decimal(str(round(rng.uniform(5.0, 7.0), 1)))
                elif code == "tax_share":
                    amount = Decimal("70.00")
                elif code == "above_size_count":
                    amount = Decimal(int(figures[county.pk][code][(year - 1, 12)]) + rng.randint(5, 20))
                else:
                    amount = _decimal(levels[county.pk][code][year - 1] * (1 + rng.uniform(0.05, 0.12)), indicator)
                if amount is not None and code != "tax_share":
                    city_amounts[code] = city_amounts.get(code, Decimal(0)) + amount
                targets.append(Target(indicator=indicator, region=county, year=year, amount=amount, growth=growth,
                                      set_by=setter, note="演示目标"))
        for code, indicator in indicators.items():
            amount = city_amounts.get(code) if code != "tax_share" else Decimal("70.00")
            growth = Decimal("6.0") if code == "gdp" else None
            targets.append(Target(indicator=indicator, region=ctx.city, year=year, amount=amount, growth=growth,
                                  set_by=None, note="演示目标"))
    return targets
