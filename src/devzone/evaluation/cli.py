"""`devzone evaluate SCHEME --input FILE --output FILE [--group-by COL] [--sensitivity N]`, no database.

`evaluate_command` returns the one-line Chinese summary to print; every user mistake raises
`EvaluationInputError` with a one-line Chinese message (the argparse wrapper exits 2 on it).
"""

from __future__ import annotations

import polars as pl

from devzone.evaluation.engine import EvaluationInputError, evaluate, load_scheme, sensitivity_of
from devzone.evaluation.engine.tables import HEADER_ROWS, read_table, table_kind, write_table

SENSITIVITY_COLUMNS = ("rank_p05", "rank_p95", "class_stability")
MAX_DRAWS = 10_000


def evaluate_command(
    scheme: str,
    input_path: str,
    output_path: str,
    group_by: str | None = None,
    sensitivity: int = 0,
) -> str:
    """Evaluate a table file with a built-in scheme (or a .yaml scheme file) and write the results."""
    if sensitivity < 0 or sensitivity > MAX_DRAWS:
        raise EvaluationInputError(f"--sensitivity 应为 0 到 {MAX_DRAWS} 之间的整数")
    table_kind(input_path)
    table_kind(output_path)
    loaded = load_scheme(scheme)
    frame = read_table(input_path)
    result = evaluate(loaded, frame, group_by, first_row=HEADER_ROWS + 1)
    output = result.results
    if sensitivity:
        spread = sensitivity_of(result, sensitivity)
        output = output.with_columns(spread.select(SENSITIVITY_COLUMNS))
    write_table(output, output_path)
    return summary(result.results, loaded.name, output_path, result.groups, sensitivity)


def summary(results: pl.DataFrame, name: str, output_path: str, groups: list[str], draws: int) -> str:
    participants = int(results["participates"].sum())
    parts = [f"{name}: 共 {results.height} 个评价对象, 参评 {participants} 个"]
    if groups:
        count = results.select(groups).unique().height
        parts.append(f"按 {'、'.join(groups)} 分为 {count} 组")
    classes = results.filter(pl.col("class").is_not_null())["class"].value_counts(sort=False)
    if classes.height:
        ordered = dict(classes.iter_rows())
        counts = "、".join(f"{key} {ordered[key]}" for key in sorted(ordered))
        parts.append(f"等级 {counts}")
    flagged = results.filter(pl.col("flags").str.contains(r"\bundefined:")).height
    if flagged:
        parts.append(f"{flagged} 个存在无法计算的指标(已记 0 分并标记)")
    if draws:
        parts.append(f"权重敏感性 {draws} 次抽样")
    return "; ".join(parts) + f"; 结果已写入 {output_path}"
