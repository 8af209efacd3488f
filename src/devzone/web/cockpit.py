"""The leaders' cockpit (领导驾驶舱) and the county board: figures assembled from the other apps' selectors and
KPI functions (nothing is recomputed here), each with the URL of the list that shows the rows behind it.

A handful of aggregate queries whatever the number of projects, leads or problems: every part below calls one
selector that loads its facts in a fixed number of queries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from devzone.attraction import kpis as attraction_kpis
from devzone.attraction.config import attraction_settings
from devzone.core.models import Region, User
from devzone.dispatch import selectors as dispatch_selectors
from devzone.evaluation import selectors as evaluation_selectors
from devzone.indicators import selectors as indicator_selectors
from devzone.projects import selectors as project_selectors
from devzone.projects.kpis import effective_reports
from devzone.projects.models import LIFECYCLE, ProjectYearPlan

INDICATOR_ROWS = 8
OVERDUE_UNITS = 10


def url(name: str, *args: Any, **params: Any) -> str:
    """A page URL with its query string (empty values dropped)."""
    base = reverse(name, args=args)
    query = {k: v for k, v in params.items() if v not in (None, "")}
    return f"{base}?{urlencode(query)}" if query else base


@dataclass
class Figure:
    """One number on the board and the list that shows its rows."""

    label: str
    value: Any
    url: str
    unit: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Board:
    region: Region | None
    year: int
    as_of: date
    batches: list[Figure]
    rates: list[dict]
    tiers: list[Figure]
    funnel: dict
    investment: dict
    ranking: dict | None
    attraction: list[Figure]
    overdue: list[Figure]
    overdue_total: Figure
    indicators: list[dict]
    indicator_period: str
    evaluation: dict | None


# --- key projects --------------------------------------------------------------------------------------------

def _project_link(region: Region | None, cohort: str, as_of: date, key: str, part: str) -> str:
    return url("projects:list", cohort=cohort, as_of=as_of.isoformat(), kpi=key, part=part,
               region=region.pk if region else None)


def _project_kpis(user: User, region: Region | None, year: int, as_of: date) -> tuple[list, list, list, dict | None]:
    cohort = str(year)
    report = project_selectors.project_kpis(user=user, cohort=cohort, as_of=as_of,
                                            region_id=region.pk if region else None,
                                            group_by=None if region else "county")
    kpi = report.overall

    def link(key: str, part: str, place: Region | None = region) -> str:
        return _project_link(place, cohort, as_of, key, part)

    batches = [
        Figure(_("signed batch"), kpi.start_rate.denominator, link("start_rate", "denominator")),
        Figure(_("started batch"), kpi.production_rate.denominator, link("production_rate", "denominator")),
        Figure(_("producing batch"), kpi.effectiveness_rate.denominator, link("effectiveness_rate", "denominator")),
    ]
    rates = [{"key": r.key, "label": r.label, "value": r.value, "numerator": r.numerator,
              "denominator": r.denominator, "money": r.key == "investment_rate",
              "num_url": link(r.key, "numerator"), "den_url": link(r.key, "denominator")} for r in kpi.rates]
    tiers = [Figure(t.label, t.count, link(t.key, "members"), extra={"investment": t.investment})
             for t in kpi.tiers]
    ranking = None
    if report.groups:
        groups = [g for g in report.groups if g.id is not None]
        groups.sort(key=lambda g: (-(g.kpi.investment_rate.value or Decimal(-1)), g.name))
        counties = {c.pk: c for c in Region.objects.filter(pk__in=[g.id for g in groups])}
        ranking = {
            "categories": [g.name for g in groups],
            "links": [link("investment_rate", "denominator", counties.get(g.id)) for g in groups],
            "series": [{"name": r.label, "data": [float(getattr(g.kpi, r.key).value or 0) for g in groups]}
                       for r in kpi.rates],
        }
    return batches, rates, tiers, ranking


def _project_scope(user: User, region: Region | None):
    qs = project_selectors.project_queryset(user=user)
    return qs.filter(region__path__startswith=region.path) if region else qs


def _funnel(user: User, region: Region | None) -> dict:
    counts = project_selectors.stage_funnel(_project_scope(user, region))
    lifecycle = {s.value for s in LIFECYCLE}
    stages = [s for s in counts["stages"] if s["key"] in lifecycle]
    return {"stages": [{**s, "url": url("projects:list", stage=s["key"], region=region.pk if region else None)}
                       for s in stages],
            "others": [{**s, "url": url("projects:list", stage=s["key"], region=region.pk if region else None)}
                       for s in counts["stages"] if s["key"] not in lifecycle],
            "declared": counts["declared"],
            "declared_url": url("projects:list", verification="declared", region=region.pk if region else None)}


def _investment(user: User, region: Region | None, year: int, as_of: date) -> dict:
    """Monthly completed investment (approved reports) this year and last, cumulative, against the year's plan
    spread evenly over the months; two aggregate queries."""
    projects = _project_scope(user, region).order_by().values("pk")
    months = (effective_reports().filter(project__in=projects, period__gte=date(year - 1, 1, 1),
                                         period__lte=date(year, 12, 1))
              .order_by().values("period").annotate(s=Sum("investment_month")))
    by_month = {(row["period"].year, row["period"].month): Decimal(row["s"] or 0) for row in months}
    plan = ProjectYearPlan.objects.filter(project__in=projects, year=year).aggregate(
        s=Sum("planned_investment"))["s"] or Decimal(0)
    last_month = as_of.month if as_of.year == year else 12

    def cumulative(y: int, upto: int) -> list[float | None]:
        total, out = Decimal(0), []
        for m in range(1, 13):
            total += by_month.get((y, m), Decimal(0))
            out.append(float(total) if m <= upto else None)
        return out

    region_id = region.pk if region else None
    return {
        "months": [_("month %(month)s") % {"month": m} for m in range(1, 13)],
        "links": [url("projects:reports", period=f"{year}-{m:02d}", status="approved", region=region_id)
                  for m in range(1, 13)],
        "series": [
            {"name": _("%(year)s completed, cumulative") % {"year": year}, "data": cumulative(year, last_month)},
            {"name": _("%(year)s plan, cumulative") % {"year": year},
             "data": [float(plan * m / 12) for m in range(1, 13)]},
            {"name": _("%(year)s completed, cumulative") % {"year": year - 1}, "data": cumulative(year - 1, 12)},
        ],
        "monthly": [{"name": _("%(year)s completed in the month") % {"year": year},
                     "data": [float(by_month[(year, m)]) if (year, m) in by_month else None
                              for m in range(1, 13)]}],
        "plan": plan,
        "completed": sum((by_month.get((year, m), Decimal(0)) for m in range(1, last_month + 1)), Decimal(0)),
    }


# --- attraction, dispatch, indicators, evaluation ------------------------------------------------------------

def _yi(amount: Decimal) -> str:
    """万元 → a plain number of 亿元: 10000.00 → "1", 150000 → "15"."""
    return f"{(Decimal(amount) / 10000).normalize():f}"


def _attraction(user: User, region: Region | None, year: int, as_of: date) -> list[Figure]:
    start = date(year, 1, 1)
    rows, total = attraction_kpis.county_kpis(user=user, date_from=start, date_to=as_of, as_of=as_of)
    if region is not None:
        total = next((r for r in rows if r.county is not None and r.county.pk == region.pk),
                     attraction_kpis.KpiRow(county=region))
    settings = attraction_settings()
    base = {"signed_from": start.isoformat(), "signed_to": as_of.isoformat(),
            "region": region.pk if region else None}
    agreements = "attraction:agreements"
    large, major = _yi(settings.tier_large), _yi(settings.tier_major)
    return [
        Figure(_("agreements signed this year"), total.signed, url(agreements, **base), "count",
               {"amount": total.signed_amount}),
        Figure(_("%(yi)s00M yuan and above") % {"yi": large}, total.large,
               url(agreements, **base, min_amount=settings.tier_large), "count", {"amount": total.large_amount}),
        Figure(_("%(yi)s00M yuan and above") % {"yi": major}, total.major,
               url(agreements, **base, min_amount=settings.tier_major), "count", {"amount": total.major_amount}),
        Figure(_("agreed investment"), total.signed_amount, url(agreements, **base, sort="-amount"), "money"),
        Figure(_("funds in place"), total.funds_to_date, url(agreements, **base, sort="-funds"), "money",
               {"rate": total.funds_rate}),
        Figure(_("new leads this year"), total.new_leads,
               url("attraction:leads", registered_from=start.isoformat(), registered_to=as_of.isoformat(),
                   region=region.pk if region else None), "count"),
    ]


def _overdue(user: User, region: Region | None) -> tuple[list[Figure], Figure]:
    region_id = region.pk if region else None
    rows = dispatch_selectors.overdue_by_unit(user=user, region_id=region_id)
    figures = [Figure(r.unit_name, r.count, url("dispatch:problems", unit=r.unit_id, overdue="on", region=region_id),
                      extra={"oldest": r.oldest_deadline, "level": r.max_level}) for r in rows[:OVERDUE_UNITS]]
    total = Figure(_("Overdue problems"), sum(r.count for r in rows),
                   url("dispatch:problems", overdue="on", region=region_id))
    return figures, total


def _indicators(user: User, region: Region | None) -> tuple[list[dict], str]:
    place = indicator_selectors.place_of(region) if region else indicator_selectors.default_place(user=user)
    table = indicator_selectors.monitor(user=user, focus=place.entity)
    rows = []
    for row in table.rows:
        cell = row.cells[0] if row.cells else None
        if cell is None or (cell.target is None and cell.rank is None):
            continue
        rows.append({"indicator": row.indicator, "cell": cell,
                     "url": url("indicators:trend", row.indicator.code, place=place.entity)})
    rows.sort(key=lambda r: (r["cell"].completion_pct is None, r["indicator"].pk))
    return rows[:INDICATOR_ROWS], str(table.period)


def _evaluation(user: User, region: Region | None) -> dict | None:
    run = evaluation_selectors.run_list(user=user, filters={"published": "yes"}).filter(
        job__status="succeeded").first()
    if run is None:
        return None
    qs = evaluation_selectors.result_queryset(user=user, run=run).filter(participates=True)
    if region is not None:
        qs = qs.filter(region_id=region.pk)  # result rows carry their county, as the run's `county` filter
    counts = dict(qs.order_by().values_list("klass").annotate(n=Count("pk")))
    levels = run.scheme.classes.levels if run.scheme.classes else ()
    county = region.pk if region else None
    return {"run": run, "url": url("evaluation:run", run.pk, county=county),
            "classes": [Figure(f"{lv.key} {lv.label}", counts.get(lv.key, 0),
                               url("evaluation:run", run.pk, klass=lv.key, county=county)) for lv in levels],
            "total": sum(counts.values())}


# --- the board -----------------------------------------------------------------------------------------------

def board(*, user: User, region: Region | None = None, as_of: date | None = None) -> Board:
    """The cockpit (region None: the user's whole jurisdiction) or one county's board."""
    as_of = as_of or timezone.localdate()
    year = as_of.year
    batches, rates, tiers, ranking = _project_kpis(user, region, year, as_of)
    overdue, overdue_total = _overdue(user, region)
    indicators, indicator_period = _indicators(user, region)
    return Board(region=region, year=year, as_of=as_of, batches=batches, rates=rates, tiers=tiers,
                 funnel=_funnel(user, region), investment=_investment(user, region, year, as_of),
                 ranking=ranking, attraction=_attraction(user, region, year, as_of), overdue=overdue,
                 overdue_total=overdue_total, indicators=indicators, indicator_period=indicator_period,
                 evaluation=_evaluation(user, region))


def county_get(*, user: User, region_id: int) -> Region:
    """A county in the user's jurisdiction (404 for anything else, including a county outside it)."""
    from devzone.core import selectors as core_selectors
    from devzone.core.errors import NotFound

    region = core_selectors.region_get(user=user, region_id=region_id)
    if region.level != Region.Level.COUNTY:
        raise NotFound("未找到该县(市、区)")
    return region
