"""Checking and typing the input frame against a scheme's declared inputs.

Every refusal is an `EvaluationInputError` with one line of Chinese that names the column, the row
(`first_row` is the number of the first data row, 2 for a file with one header line) and the value.
All checks run in one pass over the frame; the offending row is only looked up when a check fails.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from devzone.evaluation.engine.errors import EvaluationInputError
from devzone.evaluation.engine.frames import select, with_columns
from devzone.evaluation.engine.scheme import InputColumn, Scheme

TRUE_WORDS = frozenset({"true", "t", "yes", "y", "1", "1.0", "是", "真", "√"})
FALSE_WORDS = frozenset({"false", "f", "no", "n", "0", "0.0", "否", "假", "", "×"})


@dataclass(frozen=True)
class Check:
    """A row-wise condition that must never hold, and how to describe a row where it does."""

    name: str
    bad: pl.Expr
    column: str
    problem: str
    keys: tuple[str, ...] = ()  # for duplicate checks: the columns that must be unique together


def prepare_inputs(
    scheme: Scheme, frame: pl.DataFrame, group_by: Sequence[str], *, first_row: int = 1
) -> pl.DataFrame:
    """Check required columns are present, type every declared column, refuse bad values."""
    _check_required(scheme, frame, group_by)
    present = [spec for name, spec in scheme.inputs.items() if name in frame.columns]
    typed = with_columns(frame, [_coerce(frame, spec, first_row) for spec in present])
    checks = [check for spec in present for check in _value_checks(spec)]
    checks += _key_checks(scheme, typed)
    _run_checks(scheme, typed, checks, first_row)
    return typed


def _check_required(scheme: Scheme, frame: pl.DataFrame, group_by: Sequence[str]) -> None:
    needs = scheme.required_columns(group_by)
    missing = [column for column in needs if column not in frame.columns]
    if missing:
        described = "、".join(f"{column}({'、'.join(dict.fromkeys(needs[column]))})" for column in missing)
        raise EvaluationInputError(f"输入缺少列: {described}")


def label(spec: InputColumn) -> str:
    return spec.name if spec.label in ("", spec.name) else f"{spec.name}({spec.label})"


def _first_bad(frame: pl.DataFrame, mask: pl.Expr) -> int | None:
    hits = select(frame, mask.fill_null(False).arg_true().first()).item()
    return None if hits is None else int(hits)


def _refuse(frame: pl.DataFrame, spec: InputColumn, index: int, first_row: int, problem: str) -> None:
    value = frame[spec.name][index]
    raise EvaluationInputError(f"列 {label(spec)} 第{index + first_row}行的值 {value!r} {problem}")


# --- typing ---------------------------------------------------------------------------------------------


def _coerce(frame: pl.DataFrame, spec: InputColumn, first_row: int) -> pl.Expr | pl.Series:
    dtype = frame.schema[spec.name]
    if spec.type == "number":
        if dtype == pl.String:
            return _parse_numbers(frame, spec, first_row)
        if not (dtype.is_numeric() or dtype in (pl.Boolean, pl.Null)):
            raise EvaluationInputError(f"列 {label(spec)} 应为数字, 实际类型为 {dtype}")
        if dtype == pl.Float64 and not frame[spec.name].is_nan().any():
            return pl.col(spec.name)  # already typed: no copy
        return pl.col(spec.name).cast(pl.Float64).fill_nan(None)
    if spec.type == "boolean":
        return _coerce_boolean(frame, spec, first_row)
    if spec.type == "category":
        return _coerce_category(frame, spec, first_row)
    return pl.col(spec.name).cast(pl.String)


def _parse_numbers(frame: pl.DataFrame, spec: InputColumn, first_row: int) -> pl.Series:
    text = pl.col(spec.name).str.strip_chars().str.replace_all(",", "", literal=True)
    text = pl.when(text == "").then(None).otherwise(text)
    parsed = frame.select(text.alias("text"), text.cast(pl.Float64, strict=False).alias("value"))
    bad = _first_bad(parsed, pl.col("value").is_null() & pl.col("text").is_not_null())
    if bad is not None:
        _refuse(frame, spec, bad, first_row, "不是数字")
    return parsed["value"].fill_nan(None).alias(spec.name)


def _coerce_boolean(frame: pl.DataFrame, spec: InputColumn, first_row: int) -> pl.Expr:
    column = pl.col(spec.name)
    dtype = frame.schema[spec.name]
    if dtype == pl.Boolean:
        return column.fill_null(False)
    if dtype.is_numeric() or dtype == pl.Null:
        bad = _first_bad(frame, ~column.is_in([0, 1]) & column.is_not_null())
        if bad is not None:
            _refuse(frame, spec, bad, first_row, "应为 是/否 (或 1/0)")
        return (column.cast(pl.Float64) == 1).fill_null(False)
    if dtype != pl.String:
        raise EvaluationInputError(f"列 {label(spec)} 应为 是/否, 实际类型为 {dtype}")
    text = column.str.strip_chars().str.to_lowercase()
    bad = _first_bad(frame, ~text.is_in(sorted(TRUE_WORDS | FALSE_WORDS)) & text.is_not_null())
    if bad is not None:
        _refuse(frame, spec, bad, first_row, "应为 是/否 (或 true/false、1/0)")
    return text.is_in(sorted(TRUE_WORDS)).fill_null(False).alias(spec.name)


def _coerce_category(frame: pl.DataFrame, spec: InputColumn, first_row: int) -> pl.Expr:
    mapping = dict(spec.mapping)
    column = pl.col(spec.name)
    allowed = "、".join(mapping)
    if frame.schema[spec.name].is_numeric():
        bad = _first_bad(frame, ~column.is_in(sorted(set(mapping.values()))) & column.is_not_null())
        if bad is not None:
            _refuse(frame, spec, bad, first_row, f"不是允许的取值 ({allowed})")
        return column.cast(pl.Float64)
    text = column.cast(pl.String).str.strip_chars()
    bad = _first_bad(frame, ~text.is_in(list(mapping)) & text.is_not_null() & (text != ""))
    if bad is not None:
        _refuse(frame, spec, bad, first_row, f"不是允许的取值 ({allowed})")
    return text.replace_strict(mapping, default=None, return_dtype=pl.Float64).alias(spec.name)


# --- checks ---------------------------------------------------------------------------------------------


def _value_checks(spec: InputColumn) -> list[Check]:
    if spec.type != "number":
        return []
    column = pl.col(spec.name)
    checks = [Check(f"{spec.name}:inf", column.is_infinite(), spec.name, "不是有限的数字")]
    if spec.minimum is not None:
        checks.append(
            Check(f"{spec.name}:min", column < spec.minimum, spec.name, f"小于允许的最小值 {spec.minimum:g}")
        )
    if spec.maximum is not None:
        checks.append(
            Check(f"{spec.name}:max", column > spec.maximum, spec.name, f"大于允许的最大值 {spec.maximum:g}")
        )
    return checks


def _key_checks(scheme: Scheme, frame: pl.DataFrame) -> list[Check]:
    key = scheme.unit_key
    column = pl.col(key).cast(pl.String)
    checks = [Check("key:missing", column.is_null() | (column.str.len_bytes() == 0), key, "")]
    keys = [key]
    if scheme.period is not None and scheme.period in frame.columns:
        keys.insert(0, scheme.period)
    if scheme.aggregate is None:
        checks.append(Check("key:duplicate", _duplicated(keys), key, "", tuple(keys)))
    elif scheme.aggregate.rater is not None:
        keys.append(scheme.aggregate.rater)
        checks.append(Check("rater:duplicate", _duplicated(keys), key, "", tuple(keys)))
    return checks


def _duplicated(keys: list[str]) -> pl.Expr:
    return pl.col(keys[0]).is_duplicated() if len(keys) == 1 else pl.struct(keys).is_duplicated()


def _screen(check: Check) -> pl.Expr:
    return check.bad.fill_null(False).any().alias(check.name)


def _may_have_duplicates(frame: pl.DataFrame, keys: tuple[str, ...]) -> bool:
    """A cheap screen: no two equal 64-bit hashes proves the keys unique; when two are equal, the exact
    check decides (a hash collision only costs that check)."""
    key = pl.col(keys[0]) if len(keys) == 1 else pl.struct(keys)
    hashes = np.sort(select(frame, key.hash().alias("h")).to_series().to_numpy())
    return bool((hashes[1:] == hashes[:-1]).any())


def _run_checks(scheme: Scheme, frame: pl.DataFrame, checks: list[Check], first_row: int) -> None:
    simple = [check for check in checks if not check.keys]
    failed = select(frame, [_screen(check) for check in simple]).row(0, named=True)
    for check in checks:
        suspicious = _may_have_duplicates(frame, check.keys) if check.keys else failed[check.name]
        if suspicious:
            index = _first_bad(frame, check.bad)
            if index is not None:
                _describe(scheme, frame, check, index, first_row)


def _describe(scheme: Scheme, frame: pl.DataFrame, check: Check, index: int, first_row: int) -> None:
    spec = scheme.inputs[check.column]
    row = index + first_row
    if check.name == "key:missing":
        raise EvaluationInputError(f"第{row}行缺少 {label(spec)}")
    if check.name == "key:duplicate":
        value = frame[check.column][index]
        raise EvaluationInputError(f"{label(spec)} 重复: 第{row}行的 {value!r} 出现了不止一次")
    if check.name == "rater:duplicate":
        # the rater's identity is not repeated in the message: scores are anonymous
        raise EvaluationInputError(f"第{row}行: 同一评分人对同一对象重复打分")
    _refuse(frame, spec, index, first_row, check.problem)
