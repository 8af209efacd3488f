"""Quota shares following investment-attraction results (more and bigger signed projects, more quota).

Pure: no database. Each unit's share of `total_mu` is weight_count × (its signed projects / all signed
projects) + weight_amount × (its agreed investment / all agreed investment), the weights normalised to sum 1.
Shares are rounded to 0.01 亩 by the largest-remainder method so that they add up to `total_mu` exactly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

CENT = Decimal("0.01")


@dataclass(frozen=True)
class UnitResult:
    unit_id: int
    name: str
    signed_count: int
    signed_amount: Decimal  # 万元


@dataclass(frozen=True)
class Share:
    unit_id: int
    name: str
    signed_count: int
    signed_amount: Decimal
    ratio: Decimal       # 0..1
    area_mu: Decimal


def propose_shares(*, total_mu: Decimal, results: Sequence[UnitResult], weight_count: Decimal,
                   weight_amount: Decimal) -> list[Share]:
    """Split `total_mu` among `results`; with no signed project anywhere, split evenly."""
    if total_mu < 0:
        raise ValueError("total_mu must not be negative")
    if not results:
        return []
    ratios = _ratios(results, weight_count, weight_amount)
    areas = _round_to_total(total_mu, ratios)
    return [Share(r.unit_id, r.name, r.signed_count, r.signed_amount, ratio, area)
            for r, ratio, area in zip(results, ratios, areas, strict=True)]


def _ratios(results: Sequence[UnitResult], weight_count: Decimal, weight_amount: Decimal) -> list[Decimal]:
    count_total = sum(r.signed_count for r in results)
    amount_total = sum((r.signed_amount for r in results), Decimal(0))
    weights = []
    if count_total > 0 and weight_count > 0:
        weights.append((weight_count, [Decimal(r.signed_count) / count_total for r in results]))
    if amount_total > 0 and weight_amount > 0:
        weights.append((weight_amount, [r.signed_amount / amount_total for r in results]))
    if not weights:
        return [Decimal(1) / len(results)] * len(results)
    weight_sum = sum(w for w, _ in weights)
    return [sum(w * parts[i] for w, parts in weights) / weight_sum for i in range(len(results))]


def _round_to_total(total: Decimal, ratios: Sequence[Decimal]) -> list[Decimal]:
    raw = [total * ratio for ratio in ratios]
    floors = [value.quantize(CENT, rounding=ROUND_DOWN) for value in raw]
    left = int(((total - sum(floors, Decimal(0))) / CENT).to_integral_value())
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - floors[i]), i))
    for i in order[:max(left, 0)]:
        floors[i] += CENT
    return floors
