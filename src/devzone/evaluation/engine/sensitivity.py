"""Weight sensitivity: how stable is each unit's rank and class when the weights move?

Each draw multiplies every indicator weight by an independent uniform factor in [1 - spread, 1 + spread]
and rescales the draw to the original total weight. Normalised indicator values do not depend on the
weights, so all draws' scores are one matrix product; ranks per draw and group come from one sort per
draw. Overrides (veto) keep their forced class in every draw.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from devzone.evaluation.engine.errors import EvaluationInputError
from devzone.evaluation.engine.pipeline import GROUP, OVERRIDDEN, PARTICIPATES, ROW, evaluate, norm_col
from devzone.evaluation.engine.ranks import competition_ranks
from devzone.evaluation.engine.result import EvaluationResult
from devzone.evaluation.engine.scheme import ClassRule, Scheme

DEFAULT_SEED = 20240601


def sensitivity(
    scheme: Scheme | str | Path | Mapping[str, Any],
    frame: pl.DataFrame,
    draws: int = 100,
    *,
    spread: float = 0.2,
    seed: int = DEFAULT_SEED,
    group_by: str | Sequence[str] | None = None,
) -> pl.DataFrame:
    """Evaluate, then perturb the weights `draws` times (see `sensitivity_of`)."""
    return sensitivity_of(evaluate(scheme, frame, group_by), draws, spread=spread, seed=seed)


def sensitivity_of(
    result: EvaluationResult, draws: int = 100, *, spread: float = 0.2, seed: int = DEFAULT_SEED
) -> pl.DataFrame:
    """Per unit (input order): rank and class, the 5th and 95th percentile of its rank over the draws,
    and the share of draws that keep its class. Non-participants get nulls. Deterministic for a seed."""
    if draws < 1:
        raise EvaluationInputError("敏感性分析的抽样次数应为正整数")
    if not 0 <= spread < 1:
        raise EvaluationInputError("敏感性分析的扰动幅度应在 0 到 1 之间 (如 0.2 表示 ±20%)")
    scheme = result.scheme
    indicators = scheme.indicators
    norms = [norm_col(indicator.key) for indicator in indicators]
    part = result.details.filter(pl.col(PARTICIPATES)).select(ROW, GROUP, *norms, "class", OVERRIDDEN)
    group = part[GROUP].to_numpy().astype(np.int64)
    matrix = part.select(norms).to_numpy().astype(np.float64)
    weights = _draw_weights(np.array([i.weight for i in indicators], dtype=np.float64), draws, spread, seed)
    scores = matrix @ weights.T
    ranks = competition_ranks(scores, group)
    out = pl.DataFrame({ROW: part[ROW]})
    if part.height:
        low, high = np.percentile(ranks, [5, 95], axis=1, method="nearest")
        out = out.with_columns(
            pl.Series("rank_p05", low.astype(np.int64)),
            pl.Series("rank_p95", high.astype(np.int64)),
        )
        if scheme.classes is not None:
            stability = _class_stability(scheme.classes, part, scores, ranks, group)
            out = out.with_columns(pl.Series("class_stability", stability))
    for name, dtype in (("rank_p05", pl.Int64), ("rank_p95", pl.Int64), ("class_stability", pl.Float64)):
        if name not in out.columns:
            out = out.with_columns(pl.lit(None, dtype=dtype).alias(name))
    base = result.details.select(ROW, scheme.unit_key, *result.groups, "rank", "class")
    return base.join(out, on=ROW, how="left", maintain_order="left").drop(ROW)


def _draw_weights(weights: np.ndarray, draws: int, spread: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    factors = rng.uniform(1.0 - spread, 1.0 + spread, size=(draws, weights.size))
    drawn = weights * factors
    totals = drawn.sum(axis=1, keepdims=True)
    total = weights.sum()
    if total > 0:
        drawn = drawn * (total / totals)
    return drawn


def _class_stability(
    rule: ClassRule, part: pl.DataFrame, scores: np.ndarray, ranks: np.ndarray, group: np.ndarray
) -> np.ndarray:
    levels = rule.levels
    last = len(levels) - 1
    classes = np.full(scores.shape, last, dtype=np.int64)
    if rule.method == "rank_share":
        sizes = np.bincount(group)[group][:, None]  # participants per group
        for index in range(last - 1, -1, -1):
            share = levels[index].max_share
            assert share is not None
            classes[ranks * share.denominator <= sizes * share.numerator] = index
    else:
        for index in range(last - 1, -1, -1):
            threshold = levels[index].min_score
            assert threshold is not None
            classes[scores >= threshold] = index
    position = {level.key: i for i, level in enumerate(levels)}
    base = np.array([position[key] for key in part["class"].to_list()], dtype=np.int64)
    overridden = part[OVERRIDDEN].to_numpy()
    classes[overridden] = base[overridden][:, None]
    return (classes == base[:, None]).mean(axis=1)
