"""The formula language: tokenizer, Pratt parser, compilation to Polars, and its refusals."""

from __future__ import annotations

import math

import polars as pl
import pytest

from devzone.evaluation.engine import FormulaError, Scheme, SchemeError, load_scheme, parse_formula

COLUMNS = ["a", "b", "c", "tax", "land_mu", "flag"]
FRAME = pl.DataFrame(
    {
        "a": [1.0, 2.0, 3.0, None],
        "b": [0.0, 4.0, -1.0, 1.0],
        "c": [10.0, 20.0, 30.0, 40.0],
        "tax": [5.0, 0.0, 0.0, 1.0],
        "land_mu": [1.0, 0.0, 2.0, 0.0],
        "flag": [True, False, None, True],
    }
)


def values(text: str) -> list[object]:
    return FRAME.with_columns(parse_formula(text, COLUMNS).to_expr().alias("x"))["x"].to_list()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a + b * 2", [1.0, 10.0, 1.0, None]),
        ("(a + b) * 2", [2.0, 12.0, 4.0, None]),
        ("-a + 1", [0.0, -1.0, -2.0, None]),
        ("c / 10 - 1", [0.0, 1.0, 2.0, 3.0]),
        ("2 * 3 + 4 / 2", [8.0] * 4),
        ("1.5e1 + .5", [15.5] * 4),
        ("min(c, 25)", [10.0, 20.0, 25.0, 25.0]),
        ("max(a, b, 2)", [2.0, 4.0, 3.0, None]),
        ("clip(b, 0, 2)", [0.0, 2.0, 0.0, 1.0]),
        ("abs(b)", [0.0, 4.0, 1.0, 1.0]),
        ("if(b > 0, c, 0)", [0.0, 20.0, 0.0, 40.0]),
        ("c if b > 0 else -c", [-10.0, 20.0, -30.0, 40.0]),
        ("1 if b > 2 else 2 if b > 0 else 3", [3.0, 1.0, 3.0, 2.0]),
        ("coalesce(a, 0)", [1.0, 2.0, 3.0, 0.0]),
        ("a > 1 and b > 0", [False, True, False, None]),
        ("not (c >= 30) or b == 1", [True, True, False, True]),
        ("c != 20", [True, False, True, True]),
    ],
)
def test_formulas_compute_like_arithmetic(text: str, expected: list[object]) -> None:
    assert values(text) == expected


def test_division_gives_infinity_and_undefined() -> None:
    result = values("tax / land_mu")
    assert result[0] == 5.0
    assert math.isnan(result[1])  # 0 / 0: undefined
    assert result[2] == 0.0
    assert result[3] == math.inf  # positive / 0


def test_columns_are_collected() -> None:
    assert parse_formula("tax / land_mu + max(a, 1)").columns == {"tax", "land_mu", "a"}


def test_boolean_column_as_condition() -> None:
    assert values("if(flag, 1, 0)") == [1.0, 0.0, 0.0, 1.0]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("__import__('os')", "双下划线"),
        ("a +", "第4个字符处缺少操作数"),
        ("(a + b", "第7个字符处缺少右括号"),
        ("min(a, b", "缺少右括号"),
        ("a + b)", "多余的右括号"),
        ("foo(a)", "未知的函数 foo"),
        ("a + unknown", "第5个字符处是未知的列 unknown"),
        ("a.b", "不允许属性访问"),
        ("tax.__class__", "不允许属性访问"),
        ("os.system('rm')", "不允许属性访问"),
        ("'text'", "不允许的字符"),
        ("a[0]", "不允许的字符"),
        ("a; b", "不允许的字符"),
        ("lambda: 1", "不允许的字符"),
        ("a ** 2", "不应出现"),
        ("a b", "多余的内容"),
        ("clip(a, 1)", "需要3个参数"),
        ("min(a)", "至少 2个参数"),
        ("a < b < c", "连续比较"),
        ("a and 1", "条件"),
        ("not 3", "条件"),
        ("(a > 1) + 1", "数值"),
        ("1 if a else 2", ""),  # a column may be boolean: accepted
        ("", "公式为空"),
        ("   ", "公式为空"),
        ("1 if a > 1", "缺少 else"),
        ("min", "缺少参数括号"),
        ("12abc", "数字写法有误"),
        ("a + " * 400 + "a", "公式过长"),
        ("(" * 70 + "a" + ")" * 70, "嵌套过深"),
    ],
)
def test_broken_or_unsafe_formulas_are_refused(text: str, message: str) -> None:
    if text == "1 if a else 2":
        parse_formula(text, COLUMNS)
        return
    with pytest.raises(FormulaError) as caught:
        parse_formula(text, COLUMNS)
    assert message in str(caught.value)


def test_unknown_column_only_checked_when_columns_given() -> None:
    assert parse_formula("anything / else_").columns == {"anything", "else_"}


def test_dependence_for_levers() -> None:
    assert parse_formula("tax / land_mu").dependence_on("tax") == "affine"
    assert parse_formula("2 * tax - land_mu + 3").dependence_on("tax") == "affine"
    assert parse_formula("land_mu / tax").dependence_on("tax") == "nonlinear"
    assert parse_formula("tax * tax").dependence_on("tax") == "nonlinear"
    assert parse_formula("min(tax, 3)").dependence_on("tax") == "nonlinear"
    assert parse_formula("land_mu * 2").dependence_on("tax") == "const"


def _scheme_with(formula: str) -> dict[str, object]:
    data = load_scheme("mujun").to_dict()
    data["categories"][0]["indicators"][0]["formula"] = formula  # type: ignore[index]
    return data


def test_scheme_error_names_the_indicator_and_the_problem() -> None:
    with pytest.raises(SchemeError) as caught:
        Scheme.from_dict(_scheme_with("(tax / land_mu"))
    assert str(caught.value) == "指标 tax_per_mu 的公式有误: 第15个字符处缺少右括号"
    with pytest.raises(SchemeError) as caught:
        Scheme.from_dict(_scheme_with("tax / area"))
    assert str(caught.value) == "指标 tax_per_mu 的公式有误: 第7个字符处是未知的列 area"
    with pytest.raises(SchemeError, match="指标 tax_per_mu 的公式有误: 第1个字符处是未知的函数 eval"):
        Scheme.from_dict(_scheme_with("eval(tax)"))
    assert isinstance(caught.value, ValueError)
