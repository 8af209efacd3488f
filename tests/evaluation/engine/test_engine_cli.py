"""`evaluate_command`: .csv / .xlsx / .parquet round trips without a database, and one-line errors."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest
import yaml

from devzone.evaluation.cli import evaluate_command
from devzone.evaluation.engine import EvaluationInputError, evaluate, load_scheme
from devzone.evaluation.engine.tables import read_table

MujunFactory = Callable[..., pl.DataFrame]  # the `mujun_frame` fixture (conftest.py)
TAXES = [10.0, 20.0, 30.0, 40.0, 50.0, 60.0]


def sample(mujun_frame: MujunFactory) -> pl.DataFrame:
    frame = mujun_frame(6, tax=TAXES, group=["甲", "甲", "甲", "乙", "乙", "乙"], veto=[False] * 5 + [True])
    return frame.with_columns(pl.Series("credit_code", [f"0{i}1234567890ABCDE" for i in range(6)]))


def write(frame: pl.DataFrame, path: Path) -> None:
    if path.suffix == ".csv":
        frame.write_csv(path)
    elif path.suffix == ".xlsx":
        frame.write_excel(path)
    else:
        frame.write_parquet(path)


@pytest.mark.parametrize("extension", [".csv", ".xlsx", ".parquet"])
def test_round_trip(mujun_frame: MujunFactory, tmp_path: Path, extension: str) -> None:
    frame = sample(mujun_frame)
    source, target = tmp_path / f"in{extension}", tmp_path / f"out{extension}"
    write(frame, source)
    line = evaluate_command("mujun", str(source), str(target))
    assert "\n" not in line and "亩均效益综合评价" in line and "参评 6 个" in line and str(target) in line
    written = read_table(target)
    expected = evaluate("mujun", frame).results
    assert written.columns == expected.columns
    assert written["credit_code"].to_list() == frame["credit_code"].to_list()  # leading zeros kept
    assert written["class"].to_list() == expected["class"].to_list()
    scores = written["score"].cast(pl.Float64).to_list()
    assert scores == pytest.approx(expected["score"].to_list())


@pytest.mark.parametrize("extension", [".csv", ".xlsx", ".parquet"])
def test_cross_format_and_sensitivity(mujun_frame: MujunFactory, tmp_path: Path, extension: str) -> None:
    source = tmp_path / "in.csv"
    sample(mujun_frame).write_csv(source)
    target = tmp_path / f"out{extension}"
    line = evaluate_command("mujun", str(source), str(target), group_by="group", sensitivity=20)
    assert "权重敏感性 20 次抽样" in line
    written = read_table(target)
    assert written.columns[-3:] == ["rank_p05", "rank_p95", "class_stability"]


def test_gbk_csv_and_group_by(mujun_frame: MujunFactory, tmp_path: Path) -> None:
    frame = sample(mujun_frame).with_columns(pl.lit("全市").alias("city"))
    source = tmp_path / "gbk.csv"
    source.write_bytes(frame.write_csv().encode("gb18030"))
    target = tmp_path / "out.csv"
    line = evaluate_command("mujun", str(source), str(target), group_by="city")
    assert "按 city 分为 1 组" in line
    assert read_table(target)["city"].to_list() == ["全市"] * 6


def test_yaml_scheme_path(mujun_frame: MujunFactory, tmp_path: Path) -> None:
    data = load_scheme("mujun").to_dict()
    data["name"] = "本地亩均方案"
    scheme_file = tmp_path / "local.yaml"
    scheme_file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    source = tmp_path / "in.parquet"
    sample(mujun_frame).write_parquet(source)
    assert evaluate_command(str(scheme_file), str(source), str(tmp_path / "o.csv")).startswith("本地亩均方案")


def test_formula_like_text_is_escaped_in_csv(mujun_frame: MujunFactory, tmp_path: Path) -> None:
    frame = sample(mujun_frame).with_columns(
        pl.Series("credit_code", ["=cmd|' /C calc'!A0"] + [f"X{i}" for i in range(5)])
    )
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    frame.write_csv(source)
    evaluate_command("mujun", str(source), str(target))
    assert read_table(target)["credit_code"][0] == "'=cmd|' /C calc'!A0"


def test_inspection_and_window_through_the_cli(tmp_path: Path) -> None:
    source, target = tmp_path / "ins.csv", tmp_path / "ins_out.xlsx"
    pl.DataFrame(
        {
            "unit": ["a"] * 5 + ["b"] * 5,
            "rater": [f"r{i}" for i in range(5)] * 2,
            "points": [60, 70, 80, 90, 100, 50, 55, 60, 65, 99],
        }
    ).write_csv(source)
    assert "共 2 个评价对象" in evaluate_command("inspection", str(source), str(target))
    out = read_table(target)
    assert "rater" not in out.columns
    window = tmp_path / "window.csv"
    pl.DataFrame(
        {"unit": ["a", "a", "b"], "rater": ["x", "y", "x"], "rating": ["满意", "满意", "不满意"]}
    ).write_csv(window)
    evaluate_command("window", str(window), str(tmp_path / "w.csv"))
    assert read_table(tmp_path / "w.csv")["flags"].to_list() == ["red_flag", "black_flag"]


# --- errors ---------------------------------------------------------------------------------------------


def error_of(*args: object, **kwargs: object) -> str:
    with pytest.raises(EvaluationInputError) as caught:
        evaluate_command(*args, **kwargs)  # type: ignore[arg-type]
    message = str(caught.value)
    assert "\n" not in message and message
    return message


def test_errors(mujun_frame: MujunFactory, tmp_path: Path) -> None:
    good = tmp_path / "in.csv"
    sample(mujun_frame).write_csv(good)
    out = str(tmp_path / "out.csv")
    assert "未知的评价方案 'nope'" in error_of("nope", str(good), out)
    assert "不支持的文件类型 .txt" in error_of("mujun", str(tmp_path / "in.txt"), out)
    assert "不支持的文件类型 .json" in error_of("mujun", str(good), str(tmp_path / "out.json"))
    assert "输入文件不存在" in error_of("mujun", str(tmp_path / "missing.csv"), out)
    assert "输出目录不存在" in error_of("mujun", str(good), str(tmp_path / "no" / "out.csv"))
    fake = tmp_path / "fake.xlsx"
    fake.write_bytes(b"this is not a workbook")
    assert "输入文件无法读取 (不是有效的 xlsx 文件)" in error_of("mujun", str(fake), out)
    fake_parquet = tmp_path / "fake.parquet"
    fake_parquet.write_bytes(b"PAR1 nope")
    assert "不是有效的 parquet 文件" in error_of("mujun", str(fake_parquet), out)
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    assert "没有数据" in error_of("mujun", str(empty), out)
    assert "--sensitivity" in error_of("mujun", str(good), out, sensitivity=-1)


def test_missing_columns_and_bad_values(mujun_frame: MujunFactory, tmp_path: Path) -> None:
    out = str(tmp_path / "out.csv")
    missing = tmp_path / "missing.csv"
    sample(mujun_frame).drop("tax").write_csv(missing)
    assert error_of("mujun", str(missing), out) == "输入缺少列: tax(指标 tax_per_mu)"
    bad = tmp_path / "bad.csv"
    frame = sample(mujun_frame).with_columns(pl.Series("land_mu", ["10", "十亩", "10", "10", "10", "10"]))
    frame.write_csv(bad)
    assert error_of("mujun", str(bad), out) == "列 land_mu(用地面积(亩)) 第3行的值 '十亩' 不是数字"
    veto = tmp_path / "veto.csv"
    sample(mujun_frame).with_columns(pl.Series("veto", ["是", "否", "也许", "否", "否", "否"])).write_csv(
        veto
    )
    assert "第4行的值 '也许'" in error_of("mujun", str(veto), out)
    group = tmp_path / "group.csv"
    sample(mujun_frame).write_csv(group)
    assert error_of("mujun", str(group), out, group_by="county") == "输入缺少列: county(分组)"


def test_xlsx_with_numbers_and_blanks(tmp_path: Path, mujun_frame: MujunFactory) -> None:
    frame = sample(mujun_frame).with_columns(pl.Series("rd_expense", [None, 1.5, 2.0, 3.0, 4.0, 5.0]))
    source = tmp_path / "blank.xlsx"
    frame.write_excel(source)
    read = read_table(source)
    assert read["rd_expense"][0] is None and read["land_mu"][0] == "10"
    evaluate_command("mujun", str(source), str(tmp_path / "o.parquet"))
    assert pl.read_parquet(tmp_path / "o.parquet")["flags"][0] == "undefined:rd_intensity"
