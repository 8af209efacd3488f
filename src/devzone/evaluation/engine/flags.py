"""Position flags (first place, last place, bottom K) and their consecutive-period versions.

Positions are read from competition ranks (ties share the best rank), so "last place" means nobody
ranks below the unit and "bottom K" means fewer than K units rank below it: units tied for last place
are all last.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from devzone.evaluation.engine.errors import EvaluationInputError
from devzone.evaluation.engine.scheme import FlagRule

SEPARATOR = ";"


def position_condition(
    rule: FlagRule, rank: pl.Expr, ranked_below: pl.Expr, score: pl.Expr | None = None
) -> pl.Expr:
    """True where a ranked unit holds the rule's position; `ranked_below` counts units ranked below it."""
    if rule.position == "top":
        condition = rank == 1
    elif rule.position == "last":
        condition = ranked_below == 0
    else:
        condition = ranked_below < rule.count
    if rule.below is not None:
        if score is None:
            raise ValueError("a flag with `below` needs scores")
        condition = condition & (score < rule.below)
    return condition.fill_null(False)


def ranked_below(rank: str, keys: Sequence[str]) -> pl.Expr:
    """How many ranked units of the same group rank strictly below (for valid competition ranks)."""
    ranked = pl.col(rank).is_not_null()
    n = ranked.sum().over(list(keys))
    ties = pl.len().over([*keys, rank])
    return n - (pl.col(rank) - 1) - ties


def flag_consecutive(
    ranks: pl.DataFrame,
    *,
    unit: str,
    period: str,
    rule: FlagRule | None = None,
    position: str = "last",
    count: int = 1,
    periods: int = 2,
    below: float | None = None,
    rank: str = "rank",
    score: str = "score",
    group_by: Sequence[str] = (),
) -> pl.DataFrame:
    """Consecutive-period flags over a frame of ranks for several periods.

    `ranks` has one row per unit and period with its competition rank (null when not ranked) inside
    its peer group (`group_by`, within the period). Periods are ordered by sorting their values; "running"
    means in consecutive periods among all periods present. Returns `ranks` with two more columns:
    `streak` (how many periods running, up to this one, the unit held the position) and `flagged`
    (streak >= periods).
    """
    rule = rule or FlagRule(
        key="streak", label="", position=position, count=count, below=below, periods=periods
    )
    needed = [unit, period, rank, *group_by] + ([score] if rule.below is not None else [])
    missing = [column for column in needed if column not in ranks.columns]
    if missing:
        raise EvaluationInputError(f"历史排名缺少列: {'、'.join(missing)}")
    keys = [period, *group_by]
    below_count = ranked_below(rank, keys)
    held = position_condition(rule, pl.col(rank), below_count, pl.col(score) if rule.below else None)
    order = pl.col(period).rank("dense").cast(pl.Int64)
    frame = ranks.with_columns(
        held.alias("__held"), order.alias("__order"), pl.int_range(pl.len()).alias("__i")
    )
    frame = frame.sort([unit, "__order"])
    previous = pl.col("__order").shift(1).over(unit)
    breaks = ~pl.col("__held") | previous.is_null() | (pl.col("__order") != previous + 1)
    frame = frame.with_columns(breaks.cum_sum().over(unit).alias("__run"))
    streak = pl.col("__held").cast(pl.Int64).cum_sum().over([unit, "__run"])
    frame = frame.with_columns(streak.alias("streak"))
    frame = frame.with_columns((pl.col("streak") >= rule.periods).alias("flagged"))
    return frame.sort("__i").drop("__held", "__order", "__i", "__run")
