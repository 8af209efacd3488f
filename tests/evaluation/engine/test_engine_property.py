"""Property tests: whatever the data, mujun scores stay in bounds and ranks are a competition ranking."""

from __future__ import annotations

import math

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devzone.evaluation.engine import evaluate, load_scheme

SCHEME = load_scheme("mujun")
CLASS_ORDER = ["A", "B", "C", "D"]
NUMBERS = st.one_of(
    st.none(),
    st.just(0.0),
    st.floats(min_value=0.0, max_value=1e6, allow_nan=False, allow_infinity=False),
)
SIGNED = st.one_of(st.none(), st.floats(min_value=-1e5, max_value=1e6, allow_nan=False, allow_infinity=False))


@st.composite
def enterprises(draw: st.DrawFn) -> pl.DataFrame:
    n = draw(st.integers(min_value=1, max_value=25))
    column = lambda values: draw(st.lists(values, min_size=n, max_size=n))  # noqa: E731
    return pl.DataFrame(
        {
            "credit_code": [f"E{i}" for i in range(n)],
            "group": column(st.sampled_from(["甲", "乙", "丙"])),
            "land_mu": column(NUMBERS),
            "tax": column(SIGNED),
            "value_added": column(SIGNED),
            "employees": column(NUMBERS),
            "energy_tce": column(NUMBERS),
            "emission_eq": column(NUMBERS),
            "rd_expense": column(NUMBERS),
            "revenue": column(NUMBERS),
            "years_in_production": column(st.sampled_from([0.0, 2.0, 3.0, 10.0])),
            "veto": column(st.booleans()),
        },
        schema_overrides={"group": pl.String, "veto": pl.Boolean},
    ).with_columns(pl.exclude("credit_code", "group", "veto").cast(pl.Float64))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frame=enterprises())
def test_scores_in_bounds_and_ranks_valid(frame: pl.DataFrame) -> None:
    out = evaluate(SCHEME, frame).results
    assert out.height == frame.height
    expected_participation = [
        (years or 0) >= 3 and (land or 0) > 0
        for years, land in zip(frame["years_in_production"], frame["land_mu"], strict=True)
    ]
    assert out["participates"].to_list() == expected_participation
    for indicator in SCHEME.indicators:
        for value in out[f"score_{indicator.key}"].drop_nulls():
            assert 0.0 <= value <= indicator.weight * 3 + 1e-9
    for group in out.filter(pl.col("participates")).partition_by("group"):
        scores = group["score"].to_list()
        ranks = group["rank"].to_list()
        n = len(scores)
        for score, rank, klass, flags in zip(scores, ranks, group["class"], group["flags"], strict=True):
            assert 0.0 <= score <= 300.0 + 1e-9 and not math.isnan(score)
            assert rank == 1 + sum(other > score for other in scores)  # competition ranking
            if "override:veto" in flags:
                assert klass == "D"
            else:
                share = [20, 70, 95]
                expected = next(
                    (c for c, s in zip(CLASS_ORDER, share, strict=False) if 100 * rank <= s * n), "D"
                )
                assert klass == expected
    excluded = out.filter(~pl.col("participates"))
    assert excluded["score"].null_count() == excluded.height
    assert excluded["rank"].null_count() == excluded.height
    levers = out["tax_to_next_class"].drop_nulls()
    assert all(value >= 0 for value in levers)
