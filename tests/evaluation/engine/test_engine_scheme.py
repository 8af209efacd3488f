"""Schemes as data: the built-in YAML files, dict round trips and readable refusals."""

from __future__ import annotations

import copy
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest

from devzone.evaluation.engine import Scheme, SchemeError, builtin_scheme_names, evaluate, load_scheme


def test_builtin_schemes() -> None:
    assert builtin_scheme_names() == ["county", "inspection", "mujun", "window", "zone"]
    for name in builtin_scheme_names():
        scheme = load_scheme(name)
        assert scheme.key == name
        assert Scheme.from_dict(scheme.to_dict()) == scheme


def test_mujun_defaults_match_the_domain() -> None:
    scheme = load_scheme("mujun")
    weights = {indicator.key: indicator.weight for indicator in scheme.indicators}
    assert weights == {
        "tax_per_mu": 40,
        "va_per_mu": 20,
        "labor_productivity": 10,
        "va_per_energy": 10,
        "va_per_emission": 10,
        "rd_intensity": 10,
    }
    assert {i.normalisation.cap for i in scheme.indicators} == {3.0}
    assert scheme.classes is not None
    assert [level.max_share for level in scheme.classes.levels] == [
        Fraction(1, 5),
        Fraction(7, 10),
        Fraction(19, 20),
        None,
    ]
    assert scheme.total_weight == 100


def test_county_and_zone_weights_sum_to_100() -> None:
    assert load_scheme("county").total_weight == 100
    zone = load_scheme("zone")
    assert zone.total_weight == 100
    assert [c.name for c in zone.categories] == ["产业基础", "科技创新", "区域带动", "生态环保", "行政效能"]


def test_zone_evaluates_with_score_classes_and_exit_warning() -> None:
    rng = np.random.default_rng(4)
    zones = [f"开发区{i}" for i in range(8)]
    rows = []
    for year in ["2024", "2025"]:
        for index, zone in enumerate(zones):
            rows.append(
                {
                    "zone": zone,
                    "year": year,
                    "tax": 1000.0 * (index + 1),
                    "land_mu": 500.0,
                    "industrial_va_growth": float(rng.normal(6, 3)),
                    "industrial_output": 1e5 * (index + 1),
                    "built_area_km2": 10.0,
                    "rd_expense": 100.0 * (index + 1),
                    "value_added": 1e4,
                    "high_tech_enterprises": float(index * 3),
                    "fdi_actual": float(index * 100),
                    "investment_growth": float(index),
                    "energy_tce": 5000.0 / (index + 1),
                    "enterprise_satisfaction": 80.0 + index,
                    "approval_days": 30.0 - index,
                }
            )
    out = evaluate("zone", pl.DataFrame(rows)).results
    assert out["score"].is_between(0, 100).all()
    latest = out.filter(pl.col("year") == "2025").sort("rank")
    assert latest["zone"][0] == "开发区7" and latest["class"][0] == "excellent"
    assert "exit_warning" in latest["flags"][-1]
    assert set(out["class"]) <= {"excellent", "good", "pass", "weak"}


def test_scheme_from_a_yaml_path(tmp_path: Path) -> None:
    data = load_scheme("window").to_dict()
    data["key"] = "window_copy"
    import yaml

    path = tmp_path / "copy.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert load_scheme(str(path)).key == "window_copy"
    with pytest.raises(SchemeError, match="方案文件不存在"):
        load_scheme(str(tmp_path / "missing.yaml"))
    bad = tmp_path / "bad.yaml"
    bad.write_text("key: [unclosed", encoding="utf-8")
    with pytest.raises(SchemeError, match="方案 YAML 无法解析"):
        load_scheme(str(bad))


def test_unknown_scheme_name() -> None:
    with pytest.raises(SchemeError, match="未知的评价方案 'nope': 内置方案有 county、inspection、mujun"):
        load_scheme("nope")


def mutated(path: list[Any], value: Any, base: str = "mujun") -> dict[str, Any]:
    data = copy.deepcopy(load_scheme(base).to_dict())
    target: Any = data
    for step in path[:-1]:
        target = target[step]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return data


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (["key"], "有 空格", "只能由英文字母"),
        (["inputs"], {}, "缺少 inputs"),
        (["unit_key"], "nope", "unit_key 列 nope 未在 inputs 中声明"),
        (["surprise"], 1, "未知的字段: surprise"),
        (["categories", 0, "indicators", 0, "weight"], -1, "指标 tax_per_mu 的 weight 不能小于 0"),
        (["categories", 0, "indicators", 0, "weight"], "heavy", "weight 应为有限的数字"),
        (["categories", 0, "indicators", 0, "direction"], "up", "direction 应为 higher / lower 之一"),
        (["categories", 0, "indicators", 0, "normalisation"], {"method": "magic"}, "method 应为"),
        (["categories", 0, "indicators", 0, "normalisation"], {"method": "benchmark_ratio"}, "需要 cap"),
        (["categories", 0, "indicators", 0, "formula"], "tax > land_mu", "结果应为数值"),
        (["categories", 0, "indicators", 1, "key"], "tax_per_mu", "指标 tax_per_mu 重复"),
        (["classes", "levels", 0, "max_share"], "80%", "严格排列"),
        (["classes", "levels", 1, "max_share"], 1.5, "0 到 1 之间"),
        (["classes", "levels", 3, "max_share"], "99%", "最后一个等级"),
        (["overrides", 0, "class"], "E", "等级 E 不在 classes 中"),
        (["overrides", 0, "when"], "veto + 1", "否决规则 veto 的公式有误: 结果应为条件"),
        (["population", "filter"], "land_mu", ""),  # a column may be boolean at run time
        (["lever", "indicator"], "va_per_mu_x", "不存在的指标"),
        (["lever", "column"], "land_mu", "线性"),
        (["classes"], KeyError, "等级 D 不在 classes 中"),
    ],
)
def test_invalid_schemes_are_refused(path: list[Any], value: Any, message: str) -> None:
    data = mutated(path, value)
    if not message:
        Scheme.from_dict(data)
        return
    with pytest.raises(SchemeError, match=message):
        Scheme.from_dict(data)


def test_streak_flags_need_a_period() -> None:
    data = mutated(["period"], KeyError, base="county")
    with pytest.raises(SchemeError, match="没有设置 period"):
        Scheme.from_dict(data)


def test_non_mapping_scheme() -> None:
    with pytest.raises(SchemeError, match="方案应为键值结构"):
        Scheme.from_dict(["not", "a", "dict"])  # type: ignore[arg-type]


def test_inputs_may_not_clash_with_result_columns() -> None:
    data = mutated(["inputs", "score_tax_per_mu"], {"type": "number"})
    with pytest.raises(SchemeError, match="冲突: score_tax_per_mu"):
        Scheme.from_dict(data)
