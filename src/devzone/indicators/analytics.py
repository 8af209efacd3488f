"""Derived figures of the economic indicators, computed on demand and never stored: pure functions over Polars
frames (no Django import), so that they are tested on hand-built frames and run the same for a page or a batch.

The frames are long: one row per indicator, entity (a region "r12" or a zone "z3"), year and month, with
`value` as Float64. Extra key columns (such as `source`) are carried through by passing them in `by`.
Growth rates are in percent (6.0 means +6%); for indicators measured in percent (`is_rate`) a change is the
difference in percentage points instead. Thresholds are parameters: callers pass the configured values.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import polars as pl

KEYS: tuple[str, ...] = ("indicator", "entity")
RANK_DIGITS = 6  # ranks compare figures rounded here, so float noise (1.0000000001 vs 1.0) never breaks a tie
STEP_BY_FREQUENCY = {"monthly": 1, "quarterly": 3, "annual": 12}


def _period_index() -> pl.Expr:
    return pl.col("year").cast(pl.Int64) * 12 + pl.col("month").cast(pl.Int64) - 1


def _steps(df: pl.DataFrame) -> pl.Expr:
    return pl.col("step") if "step" in df.columns else pl.lit(1)


def catalog_frame(rows: Sequence[dict]) -> pl.DataFrame:
    """The catalog as a frame: indicator, basis, frequency, is_rate, is_share, direction, rank_basis, aggregation."""
    schema = {"indicator": pl.String, "basis": pl.String, "frequency": pl.String, "is_rate": pl.Boolean,
              "is_share": pl.Boolean, "direction": pl.String, "rank_basis": pl.String, "aggregation": pl.String}
    frame = pl.DataFrame(list(rows), schema=schema, orient="row") if rows else pl.DataFrame(schema=schema)
    return frame.with_columns(step=pl.col("frequency").replace_strict(STEP_BY_FREQUENCY, default=1,
                                                                      return_dtype=pl.Int32))


# --- month value ↔ year-to-date (累计) ------------------------------------------------------------------------

def months_from_cumulative(df: pl.DataFrame, *, by: Sequence[str] = KEYS, value: str = "value",
                           out: str = "month_value") -> pl.DataFrame:
    """The figure of each month (or quarter) from year-to-date figures.

    January (the first period of the year) is its own year-to-date figure; later periods subtract the figure of
    the period before in the same year, so a year boundary never subtracts December from January. A period whose
    predecessor in that year is missing gets null (the difference would silently cover several months).
    """
    group = [*by, "year"]
    step = _steps(df)
    ordered = df.sort([*group, "month"])
    prev_value = pl.col(value).shift(1).over(group)
    prev_month = pl.col("month").shift(1).over(group)
    return ordered.with_columns(
        pl.when(pl.col("month") == step).then(pl.col(value))
        .when(prev_month == pl.col("month") - step).then(pl.col(value) - prev_value)
        .otherwise(None).alias(out))


def cumulative_from_months(df: pl.DataFrame, *, by: Sequence[str] = KEYS, value: str = "value",
                           out: str = "ytd_value") -> pl.DataFrame:
    """Year-to-date figures from monthly ones, restarting every January; null once a month of the year is missing."""
    group = [*by, "year"]
    step = _steps(df)
    ordered = df.sort([*group, "month"])
    seen = pl.col(value).is_not_null().cast(pl.Int32).cum_sum().over(group)
    running = pl.col(value).fill_null(0.0).cum_sum().over(group)
    return ordered.with_columns(
        pl.when(seen == pl.col("month") // step).then(running).otherwise(None).alias(out))


# --- year on year (同比) -----------------------------------------------------------------------------------------

def year_on_year(df: pl.DataFrame, *, by: Sequence[str] = KEYS, value: str = "value", out: str = "yoy",
                 rate_col: str | None = "is_rate") -> pl.DataFrame:
    """Growth over the same period of the previous year: adds `<out>_prev` (last year's figure) and `<out>`.

    Null when last year's figure is missing or not positive (a growth rate over zero or a loss means nothing).
    Rows whose `rate_col` is true get the change in percentage points instead.
    """
    keys = [*by, "year", "month"]
    last_year = df.select([*by, (pl.col("year") + 1).alias("year"), "month", pl.col(value).alias(f"{out}_prev")])
    joined = df.join(last_year.unique(subset=keys, keep="first"), on=keys, how="left")
    current, previous = pl.col(value), pl.col(f"{out}_prev")
    growth = pl.when(previous > 0).then((current / previous - 1) * 100).otherwise(None)
    if rate_col and rate_col in df.columns:
        growth = pl.when(pl.col(rate_col)).then(current - previous).otherwise(growth)
    return joined.with_columns(growth.alias(out))


def growth_rate(current: float | None, previous: float | None) -> float | None:
    """(current / previous − 1) × 100, or None when it cannot be computed."""
    if current is None or previous is None or previous <= 0:
        return None
    return (current / previous - 1) * 100


def two_year_average_growth(first: float | None, second: float | None) -> float | None:
    """两年平均增速 from two consecutive annual growth rates in percent: √((1+g1)(1+g2)) − 1."""
    if first is None or second is None:
        return None
    product = (1 + first / 100) * (1 + second / 100)
    if product < 0:
        return None
    return (math.sqrt(product) - 1) * 100


def two_year_average(df: pl.DataFrame, *, by: Sequence[str] = KEYS, value: str = "ytd_value", growth: str = "yoy",
                     out: str = "two_year_avg") -> pl.DataFrame:
    """Two-year average growth per row: from the figure two years earlier when there is one (√(v/v₋₂) − 1),
    else from this year's and last year's growth rates; points per year for rate indicators."""
    keys = [*by, "year", "month"]
    back2 = df.select([*by, (pl.col("year") + 2).alias("year"), "month", pl.col(value).alias("_v2")])
    back1 = df.select([*by, (pl.col("year") + 1).alias("year"), "month", pl.col(growth).alias("_g1")])
    joined = (df.join(back2.unique(subset=keys, keep="first"), on=keys, how="left")
              .join(back1.unique(subset=keys, keep="first"), on=keys, how="left"))
    current = pl.col(value)
    from_values = pl.when((pl.col("_v2") > 0) & (current >= 0)).then(((current / pl.col("_v2")).sqrt() - 1) * 100)
    product = (1 + pl.col(growth) / 100) * (1 + pl.col("_g1") / 100)
    from_growth = pl.when(product >= 0).then((product.sqrt() - 1) * 100)
    result = pl.coalesce(from_values.otherwise(None), from_growth.otherwise(None))
    if "is_rate" in df.columns:
        result = pl.when(pl.col("is_rate")).then((current - pl.col("_v2")) / 2).otherwise(result)
    return joined.with_columns(result.alias(out)).drop("_v2", "_g1")


# --- the derived frame a page shows ---------------------------------------------------------------------------

def derive(values: pl.DataFrame, catalog: pl.DataFrame, *, by: Sequence[str] = KEYS) -> pl.DataFrame:
    """Month value, year-to-date value, growth and two-year average for every row of `values`.

    `values` holds indicator, entity, year, month, value and stated_growth (the rate as a report states it, or
    null). The stated rate is kept where there is one (`yoy` or `yoy_month`, with `yoy_is_stated`); the computed
    one stays beside it (`yoy_calc`, `yoy_month_calc`) so that reconciliation can compare the two.
    Point indicators (stocks and rates) have no month/year-to-date split: both columns carry the figure.
    """
    if "stated_growth" not in values.columns:
        values = values.with_columns(stated_growth=pl.lit(None, dtype=pl.Float64))
    frame = values.join(catalog, on="indicator", how="inner")
    frame = months_from_cumulative(frame, by=by, value="value", out="_m_from_ytd")
    frame = cumulative_from_months(frame, by=by, value="value", out="_ytd_from_m")
    basis = pl.col("basis")
    frame = frame.with_columns(
        month_value=pl.when(basis == "ytd").then(pl.col("_m_from_ytd")).otherwise(pl.col("value")),
        ytd_value=pl.when(basis == "month").then(pl.col("_ytd_from_m")).otherwise(pl.col("value")),
    ).drop("_m_from_ytd", "_ytd_from_m")
    frame = year_on_year(frame, by=by, value="ytd_value", out="yoy_calc")
    frame = year_on_year(frame, by=by, value="month_value", out="yoy_month_calc")
    stated = pl.col("stated_growth")
    frame = frame.with_columns(
        yoy=pl.when(stated.is_not_null() & (basis != "month")).then(stated).otherwise(pl.col("yoy_calc")),
        yoy_month=pl.when(stated.is_not_null() & (basis == "month")).then(stated)
        .otherwise(pl.col("yoy_month_calc")),
        yoy_is_stated=stated.is_not_null(),
    )
    return two_year_average(frame, by=by, value="ytd_value", growth="yoy")


def prefer_source(df: pl.DataFrame, order: Sequence[str] = ("official", "reported"),
                  by: Sequence[str] = KEYS) -> pl.DataFrame:
    """One row per key and period: the first source of `order` that has a figure (official before reported)."""
    rank = {name: position for position, name in enumerate(order)}
    return (df.filter(pl.col("source").is_in(list(order)))
            .with_columns(_pref=pl.col("source").replace_strict(rank, return_dtype=pl.Int32))
            .sort([*by, "year", "month", "_pref"])
            .unique(subset=[*by, "year", "month"], keep="first", maintain_order=True)
            .drop("_pref"))


# --- ranks among siblings -------------------------------------------------------------------------------------

def competition_rank(df: pl.DataFrame, *, metric: str, group: Sequence[str], direction: str = "direction",
                     out: str = "rank") -> pl.DataFrame:
    """Standard competition ranking ("1224") within `group`: ties share the best rank and the next rank skips.

    Rows whose `direction` column is "lower" rank the smallest first; rows with a null metric get no rank.
    Adds `<out>` and `ranked` (how many rows of the group have a rank).
    """
    rounded = pl.col(metric).round(RANK_DIGITS)
    key = pl.when(pl.col(direction) == "lower").then(rounded).otherwise(-rounded) \
        if direction in df.columns else -rounded
    return df.with_columns(
        pl.when(pl.col(metric).is_not_null()).then(key.rank(method="min").over(list(group)))
        .otherwise(None).cast(pl.Int32).alias(out),
        pl.col(metric).count().over(list(group)).cast(pl.Int32).alias("ranked"),
    )


def rank_among_siblings(df: pl.DataFrame, *, tier_parts: int, metric: str = "rank_metric",
                        group: str = "rank_group") -> pl.DataFrame:
    """Rank each entity among those of the same `group` (its siblings: the counties of one city) for every
    indicator and period, then add the rank of
    the period before (`rank_prev`, one step of the indicator's frequency back), `rank_change` (positive = moved
    up) and `first_tier` (第一方阵: rank within the top 1/`tier_parts`, e.g. the top third)."""
    ranked = competition_rank(df.filter(pl.col(group).is_not_null()), metric=metric,
                              group=["indicator", group, "year", "month"])
    step = _steps(ranked)
    ranked = ranked.with_columns(_idx=_period_index(), _prev_idx=_period_index() - step)
    previous = ranked.select(["indicator", "entity", pl.col("_idx").alias("_prev_idx"),
                              pl.col("rank").alias("rank_prev")])
    ranked = ranked.join(previous, on=["indicator", "entity", "_prev_idx"], how="left")
    cut = (pl.col("ranked").cast(pl.Float64) / tier_parts).ceil()
    return ranked.with_columns(
        rank_change=(pl.col("rank_prev") - pl.col("rank")).cast(pl.Int32),
        first_tier=pl.when(pl.col("rank").is_not_null()).then(pl.col("rank") <= cut).otherwise(False),
    ).drop("_idx", "_prev_idx")


def rank_metric(df: pl.DataFrame) -> pl.DataFrame:
    """The figure an indicator ranks by: growth (`yoy`) or the year-to-date value, per its `rank_basis`."""
    return df.with_columns(
        rank_metric=pl.when(pl.col("rank_basis") == "growth").then(pl.col("yoy")).otherwise(pl.col("ytd_value")))


def gap_to_benchmark(df: pl.DataFrame, benchmark: pl.DataFrame, *, metric: str = "yoy", on: str = "benchmark",
                     out: str = "gap") -> pl.DataFrame:
    """Gap in percentage points between each row's `metric` and its benchmark's (the parent region, the province …)
    for the same indicator and period. `df[on]` names each row's benchmark entity; `benchmark` holds indicator,
    entity, year, month and `metric`. Adds `<out>_benchmark` and `<out>`."""
    bench = (benchmark.select(["indicator", pl.col("entity").alias(on), "year", "month",
                               pl.col(metric).alias(f"{out}_benchmark")])
             .unique(subset=["indicator", on, "year", "month"], keep="first"))
    joined = df.join(bench, on=["indicator", on, "year", "month"], how="left")
    return joined.with_columns((pl.col(metric) - pl.col(f"{out}_benchmark")).alias(out))


def aggregate_children(df: pl.DataFrame, *, parent_of: dict[str, str], expected: dict[str, int]) -> pl.DataFrame:
    """Sum the children's figures into their parent for `aggregation == "sum"` indicators, only where every one of
    the `expected[parent]` children has a figure (a partial sum would pass for a total). Rates are not aggregable."""
    mapped = df.filter(pl.col("aggregation") == "sum").with_columns(
        parent_entity=pl.col("entity").replace_strict(parent_of, default=None, return_dtype=pl.String))
    totals = (mapped.filter(pl.col("parent_entity").is_not_null())
              .group_by(["indicator", "parent_entity", "year", "month"])
              .agg(pl.col("value").sum(), pl.col("value").count().alias("_n")))
    need = pl.col("parent_entity").replace_strict(expected, default=0, return_dtype=pl.Int64)
    return (totals.filter(pl.col("_n") == need).drop("_n").rename({"parent_entity": "entity"})
            .select(["indicator", "entity", "year", "month", "value"]))


# --- targets: time progress (时间过半、任务过半), projection, breakdown ------------------------------------------

def elapsed_share(month: int, profile: dict[int, float] | None = None) -> float:
    """Share of the year gone at the end of `month`: by last year's profile {month: year-to-date figure, 12: total}
    when it has that month and a positive total, else by the calendar (month / 12)."""
    if profile and profile.get(12) and profile[12] > 0 and profile.get(month) is not None:
        return profile[month] / profile[12]
    return month / 12


def project_year_end(ytd: float | None, month: int, profile: dict[int, float] | None = None) -> float | None:
    """Year-end figure if the rest of the year follows last year's profile (or the calendar without one)."""
    share = elapsed_share(month, profile)
    if ytd is None or share <= 0:
        return None
    return ytd / share


def light_for(lag: float | None, *, yellow: float, red: float) -> str:
    """Traffic light for a lag in points behind schedule: green, yellow (≥ yellow), red (≥ red)."""
    if lag is None:
        return ""
    if lag >= red:
        return "red"
    if lag >= yellow:
        return "yellow"
    return "green"


def time_progress(derived: pl.DataFrame, targets: pl.DataFrame, *, yellow: float, red: float,
                  by: Sequence[str] = KEYS) -> pl.DataFrame:
    """Target completion against the share of the year elapsed, per row of `derived` that has a target.

    `derived` comes from `derive` (ytd_value, basis, direction …); `targets` holds indicator, entity, year,
    target_amount and target_growth (either may be null). A growth-only target becomes last year's total grown by
    that rate. Adds target, completion_pct, elapsed_pct, elapsed_basis ("profile"/"calendar"), lag_points,
    projection, projection_pct and light. Point indicators compare the figure itself with the target.
    """
    keys = [*by, "year"]
    last_year = derived.select([*by, (pl.col("year") + 1).alias("year"), "month",
                                pl.col("ytd_value").alias("_ly")])
    ly_month = last_year.unique(subset=[*keys, "month"], keep="first")
    ly_total = ly_month.filter(pl.col("month") == 12).select([*keys, pl.col("_ly").alias("_ly_total")])
    frame = (derived.join(targets.select([*keys, "target_amount", "target_growth"]), on=keys, how="inner")
             .join(ly_month, on=[*keys, "month"], how="left")
             .join(ly_total, on=keys, how="left"))
    grown = pl.col("_ly_total") * (1 + pl.col("target_growth") / 100)
    target = pl.coalesce(pl.col("target_amount"), pl.when(pl.col("_ly_total") > 0).then(grown))
    has_profile = (pl.col("_ly_total") > 0) & pl.col("_ly").is_not_null()
    share = pl.when(has_profile).then(pl.col("_ly") / pl.col("_ly_total")).otherwise(pl.col("month") / 12)
    point = pl.col("basis") == "point"
    frame = frame.with_columns(target=target, _share=share,
                               elapsed_basis=pl.when(point).then(None).when(has_profile).then(pl.lit("profile"))
                               .otherwise(pl.lit("calendar")))
    completion = pl.when(pl.col("target") > 0).then(pl.col("ytd_value") / pl.col("target") * 100)
    frame = frame.with_columns(
        completion_pct=completion.otherwise(None),
        elapsed_pct=pl.when(point).then(None).otherwise(pl.col("_share") * 100),
        projection=pl.when(point | (pl.col("_share") <= 0)).then(None)
        .otherwise(pl.col("ytd_value") / pl.col("_share")),
    )
    behind = pl.when(point).then(100 - pl.col("completion_pct")).otherwise(pl.col("elapsed_pct")
                                                                          - pl.col("completion_pct"))
    ahead = pl.when(point).then(pl.col("completion_pct") - 100).otherwise(pl.col("completion_pct")
                                                                         - pl.col("elapsed_pct"))
    frame = frame.with_columns(
        lag_points=pl.when(pl.col("direction") == "lower").then(ahead).otherwise(behind),
        projection_pct=pl.when(pl.col("target") > 0).then(pl.col("projection") / pl.col("target") * 100)
        .otherwise(None),
    )
    light = (pl.when(pl.col("lag_points").is_null()).then(pl.lit(""))
             .when(pl.col("lag_points") >= red).then(pl.lit("red"))
             .when(pl.col("lag_points") >= yellow).then(pl.lit("yellow"))
             .otherwise(pl.lit("green")))
    return frame.with_columns(light=light).drop("_ly", "_ly_total", "_share")


@dataclass(frozen=True)
class BreakdownRow:
    entity: str
    last_year: Decimal
    share: Decimal          # of the parent's target, 0–1
    annual: Decimal
    quarters: tuple[Decimal, Decimal, Decimal, Decimal]


def _largest_remainder(total: Decimal, weights: Sequence[float], places: int) -> list[Decimal]:
    """Split `total` in proportion to `weights`, rounded to `places`, so that the parts add up exactly."""
    unit = Decimal(1).scaleb(-places)
    cents = int((total / unit).to_integral_value(rounding=ROUND_HALF_UP))
    weight_sum = sum(weights)
    if weight_sum <= 0:
        weights, weight_sum = [1.0] * len(weights), float(len(weights))
    raw = [cents * w / weight_sum for w in weights]
    parts = [math.floor(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: (raw[i] - parts[i], -i), reverse=True)
    for i in order[: cents - sum(parts)]:
        parts[i] += 1
    return [Decimal(p) * unit for p in parts]


def breakdown_target(total: Decimal, last_year: pl.DataFrame, *, places: int = 2) -> list[BreakdownRow]:
    """Split a parent's annual target into its children's by their shares of last year's total, and each child's
    into quarters by its own last-year quarterly profile (equal quarters without one); parts add up exactly.

    `last_year` holds entity, annual and optional q1…q4 (last year's quarterly figures, not cumulative); the result
    keeps its order.
    """
    rows = last_year.to_dicts()
    annuals = [max(float(r.get("annual") or 0.0), 0.0) for r in rows]
    shares_total = sum(annuals)
    targets = _largest_remainder(Decimal(total), annuals, places)
    result = []
    for row, annual, target in zip(rows, annuals, targets, strict=True):
        quarters = [max(float(row.get(f"q{q}") or 0.0), 0.0) for q in range(1, 5)]
        split = _largest_remainder(target, quarters if sum(quarters) > 0 else [1.0] * 4, places)
        share = Decimal(str(annual / shares_total)) if shares_total else Decimal(1) / Decimal(len(rows))
        result.append(BreakdownRow(entity=row["entity"], last_year=Decimal(str(annual)),
                                   share=share.quantize(Decimal("0.0001")), annual=target,
                                   quarters=tuple(split)))  # type: ignore[arg-type]
    return result


# --- reconciliation and consistency ---------------------------------------------------------------------------

def reconcile(df: pl.DataFrame, *, threshold_pct: float, by: Sequence[str] = KEYS) -> pl.DataFrame:
    """Reported against official per key and period: diff, diff_pct (of the official figure), exceeds (|diff_pct|
    above the threshold); rows with both figures only, largest gaps first."""
    keys = [*by, "year", "month"]
    reported = df.filter(pl.col("source") == "reported").select([*keys, pl.col("value").alias("reported")])
    official = df.filter(pl.col("source") == "official").select([*keys, pl.col("value").alias("official")])
    joined = reported.join(official, on=keys, how="inner")
    diff_pct = pl.when(pl.col("official") != 0).then((pl.col("reported") - pl.col("official"))
                                                     / pl.col("official").abs() * 100)
    return (joined.with_columns(diff=pl.col("reported") - pl.col("official"), diff_pct=diff_pct.otherwise(None))
            .with_columns(exceeds=pl.when(pl.col("diff_pct").is_null()).then(pl.col("diff") != 0)
                          .otherwise(pl.col("diff_pct").abs() > threshold_pct))
            .sort(pl.col("diff_pct").abs(), descending=True, nulls_last=True))


def growth_mismatches(df: pl.DataFrame, *, tolerance: float, by: Sequence[str] = (*KEYS, "source")) -> pl.DataFrame:
    """Rows whose stated growth differs from the growth computed from the same source's figure a year earlier by
    more than `tolerance` points (a speech's "1.87 → 1.9 is +6%" is +1.6%). Adds computed and prev."""
    stated = df.filter(pl.col("stated_growth").is_not_null())
    computed = year_on_year(df, by=by, value="value", out="computed")
    computed = computed.join(stated.select([*by, "year", "month"]), on=[*by, "year", "month"], how="semi")
    return (computed.rename({"computed_prev": "prev"})
            .filter(pl.col("computed").is_not_null()
                    & ((pl.col("stated_growth") - pl.col("computed")).abs() > tolerance)))


def cumulative_decreases(df: pl.DataFrame, *, by: Sequence[str] = (*KEYS, "source")) -> pl.DataFrame:
    """Year-to-date rows (`basis == "ytd"`) lower than the same series' figure of the period before in that year
    (累计值不降). Adds prev and prev_month."""
    group = [*by, "year"]
    step = _steps(df)
    ordered = df.filter(pl.col("basis") == "ytd").sort([*group, "month"])
    ordered = ordered.with_columns(prev=pl.col("value").shift(1).over(group),
                                   prev_month=pl.col("month").shift(1).over(group))
    return ordered.filter((pl.col("prev_month") == pl.col("month") - step) & (pl.col("value") < pl.col("prev")))


def shares_over_limit(df: pl.DataFrame, *, limit: float = 100.0) -> pl.DataFrame:
    """Rows of share indicators (`is_share`, a part of a whole in percent) above 100% (or below zero)."""
    return df.filter(pl.col("is_share") & ((pl.col("value") > limit) | (pl.col("value") < 0)))


def month_outliers(df: pl.DataFrame, *, at_index: int, window: int, min_history: int, z: float,
                   value: str = "month_value", by: Sequence[str] = (*KEYS, "source")) -> pl.DataFrame:
    """Rows of period `at_index` whose figure lies far outside the same series' own history: robust z-score
    0.6745·|x − median| / MAD over the `window` months before (at least `min_history` of them) above `z`.

    A history without spread (MAD 0) is not judged. Adds median, mad and score.
    """
    indexed = df.with_columns(_idx=_period_index()).filter(pl.col(value).is_not_null())
    current = indexed.filter(pl.col("_idx") == at_index)
    history = indexed.filter((pl.col("_idx") < at_index) & (pl.col("_idx") >= at_index - window))
    stats = (history.group_by(list(by))
             .agg(pl.col(value).median().alias("median"), pl.col(value).alias("_hist"), pl.len().alias("_n"))
             .with_columns(mad=(pl.col("_hist").list.eval((pl.element() - pl.element().median()).abs().median())
                                .list.first()))
             .drop("_hist"))
    joined = current.join(stats, on=list(by), how="inner")
    scored = joined.with_columns(
        score=pl.when(pl.col("mad") > 0).then(0.6745 * (pl.col(value) - pl.col("median")).abs() / pl.col("mad")))
    return scored.filter((pl.col("_n") >= min_history) & (pl.col("score") > z)).drop("_idx", "_n")
