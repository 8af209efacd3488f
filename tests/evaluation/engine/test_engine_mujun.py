"""亩均效益综合评价 (mujun) through the generic engine: scores, ranks, class boundaries, veto, flags."""

from __future__ import annotations

import math
from collections.abc import Callable

import polars as pl
import pytest

from devzone.evaluation.engine import EvaluationInputError, evaluate, load_scheme

MujunFactory = Callable[..., pl.DataFrame]  # the `mujun_frame` fixture (conftest.py)

OUTPUT_COLUMNS = [
    "credit_code",
    "group",
    "participates",
    "score",
    "rank",
    "class",
    "score_tax_per_mu",
    "score_va_per_mu",
    "score_labor_productivity",
    "score_va_per_energy",
    "score_va_per_emission",
    "score_rd_intensity",
    "flags",
    "tax_to_next_class",
]


def classes_for_taxes(mujun_frame: MujunFactory, taxes: list[float]) -> list[str]:
    """Only tax differs, so score = 60 + 40·tax/mean(tax): the ranks follow the taxes."""
    result = evaluate("mujun", mujun_frame(len(taxes), tax=taxes)).results
    return result["class"].to_list()


def test_output_columns_and_order(mujun_frame: MujunFactory) -> None:
    frame = mujun_frame(3, tax=[30.0, 10.0, 20.0])
    result = evaluate("mujun", frame).results
    assert result.columns == OUTPUT_COLUMNS
    assert result["credit_code"].to_list() == ["E000", "E001", "E002"]
    assert result["rank"].to_list() == [1, 3, 2]


def test_scores_follow_the_formula(mujun_frame: MujunFactory) -> None:
    frame = mujun_frame(4, tax=[10.0, 20.0, 30.0, 40.0])
    result = evaluate("mujun", frame).results
    # tax_per_mu = tax / 10, benchmark = mean = 2.5; other indicators equal their benchmark (ratio 1)
    assert result["score_tax_per_mu"].to_list() == pytest.approx([16.0, 32.0, 48.0, 64.0])
    assert result["score_va_per_mu"].to_list() == pytest.approx([20.0] * 4)
    assert result["score"].to_list() == pytest.approx([76.0, 92.0, 108.0, 124.0])


def test_cap_at_three_times_the_benchmark(mujun_frame: MujunFactory) -> None:
    frame = mujun_frame(5, tax=[1000.0, 1.0, 1.0, 1.0, 1.0])
    result = evaluate("mujun", frame).results
    assert result["score_tax_per_mu"][0] == pytest.approx(120.0)  # 40 × 3


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        # n = 10: A ranks 1-2 (≤20%), B 3-7 (≤70%), C 8-9 (≤95%), D 10
        (10, ["A", "A", "B", "B", "B", "B", "B", "C", "C", "D"]),
        # n = 7: A rank 1 (1/7 ≤ 20% < 2/7), B 2-4 (4/7 ≤ 70% < 5/7), C 5-6 (6/7 ≤ 95%), D 7
        (7, ["A", "B", "B", "B", "C", "C", "D"]),
    ],
)
def test_class_boundaries(mujun_frame: MujunFactory, n: int, expected: list[str]) -> None:
    taxes = [float(100 - i) for i in range(n)]  # strictly decreasing: rank i + 1
    assert classes_for_taxes(mujun_frame, taxes) == expected


def test_exact_share_at_boundary_is_inclusive(mujun_frame: MujunFactory) -> None:
    # n = 20: rank 4 is exactly 20% → A; rank 14 exactly 70% → B; rank 19 exactly 95% → C
    classes = classes_for_taxes(mujun_frame, [float(100 - i) for i in range(20)])
    assert classes[3] == "A" and classes[4] == "B"
    assert classes[13] == "B" and classes[14] == "C"
    assert classes[18] == "C" and classes[19] == "D"


def test_ties_at_a_boundary_share_the_better_class(mujun_frame: MujunFactory) -> None:
    # n = 10, second and third tie: both rank 2 → both A; the next is rank 4 (B)
    taxes = [100.0, 90.0, 90.0, 80.0, 70.0, 60.0, 50.0, 40.0, 30.0, 20.0]
    result = evaluate("mujun", mujun_frame(10, tax=taxes)).results
    assert result["rank"].to_list() == [1, 2, 2, 4, 5, 6, 7, 8, 9, 10]
    assert result["class"].to_list()[:4] == ["A", "A", "A", "B"]


def test_ties_for_last_place(mujun_frame: MujunFactory) -> None:
    # n = 10, ranks 9 and 10 tie at 9 → both C (90% ≤ 95%), no D
    taxes = [100.0, 90.0, 80.0, 70.0, 60.0, 50.0, 40.0, 30.0, 20.0, 20.0]
    result = evaluate("mujun", mujun_frame(10, tax=taxes)).results
    assert result["rank"].to_list()[-2:] == [9, 9]
    assert result["class"].to_list()[-2:] == ["C", "C"]


def test_veto_forces_d_but_keeps_rank_and_counts_in_n(mujun_frame: MujunFactory) -> None:
    taxes = [float(100 - i) for i in range(10)]
    veto = [True] + [False] * 9
    result = evaluate("mujun", mujun_frame(10, tax=taxes, veto=veto)).results
    assert result["rank"][0] == 1
    assert result["class"].to_list() == ["D", "A", "B", "B", "B", "B", "B", "C", "C", "D"]
    assert result["flags"][0] == "override:veto"
    assert result["tax_to_next_class"][0] is None


def test_veto_accepts_chinese_words_and_numbers(mujun_frame: MujunFactory) -> None:
    frame = mujun_frame(3, tax=[30.0, 20.0, 10.0]).with_columns(pl.Series("veto", ["否", "是", ""]))
    assert evaluate("mujun", frame).results["class"][1] == "D"
    frame = mujun_frame(3, tax=[30.0, 20.0, 10.0]).with_columns(pl.Series("veto", [0, 1, None]))
    assert evaluate("mujun", frame).results["class"][1] == "D"


def test_participation(mujun_frame: MujunFactory) -> None:
    frame = mujun_frame(
        4,
        years_in_production=[5.0, 2.9, 3.0, 10.0],
        land_mu=[10.0, 10.0, 10.0, 0.0],
        tax=[10.0, 20.0, 30.0, 40.0],
    )
    result = evaluate("mujun", frame).results
    assert result["participates"].to_list() == [True, False, True, False]
    excluded = result.filter(~pl.col("participates"))
    assert excluded["score"].to_list() == [None, None]
    assert excluded["rank"].to_list() == [None, None]
    assert excluded["class"].to_list() == [None, None]
    assert excluded["score_tax_per_mu"].to_list() == [None, None]
    assert excluded["flags"].to_list() == ["excluded", "excluded"]
    # n counts participants only: two participants, ranks 1 and 2
    assert result.filter(pl.col("participates"))["rank"].sort().to_list() == [1, 2]


def test_zero_denominator_with_positive_numerator_scores_the_cap(mujun_frame: MujunFactory) -> None:
    frame = mujun_frame(3, energy_tce=[0.0, 40.0, 40.0], emission_eq=[4.0, 4.0, 0.0])
    result = evaluate("mujun", frame)
    out = result.results
    assert out["score_va_per_energy"][0] == pytest.approx(30.0)
    assert out["score_va_per_emission"][2] == pytest.approx(30.0)
    # the benchmark is the mean of finite values only: the others score ratio 1
    assert out["score_va_per_energy"][1] == pytest.approx(10.0)
    assert result.explain("E000")["indicators"][3]["value"] == "inf"
    assert out["flags"][0] == ""


def test_undefined_values_score_zero_and_are_flagged(mujun_frame: MujunFactory) -> None:
    frame = mujun_frame(3, rd_expense=[0.0, 10.0, None], revenue=[0.0, 500.0, 500.0])
    out = evaluate("mujun", frame).results
    assert out["score_rd_intensity"].to_list() == [0.0, pytest.approx(10.0), 0.0]
    assert out["flags"].to_list() == ["undefined:rd_intensity", "", "undefined:rd_intensity"]
    assert out["participates"].to_list() == [True, True, True]


def test_benchmark_of_zero_scores_zero_for_the_whole_group(mujun_frame: MujunFactory) -> None:
    frame = mujun_frame(
        4, group=["甲", "甲", "乙", "乙"], rd_expense=[0.0, 0.0, 5.0, 10.0], tax=[0.0, -5.0, 10.0, 20.0]
    )
    result = evaluate("mujun", frame)
    out = result.results
    assert out["score_rd_intensity"].to_list()[:2] == [0.0, 0.0]
    assert out["score_tax_per_mu"].to_list()[:2] == [0.0, 0.0]
    assert out["flags"][0] == "benchmark_nonpositive:tax_per_mu;benchmark_nonpositive:rd_intensity"
    assert out["score_rd_intensity"][3] > 0
    assert result.benchmarks.filter(pl.col("group") == "甲")["benchmark_rd_intensity"][0] == 0.0


def test_benchmark_undefined_when_no_finite_value(mujun_frame: MujunFactory) -> None:
    frame = mujun_frame(2, rd_expense=[None, 0.0], revenue=[500.0, 0.0])
    out = evaluate("mujun", frame).results
    assert out["flags"][0] == "undefined:rd_intensity;benchmark_undefined:rd_intensity"


def test_groups_are_ranked_separately_and_group_by_overrides(mujun_frame: MujunFactory) -> None:
    frame = mujun_frame(4, group=["甲", "乙", "甲", "乙"], tax=[10.0, 20.0, 30.0, 40.0]).with_columns(
        pl.Series("zone", ["z"] * 4)
    )
    assert evaluate("mujun", frame).results["rank"].to_list() == [2, 2, 1, 1]
    by_zone = evaluate("mujun", frame, group_by="zone").results
    assert by_zone["rank"].to_list() == [4, 3, 2, 1]
    assert "zone" in by_zone.columns and "group" not in by_zone.columns
    assert evaluate("mujun", frame, group_by=[]).results["rank"].to_list() == [4, 3, 2, 1]


def test_null_group_is_its_own_group(mujun_frame: MujunFactory) -> None:
    frame = mujun_frame(3, group=["甲", None, None], tax=[10.0, 20.0, 30.0])
    assert evaluate("mujun", frame).results["rank"].to_list() == [1, 2, 1]


def test_explanation(mujun_frame: MujunFactory) -> None:
    frame = mujun_frame(5, tax=[10.0, 20.0, 30.0, 40.0, 50.0])
    result = evaluate("mujun", frame)
    explained = result.explain("E001")
    assert explained["rank"] == 4 and explained["class"] == "C" and explained["class_label"] == "帮扶转型"
    tax = explained["indicators"][0]
    assert tax["key"] == "tax_per_mu" and tax["value"] == 2.0 and tax["benchmark"] == 3.0
    assert tax["score"] == pytest.approx(40 * 2 / 3)
    assert sum(i["share"] for i in explained["indicators"]) == pytest.approx(1.0)
    assert [c["key"] for c in explained["categories"]] == [
        "land_efficiency",
        "factor_efficiency",
        "innovation",
    ]
    summary = explained["group_summary"]
    assert summary["participants"] == 5 and summary["class_A"] == 1 and summary["class_D"] == 1
    assert summary["score_p50"] == pytest.approx(100.0)
    assert explained["lever"]["extra"] == pytest.approx(10.0)
    long = result.explanations()
    assert long.height == 5 * 6
    assert set(long.columns) >= {"credit_code", "indicator", "value", "benchmark", "score", "share"}
    with pytest.raises(EvaluationInputError):
        result.explain("nope")


def test_group_summary(mujun_frame: MujunFactory) -> None:
    frame = mujun_frame(4, group=["甲", "乙", "甲", "乙"], tax=[10.0, 20.0, 30.0, 40.0])
    summary = evaluate("mujun", frame).group_summary()
    assert summary["group"].to_list() == ["乙", "甲"]
    assert summary["participants"].to_list() == [2, 2]
    assert summary.columns[-4:] == ["class_A", "class_B", "class_C", "class_D"]


def test_missing_columns_are_named_with_their_use(mujun_frame: MujunFactory) -> None:
    frame = mujun_frame(2).drop("energy_tce", "veto")
    with pytest.raises(EvaluationInputError) as caught:
        evaluate("mujun", frame)
    message = str(caught.value)
    assert "energy_tce(指标 va_per_energy)" in message and "veto(否决规则 veto)" in message


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("land_mu", -1.0, "列 land_mu(用地面积(亩)) 第2行的值 -1.0 小于允许的最小值 0"),
        ("tax", math.inf, "不是有限的数字"),
        ("credit_code", None, "第2行缺少 credit_code(统一社会信用代码)"),
        ("credit_code", "E000", "重复"),
    ],
)
def test_bad_values_are_refused(mujun_frame: MujunFactory, column: str, value: object, message: str) -> None:
    frame = mujun_frame(3)
    frame = frame.with_columns(frame[column].scatter(1, value))
    with pytest.raises(EvaluationInputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        evaluate("mujun", frame)


def test_text_numbers_are_parsed(mujun_frame: MujunFactory) -> None:
    frame = mujun_frame(2).with_columns(pl.Series("tax", ["1,234.5", " 20 "]))
    assert evaluate("mujun", frame).results["score"].null_count() == 0
    frame = mujun_frame(2).with_columns(pl.Series("tax", ["12", "abc"]))
    with pytest.raises(EvaluationInputError, match=r"列 tax.* 第2行的值 'abc' 不是数字"):
        evaluate("mujun", frame)


def test_scheme_thresholds_come_from_the_scheme(mujun_frame: MujunFactory) -> None:
    data = load_scheme("mujun").to_dict()
    data["classes"]["levels"][0]["max_share"] = "50%"
    data["categories"][0]["indicators"][0]["normalisation"]["cap"] = 1.5
    frame = mujun_frame(4, tax=[1000.0, 30.0, 20.0, 10.0])
    out = evaluate(data, frame).results
    assert out["class"].to_list() == ["A", "A", "C", "D"]  # 2/4 ≤ 50% < 3/4
    assert out["score_tax_per_mu"][0] == pytest.approx(60.0)


def test_extra_and_result_columns_in_the_input_are_ignored(mujun_frame: MujunFactory) -> None:
    frame = mujun_frame(3, tax=[30.0, 20.0, 10.0])
    previous = evaluate("mujun", frame).results.drop("credit_code", "group")
    again = pl.concat([frame, previous, pl.DataFrame({"__row": [9, 9, 9]})], how="horizontal")
    assert evaluate("mujun", again).results.equals(evaluate("mujun", frame).results)
    with pytest.raises(EvaluationInputError, match="不能按列 score 分组"):
        evaluate("mujun", again, group_by="score")
