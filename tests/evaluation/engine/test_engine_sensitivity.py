"""Weight sensitivity: seeded, deterministic, vectorised; spread 0 changes nothing; vetoes stay D."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import polars as pl
import pytest

from devzone.evaluation.engine import EvaluationInputError, evaluate, sensitivity, sensitivity_of
from devzone.evaluation.engine.ranks import competition_rank

MujunFactory = Callable[..., pl.DataFrame]  # the `mujun_frame` fixture (conftest.py)


def generated(n: int, seed: int = 1) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    return pl.DataFrame(
        {
            "credit_code": [f"C{i:05d}" for i in range(n)],
            "group": rng.choice(["甲", "乙", "丙", "丁"], n),
            "land_mu": rng.lognormal(2.0, 0.7, n),
            "tax": rng.lognormal(3.0, 1.0, n),
            "value_added": rng.lognormal(4.0, 1.0, n),
            "employees": rng.lognormal(3.0, 0.5, n),
            "energy_tce": rng.lognormal(3.0, 1.0, n),
            "emission_eq": rng.lognormal(1.0, 1.0, n),
            "rd_expense": rng.lognormal(1.0, 1.0, n),
            "revenue": rng.lognormal(5.0, 0.5, n),
            "years_in_production": rng.integers(0, 20, n).astype(float),
            "veto": rng.random(n) < 0.03,
        }
    )


def test_columns_and_bounds() -> None:
    frame = generated(400)
    out = sensitivity("mujun", frame, draws=50, spread=0.2, seed=5)
    assert out.columns == ["credit_code", "group", "rank", "class", "rank_p05", "rank_p95", "class_stability"]
    assert out.height == frame.height
    ranked = out.filter(pl.col("rank").is_not_null())
    assert (ranked["rank_p05"] <= ranked["rank_p95"]).all()
    assert ranked["class_stability"].is_between(0.0, 1.0).all()
    assert ranked["class_stability"].min() < 1.0  # something does move
    excluded = out.filter(pl.col("rank").is_null())
    assert excluded["rank_p05"].null_count() == excluded.height


def test_deterministic_for_a_seed() -> None:
    frame = generated(300)
    first = sensitivity("mujun", frame, draws=30, seed=11)
    assert first.equals(sensitivity("mujun", frame, draws=30, seed=11))
    assert not first.equals(sensitivity("mujun", frame, draws=30, seed=12))


def test_no_spread_keeps_everything() -> None:
    frame = generated(200)
    out = sensitivity("mujun", frame, draws=10, spread=0.0)
    ranked = out.filter(pl.col("rank").is_not_null())
    assert (ranked["rank_p05"] == ranked["rank"]).all() and (ranked["rank_p95"] == ranked["rank"]).all()
    assert (ranked["class_stability"] == 1.0).all()


def test_vetoed_units_keep_their_class() -> None:
    frame = generated(300)
    result = evaluate("mujun", frame)
    out = sensitivity_of(result, draws=40, spread=0.5)
    vetoed = out.filter(pl.Series(result.details["__overridden"]))
    assert vetoed.height > 0 and (vetoed["class_stability"] == 1.0).all()


def test_ten_thousand_units_hundred_draws_runs() -> None:
    out = sensitivity("mujun", generated(10_000), draws=100)
    assert out.height == 10_000  # timing is measured in bench/, never asserted here


def test_bad_arguments() -> None:
    result = evaluate("mujun", generated(10))
    with pytest.raises(EvaluationInputError):
        sensitivity_of(result, draws=0)
    with pytest.raises(EvaluationInputError):
        sensitivity_of(result, draws=5, spread=1.5)


def test_competition_rank_helper() -> None:
    scores = np.array([5.0, 7.0, 7.0, np.nan, 1.0, 3.0, 3.0])
    groups = np.array([0, 0, 0, 0, 0, 1, 1])
    assert competition_rank(scores, groups).tolist() == [3, 1, 1, 0, 4, 1, 1]


def test_competition_rank_large_input_matches_polars() -> None:
    rng = np.random.default_rng(2)
    size = 250_000  # above the threshold for the two-thread split
    scores = np.round(rng.random(size) * 50, 1)  # many ties
    scores[rng.random(size) < 0.05] = np.nan
    groups = rng.integers(0, 37, size)
    expected = (
        pl.DataFrame({"s": scores, "g": groups}, nan_to_null=True)
        .select(pl.col("s").rank("min", descending=True).over("g").fill_null(0))["s"]
        .to_numpy()
    )
    assert (competition_rank(scores, groups) == expected).all()
