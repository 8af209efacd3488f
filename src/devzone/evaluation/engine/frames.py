"""Frame operations through the lazy engine.

With Polars 2.1 an eager `DataFrame.with_columns`/`select` runs with optimisations switched off, which
made some of our expressions (repeated sub-expressions, long when/then chains) up to ten times slower on
a million rows than the same call through `lazy()…collect()`. The pipeline therefore goes lazy.
"""

from __future__ import annotations

import polars as pl


def with_columns(frame: pl.DataFrame, *exprs: pl.Expr | pl.Series | list[pl.Expr]) -> pl.DataFrame:
    return frame.lazy().with_columns(*exprs).collect()


def select(frame: pl.DataFrame, *exprs: pl.Expr | str | list[pl.Expr]) -> pl.DataFrame:
    return frame.lazy().select(*exprs).collect()
