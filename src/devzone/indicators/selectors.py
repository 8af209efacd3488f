"""Reads of the indicators, scoped by jurisdiction, and the derived figures pages show.

What a user sees (decision 0008):
- every figure (reported and official), target and flag of their own subtree (regions and the zones on them);
- the OFFICIAL figures of the ancestors of their jurisdiction (city, province), the benchmarks of gaps;
- the OFFICIAL figures of their siblings (the other counties of the city) only inside the computation of
  ranks: what reaches them is a rank, the number ranked, the rank change and the first-tier mark, never a
  sibling's figure. Lists and details hold only their own subtree; anything else answers 404.
Each page loads its figures in one query into a Polars frame and derives the rest with `analytics.py`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

import polars as pl
from django.db.models import Q, QuerySet
from django.utils import timezone

from devzone.core.errors import NotFound, ValidationFailed
from devzone.core.jurisdiction import get_in_scope, scope_for
from devzone.core.listing import apply_sort
from devzone.core.models import Region, User, Zone
from devzone.indicators import analytics
from devzone.indicators.models import ConsistencyFlag, Indicator, IndicatorValue, MonitorSettings, Target
from devzone.indicators.periods import Period, as_of

VALUE_SORTS = {"indicator": "indicator__sort_order", "period": "year", "region": "region__path",
               "value": "value", "source": "source", "updated": "updated_at"}
DISPLAY_SOURCES = ("official", "reported", "sum")  # "sum": a parent's total computed from its children
FRAME_SCHEMA = {"indicator": pl.String, "entity": pl.String, "year": pl.Int32, "month": pl.Int32,
                "value": pl.Float64, "source": pl.String, "stated_growth": pl.Float64}


# --- settings and catalog -------------------------------------------------------------------------------------

def monitor_settings() -> MonitorSettings:
    """The thresholds row (created with its defaults if a flush removed it)."""
    settings, _created = MonitorSettings.objects.get_or_create(pk=1)
    return settings


def indicator_list(*, active_only: bool = True) -> QuerySet[Indicator]:
    qs = Indicator.objects.all()
    return qs.filter(active=True) if active_only else qs


def indicator_get(*, key: str | int) -> Indicator:
    """An indicator by id or code (404 when there is none)."""
    qs = Indicator.objects.all()
    lookup = {"pk": int(key)} if str(key).isdigit() else {"code": str(key)}
    return get_in_scope(qs, **lookup)


def catalog_of(indicators: Iterable[Indicator]) -> pl.DataFrame:
    return analytics.catalog_frame([
        {"indicator": i.code, "basis": i.basis, "frequency": i.frequency, "is_rate": i.is_rate,
         "is_share": i.is_share, "direction": i.direction, "rank_basis": i.rank_basis,
         "aggregation": i.aggregation} for i in indicators])


# --- places and visibility ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Place:
    """A region or a zone as the analytics see it: `entity` is "r12" or "z3"."""

    entity: str
    pk: int
    kind: str            # "region" | "zone"
    name: str
    level: str           # the region's level, or "zone"
    path: str            # the region's path (a zone's: its region's)
    parent_id: int | None  # parent region (a zone: its region)

    @property
    def ancestor_ids(self) -> list[int]:
        ids = [int(part) for part in self.path.strip("/").split("/") if part]
        return ids if self.kind == "zone" else ids[:-1]

    @property
    def is_region(self) -> bool:
        return self.kind == "region"

    def __str__(self) -> str:
        return self.name


def place_of(obj: Region | Zone) -> Place:
    if isinstance(obj, Zone):
        return Place(entity=f"z{obj.pk}", pk=obj.pk, kind="zone", name=obj.short_name or obj.name, level="zone",
                     path=obj.region.path, parent_id=obj.region_id)
    return Place(entity=f"r{obj.pk}", pk=obj.pk, kind="region", name=obj.name, level=obj.level, path=obj.path,
                 parent_id=obj.parent_id)


def place_get(*, user: User, entity: str) -> Place:
    """A region ("r12") or zone ("z3") inside the user's own subtree (404 otherwise, ancestors included)."""
    scope = scope_for(user)
    text = str(entity or "")
    if len(text) < 2 or text[0] not in "rz" or not text[1:].isdigit():
        raise NotFound()
    if text[0] == "r":
        return place_of(get_in_scope(Region.objects.filter(scope.region_q("")), pk=int(text[1:])))
    return place_of(get_in_scope(Zone.objects.filter(scope.region_q()).select_related("region"), pk=int(text[1:])))


def default_place(*, user: User) -> Place:
    """The root of the user's jurisdiction (for administrators: the first city)."""
    scope = scope_for(user)
    if scope.empty:
        raise NotFound()
    if scope.region_id is not None:
        return place_of(Region.objects.get(pk=scope.region_id))
    region = (Region.objects.filter(level=Region.Level.CITY).order_by("path").first()
              or Region.objects.order_by("path").first())
    if region is None:
        raise NotFound()
    return place_of(region)


def own_q(user: User) -> Q:
    """Rows (values, targets, flags) whose region or zone lies in the user's subtree."""
    scope = scope_for(user)
    return scope.region_q("region") | scope.region_q("zone__region")


def peer_q(user: User) -> Q:
    """Official region figures a user may use beyond their subtree: their ancestors' and their siblings'."""
    scope = scope_for(user)
    if scope.unrestricted or scope.region_path is None:
        return Q(pk__in=[])
    ids = [int(part) for part in scope.region_path.strip("/").split("/") if part]
    ancestors = ids[:-1]
    if not ancestors:
        return Q(pk__in=[])
    return Q(source=IndicatorValue.Source.OFFICIAL, zone__isnull=True) & (
        Q(region_id__in=ancestors) | Q(region__parent_id=ancestors[-1]))


def visible_q(user: User) -> Q:
    return own_q(user) | peer_q(user)


def neighbourhood_q(places: Sequence[Place]) -> Q:
    """Figures the analysis of `places` needs: each region with its siblings and ancestors; each zone with the
    other zones of its region and that region."""
    q = Q(pk__in=[])
    region_ids: set[int] = set()
    parents: set[int] = set()
    zone_regions: set[int] = set()
    for place in places:
        region_ids.update(place.ancestor_ids)
        if place.is_region:
            region_ids.add(place.pk)
            if place.parent_id:
                parents.add(place.parent_id)
        else:
            zone_regions.add(place.parent_id)
    if region_ids:
        q |= Q(region_id__in=sorted(region_ids))
    if parents:
        q |= Q(region__parent_id__in=sorted(parents))
    if zone_regions:
        q |= Q(zone__region_id__in=sorted(zone_regions))
    return q


# --- values: lists and details (own subtree only) -------------------------------------------------------------

def value_queryset(*, user: User) -> QuerySet[IndicatorValue]:
    return IndicatorValue.objects.filter(own_q(user)).select_related(
        "indicator", "region", "zone__region", "entered_by")


def value_list(*, user: User, filters: Mapping | None = None) -> QuerySet[IndicatorValue]:
    """Values in the user's subtree; filters: indicator (id or code), region (subtree), zone, year, month, period,
    source, sort."""
    filters = filters or {}
    qs = value_queryset(user=user)
    if filters.get("indicator"):
        key = str(filters["indicator"])
        qs = qs.filter(indicator_id=int(key)) if key.isdigit() else qs.filter(indicator__code=key)
    if filters.get("region"):
        region = Region.objects.filter(pk=filters["region"]).only("path").first()
        qs = qs.filter(Q(region__path__startswith=region.path) | Q(zone__region__path__startswith=region.path)) \
            if region else qs.none()
    if filters.get("zone"):
        qs = qs.filter(zone_id=filters["zone"])
    if filters.get("period"):
        period = Period.parse(filters["period"])
        qs = qs.filter(year=period.year, month=period.month)
    for key in ("year", "month", "source"):
        if filters.get(key):
            qs = qs.filter(**{key: filters[key]})
    return apply_sort(qs, filters.get("sort"), VALUE_SORTS,
                      default=("-year", "-month", "indicator__sort_order", "region__path", "zone__name", "source"))


def value_get(*, user: User, value_id: int) -> IndicatorValue:
    return get_in_scope(value_queryset(user=user), pk=value_id)


def target_queryset(*, user: User) -> QuerySet[Target]:
    return Target.objects.filter(own_q(user)).select_related("indicator", "region", "zone__region", "set_by")


def target_list(*, user: User, filters: Mapping | None = None) -> QuerySet[Target]:
    filters = filters or {}
    qs = target_queryset(user=user)
    if filters.get("indicator"):
        key = str(filters["indicator"])
        qs = qs.filter(indicator_id=int(key)) if key.isdigit() else qs.filter(indicator__code=key)
    if filters.get("year"):
        qs = qs.filter(year=filters["year"])
    if filters.get("region"):
        qs = qs.filter(region_id=filters["region"])
    return qs.order_by("-year", "indicator__sort_order", "region__path", "zone__name", "pk")


def target_get(*, user: User, target_id: int) -> Target:
    return get_in_scope(target_queryset(user=user), pk=target_id)


def flag_queryset(*, user: User) -> QuerySet[ConsistencyFlag]:
    return ConsistencyFlag.objects.filter(own_q(user)).select_related(
        "indicator", "region", "zone__region", "explained_by", "closed_by")


def flag_list(*, user: User, filters: Mapping | None = None) -> QuerySet[ConsistencyFlag]:
    filters = filters or {}
    qs = flag_queryset(user=user)
    if filters.get("period"):
        period = Period.parse(filters["period"])
        qs = qs.filter(year=period.year, month=period.month)
    for key in ("status", "rule"):
        if filters.get(key):
            qs = qs.filter(**{key: filters[key]})
    if filters.get("indicator"):
        key = str(filters["indicator"])
        qs = qs.filter(indicator_id=int(key)) if key.isdigit() else qs.filter(indicator__code=key)
    return qs.order_by("-year", "-month", "status", "rule", "region__path", "pk")


def flag_get(*, user: User, flag_id: int) -> ConsistencyFlag:
    return get_in_scope(flag_queryset(user=user), pk=flag_id)


def latest_period(*, user: User) -> Period:
    """The latest month with a figure in the user's subtree (this month when there is none)."""
    row = (IndicatorValue.objects.filter(own_q(user)).order_by("-year", "-month")
           .values_list("year", "month").first())
    if row:
        return Period(*row)
    today = timezone.localdate()
    return Period(today.year, today.month)


# --- frames ---------------------------------------------------------------------------------------------------

def _num(value) -> float | None:
    return None if value is None else float(value)


def values_frame(*, user: User, q: Q, first_year: int, last_year: int,
                 indicators: Sequence[Indicator] | None = None) -> tuple[pl.DataFrame, dict[str, dict]]:
    """Figures the user may use matching `q` for the years, in one query, as a long Polars frame; with the
    places they belong to ({entity: {name, rank_group, benchmark}})."""
    qs = IndicatorValue.objects.filter(q, visible_q(user), year__gte=first_year, year__lte=last_year)
    if indicators is not None:
        qs = qs.filter(indicator_id__in=[i.pk for i in indicators])
    rows = qs.order_by().values_list(
        "indicator__code", "region_id", "zone_id", "region__parent_id", "zone__region_id", "region__name",
        "zone__short_name", "zone__name", "year", "month", "value", "source", "stated_growth")
    records = []
    places: dict[str, dict] = {}
    for (code, region_id, zone_id, parent_id, zone_region_id, region_name, zone_short, zone_name, year, month,
         value, source, stated) in rows:
        entity = f"r{region_id}" if region_id else f"z{zone_id}"
        if entity not in places:
            places[entity] = ({"name": region_name, "rank_group": f"r{parent_id}" if parent_id else None,
                               "benchmark": f"r{parent_id}" if parent_id else None} if region_id else
                              {"name": zone_short or zone_name, "rank_group": f"zones-of-r{zone_region_id}",
                               "benchmark": f"r{zone_region_id}"})
        records.append((code, entity, year, month, _num(value), source, _num(stated)))
    frame = pl.DataFrame(records, schema=FRAME_SCHEMA, orient="row")
    return frame, places


def _place_columns(frame: pl.DataFrame, places: Mapping[str, dict]) -> pl.DataFrame:
    groups = {entity: info["rank_group"] for entity, info in places.items()}
    benchmarks = {entity: info["benchmark"] for entity, info in places.items()}
    return frame.with_columns(
        rank_group=pl.col("entity").replace_strict(groups, default=None, return_dtype=pl.String),
        benchmark=pl.col("entity").replace_strict(benchmarks, default=None, return_dtype=pl.String))


def targets_frame(*, user: User, years: Sequence[int], indicators: Sequence[Indicator]) -> pl.DataFrame:
    rows = (Target.objects.filter(own_q(user), year__in=list(years), indicator_id__in=[i.pk for i in indicators])
            .order_by().values_list("indicator__code", "region_id", "zone_id", "year", "amount", "growth"))
    return pl.DataFrame(
        [(code, f"r{region_id}" if region_id else f"z{zone_id}", year, _num(amount), _num(growth))
         for code, region_id, zone_id, year, amount, growth in rows],
        schema={"indicator": pl.String, "entity": pl.String, "year": pl.Int32, "target_amount": pl.Float64,
                "target_growth": pl.Float64}, orient="row")


def analyse(*, raw: pl.DataFrame, places: Mapping[str, dict], catalog: pl.DataFrame, targets: pl.DataFrame,
            settings: MonitorSettings, benchmark: str | None = None) -> pl.DataFrame:
    """Everything a page shows per indicator, entity and period: the preferred figure (official, else reported)
    derived into month/year-to-date/growth, ranks among siblings from official figures only, target progress
    and the gap to the benchmark (each place's parent, or `benchmark` for all)."""
    if raw.is_empty():
        return pl.DataFrame()
    display = analytics.derive(analytics.prefer_source(raw, order=DISPLAY_SOURCES), catalog)
    display = _place_columns(display, places)
    official = analytics.derive(raw.filter(pl.col("source") == "official").drop("source"), catalog)
    official = _place_columns(analytics.rank_metric(official), places)
    ranks = (analytics.rank_among_siblings(official, tier_parts=settings.first_tier_parts)
             .filter(pl.col("ranked") >= 2)  # a place without siblings to compare with has no rank
             .select(["indicator", "entity", "year", "month", "rank", "ranked", "rank_prev", "rank_change",
                      "first_tier"]))
    display = display.join(ranks, on=["indicator", "entity", "year", "month"], how="left")
    progress = analytics.time_progress(
        display, targets, yellow=float(settings.light_yellow_lag_points), red=float(settings.light_red_lag_points))
    display = display.join(progress.select(["indicator", "entity", "year", "month", "target", "completion_pct",
                                            "elapsed_pct", "elapsed_basis", "lag_points", "projection",
                                            "projection_pct", "light"]),
                           on=["indicator", "entity", "year", "month"], how="left")
    display = display.with_columns(gap_metric=pl.when(pl.col("is_rate")).then(pl.col("ytd_value"))
                                   .otherwise(pl.col("yoy")))
    if benchmark:
        display = display.with_columns(benchmark=pl.lit(benchmark))
    return analytics.gap_to_benchmark(display, display, metric="gap_metric", on="benchmark", out="gap")


# --- what pages show ------------------------------------------------------------------------------------------

@dataclass
class Cell:
    """One indicator for one place as of a period; figures in the indicator's unit, rates in % or points."""

    period: Period
    source: str = ""
    month_value: float | None = None
    ytd_value: float | None = None
    yoy: float | None = None
    yoy_is_stated: bool = False
    yoy_month: float | None = None
    two_year_avg: float | None = None
    rank: int | None = None
    ranked: int | None = None
    rank_change: int | None = None
    first_tier: bool = False
    target: float | None = None
    completion_pct: float | None = None
    elapsed_pct: float | None = None
    elapsed_basis: str | None = None
    lag_points: float | None = None
    projection: float | None = None
    projection_pct: float | None = None
    light: str = ""
    gap: float | None = None
    gap_benchmark: float | None = None

    @classmethod
    def from_row(cls, period: Period, row: Mapping) -> Cell:
        names = cls.__dataclass_fields__
        data = {k: v for k, v in row.items() if k in names and k != "period" and v is not None}
        return cls(period=period, **data)


@dataclass
class MonitorRow:
    indicator: Indicator
    period: Period
    cells: list[Cell | None]


@dataclass
class Monitor:
    period: Period
    focus: Place
    columns: list[Place]
    rows: list[MonitorRow]
    settings: MonitorSettings
    benchmark: Place | None = None


def _cells_at(frame: pl.DataFrame, indicators: Sequence[Indicator], period: Period) -> dict[tuple[str, str], Cell]:
    """The cell of every (indicator, entity) as of `period` (quarterly and annual indicators: their latest)."""
    if frame.is_empty():
        return {}
    wanted = pl.DataFrame(
        [(i.code, as_of(period, i.frequency).year, as_of(period, i.frequency).month) for i in indicators],
        schema={"indicator": pl.String, "year": pl.Int32, "month": pl.Int32}, orient="row")
    rows = frame.join(wanted, on=["indicator", "year", "month"], how="semi")
    return {(row["indicator"], row["entity"]): Cell.from_row(Period(row["year"], row["month"]), row)
            for row in rows.to_dicts()}


def monitor(*, user: User, period: Period | str | None = None, focus: str | None = None,
            benchmark: str | None = None, indicators: Sequence[Indicator] | None = None) -> Monitor:
    """The monitor table: indicators down; the focus region (default: the user's jurisdiction), its child regions
    and its zones across. A fixed number of queries whatever the number of places and indicators."""
    period = Period.parse(period) if period else latest_period(user=user)
    place = place_get(user=user, entity=focus) if focus else default_place(user=user)
    indicators = list(indicators if indicators is not None else indicator_list())
    bench = _benchmark_place(user=user, place=place, entity=benchmark)
    settings = monitor_settings()
    children = []
    if place.is_region:
        children = [place_of(r) for r in Region.objects.filter(parent_id=place.pk).order_by("sort_order", "path")]
        children += [place_of(z) for z in Zone.objects.filter(region_id=place.pk).select_related("region")
                     .order_by("name")]
    raw, places = values_frame(user=user, q=neighbourhood_q([place, *children]), first_year=period.year - 3,
                               last_year=period.year, indicators=indicators)
    catalog = catalog_of(indicators)
    raw = with_totals(raw, catalog, parent=place, children=[c for c in children if c.is_region])
    frame = analyse(raw=raw, places=places, catalog=catalog,
                    targets=targets_frame(user=user, years=[period.year - 1, period.year], indicators=indicators),
                    settings=settings, benchmark=bench.entity if bench else None)
    cells = _cells_at(frame, indicators, period)
    columns = [place] + [c for c in children if any(key[1] == c.entity for key in cells)]
    rows = [MonitorRow(indicator=i, period=as_of(period, i.frequency),
                       cells=[cells.get((i.code, c.entity)) for c in columns]) for i in indicators]
    return Monitor(period=period, focus=place, columns=columns, rows=rows, settings=settings, benchmark=bench)


def with_totals(raw: pl.DataFrame, catalog: pl.DataFrame, *, parent: Place, children: Sequence[Place]) -> pl.DataFrame:
    """Add the parent's total (source "sum") for summable indicators and periods where the parent has no figure of
    its own and every child region has an official one; shown after official and reported figures."""
    if raw.is_empty() or not children:
        return raw
    official = raw.filter(pl.col("source") == "official").join(catalog.select("indicator", "aggregation"),
                                                               on="indicator", how="inner")
    totals = analytics.aggregate_children(official, parent_of={c.entity: parent.entity for c in children},
                                          expected={parent.entity: len(children)})
    present = raw.filter(pl.col("entity") == parent.entity).select("indicator", "year", "month").unique()
    totals = totals.join(present, on=["indicator", "year", "month"], how="anti").with_columns(
        source=pl.lit("sum"), stated_growth=pl.lit(None, dtype=pl.Float64))
    return pl.concat([raw, totals.select(raw.columns).cast(raw.schema)])


def _benchmark_place(*, user: User, place: Place, entity: str | None) -> Place | None:
    """A chosen benchmark must be the place itself or one of its ancestors (whose official figures are visible)."""
    if not entity:
        return None
    if not entity.startswith("r") or not entity[1:].isdigit():
        raise NotFound()
    region_id = int(entity[1:])
    if region_id not in [*place.ancestor_ids, place.pk if place.is_region else -1]:
        raise NotFound()
    return place_of(Region.objects.get(pk=region_id))


def benchmark_choices(*, place: Place) -> list[Place]:
    ids = place.ancestor_ids
    regions = {r.pk: r for r in Region.objects.filter(pk__in=ids)}
    return [place_of(regions[i]) for i in reversed(ids) if i in regions]


@dataclass
class ProfileRow:
    indicator: Indicator
    cell: Cell | None
    reported: float | None
    official: float | None


@dataclass
class Profile:
    place: Place
    period: Period
    rows: list[ProfileRow]
    flags: list[ConsistencyFlag]
    settings: MonitorSettings


def region_profile(*, user: User, entity: str, period: Period | str | None = None) -> Profile:
    """One region or zone: every indicator as of the period with growth, two-year average, rank and its change,
    first tier, gap to the parent, target progress, and its reported and official figures side by side."""
    place = place_get(user=user, entity=entity)
    period = Period.parse(period) if period else latest_period(user=user)
    indicators = list(indicator_list())
    settings = monitor_settings()
    raw, places = values_frame(user=user, q=neighbourhood_q([place]), first_year=period.year - 3,
                               last_year=period.year, indicators=indicators)
    frame = analyse(raw=raw, places=places, catalog=catalog_of(indicators),
                    targets=targets_frame(user=user, years=[period.year - 1, period.year], indicators=indicators),
                    settings=settings)
    cells = _cells_at(frame, indicators, period)
    mine = raw.filter(pl.col("entity") == place.entity)
    by_source = {(r["indicator"], r["year"], r["month"], r["source"]): r["value"] for r in mine.to_dicts()}
    rows = []
    for indicator in indicators:
        at = as_of(period, indicator.frequency)
        rows.append(ProfileRow(indicator=indicator, cell=cells.get((indicator.code, place.entity)),
                               reported=by_source.get((indicator.code, at.year, at.month, "reported")),
                               official=by_source.get((indicator.code, at.year, at.month, "official"))))
    place_filter = {"region_id": place.pk} if place.is_region else {"zone_id": place.pk}
    flags = list(flag_queryset(user=user).filter(**place_filter, status=ConsistencyFlag.Status.OPEN)
                 .order_by("-year", "-month", "pk")[:50])
    return Profile(place=place, period=period, rows=rows, flags=flags, settings=settings)


@dataclass
class TrendPoint:
    period: Period
    month_value: float | None
    ytd_value: float | None
    yoy: float | None
    last_year_ytd: float | None
    target_path: float | None
    projection_path: float | None
    rank: int | None
    ranked: int | None


@dataclass
class Trend:
    indicator: Indicator
    place: Place
    year: int
    points: list[TrendPoint]
    target: float | None
    projection: float | None
    latest: Period | None
    elapsed_basis: str | None
    history: list[dict]  # every derived row of the place (three years back), oldest first


def trend(*, user: User, indicator: Indicator, entity: str, year: int | None = None) -> Trend:
    """One indicator for one place through a year: month and year-to-date figures, last year's line, the target
    path (the target spread by last year's profile or the calendar), the projection to December and the rank."""
    place = place_get(user=user, entity=entity)
    year = year or latest_period(user=user).year
    settings = monitor_settings()
    raw, places = values_frame(user=user, q=neighbourhood_q([place]), first_year=year - 3, last_year=year,
                               indicators=[indicator])
    frame = analyse(raw=raw, places=places, catalog=catalog_of([indicator]),
                    targets=targets_frame(user=user, years=[year], indicators=[indicator]), settings=settings)
    mine = frame.filter(pl.col("entity") == place.entity).sort("year", "month") if not frame.is_empty() \
        else pl.DataFrame()
    rows = {(r["year"], r["month"]): r for r in mine.to_dicts()} if not mine.is_empty() else {}
    this_year = [r for (y, _m), r in sorted(rows.items()) if y == year]
    latest_row = next((r for r in reversed(this_year) if r.get("ytd_value") is not None), None)
    latest = Period(year, latest_row["month"]) if latest_row else None
    profile = {m: r["ytd_value"] for (y, m), r in rows.items() if y == year - 1 and r.get("ytd_value") is not None}
    target = None
    if this_year and this_year[-1].get("target") is not None:
        target = this_year[-1]["target"]
    projection = latest_row.get("projection") if latest_row else None
    use_profile = bool(latest_row and latest_row.get("elapsed_basis") == "profile")
    share_profile = profile if use_profile else None
    points = []
    for month in range(1, 13):
        row = rows.get((year, month), {})
        share = analytics.elapsed_share(month, share_profile)
        last = rows.get((year - 1, month), {})
        projected = None
        if projection is not None and latest and month >= latest.month:
            projected = projection * share if month > latest.month else latest_row["ytd_value"]
        points.append(TrendPoint(
            period=Period(year, month), month_value=row.get("month_value"), ytd_value=row.get("ytd_value"),
            yoy=row.get("yoy"), last_year_ytd=last.get("ytd_value"),
            target_path=target * share if target is not None and indicator.basis != "point" else target,
            projection_path=projected, rank=row.get("rank"), ranked=row.get("ranked")))
    history = [r for _k, r in sorted(rows.items())]
    return Trend(indicator=indicator, place=place, year=year, points=points, target=target, projection=projection,
                 latest=latest, elapsed_basis=latest_row.get("elapsed_basis") if latest_row else None,
                 history=history)


@dataclass
class Gap:
    indicator: Indicator
    place_name: str
    entity: str
    reported: float
    official: float
    diff: float
    diff_pct: float | None
    exceeds: bool


@dataclass
class Reconciliation:
    period: Period
    threshold: Decimal
    gaps: list[Gap]
    total: int
    exceeding: int


def reconciliation(*, user: User, period: Period | str | None = None, only_exceeding: bool = False,
                   limit: int | None = None) -> Reconciliation:
    """Reported against official in the user's subtree for one month, largest gaps first (the configured
    threshold decides which count as gaps; the configured top N are listed unless `limit` says otherwise)."""
    period = Period.parse(period) if period else latest_period(user=user)
    settings = monitor_settings()
    indicators = {i.code: i for i in indicator_list()}
    raw, places = values_frame(user=user, q=own_q(user), first_year=period.year, last_year=period.year)
    raw = raw.filter(pl.col("month") == period.month)
    table = analytics.reconcile(raw, threshold_pct=float(settings.reconciliation_threshold_pct))
    table = table.filter(pl.col("indicator").is_in(list(indicators)))
    exceeding = table.filter(pl.col("exceeds"))
    shown = exceeding if only_exceeding else table
    limit = settings.reconciliation_top_n if limit is None else limit
    gaps = [Gap(indicator=indicators[r["indicator"]], place_name=places[r["entity"]]["name"], entity=r["entity"],
                reported=r["reported"], official=r["official"], diff=r["diff"], diff_pct=r["diff_pct"],
                exceeds=r["exceeds"]) for r in shown.head(limit).to_dicts()]
    return Reconciliation(period=period, threshold=settings.reconciliation_threshold_pct, gaps=gaps,
                          total=table.height, exceeding=exceeding.height)


@dataclass
class BreakdownLine:
    place: Place
    last_year: Decimal
    share: Decimal
    annual: Decimal
    quarters: tuple[Decimal, Decimal, Decimal, Decimal]


def target_breakdown(*, user: User, indicator: Indicator, entity: str, year: int,
                     total: Decimal) -> list[BreakdownLine]:
    """Split a parent's annual target into its child regions' by their shares of last year's figure (official,
    else reported), and each into quarters by its own last-year quarterly profile."""
    place = place_get(user=user, entity=entity)
    if not place.is_region:
        raise ValidationFailed("只有行政区划的目标可以向下分解")
    if indicator.aggregation != Indicator.Aggregation.SUM:
        raise ValidationFailed(f"「{indicator.name}」不可跨地区加总,不能按份额分解")
    children = [place_of(r) for r in Region.objects.filter(parent_id=place.pk).order_by("sort_order", "path")]
    if not children:
        raise ValidationFailed(f"「{place.name}」没有下级行政区划")
    raw, _places = values_frame(user=user, q=Q(region__parent_id=place.pk), first_year=year - 1,
                                last_year=year - 1, indicators=[indicator])
    derived = analytics.derive(analytics.prefer_source(raw), catalog_of([indicator])) if not raw.is_empty() \
        else pl.DataFrame(schema={"entity": pl.String, "month": pl.Int32, "ytd_value": pl.Float64})
    ytd = {(r["entity"], r["month"]): r["ytd_value"] for r in derived.to_dicts()}
    last_year_rows = []
    for child in children:
        quarter_ends = [ytd.get((child.entity, m)) for m in (3, 6, 9, 12)]
        quarters = {}
        if all(v is not None for v in quarter_ends):
            previous = 0.0
            for number, value in enumerate(quarter_ends, start=1):
                quarters[f"q{number}"] = value - previous
                previous = value
        last_year_rows.append({"entity": child.entity, "annual": ytd.get((child.entity, 12)) or 0.0, **quarters})
    frame = pl.DataFrame(last_year_rows, schema={"entity": pl.String, "annual": pl.Float64, "q1": pl.Float64,
                                                 "q2": pl.Float64, "q3": pl.Float64, "q4": pl.Float64})
    by_entity = {c.entity: c for c in children}
    return [BreakdownLine(place=by_entity[row.entity], last_year=Decimal(str(round(float(row.last_year), 4))),
                          share=row.share, annual=row.annual, quarters=row.quarters)
            for row in analytics.breakdown_target(total, frame)]
