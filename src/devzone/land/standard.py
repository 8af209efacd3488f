"""Checking a standard-land parcel's preset conditions (标准地) against what its project achieved. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class Achieved:
    """What the project and its owner achieved: investment (万元), and one year's tax, output, energy, emission."""

    area_mu: Decimal
    investment: Decimal | None
    tax: Decimal | None
    output: Decimal | None
    energy_tce: Decimal | None
    emission_eq: Decimal | None


@dataclass(frozen=True)
class ConditionResult:
    key: str
    label: str
    required: Decimal
    actual: Decimal | None
    at_least: bool
    passed: bool

    def as_json(self) -> dict:
        return {"key": self.key, "label": self.label, "required": str(self.required),
                "actual": None if self.actual is None else str(self.actual), "at_least": self.at_least,
                "passed": self.passed}


CONDITIONS = (
    ("min_investment_intensity", "投资强度(万元/亩)", True),
    ("min_tax_per_mu", "亩均税收(万元/亩)", True),
    ("max_energy_per_output", "单位产值能耗(吨标煤/万元)", False),
    ("max_emission_per_output", "单位产值排放(吨/万元)", False),
)


def _ratio(numerator: Decimal | None, denominator: Decimal | None) -> Decimal | None:
    if numerator is None or denominator is None or denominator == 0:
        return None
    return (numerator / denominator).quantize(PLACES)


def actual_values(achieved: Achieved) -> dict[str, Decimal | None]:
    return {
        "min_investment_intensity": _ratio(achieved.investment, achieved.area_mu),
        "min_tax_per_mu": _ratio(achieved.tax, achieved.area_mu),
        "max_energy_per_output": _ratio(achieved.energy_tce, achieved.output),
        "max_emission_per_output": _ratio(achieved.emission_eq, achieved.output),
    }


def check(conditions: dict[str, Decimal | None], achieved: Achieved) -> list[ConditionResult]:
    """One result per condition that is set; a figure that cannot be computed fails its condition."""
    actual = actual_values(achieved)
    results = []
    for key, label, at_least in CONDITIONS:
        required = conditions.get(key)
        if required is None:
            continue
        value = actual[key]
        passed = value is not None and (value >= required if at_least else value <= required)
        results.append(ConditionResult(key, label, required, value, at_least, passed))
    return results
