"""观摩打分 (trimmed mean, anonymity), 双月评议 (red and black flags), county flags and streaks."""

from __future__ import annotations

import json

import polars as pl
import pytest

from devzone.evaluation.engine import EvaluationInputError, evaluate, flag_consecutive, trimmed_mean

# --- inspection -----------------------------------------------------------------------------------------


def inspection_frame(points: dict[str, list[float]]) -> pl.DataFrame:
    rows = [
        {"unit": unit, "rater": f"评委{index}", "points": value}
        for unit, values in points.items()
        for index, value in enumerate(values)
    ]
    return pl.DataFrame(rows)


def test_trimmed_mean_with_four_and_five_raters() -> None:
    frame = inspection_frame({"四人": [60.0, 70.0, 80.0, 100.0], "五人": [50.0, 70.0, 80.0, 90.0, 100.0]})
    out = evaluate("inspection", frame).results
    by_unit = dict(zip(out["unit"], out["score"], strict=True))
    assert by_unit["四人"] == pytest.approx(77.5)  # fewer than five: plain mean
    assert by_unit["五人"] == pytest.approx(80.0)  # drop 50 and 100
    assert dict(zip(out["unit"], out["raters"], strict=True)) == {"四人": 4, "五人": 5}


def test_trimmed_mean_drops_only_one_of_tied_extremes() -> None:
    frame = inspection_frame({"x": [90.0, 90.0, 70.0, 60.0, 60.0, 80.0]})
    assert evaluate("inspection", frame).results["score"][0] == pytest.approx((90 + 70 + 60 + 80) / 4)


def test_trimmed_mean_expression_directly() -> None:
    frame = pl.DataFrame({"g": [1] * 5 + [2] * 3, "v": [1.0, 2.0, 3.0, 4.0, 100.0, 1.0, 2.0, None]})
    out = frame.group_by("g", maintain_order=True).agg(trimmed_mean("v", trim=1, min_raters=5))
    assert out["v"].to_list() == [pytest.approx(3.0), pytest.approx(1.5)]


def test_raters_stay_anonymous() -> None:
    frame = inspection_frame({"甲项目": [80.0, 85.0, 90.0, 70.0, 95.0], "乙项目": [60.0, 65.0, 70.0]})
    result = evaluate("inspection", frame)
    out = result.results
    assert "rater" not in out.columns and "rater" not in result.details.columns
    dumped = json.dumps(result.explain("甲项目"), ensure_ascii=False, default=str)
    dumped += out.write_csv() + result.explanations().write_csv() + result.group_summary().write_csv()
    assert "评委" not in dumped
    assert result.explain("甲项目")["trimmed"] is True
    assert out.filter(pl.col("unit") == "乙项目")["flags"][0] == "last_place"


def test_duplicate_rater_is_refused_without_naming_the_rater() -> None:
    frame = pl.DataFrame({"unit": ["a", "a"], "rater": ["张三", "张三"], "points": [80.0, 90.0]})
    with pytest.raises(EvaluationInputError) as caught:
        evaluate("inspection", frame)
    assert "重复打分" in str(caught.value) and "张三" not in str(caught.value)


def test_points_out_of_range_are_refused() -> None:
    frame = pl.DataFrame({"unit": ["a"], "rater": ["r"], "points": [101.0]})
    with pytest.raises(EvaluationInputError, match="大于允许的最大值 100"):
        evaluate("inspection", frame)


def test_inspection_per_period() -> None:
    frame = pl.DataFrame(
        {
            "unit": ["a", "b", "a", "b"],
            "period": ["2025-05", "2025-05", "2025-06", "2025-06"],
            "rater": ["r1"] * 4,
            "points": [90.0, 80.0, 70.0, 75.0],
        }
    )
    out = evaluate("inspection", frame).results
    assert out.columns[:2] == ["unit", "period"]
    assert out["rank"].to_list() == [1, 2, 2, 1]


# --- service windows ------------------------------------------------------------------------------------


def window_frame(ratings: dict[str, list[str]]) -> pl.DataFrame:
    rows = [
        {"unit": unit, "rater": f"企业{index}", "rating": rating}
        for unit, values in ratings.items()
        for index, rating in enumerate(values)
    ]
    return pl.DataFrame(rows)


def test_red_and_black_flags() -> None:
    frame = window_frame(
        {
            "税务窗口": ["满意", "满意", "满意"],  # 100
            "不动产窗口": ["满意", "基本满意", "不满意"],  # 53.3
            "社保窗口": ["满意", "满意", "基本满意"],  # 86.7
        }
    )
    out = evaluate("window", frame).results
    flags = dict(zip(out["unit"], out["flags"], strict=True))
    assert flags == {"税务窗口": "red_flag", "不动产窗口": "black_flag", "社保窗口": ""}
    assert dict(zip(out["unit"], out["score"], strict=True))["不动产窗口"] == pytest.approx(160 / 3)


def test_no_black_flag_when_the_lowest_reaches_the_threshold() -> None:
    frame = window_frame({"a": ["满意", "满意"], "b": ["满意", "基本满意", "满意", "满意", "满意"]})  # b = 92
    out = evaluate("window", frame).results
    assert out["flags"].to_list() == ["red_flag", ""]


def test_threshold_comes_from_the_scheme() -> None:
    from devzone.evaluation.engine import load_scheme

    data = load_scheme("window").to_dict()
    data["flags"][1]["below"] = 95
    frame = window_frame({"a": ["满意", "满意"], "b": ["满意", "基本满意", "满意", "满意", "满意"]})
    assert evaluate(data, frame).results["flags"].to_list() == ["red_flag", "black_flag"]


def test_tied_top_units_share_the_red_flag() -> None:
    frame = window_frame({"a": ["满意"], "b": ["满意"], "c": ["不满意"]})
    assert evaluate("window", frame).results["flags"].to_list() == ["red_flag", "red_flag", "black_flag"]


def test_unknown_rating_is_refused() -> None:
    frame = window_frame({"a": ["满意", "很好"]})
    with pytest.raises(EvaluationInputError, match="不是允许的取值 \\(满意、基本满意、不满意\\)"):
        evaluate("window", frame)


# --- county: last place and streaks ---------------------------------------------------------------------

COUNTY_INPUTS = {
    "signed_amount": 100.0,
    "projects_planned": 10.0,
    "projects_started": 5.0,
    "projects_due_production": 4.0,
    "projects_in_production": 2.0,
    "projects_due_efficiency": 2.0,
    "projects_efficient": 1.0,
    "investment_planned": 100.0,
    "investment_completed": 50.0,
    "problems_due": 10.0,
    "problems_closed_on_time": 5.0,
    "inspection_score": 80.0,
}


def county_frame(period: str, amounts: dict[str, float]) -> pl.DataFrame:
    rows = [{"county": c, "period": period, **COUNTY_INPUTS, "signed_amount": a} for c, a in amounts.items()]
    return pl.DataFrame(rows)


def test_county_minmax_within_the_period_and_last_place() -> None:
    frame = county_frame("2025-01", {"甲县": 300.0, "乙县": 100.0, "丙县": 200.0})
    out = evaluate("county", frame).results
    # signed_amount is min-max normalised (weight 15); all other indicators are equal: constant → full marks
    assert out["score_signed_amount"].to_list() == pytest.approx([15.0, 0.0, 7.5])
    assert out["score"].to_list() == pytest.approx([100.0, 85.0, 92.5])
    assert out["flags"].to_list() == ["", "last_place", ""]


def test_county_streaks_within_the_input() -> None:
    frame = pl.concat(
        [
            county_frame(
                "2025-01", {"甲县": 600, "乙县": 100, "丙县": 300, "丁县": 500, "戊县": 400, "己县": 200}
            ),
            county_frame(
                "2025-02", {"甲县": 600, "乙县": 100, "丙县": 300, "丁县": 50, "戊县": 400, "己县": 500}
            ),
        ]
    )
    out = evaluate("county", frame).results
    flags = {(c, p): f for c, p, f in zip(out["county"], out["period"], out["flags"], strict=True)}
    assert flags[("乙县", "2025-01")] == "last_place"
    assert flags[("乙县", "2025-02")] == "bottom3_streak"  # 6th then 5th of 6
    assert flags[("丙县", "2025-02")] == "bottom3_streak"  # 4th twice
    assert flags[("丁县", "2025-02")] == "last_place"  # 2nd, then last: no streak
    assert flags[("己县", "2025-02")] == ""


def test_county_streaks_from_history() -> None:
    history = pl.DataFrame(
        {"county": ["甲县", "乙县", "丙县", "丁县"], "period": ["2024-12"] * 4, "rank": [1, 4, 3, 2]}
    )
    frame = county_frame("2025-01", {"甲县": 300.0, "乙县": 100.0, "丙县": 200.0, "丁县": 250.0})
    out = evaluate("county", frame, history=history).results
    assert out["flags"].to_list() == [
        "",
        "last_place;last_place_streak;bottom3_streak",
        "bottom3_streak",
        "bottom3_streak",
    ]
    with pytest.raises(EvaluationInputError, match="历史排名缺少列: rank"):
        evaluate("county", frame, history=history.drop("rank"))


def test_flag_consecutive_counts_runs_and_breaks_on_gaps() -> None:
    ranks = pl.DataFrame(
        {
            "unit": ["a", "b", "c"] * 4,
            "period": [p for p in ["2022", "2023", "2024", "2025"] for _ in range(3)],
            "rank": [3, 1, 2, 3, 2, 1, 1, 3, 2, 2, 3, 1],
        }
    )
    last = flag_consecutive(ranks, unit="unit", period="period", position="last", periods=2)
    streaks = {(u, p): s for u, p, s in zip(last["unit"], last["period"], last["streak"], strict=True)}
    assert streaks[("a", "2022")] == 1 and streaks[("a", "2023")] == 2 and streaks[("a", "2024")] == 0
    assert streaks[("b", "2024")] == 1 and streaks[("b", "2025")] == 2
    assert last.filter(pl.col("flagged"))["unit"].to_list() == ["a", "b"]
    # a unit missing from a period breaks its run
    gap = ranks.filter(~((pl.col("unit") == "b") & (pl.col("period") == "2024")))
    gapped = flag_consecutive(gap, unit="unit", period="period", position="bottom", count=2, periods=2)
    assert gapped.filter(pl.col("unit") == "b")["streak"].to_list() == [0, 1, 1]


def test_flag_consecutive_last_place_n_periods_with_ties() -> None:
    ranks = pl.DataFrame(
        {
            "unit": ["a", "b", "c"] * 3,
            "period": [p for p in ["1", "2", "3"] for _ in range(3)],
            "rank": [1, 2, 2, 1, 3, 2, 1, 2, 2],
        }
    )
    out = flag_consecutive(ranks, unit="unit", period="period", position="last", periods=3)
    assert out.filter(pl.col("flagged"))["unit"].to_list() == ["b"]  # last (tied) three periods running
