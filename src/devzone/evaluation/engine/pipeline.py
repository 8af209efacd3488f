"""The generic evaluation: values → group statistics → normalised scores → rank → class → flags → lever.

Everything a scheme may vary (weights, caps, class shares, flags) comes from the `Scheme`; this module
holds the rules of the method only. All arithmetic is vectorised over the whole frame. Groups are
numbered densely once (`__g`) so that statistics are one small group-by, broadcast back by gather.
"""

from __future__ import annotations

import operator
from collections.abc import Mapping, Sequence
from functools import reduce
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl

from devzone.evaluation.engine.aggregate import aggregate_ratings
from devzone.evaluation.engine.errors import EvaluationInputError
from devzone.evaluation.engine.flags import SEPARATOR, flag_consecutive, position_condition, ranked_below
from devzone.evaluation.engine.frames import select, with_columns
from devzone.evaluation.engine.inputs import prepare_inputs
from devzone.evaluation.engine.ranks import competition_rank
from devzone.evaluation.engine.scheme import FlagRule, Indicator, Scheme, load_scheme

if TYPE_CHECKING:
    from devzone.evaluation.engine.result import EvaluationResult

ROW = "__row"
GROUP = "__g"
PARTICIPATES = "participates"
OVERRIDE = "__override"  # index of the override that fired (participants only), null otherwise
OVERRIDDEN = "__overridden"
CLASS_INDEX = "__class"
TARGET = "__target"
FLAG_EXCLUDED = "excluded"


def value_col(key: str) -> str:
    return f"__value_{key}"


def norm_col(key: str) -> str:
    return f"__norm_{key}"


def undefined_col(key: str) -> str:
    return f"__undefined_{key}"


def score_col(key: str) -> str:
    return f"score_{key}"


def stat_col(stat: str, key: str) -> str:
    """Columns of the statistics (benchmarks) frame: benchmark_, min_, max_, mean_, std_ + key."""
    return f"{stat}_{key}"


STATS_BY_METHOD: dict[str, tuple[str, ...]] = {
    "benchmark_ratio": ("benchmark",),
    "minmax": ("min", "max"),
    "zscore": ("mean", "std"),
    "rank_percentile": (),
    "identity": (),
}


def stat_columns(scheme: Scheme) -> list[str]:
    return [
        stat_col(stat, indicator.key)
        for indicator in scheme.indicators
        for stat in STATS_BY_METHOD[indicator.normalisation.method]
    ]


# --- the public entry point -----------------------------------------------------------------------------


def evaluate(
    scheme: Scheme | str | Path | Mapping[str, Any],
    frame: pl.DataFrame,
    group_by: str | Sequence[str] | None = None,
    *,
    history: pl.DataFrame | None = None,
    benchmarks: pl.DataFrame | None = None,
    first_row: int = 1,
) -> EvaluationResult:
    """Evaluate `frame` with `scheme` (a Scheme, a built-in name, a .yaml path or a dict).

    group_by: a column or columns (or "a,b") overriding the scheme's default grouping; [] for one group.
        The scheme's period column, when present in the frame, always leads the grouping.
    history: earlier periods' ranks (unit key, period, rank and the other grouping columns; score when
        a flag has `below`) for consecutive-period flags.
    benchmarks: a statistics frame from an earlier result (`result.benchmarks`) to hold fixed.
    first_row: the row number of the frame's first row in messages (2 for a file with a header line).
    """
    from devzone.evaluation.engine.result import EvaluationResult  # import cycle: result reads our names

    scheme = load_scheme(scheme)
    chosen = _chosen_groups(scheme, group_by)
    data = prepare_inputs(scheme, frame, chosen, first_row=first_row)
    groups = _grouping(scheme, data, chosen)
    data = data.select([c for c in data.columns if c in scheme.inputs or c in groups])  # drop the rest
    if scheme.aggregate is not None:
        data = aggregate_ratings(data, scheme.aggregate, [*groups, scheme.unit_key], list(scheme.inputs))
    data, group_keys = add_group_ids(data.with_row_index(ROW), groups)
    data = add_values(scheme, data)
    stats = group_statistics(scheme, data, group_keys)
    if benchmarks is not None:
        stats = fixed_statistics(scheme, benchmarks, stats)
    details = score_frame(scheme, data, stats)
    details = add_flags(scheme, details, history, groups, stats)
    if scheme.lever is not None:
        details = add_lever(scheme, details, len(group_keys))
    return EvaluationResult(scheme=scheme, details=details, stats=stats, groups=groups)


def _chosen_groups(scheme: Scheme, group_by: str | Sequence[str] | None) -> list[str]:
    if group_by is None:
        return list(scheme.group_by)
    if isinstance(group_by, str):
        return [part.strip() for part in group_by.split(",") if part.strip()]
    return list(group_by)


def _grouping(scheme: Scheme, data: pl.DataFrame, chosen: list[str]) -> list[str]:
    groups = list(dict.fromkeys(chosen))
    if scheme.period is not None and scheme.period in data.columns and scheme.period not in groups:
        groups.insert(0, scheme.period)
    for column in groups:
        if column not in data.columns:
            raise EvaluationInputError(f"分组列 {column} 不在输入中")
        if column == scheme.unit_key or column in scheme.generated_columns() or column.startswith("__"):
            raise EvaluationInputError(f"不能按列 {column} 分组")
    return groups


def add_group_ids(data: pl.DataFrame, groups: list[str]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Number the groups 0..k-1 in sorted key order; return the frame with `__g` and the key table."""
    if not groups:
        return with_columns(data, pl.lit(0, dtype=pl.UInt32).alias(GROUP)), pl.DataFrame(
            {GROUP: pl.Series([0], dtype=pl.UInt32)}
        )
    keys = (
        data.lazy()
        .select(groups)
        .unique()
        .sort(groups, nulls_last=True)
        .with_row_index(GROUP)
        .collect()
    )
    ids = data.select(groups).join(keys, on=groups, how="left", nulls_equal=True, maintain_order="left")
    return data.hstack([ids[GROUP]]), keys.select(GROUP, *groups)


# --- values ---------------------------------------------------------------------------------------------


def add_values(scheme: Scheme, data: pl.DataFrame) -> pl.DataFrame:
    """Participation, every indicator's raw value (NaN → null), undefined markers and overrides."""
    population = pl.lit(True) if scheme.population is None else scheme.population.to_expr().cast(pl.Boolean)
    exprs = [population.fill_null(False).alias(PARTICIPATES)]
    exprs += [
        indicator.formula.to_expr().cast(pl.Float64).fill_nan(None).alias(value_col(indicator.key))
        for indicator in scheme.indicators
    ]
    fired: Any = pl.lit(None, dtype=pl.Int8)
    for index in reversed(range(len(scheme.overrides))):
        condition = scheme.overrides[index].when.to_expr().cast(pl.Boolean).fill_null(False)
        fired = pl.when(condition).then(pl.lit(index, dtype=pl.Int8)).otherwise(fired)
    exprs.append(fired.alias(OVERRIDE))
    data = with_columns(data, exprs)
    undefined = []
    for indicator in scheme.indicators:
        value = pl.col(value_col(indicator.key))
        missing = value.is_null()
        if indicator.normalisation.method == "identity":
            missing = missing | value.is_infinite()
        undefined.append(missing.alias(undefined_col(indicator.key)))
    participating_override = pl.when(pl.col(PARTICIPATES)).then(pl.col(OVERRIDE))
    return (
        data.lazy()
        .with_columns(*undefined, participating_override.alias(OVERRIDE))
        .with_columns(pl.col(OVERRIDE).is_not_null().alias(OVERRIDDEN))
        .collect()
    )


# --- group statistics -----------------------------------------------------------------------------------


def group_statistics(scheme: Scheme, data: pl.DataFrame, group_keys: pl.DataFrame) -> pl.DataFrame:
    """Per group (row i = group i): participants `n` and each indicator's statistics over the finite
    values of participating rows."""
    aggs: list[pl.Expr] = [pl.col(PARTICIPATES).sum().cast(pl.Int64).alias("n")]
    for indicator in scheme.indicators:
        aggs.extend(_indicator_stats(indicator))
    columns = [GROUP, PARTICIPATES, *[value_col(indicator.key) for indicator in scheme.indicators]]
    stats = data.lazy().select(columns).group_by(GROUP).agg(aggs).collect()
    return group_keys.join(stats, on=GROUP, how="left", maintain_order="left")


def _indicator_stats(indicator: Indicator) -> list[pl.Expr]:
    value = pl.col(value_col(indicator.key))
    finite = pl.when(pl.col(PARTICIPATES) & value.is_finite()).then(value)  # nulls are skipped below
    norm = indicator.normalisation
    key = indicator.key
    if norm.method == "benchmark_ratio":
        if isinstance(norm.benchmark, float):
            benchmark = pl.lit(norm.benchmark, dtype=pl.Float64)
        else:
            benchmark = finite.median() if norm.benchmark == "median" else finite.mean()
        return [benchmark.cast(pl.Float64).alias(stat_col("benchmark", key))]
    if norm.method == "minmax":
        return [finite.min().alias(stat_col("min", key)), finite.max().alias(stat_col("max", key))]
    if norm.method == "zscore":
        return [finite.mean().alias(stat_col("mean", key)), finite.std(ddof=0).alias(stat_col("std", key))]
    return []


def fixed_statistics(scheme: Scheme, benchmarks: pl.DataFrame, stats: pl.DataFrame) -> pl.DataFrame:
    """Replace the statistics by those given (what-if with benchmarks held fixed); `n`, the number of
    participants, stays the current one. Groups missing from `benchmarks` get null statistics."""
    wanted = stat_columns(scheme)
    groups = [column for column in stats.columns if column not in (GROUP, "n", *wanted)]
    missing = [column for column in [*groups, *wanted] if column not in benchmarks.columns]
    if missing:
        raise EvaluationInputError(f"给定的基准值缺少列: {'、'.join(missing)}")
    current = stats.select(GROUP, *groups, "n")
    if not groups:  # one group: one row of statistics
        return pl.concat([current, benchmarks.select(wanted).head(1)], how="horizontal")
    given = benchmarks.select(*groups, *wanted).with_columns(
        [pl.col(c).cast(stats.schema[c]) for c in groups]
    )
    return current.join(given, on=groups, how="left", nulls_equal=True, maintain_order="left")


# --- scores, ranks, classes -----------------------------------------------------------------------------


def score_frame(scheme: Scheme, data: pl.DataFrame, stats: pl.DataFrame) -> pl.DataFrame:
    """Normalised values, weighted scores, total, rank, class (with overrides applied)."""
    gathered = stats.select("n", *stat_columns(scheme))[data[GROUP].to_numpy()]
    participates = pl.col(PARTICIPATES)
    norms = [
        pl.when(participates).then(normalised(indicator)).alias(norm_col(indicator.key))
        for indicator in scheme.indicators
    ]
    scores = [
        (pl.col(norm_col(indicator.key)) * indicator.weight).alias(score_col(indicator.key))
        for indicator in scheme.indicators
    ]
    total = reduce(operator.add, [pl.col(score_col(indicator.key)) for indicator in scheme.indicators])
    frame = (
        data.hstack(gathered)
        .lazy()
        .with_columns(norms)
        .with_columns(scores)
        .with_columns(total.alias("score"))
        .collect()
    )
    ranks = competition_rank(frame["score"].to_numpy(), frame[GROUP].to_numpy())
    ranked = pl.Series("rank", ranks).set(~frame[PARTICIPATES], None)  # type: ignore[arg-type]
    return (
        frame.hstack([ranked])
        .lazy()
        .with_columns(class_index(scheme))
        .with_columns(class_label(scheme))
        .collect()
    )


def normalised(indicator: Indicator) -> pl.Expr:
    """The indicator's normalised value (before weighting) for a participating row; undefined → 0."""
    value = pl.col(value_col(indicator.key))
    method = indicator.normalisation.method
    if method == "benchmark_ratio":
        result = _benchmark_ratio(indicator, value)
    elif method == "minmax":
        result = _minmax(indicator, value)
    elif method == "zscore":
        result = _zscore(indicator, value)
    elif method == "rank_percentile":
        result = _rank_percentile(indicator, value)
    else:
        result = value
    return pl.when(pl.col(undefined_col(indicator.key))).then(0.0).otherwise(result)


def _benchmark_ratio(indicator: Indicator, value: pl.Expr) -> pl.Expr:
    benchmark = pl.col(stat_col("benchmark", indicator.key))
    ratio = value / benchmark if indicator.direction == "higher" else benchmark / value
    cap = indicator.normalisation.cap
    clamped = ratio.clip(0.0, cap) if cap is not None else ratio.clip(lower_bound=0.0)
    usable = (benchmark > 0) & benchmark.is_finite()
    return pl.when(usable).then(clamped).otherwise(0.0)


def _minmax(indicator: Indicator, value: pl.Expr) -> pl.Expr:
    low, high = pl.col(stat_col("min", indicator.key)), pl.col(stat_col("max", indicator.key))
    spread = high - low
    position = (value - low) / spread if indicator.direction == "higher" else (high - value) / spread
    constant = spread.is_null() | (spread == 0)
    return pl.when(constant).then(indicator.normalisation.when_constant).otherwise(position.clip(0.0, 1.0))


def _zscore(indicator: Indicator, value: pl.Expr) -> pl.Expr:
    mean, std = pl.col(stat_col("mean", indicator.key)), pl.col(stat_col("std", indicator.key))
    z = (value - mean) / std
    if indicator.direction == "lower":
        z = -z
    limit = indicator.normalisation.clip
    return pl.when(std.is_null() | (std == 0)).then(0.0).otherwise(z.clip(-limit, limit))


def _rank_percentile(indicator: Indicator, value: pl.Expr) -> pl.Expr:
    defined = pl.col(PARTICIPATES) & ~pl.col(undefined_col(indicator.key))
    ranked = pl.when(defined).then(value)
    position = ranked.rank("average", descending=indicator.direction == "lower").over(GROUP)
    count = defined.sum().over(GROUP)
    return pl.when(count <= 1).then(1.0).otherwise((position - 1) / (count - 1))


def class_index(scheme: Scheme) -> pl.Expr:
    """0 for the best class ...; rank shares compared in integers (rank·den ≤ n·num), or score
    thresholds; an override forces its class. Null for non-participants and schemes without classes."""
    rule = scheme.classes
    if rule is None:
        return pl.lit(None, dtype=pl.Int8).alias(CLASS_INDEX)
    return _class_chain(scheme, [pl.lit(i, dtype=pl.Int8) for i in range(len(rule.levels))]).alias(
        CLASS_INDEX
    )


def class_label(scheme: Scheme) -> pl.Expr:
    """The class key, looked up from `class_index`."""
    rule = scheme.classes
    if rule is None:
        return pl.lit(None, dtype=pl.String).alias("class")
    keys = pl.Series([level.key for level in rule.levels], dtype=pl.String)
    return pl.lit(keys).gather(pl.col(CLASS_INDEX)).alias("class")


def _class_chain(scheme: Scheme, outputs: list[pl.Expr]) -> pl.Expr:
    rule = scheme.classes
    assert rule is not None
    chain: Any = pl.when(~pl.col(PARTICIPATES)).then(None)
    for index, override in enumerate(scheme.overrides):
        chain = chain.when(pl.col(OVERRIDE) == index).then(outputs[rule.index_of(override.force_class)])
    rank, n = pl.col("rank"), pl.col("n")
    for index, level in enumerate(rule.levels[:-1]):
        if rule.method == "rank_share":
            assert level.max_share is not None
            condition = rank * level.max_share.denominator <= n * level.max_share.numerator
        else:
            condition = pl.col("score") >= level.min_score
        chain = chain.when(condition).then(outputs[index])
    return chain.otherwise(outputs[-1])


# --- flags ----------------------------------------------------------------------------------------------


def add_flags(
    scheme: Scheme,
    details: pl.DataFrame,
    history: pl.DataFrame | None,
    groups: list[str],
    stats: pl.DataFrame,
) -> pl.DataFrame:
    """The machine-readable `flags` column: flag keys joined by ';' in a fixed order (decision 0002).

    Conditions that hold for a whole group (benchmark problems) are evaluated once per group on the
    statistics frame and broadcast; the rest row by row."""
    participates = pl.col(PARTICIPATES)
    rows: list[tuple[str, pl.Expr]] = [(FLAG_EXCLUDED, ~participates)]
    for indicator in scheme.indicators:
        rows.append((f"undefined:{indicator.key}", participates & pl.col(undefined_col(indicator.key))))
    group_level: list[tuple[str, pl.Expr]] = []
    for indicator in scheme.indicators:
        if indicator.normalisation.method == "benchmark_ratio":
            benchmark = pl.col(stat_col("benchmark", indicator.key))
            group_level.append((f"benchmark_undefined:{indicator.key}", benchmark.is_null()))
            group_level.append((f"benchmark_nonpositive:{indicator.key}", benchmark <= 0))
    for index, override in enumerate(scheme.overrides):
        rows.append((f"override:{override.key}", pl.col(OVERRIDE) == index))
    current = [rule for rule in scheme.flags if rule.periods == 1]
    if current:
        details = with_columns(details, ranked_below("rank", [GROUP]).alias("__below"))
        for rule in current:
            held = position_condition(rule, pl.col("rank"), pl.col("__below"), pl.col("score"))
            rows.append((rule.key, participates & held))
    streaks = [rule for rule in scheme.flags if rule.periods > 1]
    if streaks and scheme.period is not None and scheme.period in details.columns:
        details = _streak_flags(scheme, details, history, groups, streaks)
        rows.extend((rule.key, pl.col(f"__streak_{rule.key}")) for rule in streaks)
    keys = [key for key, _ in rows] + [key for key, _ in group_level]
    if len(keys) > 63:
        return details.hstack([_concat_flags(details, stats, rows, group_level).alias("flags")])
    masks = select(details, _mask(rows, 0)).to_series()
    if group_level:
        per_group = stats.select(_mask(group_level, len(rows))).to_series()
        masks = select(
            details, pl.when(participates).then(masks | per_group.gather(details[GROUP])).otherwise(masks)
        ).to_series()
    distinct = np.sort(masks.unique().to_numpy())  # a handful of distinct masks
    texts = pl.Series(
        "flags",
        [SEPARATOR.join(k for i, k in enumerate(keys) if int(m) >> i & 1) for m in distinct],
        pl.String,
    )
    return details.hstack([texts.gather(np.searchsorted(distinct, masks.to_numpy()))])


def _mask(conditions: list[tuple[str, pl.Expr]], offset: int) -> pl.Expr:
    """One UInt64 per row: bit offset+i set where condition i holds."""
    bits = [
        condition.fill_null(False).cast(pl.UInt64) * (1 << (offset + i))
        for i, (_, condition) in enumerate(conditions)
    ]
    return pl.sum_horizontal(bits).cast(pl.UInt64).alias("mask")


def _concat_flags(
    details: pl.DataFrame,
    stats: pl.DataFrame,
    rows: list[tuple[str, pl.Expr]],
    group_level: list[tuple[str, pl.Expr]],
) -> pl.Series:
    """The simple way, for schemes with more than 63 possible flags."""
    broadcast = stats.select([condition.alias(f"__flag{i}") for i, (_, condition) in enumerate(group_level)])
    frame = details.hstack(broadcast[details[GROUP].to_numpy()])
    participates = pl.col(PARTICIPATES)
    parts = [pl.when(condition).then(pl.lit(key)) for key, condition in rows]
    parts += [
        pl.when(participates & pl.col(f"__flag{i}")).then(pl.lit(key))
        for i, (key, _) in enumerate(group_level)
    ]
    joined = pl.concat_str(parts, separator=SEPARATOR, ignore_nulls=True).fill_null("")
    return select(frame, joined).to_series()


def _streak_flags(
    scheme: Scheme,
    details: pl.DataFrame,
    history: pl.DataFrame | None,
    groups: list[str],
    rules: list[FlagRule],
) -> pl.DataFrame:
    period, unit = scheme.period, scheme.unit_key
    assert period is not None
    peers = [column for column in groups if column != period]
    columns = [unit, period, *peers, "rank", "score"]
    current = details.select(columns)
    frames = [current]
    if history is not None:
        needed = [unit, period, *peers, "rank"]
        missing = [column for column in needed if column not in history.columns]
        if missing:
            raise EvaluationInputError(f"历史排名缺少列: {'、'.join(missing)}")
        periods = current[period].cast(pl.String).unique()
        past = history.filter(~pl.col(period).cast(pl.String).is_in(periods.implode()))
        if "score" not in past.columns:
            past = past.with_columns(pl.lit(None, dtype=pl.Float64).alias("score"))
        past = past.select([pl.col(c).cast(current.schema[c]) for c in columns])
        frames.insert(0, past)
    ranks = pl.concat(frames, how="vertical")
    for rule in rules:
        flagged = flag_consecutive(ranks, unit=unit, period=period, rule=rule, group_by=peers)
        current_rows = flagged.tail(details.height)["flagged"]
        details = details.hstack([current_rows.alias(f"__streak_{rule.key}")])
    return details


# --- the lever (e.g. extra tax to reach the next class) -------------------------------------------------


def add_lever(scheme: Scheme, details: pl.DataFrame, group_count: int) -> pl.DataFrame:
    """For each participating, non-overridden row below the best class: the smallest increase of the
    lever column that lifts its score to the next better class, benchmarks held fixed; null when the
    lever indicator's cap cannot reach it (or the lever's value is undefined)."""
    lever = scheme.lever
    assert lever is not None
    indicator = scheme.indicator(lever.indicator)
    target = pl.Series(TARGET, target_scores(scheme, details, group_count), nan_to_null=True)
    details = details.hstack([target])
    weight = indicator.weight
    cap = indicator.normalisation.cap
    benchmark = pl.col(stat_col("benchmark", indicator.key))
    needed_score = pl.col(score_col(indicator.key)) + (pl.col(TARGET) - pl.col("score"))
    ratio = needed_score / weight if weight > 0 else pl.lit(None, dtype=pl.Float64)
    at_zero = indicator.formula.to_expr({lever.column: pl.lit(0.0)})
    slope = indicator.formula.to_expr({lever.column: pl.lit(1.0)}) - at_zero
    needed_input = (ratio * benchmark - at_zero) / slope
    extra = (needed_input - pl.col(lever.column)).clip(lower_bound=0.0)
    reachable = (
        pl.col(TARGET).is_not_null()
        & ~pl.col(undefined_col(indicator.key))
        & pl.col(lever.column).is_not_null()
        & (benchmark > 0)
        & benchmark.is_finite()
        & (slope > 0)
        & slope.is_finite()
    )
    if cap is not None:
        reachable = reachable & (ratio <= cap)
    return with_columns(details, pl.when(reachable).then(extra).cast(pl.Float64).alias(lever.output))


def target_scores(scheme: Scheme, details: pl.DataFrame, group_count: int) -> np.ndarray:
    """The score each row must reach (NaN where there is none): the lowest score of the nearest better
    class that has rows in the group (rank shares), or the next better class's threshold (scores).
    Only participating, non-overridden rows below the best class get one."""
    rule = scheme.classes
    assert rule is not None
    classes = details[CLASS_INDEX].fill_null(-1).to_numpy().astype(np.int64)
    eligible = details[PARTICIPATES].to_numpy() & ~details[OVERRIDDEN].to_numpy() & (classes > 0)
    levels = len(rule.levels)
    if rule.method == "score":
        thresholds = np.array([np.nan] + [level.min_score for level in rule.levels[:-1]], dtype=np.float64)
        table = np.tile(thresholds, (group_count, 1))
    else:
        table = _nearest_better_minimum(details, group_count, levels)
    groups = details[GROUP].to_numpy()
    return np.where(eligible, table[groups, np.maximum(classes, 0)], np.nan)


def _nearest_better_minimum(details: pl.DataFrame, group_count: int, levels: int) -> np.ndarray:
    """table[g, c] = the lowest score among non-overridden rows of the nearest class better than c
    that has rows in group g (NaN when none)."""
    minima = (
        details.lazy()
        .filter(pl.col(PARTICIPATES) & ~pl.col(OVERRIDDEN))
        .group_by(GROUP, CLASS_INDEX)
        .agg(pl.col("score").min())
        .collect()
    )
    lowest = np.full((group_count, levels), np.nan)
    lowest[minima[GROUP].to_numpy(), minima[CLASS_INDEX].to_numpy().astype(np.int64)] = minima[
        "score"
    ].to_numpy()
    table = np.full((group_count, levels), np.nan)
    for level in range(1, levels):
        nearest = lowest[:, level - 1]
        table[:, level] = np.where(np.isnan(nearest), table[:, level - 1], nearest)
    return table
