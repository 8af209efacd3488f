"""Fixtures for the evaluation engine tests (pure Polars: no database is touched)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import polars as pl
import pytest

MUJUN_DEFAULTS: dict[str, Any] = {
    "group": "县A",
    "land_mu": 10.0,
    "tax": 50.0,
    "value_added": 200.0,
    "employees": 20.0,
    "energy_tce": 40.0,
    "emission_eq": 4.0,
    "rd_expense": 10.0,
    "revenue": 500.0,
    "years_in_production": 5.0,
    "veto": False,
}

MujunFactory = Callable[..., pl.DataFrame]


def build_mujun(n: int, **columns: Any) -> pl.DataFrame:
    """`n` enterprises with identical defaults; a keyword overrides a column by a list or a scalar."""
    data: dict[str, Any] = {
        "credit_code": [f"E{i:03d}" for i in range(n)],
        "name": [f"企业{i}" for i in range(n)],
    }
    for name, default in MUJUN_DEFAULTS.items():
        value = columns.pop(name, default)
        data[name] = value if isinstance(value, list) else [value] * n
    assert not columns, f"unknown columns {columns}"
    schema = {name: pl.Float64 for name in MUJUN_DEFAULTS if name not in ("group", "veto")}
    return pl.DataFrame(data, schema_overrides={**schema, "veto": pl.Boolean, "group": pl.String})


@pytest.fixture
def mujun_frame() -> MujunFactory:
    return build_mujun
