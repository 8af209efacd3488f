"""Reading and writing tables by file extension (.xlsx, .csv, .parquet) for the database-free CLI.

Text files and worksheets are read with every column as text, so identifiers such as credit codes keep
their leading zeros; the scheme's declared inputs type them afterwards (`inputs.prepare_inputs`).
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import io
from pathlib import Path
from typing import Any

import polars as pl

from devzone.evaluation.engine.errors import EvaluationInputError

EXTENSIONS = (".xlsx", ".csv", ".parquet")
FORMULA_PREFIXES = ("=", "+", "-", "@")
HEADER_ROWS = 1  # the first data row of a .xlsx/.csv file is row 2


def table_kind(path: str | Path) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in EXTENSIONS:
        shown = suffix or "(无扩展名)"
        raise EvaluationInputError(f"不支持的文件类型 {shown}: 请使用 .xlsx、.csv 或 .parquet")
    return suffix


def read_table(path: str | Path) -> pl.DataFrame:
    """Read a table; every failure is an EvaluationInputError naming the file."""
    kind = table_kind(path)
    file = Path(path)
    if not file.is_file():
        raise EvaluationInputError(f"输入文件不存在: {path}")
    try:
        if kind == ".csv":
            frame = _read_csv(file)
        elif kind == ".xlsx":
            frame = _read_xlsx(file)
        else:
            frame = pl.read_parquet(file)
    except EvaluationInputError:
        raise
    except Exception as exc:  # any parser failure is a user's unreadable file, reported in one line
        reason = str(exc).strip().splitlines()[0][:120] if str(exc).strip() else exc.__class__.__name__
        raise EvaluationInputError(
            f"输入文件无法读取 (不是有效的 {kind[1:]} 文件): {path}: {reason}"
        ) from None
    return _clean_headers(frame, path)


def _read_csv(file: Path) -> pl.DataFrame:
    raw = file.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("gb18030")  # what Excel on a Chinese Windows saves
    if not text.strip():
        raise EvaluationInputError(f"输入文件没有数据: {file}")
    return pl.read_csv(io.BytesIO(text.encode("utf-8")), infer_schema=False)


def _read_xlsx(file: Path) -> pl.DataFrame:
    if importlib.util.find_spec("fastexcel") is not None:
        return pl.read_excel(file, engine="calamine", infer_schema_length=0)
    return _read_xlsx_calamine(file)


def _read_xlsx_calamine(file: Path) -> pl.DataFrame:
    """The first worksheet through python-calamine directly (what Polars' calamine engine wraps)."""
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_path(str(file))
    rows = workbook.get_sheet_by_index(0).to_python(skip_empty_area=True)
    rows = [row for row in rows if any(cell not in (None, "") for cell in row)]
    if not rows:
        raise EvaluationInputError(f"输入文件没有数据: {file}")
    header = [_cell_text(cell) or f"column_{i + 1}" for i, cell in enumerate(rows[0])]
    width = len(header)
    columns: dict[str, list[str | None]] = {name: [] for name in header}
    if len(columns) != width:
        raise EvaluationInputError(f"输入文件的表头有重复的列名: {file}")
    for row in rows[1:]:
        cells = list(row) + [None] * (width - len(row))
        for name, cell in zip(header, cells[:width], strict=True):
            columns[name].append(_cell_text(cell))
    return pl.DataFrame(columns, schema=dict.fromkeys(header, pl.String))


def _cell_text(cell: Any) -> str | None:
    if cell is None or cell == "":
        return None
    if isinstance(cell, bool):
        return "true" if cell else "false"
    if isinstance(cell, float):
        return str(int(cell)) if cell.is_integer() and abs(cell) < 1e15 else repr(cell)
    if isinstance(cell, dt.datetime | dt.date | dt.time):
        return cell.isoformat()
    return str(cell).strip()


def _clean_headers(frame: pl.DataFrame, path: str | Path) -> pl.DataFrame:
    names = [str(name).strip() for name in frame.columns]
    if len(set(names)) != len(names):
        raise EvaluationInputError(f"输入文件的表头有重复的列名: {path}")
    if frame.height == 0:
        raise EvaluationInputError(f"输入文件没有数据: {path}")
    return frame.rename(dict(zip(frame.columns, names, strict=True)))


def escape_formulas(frame: pl.DataFrame) -> pl.DataFrame:
    """Prefix text cells that a spreadsheet would run as a formula (= + - @) with an apostrophe."""
    text_columns = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    escaped = [
        pl.when(pl.any_horizontal([pl.col(name).str.starts_with(prefix) for prefix in FORMULA_PREFIXES]))
        .then(pl.lit("'") + pl.col(name))
        .otherwise(pl.col(name))
        .alias(name)
        for name in text_columns
    ]
    return frame.with_columns(escaped) if escaped else frame


def write_table(frame: pl.DataFrame, path: str | Path) -> None:
    kind = table_kind(path)
    file = Path(path)
    if not file.parent.is_dir():
        raise EvaluationInputError(f"输出目录不存在: {file.parent}")
    try:
        if kind == ".parquet":
            frame.write_parquet(file)
        elif kind == ".csv":
            escape_formulas(frame).write_csv(file, include_bom=True)
        else:
            escape_formulas(frame).write_excel(file, worksheet="结果", autofit=frame.height <= 10_000)
    except OSError as exc:
        raise EvaluationInputError(f"无法写入输出文件 {path}: {exc.strerror or exc}") from None
