"""Financing KPI (政银企对接成效): the share of financing needs met, by county, as of a date.

For a cohort (needs raised in a year, or all needs) and an as-of date D:
- denominator: needs raised on or before D, not withdrawn;
- 需求满足率 (count share) = needs whose loans granted on or before D add up to at least the amount needed
  / needs in the denominator;
- 融资满足率 (amount share) = loans granted on or before D, each need counted up to its amount
  (an oversubscribed need counts as fully met, never more) / amounts needed.
`load_facts` reads the needs and loans in two queries; the rest are pure functions, and each Rate carries the
ids of the needs behind its numerator and denominator so a number links to its rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import QuerySet

from devzone.finance.models import FinancingNeed, Loan
from devzone.projects.kpis import Rate

RATE_LABELS = {"count_met": "需求满足率", "amount_met": "融资满足率"}


@dataclass(frozen=True)
class NeedFacts:
    id: int
    region_path: str
    amount: Decimal
    raised_on: date
    granted: Decimal  # granted on or before the as-of date


@dataclass(frozen=True)
class FinancingKpi:
    count_met: Rate
    amount_met: Rate

    @property
    def rates(self) -> list[Rate]:
        return [self.count_met, self.amount_met]


def load_facts(needs: QuerySet[FinancingNeed], *, as_of: date, year: int | None = None) -> list[NeedFacts]:
    """The cohort's needs (raised by `as_of`, in `year` when given, not withdrawn) with what was granted by
    `as_of`; two queries."""
    qs = needs.filter(raised_on__lte=as_of).exclude(status=FinancingNeed.Status.WITHDRAWN)
    if year is not None:
        qs = qs.filter(raised_on__year=year)
    rows = list(qs.order_by().values_list("pk", "region__path", "amount", "raised_on"))
    granted: dict[int, Decimal] = defaultdict(Decimal)
    for need_id, amount in Loan.objects.filter(need__in=[r[0] for r in rows], granted_on__lte=as_of) \
            .order_by().values_list("need_id", "amount"):
        granted[need_id] += amount
    return [NeedFacts(id=pk, region_path=path, amount=amount, raised_on=raised, granted=granted.get(pk, Decimal(0)))
            for pk, path, amount, raised in rows]


def financing_kpi(facts: Sequence[NeedFacts]) -> FinancingKpi:
    ids = sorted(f.id for f in facts)
    met = sorted(f.id for f in facts if f.granted >= f.amount)
    with_loans = sorted(f.id for f in facts if f.granted > 0)
    granted = sum((min(f.granted, f.amount) for f in facts), Decimal(0))
    needed = sum((f.amount for f in facts), Decimal(0))
    return FinancingKpi(
        count_met=Rate("count_met", RATE_LABELS["count_met"], len(met), len(ids), met, ids),
        amount_met=Rate("amount_met", RATE_LABELS["amount_met"], granted, needed, with_loans, ids),
    )


@dataclass(frozen=True)
class CountyKpi:
    id: int | None
    name: str
    kpi: FinancingKpi


def by_county(facts: Sequence[NeedFacts], counties: Iterable) -> list[CountyKpi]:
    """One row per county (a need belongs to the county whose path prefixes its region's path)."""
    rows = []
    for county in counties:
        mine = [f for f in facts if f.region_path.startswith(county.path)]
        rows.append(CountyKpi(id=county.pk, name=county.name, kpi=financing_kpi(mine)))
    return rows


def rate_ids(kpi: FinancingKpi, key: str, part: str) -> list[int]:
    """The need ids behind one number: key count_met | amount_met, part numerator | denominator."""
    rate = kpi.count_met if key == "count_met" else kpi.amount_met
    return rate.numerator_ids if part == "numerator" else rate.denominator_ids
