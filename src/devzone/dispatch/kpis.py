"""Problem-handling KPIs (办结率, 解决率, 按期办结率, 满意率, average handling days, overdue count).

Pure functions over plain rows (`ProblemFacts`), so they can be checked on a hand-made fixture and reused
by the KPI page, the list filter behind every number and the bulletin. Each figure carries the ids of the
rows it counts, so a page can link the number to exactly those rows.

Definitions, for the cohort of problems assigned in a period and evaluated as of a moment `as_of`:
- assigned (交办数): the cohort.
- 办结率 = resolved by as_of / assigned. "Resolved" means resolved_at ≤ as_of (closed problems included).
- 解决率 = resolved with result "solved" (已解决) / resolved.
- 按期办结率 = resolved on or before the deadline / problems due by as_of (deadline ≤ as_of) or resolved.
- 满意率 = closed with a rating counted as satisfied (rules) / closed with a rating, both by as_of.
- average handling days = mean of (resolved_at − assigned_at) in days over the resolved.
- overdue = not resolved by as_of and deadline < as_of.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

METRICS = ("assigned", "completion", "solve", "on_time", "satisfaction", "handling_days", "overdue")
PARTS = ("num", "den")


@dataclass(frozen=True)
class ProblemFacts:
    id: int
    lead_unit_id: int | None
    assigned_at: datetime
    deadline: datetime
    resolved_at: datetime | None = None
    result: str = ""
    closed_at: datetime | None = None
    satisfaction: str = ""


@dataclass(frozen=True)
class Ratio:
    numerator_ids: tuple[int, ...]
    denominator_ids: tuple[int, ...]

    @property
    def numerator(self) -> int:
        return len(self.numerator_ids)

    @property
    def denominator(self) -> int:
        return len(self.denominator_ids)

    @property
    def percent(self) -> Decimal | None:
        """Percentage with one decimal; None when nothing is in the denominator."""
        if not self.denominator_ids:
            return None
        value = Decimal(100 * self.numerator) / Decimal(self.denominator)
        return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    def ids(self, part: str) -> tuple[int, ...]:
        return self.numerator_ids if part == "num" else self.denominator_ids


@dataclass(frozen=True)
class Average:
    value: Decimal | None
    ids: tuple[int, ...]


@dataclass(frozen=True)
class UnitKpis:
    assigned_ids: tuple[int, ...]
    completion: Ratio
    solve: Ratio
    on_time: Ratio
    satisfaction: Ratio
    handling_days: Average
    overdue_ids: tuple[int, ...]

    def ids(self, metric: str, part: str = "num") -> tuple[int, ...]:
        """The rows behind one number: e.g. ids("on_time", "den")."""
        if metric == "assigned":
            return self.assigned_ids
        if metric == "overdue":
            return self.overdue_ids
        if metric == "handling_days":
            return self.handling_days.ids
        if metric in ("completion", "solve", "on_time", "satisfaction"):
            return getattr(self, metric).ids(part)
        raise KeyError(metric)


@dataclass
class KpiTable:
    by_unit: dict[int | None, UnitKpis] = field(default_factory=dict)
    total: UnitKpis | None = None


def _resolved(row: ProblemFacts, as_of: datetime) -> bool:
    return row.resolved_at is not None and row.resolved_at <= as_of


def problem_kpis(rows: Iterable[ProblemFacts], *, as_of: datetime, satisfied_ratings: set[str]) -> UnitKpis:
    """The KPIs of one set of problems (a unit's cohort, or everyone's)."""
    rows = sorted(rows, key=lambda r: r.id)
    resolved = [r for r in rows if _resolved(r, as_of)]
    due = [r for r in rows if _resolved(r, as_of) or r.deadline <= as_of]
    on_time = [r for r in resolved if r.resolved_at <= r.deadline]
    rated = [r for r in rows if r.closed_at is not None and r.closed_at <= as_of and r.satisfaction]
    satisfied = [r for r in rated if r.satisfaction in satisfied_ratings]
    overdue = [r for r in rows if not _resolved(r, as_of) and r.deadline < as_of]
    if resolved:
        total = sum((r.resolved_at - r.assigned_at for r in resolved), timedelta())
        days = Decimal(total.total_seconds()) / Decimal(86400 * len(resolved))
        average = Average(days.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP), _ids(resolved))
    else:
        average = Average(None, ())
    return UnitKpis(
        assigned_ids=_ids(rows),
        completion=Ratio(_ids(resolved), _ids(rows)),
        solve=Ratio(_ids(r for r in resolved if r.result == "solved"), _ids(resolved)),
        on_time=Ratio(_ids(on_time), _ids(due)),
        satisfaction=Ratio(_ids(satisfied), _ids(rated)),
        handling_days=average,
        overdue_ids=_ids(overdue),
    )


def kpis_by_unit(rows: Iterable[ProblemFacts], *, as_of: datetime, satisfied_ratings: set[str]) -> KpiTable:
    """KPIs per lead unit, plus the total over all rows."""
    rows = list(rows)
    groups: dict[int | None, list[ProblemFacts]] = defaultdict(list)
    for row in rows:
        groups[row.lead_unit_id].append(row)
    table = KpiTable()
    for unit_id, unit_rows in groups.items():
        table.by_unit[unit_id] = problem_kpis(unit_rows, as_of=as_of, satisfied_ratings=satisfied_ratings)
    table.total = problem_kpis(rows, as_of=as_of, satisfied_ratings=satisfied_ratings)
    return table


def _ids(rows: Iterable[ProblemFacts]) -> tuple[int, ...]:
    return tuple(r.id for r in rows)
