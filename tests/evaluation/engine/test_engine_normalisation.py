"""Each normalisation, in both directions, with its edge cases (constant groups, infinity, undefined)."""

from __future__ import annotations

import math
from typing import Any

import polars as pl
import pytest

from devzone.evaluation.engine import EvaluationInputError, evaluate


def scheme(normalisation: dict[str, Any], direction: str = "higher", formula: str = "x") -> dict[str, Any]:
    return {
        "key": "probe",
        "name": "测试方案",
        "unit": "unit",
        "unit_key": "id",
        "group_by": "g",
        "inputs": {"id": {"type": "string"}, "g": {"type": "string"}, "x": {}, "y": {}},
        "categories": [
            {
                "key": "only",
                "name": "唯一",
                "indicators": [
                    {
                        "key": "k",
                        "formula": formula,
                        "weight": 10,
                        "direction": direction,
                        "normalisation": normalisation,
                    },
                ],
            }
        ],
    }


def frame(x: list[float | None], g: list[str] | None = None, y: list[float] | None = None) -> pl.DataFrame:
    n = len(x)
    return pl.DataFrame(
        {"id": [f"u{i}" for i in range(n)], "g": g or ["a"] * n, "x": x, "y": y or [1.0] * n},
        schema_overrides={"x": pl.Float64, "y": pl.Float64},
    )


def scores(spec: dict[str, Any], data: pl.DataFrame) -> list[float]:
    return evaluate(spec, data).results["score_k"].to_list()


def test_benchmark_ratio_mean_with_cap() -> None:
    spec = scheme({"method": "benchmark_ratio", "benchmark": "mean", "cap": 1.5})
    assert scores(spec, frame([1.0, 2.0, 3.0, 10.0])) == pytest.approx([2.5, 5.0, 7.5, 15.0])  # mean 4


def test_benchmark_ratio_median_and_fixed() -> None:
    median = scheme({"method": "benchmark_ratio", "benchmark": "median", "cap": 3})
    assert scores(median, frame([1.0, 2.0, 3.0, 10.0])) == pytest.approx([4.0, 8.0, 12.0, 30.0])
    fixed = scheme({"method": "benchmark_ratio", "benchmark": 5, "cap": 3})
    assert scores(fixed, frame([1.0, 5.0, 20.0])) == pytest.approx([2.0, 10.0, 30.0])


def test_benchmark_ratio_lower_is_better() -> None:
    spec = scheme({"method": "benchmark_ratio", "cap": 3}, direction="lower")
    # mean 2: ratio = 2 / x; zero is the best possible value → the cap
    assert scores(spec, frame([1.0, 2.0, 4.0, 1.0, 0.0, 4.0])) == pytest.approx(
        [20.0, 10.0, 5.0, 20.0, 30.0, 5.0]
    )


def test_benchmark_ratio_negative_values_clamp_at_zero() -> None:
    spec = scheme({"method": "benchmark_ratio", "cap": 3})
    assert scores(spec, frame([-4.0, 2.0, 8.0])) == pytest.approx([0.0, 10.0, 30.0])


def test_minmax() -> None:
    spec = scheme({"method": "minmax"})
    assert scores(spec, frame([2.0, 4.0, 6.0, 10.0])) == pytest.approx([0.0, 2.5, 5.0, 10.0])
    lower = scheme({"method": "minmax"}, direction="lower")
    assert scores(lower, frame([2.0, 4.0, 6.0, 10.0])) == pytest.approx([10.0, 7.5, 5.0, 0.0])


def test_minmax_per_group_constant_and_infinite() -> None:
    spec = scheme({"method": "minmax", "when_constant": 0.5}, formula="x / y")
    data = frame([3.0, 3.0, 1.0, 2.0, 1.0], g=["a", "a", "b", "b", "b"], y=[1.0, 1.0, 1.0, 1.0, 0.0])
    # group a is constant → 0.5 × 10; in group b the infinite value (1 / 0) takes the top of the scale
    assert scores(spec, data) == pytest.approx([5.0, 5.0, 0.0, 10.0, 10.0])


def test_zscore() -> None:
    spec = scheme({"method": "zscore", "clip": 3})
    # mean 5, population std 2 → z = -1, -1, 1, 1 ... weighted by 10
    assert scores(spec, frame([3.0, 3.0, 7.0, 7.0])) == pytest.approx([-10.0, -10.0, 10.0, 10.0])
    lower = scheme({"method": "zscore"}, direction="lower")
    assert scores(lower, frame([3.0, 3.0, 7.0, 7.0])) == pytest.approx([10.0, 10.0, -10.0, -10.0])
    clipped = scheme({"method": "zscore", "clip": 1})
    assert max(scores(clipped, frame([0.0] * 9 + [100.0]))) == pytest.approx(10.0)
    assert scores(spec, frame([4.0, 4.0])) == [0.0, 0.0]  # no spread: z = 0


def test_rank_percentile_with_ties() -> None:
    spec = scheme({"method": "rank_percentile"})
    # average ranks 1, 2.5, 2.5, 4 → (r - 1) / (n - 1)
    assert scores(spec, frame([1.0, 5.0, 5.0, 9.0])) == pytest.approx([0.0, 5.0, 5.0, 10.0])
    lower = scheme({"method": "rank_percentile"}, direction="lower")
    assert scores(lower, frame([1.0, 5.0, 9.0])) == pytest.approx([10.0, 5.0, 0.0])
    assert scores(spec, frame([7.0])) == [10.0]  # a single unit is at the top


def test_rank_percentile_ignores_undefined_values() -> None:
    spec = scheme({"method": "rank_percentile"})
    assert scores(spec, frame([1.0, None, 9.0])) == pytest.approx([0.0, 0.0, 10.0])


def test_identity() -> None:
    spec = scheme({"method": "identity"})
    assert scores(spec, frame([55.5, 70.0])) == pytest.approx([555.0, 700.0])
    assert evaluate(spec, frame([1.0, 1.0])).results["flags"].to_list() == ["", ""]
    infinite = evaluate(scheme({"method": "identity"}, formula="x / y"), frame([1.0, 1.0], y=[0.0, 1.0]))
    assert infinite.results["score_k"].to_list() == [0.0, 10.0]
    assert infinite.results["flags"][0] == "undefined:k"


def test_undefined_scores_zero_in_every_method() -> None:
    for method in ({"method": "minmax"}, {"method": "zscore"}, {"method": "benchmark_ratio", "cap": 3}):
        values = scores(scheme(method), frame([None, 2.0, 4.0]))
        assert values[0] == 0.0, method
        assert not any(math.isnan(v) for v in values)


def test_benchmarks_can_be_held_fixed() -> None:
    spec = scheme({"method": "benchmark_ratio", "cap": 3})
    first = evaluate(spec, frame([1.0, 3.0]))
    assert first.benchmarks["benchmark_k"].to_list() == [2.0]
    again = evaluate(spec, frame([1.0, 3.0, 100.0]), benchmarks=first.benchmarks)
    assert again.results["score_k"].to_list() == pytest.approx([5.0, 15.0, 30.0])


def test_fixed_benchmarks_per_group_and_missing_columns() -> None:
    spec = scheme({"method": "benchmark_ratio", "cap": 3})
    first = evaluate(spec, frame([1.0, 3.0, 10.0], g=["a", "a", "b"]))
    again = evaluate(spec, frame([2.0, 10.0, 5.0], g=["a", "b", "c"]), benchmarks=first.benchmarks)
    assert again.results["score_k"].to_list() == pytest.approx([10.0, 10.0, 0.0])  # group c: no benchmark
    assert again.results["flags"][2] == "benchmark_undefined:k"
    with pytest.raises(EvaluationInputError, match="基准值缺少列: benchmark_k"):
        evaluate(spec, frame([1.0]), benchmarks=first.benchmarks.drop("benchmark_k"))
