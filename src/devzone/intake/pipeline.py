"""The import pipeline as plain functions (a background job can call them): read → layout → parse cells →
validate rows → preview; and the commit rule (all valid rows, or all-or-nothing).

    parsed = parse_file(adapter=adapter, data=data, filename="台账.xlsx", limits=ReadLimits())
    parsed.to_json()          # the preview
    commit_parsed(adapter, parsed, mode="valid", context=CommitContext(actor=user))  # inside a transaction
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from devzone.core.errors import ValidationFailed
from devzone.intake import layout as layout_mod
from devzone.intake.adapters.base import (
    SLOW,
    Adapter,
    CommitContext,
    FileHints,
    ProgressFn,
    RowInput,
    ValidRow,
    fast_column,
)
from devzone.intake.cells import CellError, fold, formula_payload, shown
from devzone.intake.layout import SEQ_KEY, HeaderSpec, Layout, RowKind, column_letter
from devzone.intake.reader import ReadLimits, Sheet, SourceSheet, open_sheets

MODES = ("valid", "all")
SAMPLE_ROWS = 200
PROGRESS_EVERY = 2000
_INJECTION_HEADS = frozenset("=+-@＝＋－＠ \t\r\n\u3000")
_LEVELS = (re.compile(r"^[一二三四五六七八九十百]+[、.．]"), re.compile(r"^\([一二三四五六七八九十百]+\)"),
           re.compile(r"^\d+、"))


ParsedRow = tuple[RowInput, list[str], Sequence]  # the row, the reasons found so far, its cells


@dataclass
class RejectedRow:
    row: int
    reasons: list[str]
    label: str = ""


@dataclass
class ParseResult:
    kind: str
    fmt: str
    sheet: str
    layout: Layout
    valid: list[ValidRow]
    rejected: list[RejectedRow]
    warnings: list[tuple[int | None, str]]
    skipped: dict[str, int]
    sha256: str
    preview_headers: list[str] = field(default_factory=list)
    preview_rows: list[dict[str, Any]] = field(default_factory=list)
    adapter: Adapter | None = None  # the adapter that validated the rows (commit it with the same one)

    @property
    def data_rows(self) -> int:
        return len(self.valid) + len(self.rejected)

    @property
    def updates(self) -> int:
        return sum(1 for row in self.valid if row.update)

    def counts(self) -> dict[str, int]:
        return {"data_rows": self.data_rows, "valid": len(self.valid), "rejected": len(self.rejected),
                "create": len(self.valid) - self.updates, "update": self.updates}

    def to_json(self) -> dict[str, Any]:
        """The preview as stored on the batch and answered by the API (JSON-safe)."""
        lay = self.layout
        labels = {f.key: f.label for f in self.adapter.fields} if self.adapter else {}
        return {
            "format": self.fmt, "sheet": self.sheet, "title": lay.title,
            "header_rows": [r + 1 for r in lay.header_rows], "unit": lay.unit,
            "columns": [{"column": c.letter, "header": c.header, "field": c.key, "label": labels.get(c.key, c.key),
                         "unit": c.unit_hint} for c in lay.columns if c.key and c.key != SEQ_KEY],
            "ignored_columns": [{"column": c.letter, "header": c.header} for c in lay.ignored],
            "counts": {**self.counts(), "skipped": dict(self.skipped)},
            "rejected": [{"row": r.row, "label": r.label, "reasons": r.reasons} for r in self.rejected],
            "warnings": [{"row": row, "message": message} for row, message in self.warnings],
            "sample": {"headers": self.preview_headers, "rows": self.preview_rows, "limit": SAMPLE_ROWS},
            "sha256": self.sha256,
        }


# --- parsing --------------------------------------------------------------------------------------------

def parse_file(*, adapter: Adapter, data: bytes, filename: str, limits: ReadLimits,
               progress: ProgressFn | None = None) -> ParseResult:
    """Read, understand and validate a file; writes nothing. Raises DomainError for unusable files."""
    fmt, sheets = open_sheets(data, filename, limits)
    specs = [HeaderSpec(f.key, f.names) for f in adapter.fields]
    required = [(f.key, f.label) for f in adapter.required_fields()]
    sheet, layout, warnings = choose_sheet(sheets, specs, required)
    warnings += column_warnings(adapter, layout)
    rows, rejected, skipped = extract_rows(sheet, layout, adapter, progress)
    valid = validate_rows(adapter, rows, rejected, layout, progress)
    warnings += adapter.row_warnings
    rejected.sort(key=lambda r: r.row)
    result = ParseResult(kind=adapter.kind, fmt=fmt, sheet=sheet.name, layout=layout, valid=valid,
                         rejected=rejected, warnings=warnings, skipped=dict(skipped),
                         sha256=hashlib.sha256(data).hexdigest(), adapter=adapter)
    fields = adapter.field_map()
    result.preview_headers = [fields[key].label for key in adapter.preview_fields]
    result.preview_rows = [{"row": row.row, "action": "update" if row.update else "create",
                            "values": adapter.preview_values(row.data)} for row in valid[:SAMPLE_ROWS]]
    return result


def choose_sheet(sheets: Sequence[SourceSheet], specs: list[HeaderSpec],
                 required: list[tuple[str, str]]) -> tuple[Sheet, Layout, list[tuple[int | None, str]]]:
    """The visible sheet whose header matches best; other sheets with a header are named in a warning."""
    scored = []
    for source in sheets:
        head = source.head(layout_mod.HEADER_SCAN_ROWS + 2)
        found = layout_mod.best_header(head.rows, head.merged, specs)
        matched = sum(1 for key in found.by_key if key != SEQ_KEY) if found else 0
        scored.append((found.score if found and matched >= 2 else 0.0, source))
    best = max(scored, key=lambda item: item[0])[1] if scored else None
    if best is None:
        raise ValidationFailed("文件中没有数据")
    sheet = best.full()
    layout = layout_mod.detect_layout(sheet.rows, sheet.merged, specs, required)
    warnings: list[tuple[int | None, str]] = []
    others = [source.name for score, source in scored if score > 0 and source is not best]
    if others:
        warnings.append((None, f"只导入了工作表「{sheet.name}」;工作表「{'」「'.join(others)}」也有可识别的表头,"
                               "如需导入请分别上传"))
    return sheet, layout, warnings


def column_warnings(adapter: Adapter, layout: Layout) -> list[tuple[int | None, str]]:
    fields = adapter.field_map()
    notes: list[tuple[int | None, str]] = []
    has_money = any(fields[c.key].kind == "money" for c in layout.by_key.values() if c.key in fields)
    if has_money and layout.unit and layout.unit != "万元":
        notes.append((layout.unit_row + 1 if layout.unit_row is not None else None,
                      f"表格单位为{layout.unit},金额已换算为万元"))
    elif has_money and not layout.unit and not any(c.unit_hint for c in layout.by_key.values()):
        notes.append((None, "未找到单位行(如“单位:万元”),金额按万元处理"))
    for column in layout.by_key.values():
        if column.key in fields:
            note = fields[column.key].factor_for(column.unit_hint, layout.unit)[1]
            if note:
                notes.append((None, f"{note}({column.letter} 列)"))
    if layout.ignored:
        names = "、".join(f"{c.letter} 列「{c.header}」" for c in layout.ignored)
        notes.append((None, f"未识别的列,未导入:{names}"))
    for kept, dropped in layout.duplicates:
        label = fields[kept.key].label if kept.key in fields else kept.header
        notes.append((None, f"「{label}」有多列({kept.letter}、{dropped.letter} 列),使用 {kept.letter} 列"))
    return notes


def _group_level(label: str) -> int:
    text = fold(label)
    for level, pattern in enumerate(_LEVELS):
        if pattern.match(text):
            return level
    return 0


def _screen_cells(cells: Sequence, layout: Layout) -> tuple[Sequence, list[str]]:
    """Undo the apostrophe an exporter puts before = + - @ ("'+86 …" is the text "+86 …"), and name every
    cell that would run as a formula."""
    reasons: list[str] = []
    for c, value in enumerate(cells):
        if type(value) is not str or not value:
            continue
        if value[0] == "'" and value[1:2] and value[1] in _INJECTION_HEADS:
            cells = list(cells)
            cells[c] = value = value[1:]
        if value[0] in _INJECTION_HEADS and formula_payload(value):
            head = fold(value.lstrip()[0])
            header = next((f"「{col.header}」" for col in layout.columns if col.index == c), "")
            reasons.append(f"{column_letter(c)} 列{header}的内容“{shown(value)}”以“{head}”开头,疑似公式注入,已拒绝")
    return cells, reasons


def extract_rows(sheet: Sheet, layout: Layout, adapter: Adapter,
                 progress: ProgressFn | None) -> tuple[list[ParsedRow], list[RejectedRow], Counter]:
    """Parse every data row's cells; rows refused before validation (formula injection) go to `rejected`."""
    fields = adapter.field_map()
    parsers = []
    for key, column in layout.by_key.items():
        if key in fields:
            fld = fields[key]
            factor = fld.factor_for(column.unit_hint, layout.unit)[0]
            parsers.append((key, column.index, fld.make_parser(factor), fld.label, column.letter,
                            fast_column(fld, factor)))
    required = [(f.key, f.label) for f in adapter.required_fields()]
    merged_starts = {(r0, c0): c1 - c0 for r0, c0, _r1, c1 in sheet.merged if c1 > c0}
    rows: list[ParsedRow] = []
    clean: list[tuple[int, Sequence, tuple[str, ...]]] = []
    rejected: list[RejectedRow] = []
    skipped: Counter = Counter()
    groups: list[tuple[int, str]] = []
    labels: tuple[str, ...] = ()
    total = len(sheet.rows)
    for r in range(layout.data_start, total):
        cells = sheet.rows[r]
        kind, label = layout_mod.classify(cells, layout, merged_starts, r)
        cells, injected = _screen_cells(cells, layout) if kind is not RowKind.BLANK else (cells, [])
        if kind is not RowKind.DATA:
            skipped[kind.value] += 1
            if kind is RowKind.GROUP:
                level = _group_level(label)
                groups = [g for g in groups if g[0] < level] + [(level, label)]
                labels = tuple(g[1] for g in groups)
            if injected:
                rejected.append(RejectedRow(row=r + 1, reasons=injected))
        elif injected:
            rows.append(_parse_row(r, cells, parsers, required, injected, labels))
        else:
            clean.append((r, cells, labels))
        if progress is not None and (r + 1) % PROGRESS_EVERY == 0:
            progress("read", r + 1, total)
    rows += _parse_columns(clean, parsers, required)
    rows.sort(key=lambda item: item[0].row)
    return rows, rejected, skipped


def _parse_columns(pending: list[tuple[int, Sequence, tuple[str, ...]]], parsers: list,
                   required: list[tuple[str, str]]) -> list[ParsedRow]:
    """The same result as `_parse_row` for every row, column by column: a column's common cells go through
    its fast path in one comprehension, the rest through the full parser."""
    reasons: dict[int, list[str]] = {}
    failed: dict[int, set[str]] = {}
    parsed_columns = []
    for key, index, parser, label, letter, fast in parsers:
        column = [cells[index] if index < len(cells) else "" for _r, cells, _g in pending]
        parsed = fast(column) if fast is not None else [SLOW] * len(column)
        for j in [j for j, value in enumerate(parsed) if value is SLOW]:
            value = column[j]
            if value == "" or value is None:
                parsed[j] = None
                continue
            try:
                parsed[j] = parser(value)
            except CellError as exc:
                parsed[j] = None
                failed.setdefault(j, set()).add(key)
                reason = exc.reason[len(label):] if exc.reason.startswith(label) else exc.reason
                reasons.setdefault(j, []).append(f"{label}({letter} 列):{reason}")
        parsed_columns.append(parsed)
    keys = [p[0] for p in parsers]
    rows: list[ParsedRow] = []
    for j, values_of_row in enumerate(zip(*parsed_columns, strict=True) if parsed_columns else ()):
        values = {k: v for k, v in zip(keys, values_of_row, strict=True) if v is not None}
        row_reasons, row_failed = reasons.get(j, []), failed.get(j)
        for key, label in required:
            if key not in values and (row_failed is None or key not in row_failed):
                row_reasons.append(f"缺少「{label}」")
                row_failed = (row_failed or set()) | {key}
        r, cells, groups = pending[j]
        rows.append((RowInput(row=r + 1, values=values, failed=row_failed or _NO_FAILURES, groups=groups),
                     row_reasons, cells))
    if not parsed_columns:
        rows = [_parse_row(r, cells, parsers, required, [], groups) for r, cells, groups in pending]
    return rows


_NO_FAILURES: frozenset[str] = frozenset()


def _parse_row(r: int, cells: Sequence, parsers: list, required: list[tuple[str, str]], injected: list[str],
               groups: tuple[str, ...]) -> ParsedRow:
    """Values by key for the non-empty cells that parse; a reason for each one that does not."""
    reasons = list(injected)
    values: dict[str, Any] = {}
    failed: set[str] | None = None
    width = len(cells)
    for key, index, parser, label, letter, _fast in parsers:
        value = cells[index] if index < width else ""
        if value == "" or value is None:
            continue
        if injected and type(value) is str and formula_payload(value):
            failed = (failed or set()) | {key}
            continue
        try:
            parsed = parser(value)
        except CellError as exc:
            failed = (failed or set()) | {key}
            reason = exc.reason[len(label):] if exc.reason.startswith(label) else exc.reason
            reasons.append(f"{label}({letter} 列):{reason}")
            continue
        if parsed is not None:
            values[key] = parsed
    for key, label in required:
        if key not in values and (failed is None or key not in failed):
            reasons.append(f"缺少「{label}」")
            failed = (failed or set()) | {key}
    row = RowInput(row=r + 1, values=values, failed=failed or _NO_FAILURES, groups=groups)
    return row, reasons, cells


def _row_label(adapter: Adapter, layout: Layout, cells: Sequence) -> str:
    """A short identification of a rejected row (its name, else its key), never a formula payload."""
    for key in adapter.label_fields:
        column = layout.by_key.get(key)
        if column is None or column.index >= len(cells):
            continue
        value = cells[column.index]
        if value not in ("", None) and not (type(value) is str and formula_payload(value)):
            return shown(value)
    return ""


def validate_rows(adapter: Adapter, rows: list[ParsedRow], rejected: list[RejectedRow], layout: Layout,
                  progress: ProgressFn | None) -> list[ValidRow]:
    """Duplicate keys, then the adapter's own checks; every reason a row has is reported."""
    key_field = adapter.key_field
    key_label = adapter.field_map()[key_field].label if key_field else ""
    seen: dict[Any, int] = {}
    for row, reasons, _cells in rows:
        value = row.values.get(key_field) if key_field else None
        if value is None:
            continue
        if value in seen:
            reasons.append(f"与第 {seen[value]} 行的{key_label}重复({value})")
        else:
            seen[value] = row.row
    columns = layout.by_key.values()
    hints = FileHints(title=layout.title, title_year=layout.title_year, unit=layout.unit,
                      column_years={c.key: c.year_hint for c in columns if c.year_hint},
                      mapped=frozenset(layout.by_key), headers={c.key: c.header for c in columns})
    adapter.prepare([row for row, _reasons, _cells in rows], hints)
    valid: list[ValidRow] = []
    for done, (row, reasons, cells) in enumerate(rows, start=1):
        outcome = adapter.validate_row(row)
        if isinstance(outcome, list):
            reasons.extend(r for r in outcome if r not in reasons)
        if reasons:
            rejected.append(RejectedRow(row=row.row, reasons=reasons, label=_row_label(adapter, layout, cells)))
        else:
            valid.append(ValidRow(row=row.row, data=outcome, update=adapter.is_update(outcome), groups=row.groups))
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress("validate", done, len(rows))
    return valid


# --- committing -----------------------------------------------------------------------------------------

def rejection_summary(rejected: Sequence[RejectedRow], limit: int = 3) -> str:
    """"第 8 行:…;第 11 行:…等" — one line, for messages."""
    parts = [f"第 {r.row} 行:{';'.join(r.reasons)}" for r in rejected[:limit]]
    more = f" 等(共 {len(rejected)} 行)" if len(rejected) > limit else ""
    return ";".join(parts) + more


def check_mode(mode: str, parsed: ParseResult) -> None:
    """Refuse what the chosen mode does not allow, before anything is written."""
    if mode not in MODES:
        raise ValidationFailed(f"导入方式只能是 valid(导入全部有效行)或 all(仅在全部有效时导入),而不是「{mode}」")
    if mode == "all" and parsed.rejected:
        raise ValidationFailed(
            f"有 {len(parsed.rejected)} 行未通过校验,按“仅在全部有效时导入”未写入任何数据。"
            + rejection_summary(parsed.rejected),
            details=[{"row": r.row, "message": ";".join(r.reasons)} for r in parsed.rejected[:100]])
    if not parsed.valid:
        raise ValidationFailed("没有可导入的有效行,未写入任何数据")


def commit_parsed(adapter: Adapter, parsed: ParseResult, *, mode: str, context: CommitContext) -> dict[str, int]:
    """Write the valid rows through the adapter. The caller holds the transaction: any exception rolls back."""
    check_mode(mode, parsed)
    return adapter.commit(parsed.valid, context=context)
