"""KPIs on a hand-built cohort whose right answers are worked out by hand, by year and by batch, for two as-of
dates, by county; plus the pure functions on plain facts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from devzone.core.errors import NotFound, ValidationFailed
from devzone.projects import kpis, selectors, services
from devzone.projects.kpis import Cohort, Facts
from devzone.projects.models import Project

MID, END = date(2025, 6, 30), date(2025, 12, 31)


@dataclass
class Built:
    p: dict[str, Project]
    batch_id: int

    def ids(self, *names: str) -> list[int]:
        return sorted(self.p[n].pk for n in names)


def _report(org, project, period: str, amount: str, county=None) -> None:
    report = services.report_submit(actor=county or org.county1_user, project=project, period=period,
                                    investment_month=Decimal(amount))
    services.report_approve(actor=org.city_user, report=report)


@pytest.fixture
def built(org, make_project, advance) -> Built:
    """Stages (all in 2025 unless said; "verified" unless said):
    A signed 02-01, started 04-01                         total 150000 (10亿以上)   plan 1000
    B signed 03-01, start declared 05-01, never verified total  60000 (5亿以上)
    C county2: signed 05-01, started 11-01                total  20000 (亿元以上)
    D signed 2024-06-01, started 03-01, completed 09-01, producing 10-01   total 8000   plan 2000
    E government: started 02-01, completed 07-01, producing 08-01, effective 12-01   total 3000  plan 500
    F county2: signed 01-10, cancelled 05-01 and replaced by G             total 40000
    G county2: signed 06-01                               total  10000 (exactly 1亿)
    H signed 02-15, cancelled 09-01 without replacement   total   5000 (exactly 5000万)
    Batch "2025年第一批": signed list A, B, F (→ G); started list D, E; producing list E.
    Approved reports: A 2024-12 50, 2025-03 200, 2025-06 300; D 2025-05 1000 corrected to 800, 2025-12 500;
    E 2025-02 100; a returned report for A 2025-09 (never counts)."""
    c1, c2, office = org.county1_user, org.county2_user, org.city_user
    totals = {"A": 150000, "B": 60000, "C": 20000, "D": 8000, "E": 3000, "F": 40000, "G": 10000, "H": 5000}
    county2 = {"C", "F", "G"}
    p = {name: make_project(name=f"项目{name}", total_investment=Decimal(total),
                            region=org.county2 if name in county2 else org.county1,
                            government_invested=name == "E")
         for name, total in totals.items()}
    advance(p["A"], {"signed": date(2025, 2, 1), "started": date(2025, 4, 1)})
    advance(p["B"], {"signed": date(2025, 3, 1)})
    services.project_declare_stage(actor=c1, project=p["B"], stage="started", date=date(2025, 5, 1))
    advance(p["C"], {"signed": date(2025, 5, 1), "started": date(2025, 11, 1)}, county=c2)
    advance(p["D"], {"signed": date(2024, 6, 1), "started": date(2025, 3, 1), "completed": date(2025, 9, 1),
                     "producing": date(2025, 10, 1)})
    advance(p["E"], {"started": date(2025, 2, 1), "completed": date(2025, 7, 1), "producing": date(2025, 8, 1),
                     "effective": date(2025, 12, 1)})
    advance(p["F"], {"signed": date(2025, 1, 10)}, county=c2)
    advance(p["G"], {"signed": date(2025, 6, 1)}, county=c2)
    advance(p["H"], {"signed": date(2025, 2, 15)})
    batch = services.batch_create(actor=office, name="2025年第一批", year=2025, held_on=date(2025, 1, 8))
    for name, kind in (("A", "signed"), ("B", "signed"), ("F", "signed"), ("D", "started"), ("E", "started"),
                       ("E", "producing")):
        services.batch_entry_add(actor=office, batch=batch, project=p[name], list_kind=kind)
    services.project_cancel(actor=office, project=p["F"], date=date(2025, 5, 1), reason="投资方撤资",
                            replacement=p["G"])
    services.project_cancel(actor=office, project=p["H"], date=date(2025, 9, 1), reason="无法落地")
    for name, amount in (("A", "1000"), ("D", "2000"), ("E", "500")):
        services.project_year_plan_set(actor=c1, project=p[name], year=2025, planned_investment=Decimal(amount))
    for name, period, amount in (("A", "2024-12", "50"), ("A", "2025-03", "200"), ("A", "2025-06", "300"),
                                 ("D", "2025-05", "1000"), ("D", "2025-12", "500"), ("E", "2025-02", "100")):
        _report(org, p[name], period, amount)
    d_may = p["D"].reports.get(period=date(2025, 5, 1))
    correction = services.report_correct(actor=c1, report=d_may, investment_month=Decimal("800"))
    services.report_approve(actor=office, report=correction)
    returned = services.report_submit(actor=c1, project=p["A"], period="2025-09", investment_month=Decimal("999"))
    services.report_return(actor=office, report=returned, reason="数字有误")
    return Built(p, batch.pk)


def test_year_cohort_at_year_end(org, built):
    kpi = selectors.project_kpis(user=org.city_user, cohort="2025", as_of=END).overall
    start, production, effect, invest = kpi.rates
    assert (start.numerator, start.denominator) == (2, 5)  # signed A B C G H (F replaced); started A C
    assert start.denominator_ids == built.ids("A", "B", "C", "G", "H")
    assert start.numerator_ids == built.ids("A", "C")
    assert start.value == Decimal("40.00")
    assert (production.numerator, production.denominator) == (2, 4)  # started A C D E; producing D E
    assert production.denominator_ids == built.ids("A", "C", "D", "E")
    assert production.numerator_ids == built.ids("D", "E")
    assert (effect.numerator, effect.denominator, effect.numerator_ids) == (1, 2, built.ids("E"))
    assert invest.numerator == Decimal("1900.00") and invest.denominator == Decimal("3500.00")  # 500+1300+100
    assert invest.value == Decimal("54.29") and invest.denominator_ids == built.ids("A", "D", "E")

    # tiers count the cohort's members (F left the cohort when G replaced it)
    tiers = {t.key: t for t in kpi.tiers}
    assert kpi.member_ids == built.ids("A", "B", "C", "D", "E", "G", "H")
    assert (tiers["ge_10yi"].count, tiers["ge_10yi"].investment) == (1, Decimal("150000"))
    assert tiers["ge_5yi"].ids == built.ids("A", "B")
    assert tiers["ge_1yi"].ids == built.ids("A", "B", "C", "G")
    assert tiers["5000w_1yi"].ids == built.ids("D", "H")
    assert (tiers["lt_5000w"].ids, tiers["lt_5000w"].investment) == (built.ids("E"), Decimal("3000"))

    # each number links to its rows
    ids = selectors.kpi_ids(user=org.city_user, cohort="2025", as_of=END, key="start_rate", part="numerator")
    assert ids == built.ids("A", "C")
    rows = selectors.project_list(user=org.city_user, filters={"cohort": "2025", "kpi": "start_rate",
                                                               "part": "denominator", "as_of": END.isoformat()})
    assert sorted(p.pk for p in rows) == built.ids("A", "B", "C", "G", "H")

    # by county, and for one county
    report = selectors.project_kpis(user=org.city_user, cohort="2025", as_of=END, group_by="county")
    groups = {g.name: g.kpi for g in report.groups}
    assert set(groups) == {"澜江区", "北湖区"}
    assert groups["澜江区"].start_rate.numerator_ids == built.ids("A")
    assert groups["澜江区"].start_rate.denominator_ids == built.ids("A", "B", "H")
    assert (groups["北湖区"].start_rate.numerator, groups["北湖区"].start_rate.denominator) == (1, 2)
    county2_only = selectors.project_kpis(user=org.city_user, cohort="2025", as_of=END,
                                          region_id=org.county2.pk).overall
    assert county2_only.start_rate.denominator_ids == built.ids("C", "G")

    # a county user sees its own county only
    mine = selectors.project_kpis(user=org.county1_user, cohort="2025", as_of=END).overall
    assert mine.start_rate.denominator_ids == built.ids("A", "B", "H")
    with pytest.raises(NotFound):
        selectors.project_kpis(user=org.county1_user, cohort="2025", as_of=END, region_id=org.county2.pk)


def test_mid_year_and_batch_cohort(org, built):
    kpi = selectors.project_kpis(user=org.city_user, cohort="2025", as_of=MID).overall
    assert kpi.start_rate.denominator_ids == built.ids("A", "B", "C", "G", "H")  # F left on 05-01
    assert kpi.start_rate.numerator_ids == built.ids("A")  # C starts in November
    assert kpi.start_rate.value == Decimal("20.00")
    assert kpi.production_rate.denominator_ids == built.ids("A", "D", "E")
    assert kpi.production_rate.numerator == 0
    assert kpi.effectiveness_rate.denominator == 0 and kpi.effectiveness_rate.value is None
    assert (kpi.investment_rate.numerator, kpi.investment_rate.value) == (Decimal("1400.00"), Decimal("40.00"))

    batch = selectors.project_kpis(user=org.city_user, cohort=f"batch:{built.batch_id}", as_of=END).overall
    assert batch.start_rate.denominator_ids == built.ids("A", "B", "G")  # G took F's place on the signed list
    assert batch.start_rate.numerator_ids == built.ids("A")
    assert batch.production_rate.denominator_ids == built.ids("D", "E")
    assert batch.production_rate.value == Decimal("100.00")
    assert (batch.effectiveness_rate.numerator, batch.effectiveness_rate.denominator) == (1, 1)
    assert batch.investment_rate.denominator_ids == built.ids("A", "D", "E")
    assert batch.member_ids == built.ids("A", "B", "D", "E", "G")


def test_bad_cohorts_are_refused(org):
    for text in ("", "20x5", "batch:999", "1999"):
        with pytest.raises(ValidationFailed):
            kpis.parse_cohort(text)


# --- pure functions -------------------------------------------------------------------------------------

def test_pure_rates_respect_as_of_and_replacement():
    year = Cohort("year", 2026)
    facts = [
        Facts(1, signed_on=date(2026, 1, 5), started_on=date(2026, 3, 1)),
        Facts(2, signed_on=date(2026, 2, 5), started_on=date(2026, 8, 1)),
        Facts(3, signed_on=date(2026, 2, 5), replaced_on=date(2026, 7, 1)),
        Facts(4, signed_on=date(2025, 12, 31), started_on=date(2026, 1, 2)),
    ]
    early = kpis.start_rate(facts, year, date(2026, 6, 30))
    assert (early.numerator_ids, early.denominator_ids) == ([1], [1, 2, 3])
    late = kpis.start_rate(facts, year, date(2026, 12, 31))
    assert (late.numerator_ids, late.denominator_ids) == ([1, 2], [1, 2])
    assert late.value == Decimal("100.00")
    assert kpis.production_rate(facts, year, date(2026, 12, 31)).denominator_ids == [1, 2, 4]


def test_pure_investment_rate_and_tiers():
    year = Cohort("year", 2026)
    facts = [Facts(1, total_investment=Decimal("12000"), plan=Decimal("100"), completed=Decimal("30")),
             Facts(2, total_investment=Decimal("4999.99"), plan=Decimal("300"), completed=Decimal("0")),
             Facts(3, total_investment=Decimal("100000"))]
    rate = kpis.investment_rate(facts, year, date(2026, 6, 30))
    assert (rate.numerator, rate.denominator, rate.value) == (Decimal("30"), Decimal("400"), Decimal("7.50"))
    assert (rate.numerator_ids, rate.denominator_ids) == ([1], [1, 2])
    by_key = {t.key: t.ids for t in kpis.tiers(facts)}
    assert by_key == {"ge_10yi": [3], "ge_5yi": [3], "ge_1yi": [1, 3], "5000w_1yi": [], "lt_5000w": [2]}


def test_pure_grouping():
    facts = [Facts(1, county_id=10, zone_id=5), Facts(2, county_id=10), Facts(3, county_id=11)]
    assert {k: [f.id for f in v] for k, v in kpis.group(facts, "county").items()} == {10: [1, 2], 11: [3]}
    assert {k: [f.id for f in v] for k, v in kpis.group(facts, "zone").items()} == {5: [1], None: [2, 3]}
    assert kpis.county_of("/1/2/7/31/") == 7 and kpis.county_of("/1/2/") is None
