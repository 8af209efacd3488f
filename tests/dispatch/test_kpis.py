"""KPIs on a hand-made fixture whose every number is worked out by hand, and the same KPIs computed from
problems handled through the services."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from devzone.dispatch import selectors, services
from devzone.dispatch.kpis import ProblemFacts, kpis_by_unit, problem_kpis
from devzone.dispatch.models import DispatchRules

from .conftest import T0, TZ

A, B = 1, 2
AS_OF = datetime(2026, 4, 1, tzinfo=TZ)


def d(month: int, day: int) -> datetime:
    return datetime(2026, month, day, tzinfo=TZ)


ROWS = [
    ProblemFacts(1, A, d(3, 1), d(3, 11), d(3, 5), "solved", d(3, 6), "satisfied"),      # on time, solved
    ProblemFacts(2, A, d(3, 2), d(3, 12), d(3, 20), "explained", d(3, 21), "basic"),     # late, explained
    ProblemFacts(3, A, d(3, 3), d(3, 13)),                                              # open, overdue
    ProblemFacts(4, A, d(3, 25), d(4, 4)),                                              # open, not yet due
    ProblemFacts(5, B, d(3, 10), d(3, 20), d(3, 15), "unsolved", d(3, 16), "unsatisfied"),
    ProblemFacts(6, A, d(3, 5), d(3, 15), d(4, 2), "solved"),                           # resolved after as_of
]
SATISFIED = {"satisfied", "basic"}


def test_unit_a_by_hand():
    kpis = kpis_by_unit(ROWS, as_of=AS_OF, satisfied_ratings=SATISFIED).by_unit[A]
    assert kpis.assigned_ids == (1, 2, 3, 4, 6)
    assert (kpis.completion.numerator_ids, kpis.completion.denominator) == ((1, 2), 5)
    assert kpis.completion.percent == Decimal("40.0")
    assert (kpis.solve.numerator_ids, kpis.solve.denominator_ids) == ((1,), (1, 2))
    assert kpis.solve.percent == Decimal("50.0")
    assert (kpis.on_time.numerator_ids, kpis.on_time.denominator_ids) == ((1,), (1, 2, 3, 6))
    assert kpis.on_time.percent == Decimal("25.0")
    assert (kpis.satisfaction.numerator_ids, kpis.satisfaction.denominator_ids) == ((1, 2), (1, 2))
    assert kpis.handling_days.value == Decimal("11.0") and kpis.handling_days.ids == (1, 2)
    assert kpis.overdue_ids == (3, 6)


def test_unit_b_and_total_by_hand():
    table = kpis_by_unit(ROWS, as_of=AS_OF, satisfied_ratings=SATISFIED)
    b = table.by_unit[B]
    assert (b.completion.percent, b.solve.percent, b.on_time.percent, b.satisfaction.percent) == (
        Decimal("100.0"), Decimal("0.0"), Decimal("100.0"), Decimal("0.0"))
    assert b.handling_days.value == Decimal("5.0") and b.overdue_ids == ()
    total = table.total
    assert total.completion.percent == Decimal("50.0") and total.completion.numerator_ids == (1, 2, 5)
    assert total.solve.percent == Decimal("33.3")
    assert total.on_time.denominator_ids == (1, 2, 3, 5, 6) and total.on_time.percent == Decimal("40.0")
    assert total.satisfaction.percent == Decimal("66.7")
    assert total.handling_days.value == Decimal("9.0")
    assert total.ids("overdue") == (3, 6) and total.ids("on_time", "den") == (1, 2, 3, 5, 6)


def test_satisfaction_rule_is_configurable_and_empty_sets_have_no_rate():
    kpis = problem_kpis([r for r in ROWS if r.lead_unit_id == A], as_of=AS_OF, satisfied_ratings={"satisfied"})
    assert kpis.satisfaction.percent == Decimal("50.0")
    empty = problem_kpis([], as_of=AS_OF, satisfied_ratings=SATISFIED)
    assert empty.completion.percent is None and empty.handling_days.value is None


def test_kpis_from_the_database_match(org, units, assigned_problem):
    solved = assigned_problem()
    services.problem_resolve(actor=org.county1_user, problem=solved, result="solved", resolution="已解决",
                             now=T0 + timedelta(days=3))
    services.problem_close(actor=org.city_user, problem=solved, satisfaction="basic", now=T0 + timedelta(days=4))
    late = assigned_problem()
    services.problem_resolve(actor=org.county1_user, problem=late, result="explained", resolution="已解释",
                             late_explanation="等待省级批复", now=late.deadline + timedelta(days=2))
    open_ = assigned_problem(unit=units.c1_land)
    march = selectors.parse_period("2026-03")
    table = selectors.kpi_table(user=org.city_user, period=march, now=datetime(2026, 4, 15, tzinfo=TZ))
    ndrc, land = table.by_unit[units.c1_ndrc.pk], table.by_unit[units.c1_land.pk]
    assert ndrc.completion.percent == Decimal("100.0") and ndrc.on_time.numerator_ids == (solved.pk,)
    assert ndrc.satisfaction.percent == Decimal("100.0") and ndrc.handling_days.value == Decimal("12.5")
    assert land.overdue_ids == (open_.pk,)
    DispatchRules.objects.filter(pk=1).update(basic_counts_as_satisfied=False)
    table = selectors.kpi_table(user=org.city_user, period=march, now=datetime(2026, 4, 15, tzinfo=TZ))
    assert table.by_unit[units.c1_ndrc.pk].satisfaction.percent == Decimal("0.0")
    # a neighbour county's user sees none of it
    assert selectors.kpi_table(user=org.county2_user, period=march).total.assigned_ids == ()
