"""tax_to_next_class: the extra tax that lifts a non-A enterprise to the next class, benchmarks fixed."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import polars as pl
import pytest

from devzone.evaluation.engine import evaluate, load_scheme

MujunFactory = Callable[..., pl.DataFrame]  # the `mujun_frame` fixture (conftest.py)
CLASSES = ["A", "B", "C", "D"]


def random_enterprises(mujun_frame: MujunFactory, n: int, seed: int) -> pl.DataFrame:
    rng = np.random.default_rng(seed)

    def draw(mean: float) -> list[float]:
        return [round(float(v), 2) for v in rng.lognormal(mean, 0.8, n)]

    return mujun_frame(
        n,
        group=[["甲", "乙"][i % 2] for i in range(n)],
        land_mu=draw(2.0),
        tax=draw(3.0),
        value_added=draw(4.0),
        employees=draw(2.0),
        energy_tce=draw(3.0),
        emission_eq=draw(1.0),
        rd_expense=draw(1.0),
        revenue=draw(5.0),
        veto=[bool(v) for v in rng.random(n) < 0.05],
    )


def test_after_adding_the_tax_the_score_reaches_the_boundary(mujun_frame: MujunFactory) -> None:
    frame = random_enterprises(mujun_frame, 60, seed=7)
    result = evaluate("mujun", frame)
    out = result.results
    lifted = frame.with_columns(pl.col("tax") + pl.Series(out["tax_to_next_class"]).fill_null(0.0))
    again = evaluate("mujun", lifted, benchmarks=result.benchmarks).results
    target = result.details["__target"]
    has_lever = out["tax_to_next_class"].is_not_null()
    assert has_lever.sum() > 10
    for row in range(frame.height):
        if has_lever[row]:
            assert out["tax_to_next_class"][row] > 0
            assert again["score"][row] == pytest.approx(target[row], abs=1e-6)


def test_the_boundary_is_the_lowest_score_of_the_next_class(mujun_frame: MujunFactory) -> None:
    frame = random_enterprises(mujun_frame, 40, seed=3)
    first = evaluate("mujun", frame)
    out = first.results
    for row in out.filter(pl.col("tax_to_next_class").is_not_null()).iter_rows(named=True):
        better = CLASSES[CLASSES.index(row["class"]) - 1]
        peers = out.filter(
            (pl.col("group") == row["group"])
            & (pl.col("class") == better)
            & ~pl.col("flags").str.contains("veto")
        )
        if peers.height:
            lifted = frame.with_columns(
                pl.when(pl.col("credit_code") == row["credit_code"])
                .then(pl.col("tax") + row["tax_to_next_class"] + 1e-6)
                .otherwise(pl.col("tax"))
            )
            moved = evaluate("mujun", lifted, benchmarks=first.benchmarks).results
            new_class = moved.filter(pl.col("credit_code") == row["credit_code"])["class"][0]
            assert CLASSES.index(new_class) <= CLASSES.index(better)


def test_exact_values_on_a_small_case(mujun_frame: MujunFactory) -> None:
    # five enterprises, taxes 10..50 on 10 mu: benchmark 3 万元/亩, score = 60 + 40·(tax/10)/3
    out = evaluate("mujun", mujun_frame(5, tax=[10.0, 20.0, 30.0, 40.0, 50.0])).results
    assert out["class"].to_list() == ["D", "C", "B", "B", "A"]
    # the B with the lowest score has 30 → C at 20 needs +10, D at 10 needs +10; B at 40 needs +10 to 50
    assert out["tax_to_next_class"].to_list() == [
        pytest.approx(10.0),
        pytest.approx(10.0),
        pytest.approx(20.0),
        pytest.approx(10.0),
        None,
    ]


def test_null_when_the_cap_cannot_reach(mujun_frame: MujunFactory) -> None:
    # the last enterprise's tax already scores the cap (40 × 3); the class above starts at 130 points
    frame = mujun_frame(
        5,
        tax=[10.0, 10.0, 10.0, 10.0, 60.0],
        value_added=[200.0, 200.0, 200.0, 200.0, 0.0],
        energy_tce=[0.0, 0.0, 0.0, 40.0, 40.0],
        emission_eq=[0.0, 0.0, 0.0, 4.0, 4.0],
        rd_expense=[10.0, 10.0, 10.0, 10.0, 0.0],
    )
    out = evaluate("mujun", frame).results
    assert out["score"].to_list() == pytest.approx([130.0, 130.0, 130.0, 110.0, 120.0])
    assert out["class"].to_list() == ["A", "A", "A", "D", "C"]
    assert out["tax_to_next_class"][4] is None  # C → (B empty) A at 130: out of reach
    assert out["tax_to_next_class"][3] == pytest.approx(5.0)  # D → C at 120: +10 points = +0.5 万元/亩


def test_null_for_vetoed_best_and_excluded(mujun_frame: MujunFactory) -> None:
    frame = mujun_frame(
        5,
        tax=[10.0, 20.0, 30.0, 40.0, 50.0],
        veto=[True, False, False, False, False],
        years_in_production=[5.0, 5.0, 1.0, 5.0, 5.0],
    )
    out = evaluate("mujun", frame).results
    assert out["tax_to_next_class"][0] is None  # vetoed
    assert out["tax_to_next_class"][2] is None  # not participating
    assert out["tax_to_next_class"][4] is None  # already A


def test_null_when_the_tax_is_undefined(mujun_frame: MujunFactory) -> None:
    out = evaluate("mujun", mujun_frame(4, tax=[None, 20.0, 30.0, 40.0])).results
    assert out["class"][0] == "D" and out["tax_to_next_class"][0] is None


def test_the_lever_is_declared_in_the_scheme() -> None:
    scheme = load_scheme("mujun")
    assert scheme.lever is not None
    assert (scheme.lever.column, scheme.lever.indicator, scheme.lever.output) == (
        "tax",
        "tax_per_mu",
        "tax_to_next_class",
    )
