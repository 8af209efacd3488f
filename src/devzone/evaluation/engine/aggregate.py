"""Rater-level rows collapsed to one row per evaluated unit (观摩打分, 营商环境评议).

The output never carries rater identities: only the number of raters and whether trimming applied.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from devzone.evaluation.engine.scheme import Aggregate

RATERS = "raters"
TRIMMED = "trimmed"


def trimmed_mean(column: str, trim: int, min_raters: int) -> pl.Expr:
    """Mean of `column` within a group, dropping `trim` highest and lowest values when there are at
    least `min_raters` non-null values; the plain mean otherwise. For use inside `group_by().agg()`."""
    values = pl.col(column).drop_nulls()
    count = values.count()
    total = values.sum()
    if trim == 0:
        return (total / count).alias(column)
    lowest = values.sort().head(trim).sum()
    highest = values.sort(descending=True).head(trim).sum()
    trimmed = (total - lowest - highest) / (count - 2 * trim)
    return pl.when(count >= min_raters).then(trimmed).otherwise(total / count).alias(column)


def aggregate_ratings(
    frame: pl.DataFrame, aggregate: Aggregate, keys: Sequence[str], carry: Sequence[str]
) -> pl.DataFrame:
    """One row per `keys` (group columns + unit key), in order of first appearance.

    Only the `carry` columns (declared unit-level inputs) are kept, with their first value; anything
    else in the rater rows, the rater column above all, is dropped."""
    first = aggregate.columns[0]
    trim = aggregate.trim if aggregate.method == "trimmed_mean" else 0
    exprs = [trimmed_mean(column, trim, aggregate.min_raters) for column in aggregate.columns]
    count = pl.col(first).drop_nulls().count()
    others = [
        pl.col(column).first()
        for column in carry
        if column in frame.columns
        and column not in keys
        and column not in aggregate.columns
        and column != aggregate.rater
    ]
    return frame.group_by(list(keys), maintain_order=True).agg(
        *exprs,
        count.cast(pl.Int64).alias(RATERS),
        ((count >= aggregate.min_raters) & pl.lit(trim > 0)).alias(TRIMMED),
        *others,
    )
