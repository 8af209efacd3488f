"""Cell parsers for the ledgers counties send: numbers with Chinese units, dates, year ranges, flags, text,
and the formula-injection check.

Pure Python (no Django), so the parsers can be fuzzed fast and used without a database. Every parser takes
the raw cell value as python-calamine or the CSV reader hands it over (str, float, int, bool, date,
datetime, time, timedelta) and returns a clean value or None for an empty cell; anything it cannot read
raises `CellError` with a reason in Chinese.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation

EXCEL_EPOCH = date(1899, 12, 30)
MIN_YEAR, MAX_YEAR = 1949, 2100
SERIAL_MIN, SERIAL_MAX = 18264, 73415  # Excel serial numbers of 1950-01-01 and 2100-12-31

# Texts that mean "nothing here" in a ledger cell.
EMPTY_MARKERS = frozenset({
    "", "-", "--", "---", "—", "——", "–", "－", "/", "//", "\\", "无", "暂无", "空", "n/a", "na", "null",
    "none", "nan", "…", "……", "...", "·", "*", "x", "×",
})
MAGNITUDES: dict[str, Decimal] = {
    "千": Decimal(1000), "万": Decimal(10_000), "十万": Decimal(100_000), "百万": Decimal(1_000_000),
    "千万": Decimal(10_000_000), "亿": Decimal(100_000_000),
}
MONEY_UNITS: dict[str, Decimal] = {"元": Decimal("0.0001")}  # base unit 万元: "万元" = 万 × 元 = 1
TRUE_WORDS = frozenset({"是", "√", "✓", "✔", "☑", "y", "yes", "true", "1", "有", "★", "●", "t", "对"})
FALSE_WORDS = frozenset({"否", "×", "✗", "✘", "☐", "n", "no", "false", "0", "无", "不是", "f", "非"})

_NUMBER_RE = re.compile(r"^([+-]?)(\d+(?:\.\d*)?|\.\d+)(?:e([+-]?\d{1,3}))?(.*)$", re.IGNORECASE)
_DATE_YMD = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?$")
_DATE_YM = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?(?:份)?$")
_DATE_Y = re.compile(r"^(\d{4})\s*(?:年度?)?$")
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})?$")
_MONTH_PART = r"(?:年度?)?(?:[.\-/]\d{1,2}月?|\d{1,2}月)?"
_YEAR_RANGE = re.compile(r"^(\d{4})" + _MONTH_PART + r"(?:—+|-|–|~|至|到)(\d{4}|\d{2})" + _MONTH_PART + r"(?:底|末)?$")
_TIDY = re.compile(r"^[^\s\u3000](?:[^\s\u3000]| (?! ))*(?<![\s\u3000])$")  # no edge or double spaces
_FORMULA_FUNC = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*\s*\(")
_CELL_EXPR = re.compile(r"^[A-Za-z0-9$:!.,+\-*/^&%() ]+$")
_CELL_REF = re.compile(r"\$?[A-Za-z]{1,3}\$?\d+")


class CellError(ValueError):
    """A cell that cannot be read; `reason` is the Chinese explanation (without the column name)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# --- text -----------------------------------------------------------------------------------------------

def fold(text: str) -> str:
    """Full-width to half-width and compatibility forms to plain ones (NFKC), for matching and numbers."""
    return unicodedata.normalize("NFKC", text)


def tidy_text(text: str) -> bool:
    """Whether `text` needs no trimming: no spaces at the ends, no runs of spaces, tabs or newlines."""
    return _TIDY.match(text) is not None


def _marker_characters() -> frozenset[str]:
    """Every character that folds into a character of an empty marker ("－" → "-", "Ｎ" → "n")."""
    wanted = {ch for marker in EMPTY_MARKERS for ch in marker}
    return frozenset(ch for ch in map(chr, range(0x10000)) if any(c in wanted for c in fold(ch).lower()))


MARKER_CHARACTERS = _marker_characters()


def plain_text(text: str) -> bool:
    """Whether a str cell is already its parsed text: tidy, and not possibly an empty marker."""
    return (len(text) > 4 or MARKER_CHARACTERS.isdisjoint(text)) and _TIDY.match(text) is not None


def is_empty(value) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return fold(value).strip().lower() in EMPTY_MARKERS
    return isinstance(value, float) and math.isnan(value)


def shown(value) -> str:
    """A cell as the user sees it, for messages (short, one line)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        value = int(value)
    text = " ".join(str(value).split())
    return text if len(text) <= 40 else text[:39] + "…"


def parse_text(value, *, max_length: int | None = None) -> str | None:
    """Trimmed text; numbers typed into text columns lose Excel's ".0"; the empty markers become None."""
    if value is None:
        return None
    if type(value) is str and _TIDY.match(value):  # the common case: nothing to trim or fold
        if len(value) > 4 or fold(value).lower() not in EMPTY_MARKERS:
            if max_length is not None and len(value) > max_length:
                raise CellError(f"内容过长({len(value)} 个字,最多 {max_length} 个字)")
            return value
        return None
    if isinstance(value, bool):
        text = "是" if value else "否"
    elif isinstance(value, float):
        if math.isnan(value):
            return None
        text = str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    elif isinstance(value, datetime | date):
        text = value.isoformat()
    else:
        text = str(value)
    text = " ".join(text.replace("\u3000", " ").split())
    if len(text) <= 4 and fold(text).lower() in EMPTY_MARKERS:  # the markers are short
        return None
    if max_length is not None and len(text) > max_length:
        raise CellError(f"内容过长({len(text)} 个字,最多 {max_length} 个字)")
    return text


def formula_payload(text: str) -> bool:
    """True when `text` would run as a formula in a spreadsheet (=cmd|..., =HYPERLINK(...), @SUM(...)).

    Plain signed numbers ("-12.5", "+86 0731 1234567") and dashes meaning "empty" are not formulas.
    """
    stripped = text.lstrip(" \t\r\n\u3000")
    if not stripped or stripped[0] not in "=+-@＝＋－＠":
        return False
    head, rest = fold(stripped[0]), fold(stripped[1:]).strip()
    if not rest:
        return False
    if head == "=":
        return rest.strip("=") != ""
    if "|" in rest or _FORMULA_FUNC.search(rest):
        return True
    return bool(_CELL_EXPR.match(rest) and _CELL_REF.search(rest) and not _plain_number(rest))


def _plain_number(text: str) -> bool:
    try:
        Decimal(text.replace(",", ""))
    except InvalidOperation:
        return False
    return True


# --- numbers --------------------------------------------------------------------------------------------

def split_number(value) -> tuple[Decimal | None, str]:
    """A cell as (number, unit suffix): "1,234.5" → (1234.5, ""), "1.2亿" → (1.2, "亿"), "12%" → (12, "%").

    Accepts full-width digits, thousands separators, "△12" and "(12)" for negatives, a leading ¥ and
    spaces. Empty markers give (None, "").
    """
    if value is None or value == "":
        return None, ""
    if isinstance(value, bool):
        raise CellError(f"「{shown(value)}」不是数字")
    if isinstance(value, int):
        return Decimal(value), ""
    if isinstance(value, float):
        if math.isnan(value):
            return None, ""
        if math.isinf(value):
            raise CellError("数值无效(无穷大)")
        return Decimal(repr(value)), ""
    if not isinstance(value, str):
        raise CellError(f"「{shown(value)}」不是数字")
    return _split_number_text(value)


def _split_number_text(raw: str) -> tuple[Decimal | None, str]:
    text = "".join(fold(raw).split()).lower()
    if text in EMPTY_MARKERS:
        return None, ""
    negative = False
    if text[:1] in ("△", "▲"):
        negative, text = True, text[1:]
    if len(text) > 2 and text[0] == "(" and text[-1] == ")":
        negative, text = True, text[1:-1]
    text = text.replace(",", "").lstrip("¥$")
    match = _NUMBER_RE.match(text)
    if match is None:
        raise CellError(f"「{shown(raw)}」不是数字")
    sign, digits, exponent, suffix = match.groups()
    try:
        number = Decimal(digits + (f"e{exponent}" if exponent else ""))
    except InvalidOperation as exc:
        raise CellError(f"「{shown(raw)}」不是数字") from exc
    if not number.is_finite() or abs(number.adjusted()) > 30:
        raise CellError(f"「{shown(raw)}」超出可处理的数值范围")
    if (sign == "-") ^ negative:
        number = -number
    return number, suffix


def unit_factor(suffix: str, units: Mapping[str, Decimal]) -> Decimal | None:
    """Factor from `suffix` to the base unit: a unit of `units`, a magnitude (万, 亿) before one, or alone.

    The first entry of `units` is the bare unit: with money ({"元": 0.0001}, base 万元) "万" means 万元 = 1
    and "亿" means 亿元 = 10000. None when the suffix is not understood.
    """
    suffix = suffix.lower()
    if suffix in units:
        return units[suffix]
    bare = next(iter(units.values()), Decimal(1))
    for name, magnitude in MAGNITUDES.items():
        if suffix.startswith(name):
            rest = suffix[len(name):]
            if rest == "":
                return magnitude * bare
            if rest in units:
                return magnitude * units[rest]
    return None


def parse_quantity(value, *, units: Mapping[str, Decimal], factor: Decimal = Decimal(1)) -> Decimal | None:
    """A number in the column's base unit. `factor` converts a bare number (from the unit row or the
    header, e.g. 亿元 → 万元 is 10000); a unit written in the cell ("1.2亿", "3500万", "120亩") wins."""
    if isinstance(value, float) and not math.isnan(value) and not math.isinf(value):
        number = Decimal(repr(value))  # the common case first: a numeric cell
        return number if factor == 1 else number * factor
    number, suffix = split_number(value)
    if number is None:
        return None
    if suffix == "":
        return number if factor == 1 else number * factor
    if suffix == "%":
        raise CellError(f"「{shown(value)}」是百分数,这里应填写数值")
    cell_factor = unit_factor(suffix, units)
    if cell_factor is None:
        raise CellError(f"「{shown(value)}」的单位「{suffix}」无法识别")
    return number * cell_factor


def parse_money(value, *, factor: Decimal = Decimal(1)) -> Decimal | None:
    """Money in 万元: "1.2亿" → 12000, "3500万" → 3500, "500元" → 0.05, 1.5 with the 亿元 unit row → 15000."""
    return parse_quantity(value, units=MONEY_UNITS, factor=factor)


def parse_integer(value, *, units: Mapping[str, Decimal] | None = None, factor: Decimal = Decimal(1)) -> int | None:
    number = parse_quantity(value, units=units or {"人": Decimal(1), "个": Decimal(1)}, factor=factor)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise CellError(f"「{shown(value)}」应为整数")
    return int(number)


def parse_percent(value) -> Decimal | None:
    """Percentage points: "12%" → 12, "12" → 12; a numeric cell ≤ 1 in magnitude is read as a fraction
    (Excel stores a cell shown as 12% as 0.12), so 0.12 → 12."""
    number, suffix = split_number(value)
    if number is None:
        return None
    if suffix in ("%", "％"):
        return number
    if suffix:
        raise CellError(f"「{shown(value)}」不是百分数")
    if isinstance(value, float | int) and abs(number) <= 1:
        return number * 100
    return number


# --- dates ----------------------------------------------------------------------------------------------

def parse_date(value) -> date | None:
    """A day: a date cell, 2026-03-15, 2026/3/15, 2026.3.15, 2026年3月15日, 20260315, an Excel serial number;
    a month (2026.3, 2026-03, 2026年3月, 202603) is its first day, a year (2026, 2026年) its 1 January."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return _checked_year(value, value)
    if isinstance(value, bool | time | timedelta):
        raise CellError(f"「{shown(value)}」不是日期")
    if isinstance(value, int | float):
        return _date_from_number(value)
    text = "".join(fold(str(value)).split()) if isinstance(value, str) else ""
    if text.lower() in EMPTY_MARKERS:
        return None
    return _date_from_text(text, value)


def _date_from_number(value: float) -> date:
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        raise CellError("不是有效日期")
    if float(value).is_integer():
        number = int(value)
        if MIN_YEAR <= number <= MAX_YEAR:
            return date(number, 1, 1)
        if SERIAL_MIN <= number <= SERIAL_MAX:
            return EXCEL_EPOCH + timedelta(days=number)
        if 19490101 <= number <= 21001231:
            return _date_from_text(str(number), value)
        raise CellError(f"「{shown(value)}」不是日期")
    if SERIAL_MIN <= value <= SERIAL_MAX + 1:  # a serial number with a time of day
        return EXCEL_EPOCH + timedelta(days=int(value))
    if not MIN_YEAR <= value < MAX_YEAR + 1:
        raise CellError(f"「{shown(value)}」不是日期")
    # 2026.3 as a number: year.month as the cell shows it (2026.1 is January, 2026.12 December)
    year_text, _, month_text = f"{round(float(value), 2):.2f}".rstrip("0").partition(".")
    return _make_date(int(year_text), int(month_text or 1), 1, value)


def _date_from_text(text: str, raw) -> date:
    for pattern in (_DATE_YMD, _DATE_YM, _DATE_Y, _DATE_COMPACT):
        match = pattern.match(text)
        if match:
            parts = [int(p) if p else 1 for p in match.groups()]
            parts += [1] * (3 - len(parts))
            return _make_date(parts[0], parts[1], parts[2], raw)
    if text.isdigit() and len(text) == 5:
        return _date_from_number(int(text))
    raise CellError(f"「{shown(raw)}」不是可识别的日期(例:2026-03-15、2026年3月)")


def _make_date(year: int, month: int, day: int, raw) -> date:
    try:
        result = date(year, month, day)
    except (ValueError, OverflowError) as exc:
        raise CellError(f"「{shown(raw)}」不是有效日期") from exc
    return _checked_year(result, raw)


def _checked_year(result: date, raw) -> date:
    if not MIN_YEAR <= result.year <= MAX_YEAR:
        raise CellError(f"「{shown(raw)}」的年份超出 {MIN_YEAR}–{MAX_YEAR}")
    return result


def parse_year(value) -> int | None:
    """A year: 2025, "2025", "2025年", "2025年度", or the year of a date."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        text = "".join(fold(value).split())
        if text.lower() in EMPTY_MARKERS:
            return None
        match = re.match(r"^(\d{4})(?:年度?)?$", text)
        if match is None:
            return parse_date(value).year
        year = int(match.group(1))
    elif isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
        year = int(value)
    else:
        return parse_date(value).year
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise CellError(f"「{shown(value)}」不是 {MIN_YEAR}–{MAX_YEAR} 之间的年份")
    return year


def parse_year_range(value) -> tuple[int, int] | None:
    """Start and end years: "2025-2027", "2025—2027年", "2025年-2027年", "2025.3-2027.12", "2025~27";
    a single year is a range of one year."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        year = parse_year(value)
        return (year, year) if year is not None else None
    text = "".join(fold(value).split())
    if text.lower() in EMPTY_MARKERS:
        return None
    match = _YEAR_RANGE.match(text)
    if match is None:
        year = parse_year(text)
        return (year, year) if year is not None else None
    start, end_text = int(match.group(1)), match.group(2)
    end = int(end_text) if len(end_text) == 4 else (start // 100) * 100 + int(end_text)
    for year in (start, end):
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise CellError(f"「{shown(value)}」的年份超出 {MIN_YEAR}–{MAX_YEAR}")
    if end < start:
        raise CellError(f"「{shown(value)}」的结束年份早于开始年份")
    return start, end


# --- flags and choices -----------------------------------------------------------------------------------

def parse_bool(value) -> bool | None:
    """是/否, √/×, Y/N, 1/0, 有/无; a blank cell is None (not given)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        if value in (0, 1):
            return bool(value)
        raise CellError(f"「{shown(value)}」应填写“是”或“否”")
    text = "".join(fold(str(value)).split()).lower()
    if text == "":
        return None
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS or text in EMPTY_MARKERS:
        return False if text in FALSE_WORDS else None
    raise CellError(f"「{shown(value)}」应填写“是”或“否”")


def parse_choice(value, *, choices: Mapping[str, str]) -> str | None:
    """One of `choices` (label or synonym → stored value), matched after folding and trimming."""
    text = parse_text(value)
    if text is None:
        return None
    key = "".join(fold(text).split()).lower()
    if key in choices:
        return choices[key]
    first_label: dict[str, str] = {}
    for label, stored in choices.items():
        if not label.isascii():
            first_label.setdefault(stored, label)
    raise CellError(f"「{shown(value)}」不是可选值({'、'.join(first_label.values())})")
