"""Declarative evaluation schemes: parsing and validation of the YAML/dict form into dataclasses.

A scheme is data, never code: the Django glue stores editable copies as dicts, and the engine only
needs `Scheme.from_dict(d)`. Every threshold, weight, class share and cap lives here, not in the engine.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from devzone.evaluation.engine.errors import FormulaError, SchemeError
from devzone.evaluation.engine.formula import Formula, parse_formula

NORMALISATIONS = ("benchmark_ratio", "minmax", "zscore", "rank_percentile", "identity")
DIRECTIONS = ("higher", "lower")
INPUT_TYPES = ("number", "boolean", "string", "category")
CLASS_METHODS = ("rank_share", "score")
FLAG_POSITIONS = ("top", "last", "bottom")
AGGREGATE_METHODS = ("mean", "trimmed_mean")
KEY_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")
RESERVED_COLUMNS = frozenset({"participates", "score", "rank", "class", "flags", "n"})


# --- small readers --------------------------------------------------------------------------------------


class _Section:
    """Typed access to one mapping of the scheme, with Chinese error messages naming where it is."""

    def __init__(self, data: Any, where: str, allowed: Iterable[str]) -> None:
        if not isinstance(data, Mapping):
            raise SchemeError(f"{where}应为键值结构")
        unknown = sorted(set(map(str, data)) - set(allowed))
        if unknown:
            raise SchemeError(f"{where}中有未知的字段: {', '.join(unknown)}")
        self.data = data
        self.where = where

    def has(self, name: str) -> bool:
        return self.data.get(name) is not None

    def text(self, name: str, default: str | None = None) -> str:
        value = self.data.get(name, default)
        if value is None:
            raise SchemeError(f"{self.where}缺少 {name}")
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise SchemeError(f"{self.where}的 {name} 应为文字")
        return str(value)

    def optional_text(self, name: str) -> str | None:
        return self.text(name) if self.has(name) else None

    def key(self, name: str) -> str:
        value = self.text(name)
        if not KEY_PATTERN.match(value):
            raise SchemeError(
                f"{self.where}的 {name} '{value}' 只能由英文字母、数字和下划线组成, 且以字母开头"
            )
        return value

    def number(self, name: str, default: float | None = None, minimum: float | None = None) -> float:
        value = self.data.get(name, default)
        if value is None:
            raise SchemeError(f"{self.where}缺少 {name}")
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise SchemeError(f"{self.where}的 {name} 应为有限的数字")
        if minimum is not None and value < minimum:
            raise SchemeError(f"{self.where}的 {name} 不能小于 {minimum:g}")
        return float(value)

    def optional_number(self, name: str, minimum: float | None = None) -> float | None:
        return self.number(name, minimum=minimum) if self.has(name) else None

    def integer(self, name: str, default: int, minimum: int) -> int:
        value = self.data.get(name, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise SchemeError(f"{self.where}的 {name} 应为不小于 {minimum} 的整数")
        return value

    def choice(self, name: str, options: tuple[str, ...], default: str | None = None) -> str:
        value = self.text(name, default)
        if value not in options:
            raise SchemeError(f"{self.where}的 {name} 应为 {' / '.join(options)} 之一, 实际为 '{value}'")
        return value

    def items(self, name: str) -> list[Any]:
        value = self.data.get(name)
        if value is None:
            return []
        if not isinstance(value, list):
            raise SchemeError(f"{self.where}的 {name} 应为列表")
        return value

    def names(self, name: str) -> tuple[str, ...]:
        value = self.data.get(name)
        if value is None:
            return ()
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list) or not all(isinstance(v, str) and v for v in values):
            raise SchemeError(f"{self.where}的 {name} 应为列名或列名列表")
        return tuple(values)


def _share(value: Any, where: str) -> Fraction:
    """A class share as an exact fraction: 0.2, "0.2" or "20%"."""
    try:
        if isinstance(value, bool):
            raise ValueError
        if isinstance(value, str) and value.strip().endswith("%"):
            share = Fraction(value.strip()[:-1]) / 100
        else:
            share = Fraction(str(value))
    except (ValueError, ZeroDivisionError):
        raise SchemeError(f'{where}的 max_share 应为 0 到 1 之间的比例, 如 0.2 或 "20%"') from None
    if not 0 < share <= 1:
        raise SchemeError(f"{where}的 max_share 应在 0 到 1 之间")
    return share


def _formula(text: str, columns: Iterable[str], where: str) -> Formula:
    try:
        return parse_formula(text, columns)
    except FormulaError as exc:
        raise SchemeError(f"{where}的公式有误: {exc}") from None


# --- dataclasses ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InputColumn:
    name: str
    type: str = "number"
    label: str = ""
    minimum: float | None = None
    maximum: float | None = None
    mapping: tuple[tuple[str, float], ...] = ()

    @classmethod
    def from_dict(cls, name: str, data: Any) -> InputColumn:
        where = f"输入列 {name} "
        section = _Section(data or {}, where, ("type", "label", "min", "max", "map"))
        kind = section.choice("type", INPUT_TYPES, "number")
        mapping: tuple[tuple[str, float], ...] = ()
        if kind == "category":
            raw = section.data.get("map")
            if not isinstance(raw, Mapping) or not raw:
                raise SchemeError(f"{where}为分类列, 需要 map (文字 → 分值)")
            mapping = tuple((str(k), _Section({"v": v}, where, ("v",)).number("v")) for k, v in raw.items())
        return cls(
            name=name,
            type=kind,
            label=section.text("label", name),
            minimum=section.optional_number("min"),
            maximum=section.optional_number("max"),
            mapping=mapping,
        )

    @property
    def is_numeric(self) -> bool:
        return self.type in ("number", "category")

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.type, "label": self.label}
        if self.minimum is not None:
            out["min"] = self.minimum
        if self.maximum is not None:
            out["max"] = self.maximum
        if self.mapping:
            out["map"] = dict(self.mapping)
        return out


@dataclass(frozen=True)
class Normalisation:
    method: str
    benchmark: str | float = "mean"  # benchmark_ratio: "mean", "median" or a fixed number
    cap: float | None = None  # benchmark_ratio: the ratio is clamped to [0, cap]
    when_constant: float = 1.0  # minmax: normalised value when all values of a group are equal
    clip: float = 3.0  # zscore: z is clamped to [-clip, clip]

    @classmethod
    def from_dict(cls, data: Any, where: str) -> Normalisation:
        if isinstance(data, str):
            data = {"method": data}
        where = f"{where}的 normalisation "
        section = _Section(data, where, ("method", "benchmark", "cap", "when_constant", "clip"))
        method = section.choice("method", NORMALISATIONS)
        benchmark: str | float = "mean"
        raw_benchmark = section.data.get("benchmark", "mean")
        if raw_benchmark in ("mean", "median"):
            benchmark = raw_benchmark
        elif isinstance(raw_benchmark, int | float) and not isinstance(raw_benchmark, bool):
            benchmark = section.number("benchmark", minimum=0)
        else:
            raise SchemeError(f"{where}的 benchmark 应为 mean、median 或一个固定数值")
        if method == "benchmark_ratio" and not section.has("cap"):
            raise SchemeError(f"{where}使用 benchmark_ratio 时需要 cap (比值上限, 如 3)")
        return cls(
            method=method,
            benchmark=benchmark,
            cap=section.optional_number("cap", minimum=0),
            when_constant=section.number("when_constant", 1.0, minimum=0),
            clip=section.number("clip", 3.0, minimum=0),
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"method": self.method}
        if self.method == "benchmark_ratio":
            out["benchmark"] = self.benchmark
            if self.cap is not None:
                out["cap"] = self.cap
        elif self.method == "minmax":
            out["when_constant"] = self.when_constant
        elif self.method == "zscore":
            out["clip"] = self.clip
        return out


@dataclass(frozen=True)
class Indicator:
    key: str
    name: str
    formula: Formula
    weight: float
    direction: str
    normalisation: Normalisation
    category: str
    unit: str = ""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "key": self.key,
            "name": self.name,
            "formula": self.formula.text,
            "weight": self.weight,
            "direction": self.direction,
            "normalisation": self.normalisation.to_dict(),
        }
        if self.unit:
            out["unit"] = self.unit
        return out


@dataclass(frozen=True)
class Category:
    key: str
    name: str
    indicators: tuple[Indicator, ...]

    @property
    def weight(self) -> float:
        return sum(indicator.weight for indicator in self.indicators)


@dataclass(frozen=True)
class ClassLevel:
    key: str
    label: str
    max_share: Fraction | None = None  # rank_share: p = rank / n <= max_share
    min_score: float | None = None  # score: score >= min_score


@dataclass(frozen=True)
class ClassRule:
    method: str
    levels: tuple[ClassLevel, ...]

    def index_of(self, key: str) -> int:
        return [level.key for level in self.levels].index(key)

    def to_dict(self) -> dict[str, Any]:
        levels = []
        for level in self.levels:
            item: dict[str, Any] = {"key": level.key, "label": level.label}
            if level.max_share is not None:
                item["max_share"] = f"{level.max_share.numerator}/{level.max_share.denominator}"
            if level.min_score is not None:
                item["min_score"] = level.min_score
            levels.append(item)
        return {"method": self.method, "levels": levels}


@dataclass(frozen=True)
class Override:
    key: str
    label: str
    when: Formula
    force_class: str


@dataclass(frozen=True)
class FlagRule:
    key: str
    label: str
    position: str  # "top": rank 1; "last": nobody ranks below; "bottom": fewer than `count` rank below
    count: int = 1
    below: float | None = None  # only when score < below
    periods: int = 1  # consecutive periods the condition must hold (needs the scheme's period column)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"key": self.key, "label": self.label, "position": self.position}
        if self.position == "bottom":
            out["count"] = self.count
        if self.below is not None:
            out["below"] = self.below
        if self.periods > 1:
            out["periods"] = self.periods
        return out


@dataclass(frozen=True)
class Lever:
    """An input a unit can raise to reach the next class, e.g. tax for 亩均税收."""

    column: str
    indicator: str
    output: str
    label: str


@dataclass(frozen=True)
class Aggregate:
    """Rater-level rows collapsed to one row per unit before scoring (观摩打分, 双月评议)."""

    rater: str | None
    method: str
    columns: tuple[str, ...]
    trim: int = 1
    min_raters: int = 5


@dataclass(frozen=True)
class Scheme:
    key: str
    name: str
    unit: str
    unit_key: str
    inputs: Mapping[str, InputColumn]
    categories: tuple[Category, ...]
    group_by: tuple[str, ...] = ()
    period: str | None = None
    population: Formula | None = None
    population_label: str = ""
    classes: ClassRule | None = None
    overrides: tuple[Override, ...] = ()
    flags: tuple[FlagRule, ...] = ()
    lever: Lever | None = None
    aggregate: Aggregate | None = None
    version: int = 1
    description: str = ""
    source: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def indicators(self) -> tuple[Indicator, ...]:
        return tuple(indicator for category in self.categories for indicator in category.indicators)

    def indicator(self, key: str) -> Indicator:
        for indicator in self.indicators:
            if indicator.key == key:
                return indicator
        raise KeyError(key)

    def generated_columns(self) -> set[str]:
        """Names the evaluation adds to the frame; inputs and grouping columns may not use them."""
        names = set(RESERVED_COLUMNS) | {"raters", "trimmed"}
        for indicator in self.indicators:
            names.add(f"score_{indicator.key}")
            names.update(f"{stat}_{indicator.key}" for stat in ("benchmark", "min", "max", "mean", "std"))
        for flag in self.flags:
            names.add(f"__streak_{flag.key}")
        if self.lever is not None:
            names.add(self.lever.output)
        return names

    @property
    def total_weight(self) -> float:
        return sum(indicator.weight for indicator in self.indicators)

    def required_columns(self, group_by: Iterable[str] | None = None) -> dict[str, list[str]]:
        """Input column -> what needs it (indicator keys and roles), for messages about missing columns."""
        needs: dict[str, list[str]] = {}

        def need(column: str, why: str) -> None:
            needs.setdefault(column, []).append(why)

        need(self.unit_key, "评价对象标识")
        for column in self.group_by if group_by is None else group_by:
            need(column, "分组")
        for indicator in self.indicators:
            for column in sorted(indicator.formula.columns):
                need(column, f"指标 {indicator.key}")
        if self.population is not None:
            for column in sorted(self.population.columns):
                need(column, "参评条件")
        for override in self.overrides:
            for column in sorted(override.when.columns):
                need(column, f"否决规则 {override.key}")
        if self.aggregate is not None and self.aggregate.rater is not None:
            need(self.aggregate.rater, "评分人")
        return needs

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Scheme:
        return _build_scheme(data)

    @classmethod
    def from_yaml(cls, text: str) -> Scheme:
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise SchemeError(f"方案 YAML 无法解析: {str(exc).splitlines()[0]}") from None
        return cls.from_dict(data)

    def to_dict(self) -> dict[str, Any]:
        """A plain dict that `from_dict` accepts again (for storing editable copies)."""
        out: dict[str, Any] = {
            "key": self.key,
            "name": self.name,
            "version": self.version,
            "unit": self.unit,
            "unit_key": self.unit_key,
            "group_by": list(self.group_by),
            "inputs": {name: column.to_dict() for name, column in self.inputs.items()},
            "categories": [
                {"key": c.key, "name": c.name, "indicators": [i.to_dict() for i in c.indicators]}
                for c in self.categories
            ],
        }
        if self.description:
            out["description"] = self.description
        if self.period:
            out["period"] = self.period
        if self.population is not None:
            out["population"] = {"filter": self.population.text, "label": self.population_label}
        if self.classes is not None:
            out["classes"] = self.classes.to_dict()
        if self.overrides:
            out["overrides"] = [
                {"key": o.key, "label": o.label, "when": o.when.text, "class": o.force_class}
                for o in self.overrides
            ]
        if self.flags:
            out["flags"] = [flag.to_dict() for flag in self.flags]
        if self.lever is not None:
            lever = self.lever
            out["lever"] = {
                "column": lever.column,
                "indicator": lever.indicator,
                "output": lever.output,
                "label": lever.label,
            }
        if self.aggregate is not None:
            agg = self.aggregate
            out["aggregate"] = {
                "rater": agg.rater,
                "method": agg.method,
                "columns": list(agg.columns),
                "trim": agg.trim,
                "min_raters": agg.min_raters,
            }
        return out


# --- building -------------------------------------------------------------------------------------------

SCHEME_FIELDS = (
    "key",
    "name",
    "version",
    "description",
    "unit",
    "unit_key",
    "group_by",
    "period",
    "inputs",
    "population",
    "categories",
    "classes",
    "overrides",
    "flags",
    "lever",
    "aggregate",
)


def _build_scheme(data: Mapping[str, Any]) -> Scheme:
    top = _Section(data, "方案", SCHEME_FIELDS)
    key = top.key("key")
    inputs = _build_inputs(top)
    columns = tuple(inputs)
    unit_key = top.text("unit_key")
    group_by = top.names("group_by")
    period = top.optional_text("period")
    for role, column in [("unit_key", unit_key), ("period", period), *[("group_by", g) for g in group_by]]:
        if column is not None and column not in inputs:
            raise SchemeError(f"方案的 {role} 列 {column} 未在 inputs 中声明")
    aggregate = _build_aggregate(top, inputs)
    categories = _build_categories(top, columns)
    classes = _build_classes(top)
    population, population_label = _build_population(top, columns)
    scheme = Scheme(
        key=key,
        name=top.text("name"),
        unit=top.text("unit"),
        unit_key=unit_key,
        inputs=inputs,
        categories=categories,
        group_by=group_by,
        period=period,
        population=population,
        population_label=population_label,
        classes=classes,
        overrides=_build_overrides(top, columns, classes),
        flags=_build_flags(top, period),
        lever=None,
        aggregate=aggregate,
        version=top.integer("version", 1, 1),
        description=top.text("description", ""),
        source=dict(data),
    )
    scheme = Scheme(**{**scheme.__dict__, "lever": _build_lever(top, scheme)})
    clashes = sorted(set(scheme.inputs) & scheme.generated_columns())
    if clashes:
        raise SchemeError(f"输入列名与评价结果的列名冲突: {', '.join(clashes)}")
    return scheme


def _build_inputs(top: _Section) -> dict[str, InputColumn]:
    raw = top.data.get("inputs")
    if not isinstance(raw, Mapping) or not raw:
        raise SchemeError("方案缺少 inputs (输入列的声明)")
    inputs: dict[str, InputColumn] = {}
    for name, spec in raw.items():
        if not isinstance(name, str) or not KEY_PATTERN.match(name) or name in RESERVED_COLUMNS:
            raise SchemeError(f"输入列名 '{name}' 不可用: 只能由英文字母、数字和下划线组成, 且不能是保留名")
        inputs[name] = InputColumn.from_dict(name, spec)
    return inputs


def _build_population(top: _Section, columns: tuple[str, ...]) -> tuple[Formula | None, str]:
    if not top.has("population"):
        return None, ""
    section = _Section(top.data["population"], "方案的 population ", ("filter", "label"))
    formula = _formula(section.text("filter"), columns, "参评条件")
    if formula.kind == "num":
        raise SchemeError("参评条件的公式有误: 结果应为条件(真/假)")
    return formula, section.text("label", "")


def _build_categories(top: _Section, columns: tuple[str, ...]) -> tuple[Category, ...]:
    raw = top.items("categories")
    if not raw:
        raise SchemeError("方案至少需要一个指标类别 (categories)")
    seen: set[str] = set()
    categories = []
    for item in raw:
        section = _Section(item, "指标类别 ", ("key", "name", "indicators"))
        category_key = section.key("key")
        indicators = []
        for raw_indicator in section.items("indicators"):
            indicator = _build_indicator(raw_indicator, category_key, columns)
            if indicator.key in seen or indicator.key == category_key:
                raise SchemeError(f"指标 {indicator.key} 重复")
            seen.add(indicator.key)
            indicators.append(indicator)
        if not indicators:
            raise SchemeError(f"指标类别 {category_key} 中没有指标")
        categories.append(Category(category_key, section.text("name", category_key), tuple(indicators)))
    return tuple(categories)


def _build_indicator(data: Any, category: str, columns: tuple[str, ...]) -> Indicator:
    fields = ("key", "name", "formula", "weight", "direction", "normalisation", "unit", "description")
    section = _Section(data, "指标 ", fields)
    key = section.key("key")
    section.where = f"指标 {key} "
    formula = _formula(section.text("formula"), columns, f"指标 {key} ")
    if formula.kind == "bool":
        raise SchemeError(f"指标 {key} 的公式有误: 结果应为数值, 不是条件")
    normalisation = Normalisation.from_dict(section.data.get("normalisation"), f"指标 {key} ")
    direction = section.choice("direction", DIRECTIONS, "higher")
    if normalisation.method == "identity" and direction != "higher":
        raise SchemeError(f"指标 {key} 使用 identity 标准化时 direction 只能为 higher")
    return Indicator(
        key=key,
        name=section.text("name", key),
        formula=formula,
        weight=section.number("weight", minimum=0),
        direction=direction,
        normalisation=normalisation,
        category=category,
        unit=section.text("unit", ""),
    )


def _build_classes(top: _Section) -> ClassRule | None:
    if not top.has("classes"):
        return None
    section = _Section(top.data["classes"], "方案的 classes ", ("method", "levels"))
    method = section.choice("method", CLASS_METHODS)
    raw = section.items("levels")
    if len(raw) < 2:
        raise SchemeError("方案的 classes 至少需要两个等级")
    levels = [_build_level(item, method, is_last=i == len(raw) - 1) for i, item in enumerate(raw)]
    keys = [level.key for level in levels]
    if len(set(keys)) != len(keys):
        raise SchemeError("方案的 classes 中等级名称重复")
    bounds = [level.max_share if method == "rank_share" else level.min_score for level in levels[:-1]]
    ordered = sorted(bounds) if method == "rank_share" else sorted(bounds, reverse=True)  # type: ignore[type-var]
    if bounds != ordered or len(set(bounds)) != len(bounds):
        raise SchemeError("方案的 classes 中各等级的界限应按从好到差严格排列")
    return ClassRule(method=method, levels=tuple(levels))


def _build_level(item: Any, method: str, *, is_last: bool) -> ClassLevel:
    section = _Section(item, "等级 ", ("key", "label", "max_share", "min_score"))
    key = section.text("key")
    where = f"等级 {key} "
    if is_last:
        if section.has("max_share") or section.has("min_score"):
            raise SchemeError(f"{where}是最后一个等级, 不应设界限 (其余单位都归入此等级)")
        return ClassLevel(key, section.text("label", key))
    if method == "rank_share":
        return ClassLevel(
            key, section.text("label", key), max_share=_share(section.data.get("max_share"), where)
        )
    return ClassLevel(key, section.text("label", key), min_score=section.number("min_score"))


def _build_overrides(
    top: _Section, columns: tuple[str, ...], classes: ClassRule | None
) -> tuple[Override, ...]:
    overrides = []
    for item in top.items("overrides"):
        section = _Section(item, "否决规则 ", ("key", "label", "when", "class"))
        key = section.key("key")
        section.where = f"否决规则 {key} "
        formula = _formula(section.text("when"), columns, f"否决规则 {key} ")
        if formula.kind == "num":
            raise SchemeError(f"否决规则 {key} 的公式有误: 结果应为条件(真/假)")
        force = section.text("class")
        if classes is None or force not in [level.key for level in classes.levels]:
            raise SchemeError(f"否决规则 {key} 指定的等级 {force} 不在 classes 中")
        overrides.append(Override(key, section.text("label", key), formula, force))
    return tuple(overrides)


def _build_flags(top: _Section, period: str | None) -> tuple[FlagRule, ...]:
    flags = []
    for item in top.items("flags"):
        section = _Section(item, "标记规则 ", ("key", "label", "position", "count", "below", "periods"))
        key = section.key("key")
        section.where = f"标记规则 {key} "
        position = section.choice("position", FLAG_POSITIONS)
        periods = section.integer("periods", 1, 1)
        if periods > 1 and period is None:
            raise SchemeError(f"{section.where}要求连续 {periods} 期, 但方案没有设置 period (期别列)")
        flags.append(
            FlagRule(
                key=key,
                label=section.text("label", key),
                position=position,
                count=section.integer("count", 1, 1),
                below=section.optional_number("below"),
                periods=periods,
            )
        )
    keys = [flag.key for flag in flags]
    if len(set(keys)) != len(keys):
        raise SchemeError("方案的 flags 中标记名称重复")
    return tuple(flags)


def _build_lever(top: _Section, scheme: Scheme) -> Lever | None:
    if not top.has("lever"):
        return None
    section = _Section(top.data["lever"], "方案的 lever ", ("column", "indicator", "output", "label"))
    column, key = section.text("column"), section.text("indicator")
    where = "方案的 lever "
    if column not in scheme.inputs or scheme.inputs[column].type != "number":
        raise SchemeError(f"{where}的列 {column} 应为已声明的数值输入列")
    try:
        indicator = scheme.indicator(key)
    except KeyError:
        raise SchemeError(f"{where}引用了不存在的指标 {key}") from None
    if indicator.normalisation.method != "benchmark_ratio" or indicator.direction != "higher":
        raise SchemeError(f"{where}只支持 direction 为 higher 且使用 benchmark_ratio 标准化的指标")
    if indicator.formula.dependence_on(column) != "affine":
        raise SchemeError(f"{where}要求指标 {key} 的公式对 {column} 是线性的")
    if scheme.classes is None:
        raise SchemeError(f"{where}需要方案设置 classes")
    output = section.key("output") if section.has("output") else f"{column}_to_next_class"
    return Lever(column, key, output, section.text("label", output))


def _build_aggregate(top: _Section, inputs: Mapping[str, InputColumn]) -> Aggregate | None:
    if not top.has("aggregate"):
        return None
    section = _Section(
        top.data["aggregate"], "方案的 aggregate ", ("rater", "method", "columns", "trim", "min_raters")
    )
    columns = section.names("columns")
    rater = section.optional_text("rater")
    for column in (*columns, rater):
        if column is not None and column not in inputs:
            raise SchemeError(f"方案的 aggregate 引用了未声明的列 {column}")
    for column in columns:
        if not inputs[column].is_numeric:
            raise SchemeError(f"方案的 aggregate 中的列 {column} 应为数值或分类列")
    if not columns:
        raise SchemeError("方案的 aggregate 缺少 columns")
    trim = section.integer("trim", 1, 0)
    return Aggregate(
        rater=rater,
        method=section.choice("method", AGGREGATE_METHODS, "mean"),
        columns=columns,
        trim=trim,
        min_raters=section.integer("min_raters", 5, 2 * trim + 1),
    )


# --- loading --------------------------------------------------------------------------------------------


def builtin_scheme_names() -> list[str]:
    folder = resources.files("devzone.evaluation").joinpath("schemes")
    return sorted(entry.name[:-5] for entry in folder.iterdir() if entry.name.endswith(".yaml"))


def load_scheme(name_or_path: str | Path | Mapping[str, Any] | Scheme) -> Scheme:
    """A built-in scheme by name, a .yaml/.yml file by path, a dict, or a Scheme (returned as is)."""
    if isinstance(name_or_path, Scheme):
        return name_or_path
    if isinstance(name_or_path, Mapping):
        return Scheme.from_dict(name_or_path)
    text = str(name_or_path)
    if text in builtin_scheme_names():
        resource = resources.files("devzone.evaluation").joinpath("schemes", f"{text}.yaml")
        return Scheme.from_yaml(resource.read_text(encoding="utf-8"))
    path = Path(text)
    if path.suffix.lower() in (".yaml", ".yml"):
        try:
            content = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise SchemeError(f"方案文件不存在: {text}") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise SchemeError(f"方案文件无法读取: {text} ({exc.__class__.__name__})") from None
        return Scheme.from_yaml(content)
    known = "、".join(builtin_scheme_names())
    raise SchemeError(f"未知的评价方案 '{text}': 内置方案有 {known}, 或给出 .yaml 文件路径")
