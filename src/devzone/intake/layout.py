"""Understanding a ledger's layout: title and unit rows, a one- or two-row header (with merged group
labels on top), group rows ("一、产业项目(35个)"), total rows ("合计"), notes, blank rows.

The header row is the row (or pair of rows) whose cells best match an adapter's synonym table. Pure Python.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum

from devzone.core.errors import ValidationFailed
from devzone.intake.cells import fold

HEADER_SCAN_ROWS = 40
SEQ_KEY = "_seq"
REGEX_PREFIX = "re:"
SEQ_NAMES = ("序号", "编号", "序", "no", "no.", "排序")
CONTAINS_SCORE = 0.6
SEQ_SCORE = 0.25

_STRIP_CHARS = str.maketrans("", "", "\"'“”‘’《》「」『』*※★")
_YEAR_PREFIX = re.compile(r"^((?:19|20)\d{2})年度?(?:年)?")
_UNIT_WORD = r"(?:千|万|十万|百万|千万|亿)?(?:元|亩|公顷|平方米|人|个|家|项|吨|吨标煤|吨标准煤|千瓦时|度|kwh|%)"
_UNIT_PAREN = re.compile(r"\((?:单位[::])?(" + _UNIT_WORD + r")\)$")
_UNIT_SUFFIX = re.compile(r"^(.{2,}?)[/]?(" + _UNIT_WORD + r")$")
_ANY_PAREN = re.compile(r"\([^()]*\)$")
_SHEET_UNIT = re.compile(r"单位\s*[::]\s*[^\n]{0,20}?(亿元|万元|千元|元)")
_TITLE_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_NOT_THE_SAME = re.compile(r"增速|增长|同比|环比|比重|占比|率|排名|名次|上年|去年|上期|累计增|计划")
_TOTAL = re.compile(r"^(?:全[省市县区]|本[市县区]|[\u4e00-\u9fff]{1,10}?)?(?:合计|总计|小计|共计|总合计)$")
_GROUP = re.compile(
    r"^(?:[一二三四五六七八九十百]+[、.．]|\([一二三四五六七八九十百]+\)|第[一二三四五六七八九十百\d]+[部类批组章节篇]"
    r"|\d+、)"
)
_NOTE = re.compile(
    r"^(?:注|备注|说明|填报人|填表人|制表人|审核人|负责人|联系人|联系电话|填报单位|填报日期|填表日期|制表日期|"
    r"数据来源|统计时间)\s*\d*\s*[::]"
)


class RowKind(Enum):
    DATA = "data"
    BLANK = "blank"
    GROUP = "group"
    TOTAL = "total"
    NOTE = "note"
    HEADER = "header"


@dataclass(frozen=True)
class HeaderSpec:
    """What the layout needs from an adapter column: its key and the header texts that name it."""

    key: str
    names: tuple[str, ...]
    weight: float = 1.0


@dataclass
class Column:
    index: int
    header: str                 # as shown in the file ("2025年主要经济指标/营业收入" for two-row headers)
    key: str | None = None
    score: float = 0.0
    unit_hint: str = ""         # from "营业收入(亿元)" or "营业收入/万元"
    year_hint: int | None = None  # from "2025年营业收入" or a group label "2025年主要指标"

    @property
    def letter(self) -> str:
        return column_letter(self.index)


@dataclass
class Layout:
    header_rows: list[int]                       # 0-based row indexes
    columns: list[Column]
    by_key: dict[str, Column]
    unit: str = ""                               # sheet unit from the unit row, e.g. "亿元"
    unit_row: int | None = None
    title: str = ""
    title_year: int | None = None
    duplicates: list[tuple[Column, Column]] = field(default_factory=list)
    score: float = 0.0
    header_labels: dict[int, str] = field(default_factory=dict)  # column → normalised header (repeat check)
    identity_keys: set[str] = field(default_factory=set)  # columns a data row fills and a group row does not

    @property
    def data_start(self) -> int:
        return self.header_rows[-1] + 1

    @property
    def ignored(self) -> list[Column]:
        return [c for c in self.columns if c.key is None]


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def norm(text) -> str:
    """Header text for matching: NFKC, no spaces or quote marks, lower case, no trailing colon."""
    return "".join(fold(str(text)).translate(_STRIP_CHARS).split()).lower().rstrip(":")


def cell_text(value) -> str:
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    return str(value).strip()


# --- matching headers ------------------------------------------------------------------------------------

class SynonymIndex:
    """Normalised header text → column key, exact first, then "contains" for longer synonyms."""

    def __init__(self, specs: Sequence[HeaderSpec]) -> None:
        self.exact: dict[str, str] = {}
        self.weights: dict[str, float] = {}
        self.long: list[tuple[str, str]] = []
        self.patterns: list[tuple[re.Pattern, str]] = []
        for spec in (*specs, HeaderSpec(SEQ_KEY, SEQ_NAMES, SEQ_SCORE)):
            self.weights[spec.key] = spec.weight
            for name in spec.names:
                if name.startswith(REGEX_PREFIX):  # "re:^1-\d{1,2}月完成投资$", matched against norm(header)
                    self.patterns.append((re.compile(name[len(REGEX_PREFIX):]), spec.key))
                    continue
                key = norm(name)
                self.exact.setdefault(key, spec.key)
                if len(key) >= 3:
                    self.long.append((key, spec.key))
        self.long.sort(key=lambda item: -len(item[0]))

    def match(self, label: str) -> tuple[str | None, float, str, int | None]:
        """(key, score, unit hint, year hint) for one header text."""
        text = norm(label)
        if not text:
            return None, 0.0, "", None
        year = None
        year_match = _YEAR_PREFIX.match(text)
        if year_match and len(text) > year_match.end():
            year, text = int(year_match.group(1)), text[year_match.end():]
        unit = ""
        forms = [text]
        unit_match = _UNIT_PAREN.search(text)
        if unit_match:
            unit = unit_match.group(1)
            forms.append(text[:unit_match.start()])
        elif _ANY_PAREN.search(text):
            forms.append(_ANY_PAREN.sub("", text))
        suffix_match = _UNIT_SUFFIX.match(forms[-1])
        for form in forms:
            if form in self.exact:
                return self.exact[form], self.weights[self.exact[form]], unit, year
            for pattern, key in self.patterns:
                if pattern.search(form):
                    return key, self.weights[key], unit, year
        if suffix_match and suffix_match.group(1) in self.exact:
            key = self.exact[suffix_match.group(1)]
            return key, self.weights[key], unit or suffix_match.group(2), year
        if _NOT_THE_SAME.search(forms[-1]):
            return None, 0.0, unit, year
        for synonym, key in self.long:
            if synonym in forms[-1]:
                return key, CONTAINS_SCORE * self.weights[key], unit, year
        return None, 0.0, unit, year


def _row(rows: Sequence[Sequence], index: int) -> Sequence:
    return rows[index] if 0 <= index < len(rows) else ()


def _filled_top(rows: Sequence[Sequence], r: int, merged: Sequence[tuple[int, int, int, int]],
                width: int) -> list[str]:
    """The top header row with horizontally merged labels repeated over their columns."""
    top = [cell_text(v) for v in _row(rows, r)] + [""] * max(0, width - len(_row(rows, r)))
    spans = [(c0, c1) for r0, c0, r1, c1 in merged if r0 <= r <= r1 and c1 > c0]
    if spans:
        for c0, c1 in spans:
            label = top[c0] if c0 < len(top) else ""
            for c in range(c0, min(c1 + 1, width)):
                top[c] = top[c] or label
        return top
    bottom = [cell_text(v) for v in _row(rows, r + 1)]
    last = ""
    for c in range(width):  # no merge information (CSV, .ods): carry a group label to the right
        if top[c]:
            last = top[c]
        elif c < len(bottom) and bottom[c]:
            top[c] = last
        else:
            last = ""
    return top


def _is_label_row(cells: Sequence) -> bool:
    texts = [v for v in cells if isinstance(v, str) and v.strip()]
    numbers = [v for v in cells if isinstance(v, int | float) and not isinstance(v, bool)]
    return bool(texts) and not numbers


def _assign(labels: list[tuple[int, str, list[str], int | None]], index: SynonymIndex) -> Layout:
    """Map header texts to keys; when two columns claim one key, the better (then the first) wins."""
    columns: list[Column] = []
    best: dict[str, Column] = {}
    duplicates: list[tuple[Column, Column]] = []
    for c, shown, candidates, group_year in labels:
        column = Column(index=c, header=shown)
        for candidate in candidates:
            key, score, unit, year = index.match(candidate)
            if key and score > column.score:
                column.key, column.score, column.unit_hint = key, score, unit
                column.year_hint = year or group_year
        columns.append(column)
        if column.key is None:
            continue
        held = best.get(column.key)
        if held is None or column.score > held.score:
            if held is not None:
                duplicates.append((column, held))
                held.key = None
            best[column.key] = column
        else:
            duplicates.append((held, column))
            column.key = None
    score = sum(c.score for c in best.values())
    return Layout(header_rows=[], columns=columns, by_key=best, duplicates=duplicates, score=score)


def _single_row_labels(rows: Sequence[Sequence], r: int) -> list[tuple[int, str, list[str], int | None]]:
    return [(c, cell_text(v), [cell_text(v)], None) for c, v in enumerate(_row(rows, r)) if cell_text(v)]


def _two_row_labels(rows: Sequence[Sequence], r: int, merged) -> list[tuple[int, str, list[str], int | None]]:
    width = max(len(_row(rows, r)), len(_row(rows, r + 1)))
    top = _filled_top(rows, r, merged, width)
    bottom = [cell_text(v) for v in _row(rows, r + 1)] + [""] * width
    labels = []
    for c in range(width):
        if not top[c] and not bottom[c]:
            continue
        if bottom[c]:
            group_year = _TITLE_YEAR.search(fold(top[c])) if top[c] else None
            shown = f"{top[c]}/{bottom[c]}" if top[c] and top[c] != bottom[c] else bottom[c]
            labels.append((c, shown, [bottom[c], top[c] + bottom[c]],
                           int(group_year.group(1)) if group_year else None))
        else:
            labels.append((c, top[c], [top[c]], None))
    return labels


def detect_layout(rows: Sequence[Sequence], merged: Sequence[tuple[int, int, int, int]],
                  specs: Sequence[HeaderSpec], required: Sequence[tuple[str, str]] = ()) -> Layout:
    """Find the header, map columns, and read the title and unit rows above it.

    `required` lists (key, label) of the columns a file must have; ValidationFailed names what is missing.
    """
    best = best_header(rows, merged, specs)
    if best is None or sum(1 for key in best.by_key if key != SEQ_KEY) < 2:
        examples = "(如「" + "」「".join(name for _key, name in required[:2]) + "」)" if required else ""
        raise ValidationFailed(f"未找到表头:前 {HEADER_SCAN_ROWS} 行中没有能识别的列名{examples}")
    missing = [name for key, name in required if key not in best.by_key]
    if missing:
        raise ValidationFailed(f"表头缺少必填列:{'、'.join(missing)}(表头在第 {best.header_rows[0] + 1} 行)")
    best.identity_keys = {key for key, _name in required}
    _read_title_and_unit(rows, best)
    return best


def best_header(rows: Sequence[Sequence], merged, specs: Sequence[HeaderSpec]) -> Layout | None:
    """The best-scoring header among the first rows: a single row, or a row of group labels above one."""
    index = SynonymIndex(specs)
    limit = min(HEADER_SCAN_ROWS, len(rows))
    singles: dict[int, Layout] = {}
    for r in range(limit + 1):
        if _is_label_row(_row(rows, r)):
            singles[r] = _assign(_single_row_labels(rows, r), index)
            singles[r].header_rows = [r]
    best: Layout | None = None
    for r in range(limit):
        if r not in singles:
            continue
        candidate = singles[r]
        if r + 1 in singles:
            two = _assign(_two_row_labels(rows, r, merged), index)
            below = singles[r + 1].score
            if two.score > candidate.score + 0.5 and (two.score > below + 0.25 or _group_labels(rows, r, merged)):
                two.header_rows = [r, r + 1]
                candidate = two
        if best is None or candidate.score > best.score:
            best = candidate
    if best is not None:
        best.header_labels = {c.index: norm(c.header.split("/")[-1]) for c in best.columns}
    return best


def _group_labels(rows: Sequence[Sequence], r: int, merged) -> bool:
    """Whether row r holds group labels over the row below (not a title or a unit line): a label merged over
    part of the width, or, without merge information, several labels with sub-headers under blank cells."""
    width = max(len(_row(rows, r)), len(_row(rows, r + 1)), 1)
    bottom = [cell_text(v) for v in _row(rows, r + 1)]
    spans = [(c0, c1) for r0, c0, r1, c1 in merged if r0 == r and c1 > c0]
    if spans:
        return any(c1 - c0 + 1 < 0.8 * width and any(bottom[c0:c1 + 1]) for c0, c1 in spans)
    if merged:
        return False
    top = [cell_text(v) for v in _row(rows, r)]
    return sum(1 for t in top if t) >= 2 and any(b and not (top[c] if c < len(top) else "")
                                                 for c, b in enumerate(bottom))


def _read_title_and_unit(rows: Sequence[Sequence], layout: Layout) -> None:
    for r in range(0, layout.header_rows[-1] + 1):
        for value in _row(rows, r):
            text = cell_text(value)
            if not text:
                continue
            if not layout.title and r < layout.header_rows[0] and "单位" not in text[:4]:
                layout.title = text
            unit = _SHEET_UNIT.search(fold(text))
            if unit and not layout.unit:
                layout.unit, layout.unit_row = unit.group(1), r
    year = _TITLE_YEAR.search(fold(layout.title)) if layout.title else None
    layout.title_year = int(year.group(1)) if year else None


# --- classifying the rows below the header ----------------------------------------------------------------

def classify(cells: Sequence, layout: Layout, merged_starts: dict[tuple[int, int], int] | None = None,
             r: int = -1) -> tuple[RowKind, str]:
    """The kind of a row below the header, and its label for group rows."""
    first_index, first = -1, None
    for c, value in enumerate(cells):
        if value == "" or value is None or (type(value) is str and not value.strip()):
            continue
        first_index, first = c, value
        break
    if first is None:
        return RowKind.BLANK, ""
    if not isinstance(first, str):
        return RowKind.DATA, ""
    text = "".join(fold(first).split())
    if _TOTAL.match(text) or text.startswith("其中"):
        return RowKind.TOTAL, ""
    if _NOTE.match(text):
        return RowKind.NOTE, ""
    if _GROUP.match(text) and not _has_key_values(cells, layout, first_index):
        return RowKind.GROUP, first.strip()
    if merged_starts and merged_starts.get((r, first_index), 0) >= 1 \
            and sum(1 for v in cells if cell_text(v)) == 1 and not _has_key_values(cells, layout, first_index):
        return RowKind.GROUP, first.strip()
    if layout.header_labels.get(first_index) == norm(first) and _repeats_header(cells, layout):
        return RowKind.HEADER, ""
    return RowKind.DATA, ""


def _has_key_values(cells: Sequence, layout: Layout, label_index: int) -> bool:
    """Whether the row fills a required column other than the one holding its label."""
    for key in layout.identity_keys:
        column = layout.by_key.get(key)
        if column is not None and column.index != label_index and column.index < len(cells) \
                and cell_text(cells[column.index]):
            return True
    return False


def _repeats_header(cells: Sequence, layout: Layout) -> bool:
    filled = [(c, v) for c, v in enumerate(cells) if cell_text(v)]
    same = sum(1 for c, v in filled if layout.header_labels.get(c) == norm(v))
    return same * 10 >= len(filled) * 6
