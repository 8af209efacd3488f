"""The adapter interface: what one kind of import (enterprises, projects, indicators, …) declares and does.

An adapter declares its columns (`Field`: key, Chinese label, synonyms, kind or parser, required), checks a
parsed row against the database (`validate_row` → a clean dict, or a list of reasons), writes the valid
rows (`commit`), and may export the same layout (`export`). The generic pipeline does everything else:
reading, layout, cell parsing with units, formula-injection refusal, required cells, duplicate keys,
preview and the all-or-nothing transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar

from devzone.intake import cells
from devzone.intake.cells import CellError

ProgressFn = Callable[[str, int, int], None]  # (stage, done, total); stages: read, validate, write

NUMERIC_KINDS = frozenset({"money", "number", "integer"})
KINDS = frozenset({"text", "money", "number", "integer", "percent", "date", "year", "year_range", "bool", "choice"})


@dataclass(frozen=True)
class Field:
    """One column an adapter understands.

    kind: text | money (万元) | number | integer | percent | date | year | year_range | bool | choice.
    units: for numeric kinds, unit → factor to the column's base unit, the bare unit first
        (e.g. {"亩": 1, "公顷": 15}); money always uses 元 → 万元.
    choices: for `choice`, accepted texts (folded, lower case) → stored value.
    parser: a custom parser `value -> clean value` raising CellError; it replaces the kind's parser.
    """

    key: str
    label: str
    synonyms: tuple[str, ...] = ()            # other header texts; "re:<pattern>" matches by regex
    kind: str = "text"
    required: bool = False
    units: Mapping[str, Decimal] | None = None
    choices: Mapping[str, str] | None = None
    max_length: int | None = None
    parser: Callable[[Any], Any] | None = None
    export_header: str = ""
    export_width: int = 14

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown field kind {self.kind!r} for {self.key}")

    @property
    def names(self) -> tuple[str, ...]:
        return (self.label, *self.synonyms, *((self.export_header,) if self.export_header else ()))

    @property
    def header(self) -> str:
        return self.export_header or self.label

    def unit_table(self) -> Mapping[str, Decimal]:
        if self.kind == "money":
            return cells.MONEY_UNITS
        return self.units or {}

    def factor_for(self, unit_hint: str, sheet_unit: str) -> tuple[Decimal, str | None]:
        """The factor for bare numbers in this column, and a note for the preview when a unit applies."""
        if self.kind not in NUMERIC_KINDS:
            return Decimal(1), None
        table = self.unit_table()
        if unit_hint:
            factor = cells.unit_factor(unit_hint, table)
            if factor is None:
                return Decimal(1), f"列「{self.label}」表头中的单位「{unit_hint}」无法识别,按原值导入"
            return factor, (f"列「{self.label}」单位为{unit_hint},已换算" if factor != 1 else None)
        if self.kind == "money" and sheet_unit:
            factor = cells.unit_factor(sheet_unit, table) or Decimal(1)
            return factor, None
        return Decimal(1), None

    def make_parser(self, factor: Decimal = Decimal(1)) -> Callable[[Any], Any]:
        """A one-argument parser for this column's cells (raises CellError). Numeric cells, the common case
        in large files, take a short path."""
        if self.parser is not None:
            return self.parser
        kind, table = self.kind, self.unit_table()
        if kind == "text":
            limit = self.max_length
            return lambda value: cells.parse_text(value, max_length=limit)
        if kind in ("money", "number"):
            return _quantity_parser(table, factor)
        if kind == "integer":
            return _integer_parser(table, factor)
        if kind == "choice":
            choices = {cells.fold(k).lower(): v for k, v in (self.choices or {}).items()}
            exact = dict(self.choices or {})
            return lambda value: exact[value] if type(value) is str and value in exact else cells.parse_choice(
                value, choices=choices)
        if kind == "bool":
            return lambda value: _BOOL_FAST[value] if type(value) is str and value in _BOOL_FAST else \
                cells.parse_bool(value)
        return {"percent": cells.parse_percent, "date": cells.parse_date, "year": cells.parse_year,
                "year_range": cells.parse_year_range}[kind]


_BOOL_FAST = {"是": True, "否": False, "√": True, "×": False}
_INFINITY = float("inf")
SLOW = object()  # a cell a column's fast path leaves to the full parser


def fast_column(field: Field, factor: Decimal) -> Callable[[list], list] | None:
    """For large files: parse a whole column's common cases in one comprehension (numbers already stored as
    numbers, tidy text, 是/否, exact choice labels); everything else comes back as SLOW for `make_parser`.
    None when the field has no fast path (a custom parser)."""
    if field.parser is not None:
        return None
    kind = field.kind
    if kind in ("money", "number"):
        return _fast_numbers(factor)
    if kind in ("integer", "year") and factor == 1:
        low, high = (cells.MIN_YEAR, cells.MAX_YEAR) if kind == "year" else (-_INFINITY, _INFINITY)
        return lambda column: [int(v) if type(v) is float and v.is_integer() and low <= v <= high
                               else (None if v == "" else SLOW) for v in column]
    if kind in ("bool", "choice"):
        table = {"": None, **(_BOOL_FAST if kind == "bool" else dict(field.choices or {}))}
        return lambda column: [table.get(v, SLOW) if type(v) is str else SLOW for v in column]
    if kind == "text":
        limit = field.max_length or 10**9
        plain = cells.plain_text
        return lambda column: [v if type(v) is str and len(v) <= limit and v and plain(v)
                               else (None if v == "" else SLOW) for v in column]
    return None


def _fast_numbers(factor: Decimal) -> Callable[[list], list]:
    number = Decimal
    if factor == 1:
        return lambda column: [number(repr(v)) if type(v) is float and -_INFINITY < v < _INFINITY
                               else (None if v == "" else SLOW) for v in column]
    return lambda column: [number(repr(v)) * factor if type(v) is float and -_INFINITY < v < _INFINITY
                           else (None if v == "" else SLOW) for v in column]


def _quantity_parser(units: Mapping[str, Decimal], factor: Decimal) -> Callable[[Any], Any]:
    plain = factor == 1

    def parse(value):
        if type(value) is float and value == value and -_INFINITY < value < _INFINITY:
            number = Decimal(repr(value))
            return number if plain else number * factor
        return cells.parse_quantity(value, units=units, factor=factor)

    return parse


def _integer_parser(units: Mapping[str, Decimal], factor: Decimal) -> Callable[[Any], Any]:
    plain = factor == 1

    def parse(value):
        if plain and type(value) is float and value.is_integer():
            return int(value)
        return cells.parse_integer(value, units=units or None, factor=factor)

    return parse


@dataclass(frozen=True)
class FileHints:
    """What the layout says about the whole file, for rows that need it (e.g. the year of the figures)."""

    title: str = ""
    title_year: int | None = None
    column_years: Mapping[str, int] = field(default_factory=dict)
    unit: str = ""
    mapped: frozenset[str] = frozenset()      # keys of the adapter fields the file has columns for
    headers: Mapping[str, str] = field(default_factory=dict)  # key → the header as the file writes it


@dataclass(slots=True)
class RowInput:
    """One data row after cell parsing: values by field key, for the cells that are filled and readable
    (an empty or unreadable cell has no key: use `values.get(key)`)."""

    row: int                                  # Excel row number, 1-based, as Excel shows it
    values: dict[str, Any]
    failed: AbstractSet[str] = frozenset()    # keys whose cell could not be parsed (already reported)
    groups: tuple[str, ...] = ()              # group labels above the row, outermost first


@dataclass
class ValidRow:
    row: int
    data: dict[str, Any]
    update: bool
    groups: tuple[str, ...] = ()


@dataclass
class CommitContext:
    actor: Any
    batch: Any = None                          # the ImportBatch being committed (None in a dry run)
    progress: ProgressFn | None = None
    bulk_threshold: int = 1000                 # above this many rows an adapter may use its bulk path

    def report(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress("write", done, total)


@dataclass
class ExportTable:
    """What an exporter hands to core.exports.write_xlsx: the same layout the importer reads."""

    title: str
    unit: str
    fields: Sequence[Field]
    rows: Iterable[Sequence]
    sheet_name: str = "Sheet1"


class Adapter:
    """Base class for one kind of import. Subclass, fill the class attributes, and decorate with
    `devzone.intake.registry.register`."""

    kind: ClassVar[str]
    title: ClassVar[str]                       # shown to users, e.g. "企业库"
    fields: ClassVar[tuple[Field, ...]]
    key_field: ClassVar[str | None] = None     # rows repeating this field's value within a file are rejected
    label_fields: ClassVar[tuple[str, ...]] = ()  # fields that identify a row in messages
    preview_fields: ClassVar[tuple[str, ...]] = ()  # fields shown for valid rows in the preview
    description: ClassVar[str] = ""
    list_url_name: ClassVar[str] = ""          # page listing the imported objects (linked from the result)

    def __init__(self, actor) -> None:
        self.actor = actor
        self.hints = FileHints()
        self.row_warnings: list[tuple[int | None, str]] = []

    # --- declared -----------------------------------------------------------------------------------
    @classmethod
    def field_map(cls) -> dict[str, Field]:
        return {f.key: f for f in cls.fields}

    @classmethod
    def required_fields(cls) -> list[Field]:
        return [f for f in cls.fields if f.required]

    def warn(self, row: int | None, message: str) -> None:
        self.row_warnings.append((row, message))

    # --- to implement -------------------------------------------------------------------------------
    def prepare(self, rows: Sequence[RowInput], hints: FileHints) -> None:
        """Load what validation needs in a fixed number of queries (lookups, existing keys)."""
        self.hints = hints

    def validate_row(self, row: RowInput) -> dict[str, Any] | list[str]:
        """A clean dict ready for `commit`, or the reasons (Chinese) the row is rejected."""
        raise NotImplementedError

    def is_update(self, clean: dict[str, Any]) -> bool:
        """Whether a clean row changes an existing object (counted as an update in the preview)."""
        return False

    def preview_values(self, clean: dict[str, Any]) -> list[str]:
        """Display texts of `preview_fields` for a valid row."""
        return [cells.shown(clean.get(key)) if clean.get(key) is not None else "" for key in self.preview_fields]

    def commit(self, rows: Sequence[ValidRow], *, context: CommitContext) -> dict[str, int]:
        """Write every row inside the caller's transaction; raise DomainError to roll everything back.
        Returns counts (at least "created" and "updated")."""
        raise NotImplementedError

    def export(self) -> ExportTable:
        """The user's data in the layout this adapter imports (title row, unit row, header, rows)."""
        raise NotImplementedError


def parse_cell(parser: Callable[[Any], Any], value) -> tuple[Any, str | None]:
    try:
        return parser(value), None
    except CellError as exc:
        return None, exc.reason
