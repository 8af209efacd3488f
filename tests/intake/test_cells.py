"""Cell parsers: numbers with Chinese units, dates, year ranges, flags, and the formula-injection check;
with hypothesis fuzzing (a parser either returns or raises CellError, never anything else)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devzone.intake import cells
from devzone.intake.cells import CellError

D = Decimal


@pytest.mark.parametrize(("raw", "expected"), [
    ("1,234.5", D("1234.5")), ("１２３４．５", D("1234.5")), (" 1 234 ", D("1234")), ("1.2万", D("12000")),
    ("3亿", D("300000000")), ("-12.5", D("-12.5")), ("△12", D("-12")), ("(1,000)", D("-1000")),
    ("¥1,000", D("1000")), ("1e3", D("1000")), (1234.5, D("1234.5")), (0.1, D("0.1")), (7, D("7")),
    ("—", None), ("-", None), ("/", None), ("", None), (None, None), ("无", None), ("——", None), ("－", None),
    (float("nan"), None),
])
def test_numbers(raw, expected):
    assert cells.parse_quantity(raw, units={}) == expected


@pytest.mark.parametrize(("raw", "factor", "expected"), [
    ("1.2亿", D(1), D("12000")), ("3500万", D(1), D("3500")), ("3500万元", D(1), D("3500")),
    ("500元", D(1), D("0.05")), ("2亿元", D(1), D("20000")), (1.5, D(10000), D("15000")),
    ("1,234.5", D(10000), D("12345000")), ("1.2亿", D(10000), D("12000")),  # a unit in the cell wins
    ("800千元", D(1), D("80")),
])
def test_money_is_in_wan_yuan(raw, factor, expected):
    assert cells.parse_money(raw, factor=factor) == expected


def test_units_of_other_quantities():
    land = {"亩": D(1), "公顷": D(15)}
    assert cells.parse_quantity("120亩", units=land) == 120
    assert cells.parse_quantity("2公顷", units=land) == 30
    assert cells.parse_quantity("1.5万亩", units=land) == 15000
    assert cells.parse_quantity("3万千瓦时", units={"千瓦时": D(1)}) == 30000
    with pytest.raises(CellError, match="单位「吨」无法识别"):
        cells.parse_quantity("3吨", units=land)
    with pytest.raises(CellError, match="百分数"):
        cells.parse_money("12%")


@pytest.mark.parametrize("raw", ["abc", "12..5", "1,2,3a", "约100", "100左右", "#DIV/0!", True, date(2026, 1, 1),
                                 "1e999", float("inf")])
def test_unreadable_numbers_name_the_value(raw):
    with pytest.raises(CellError):
        cells.parse_quantity(raw, units={})


def test_integers_and_percentages():
    assert cells.parse_integer("1,200") == 1200
    assert cells.parse_integer("1.2万") == 12000
    assert cells.parse_integer(356.0) == 356
    with pytest.raises(CellError, match="整数"):
        cells.parse_integer("12.5")
    assert cells.parse_percent("12%") == 12
    assert cells.parse_percent("12.5％") == D("12.5")
    assert cells.parse_percent(0.12) == 12
    assert cells.parse_percent("85") == 85


@pytest.mark.parametrize(("raw", "expected"), [
    ("2026-03-15", date(2026, 3, 15)), ("2026/3/15", date(2026, 3, 15)), ("2026.3.15", date(2026, 3, 15)),
    ("2026年3月15日", date(2026, 3, 15)), ("2026年3月", date(2026, 3, 1)), ("2026.3", date(2026, 3, 1)),
    ("2026-03", date(2026, 3, 1)), ("2026", date(2026, 1, 1)), ("2026年", date(2026, 1, 1)),
    ("20260315", date(2026, 3, 15)), ("202603", date(2026, 3, 1)), (2026.3, date(2026, 3, 1)),
    (2026.12, date(2026, 12, 1)), (2026.1, date(2026, 1, 1)), (46096, date(2026, 3, 15)),
    (46096.5, date(2026, 3, 15)), ("46096", date(2026, 3, 15)), (datetime(2026, 3, 15, 8, 30), date(2026, 3, 15)),
    (date(2026, 3, 15), date(2026, 3, 15)), ("2026-03-15 00:00:00", date(2026, 3, 15)),
    ("２０２６年３月", date(2026, 3, 1)),
    ("—", None), ("", None),
])
def test_dates(raw, expected):
    assert cells.parse_date(raw) == expected


@pytest.mark.parametrize("raw", ["2026-13-01", "2026-02-30", "明年", "1800-01-01", "3月", 12.5, True])
def test_bad_dates(raw):
    with pytest.raises(CellError):
        cells.parse_date(raw)


@pytest.mark.parametrize(("raw", "expected"), [
    ("2025-2027", (2025, 2027)), ("2025—2027年", (2025, 2027)), ("2025年-2027年", (2025, 2027)),
    ("2025~2027", (2025, 2027)), ("2025至2027年", (2025, 2027)), ("2025.3-2027.12", (2025, 2027)),
    ("2025年3月-2027年12月", (2025, 2027)), ("2025-27", (2025, 2027)), ("2026", (2026, 2026)), (2026, (2026, 2026)),
    ("2025——2026", (2025, 2026)), ("—", None),
])
def test_year_ranges(raw, expected):
    assert cells.parse_year_range(raw) == expected


def test_year_range_backwards_is_refused():
    with pytest.raises(CellError, match="早于"):
        cells.parse_year_range("2027-2025")


@pytest.mark.parametrize(("raw", "expected"), [
    ("是", True), ("√", True), ("✓", True), ("Y", True), (1, True), (True, True), ("否", False), ("×", False),
    ("N", False), (0, False), ("", None), ("-", None), (None, None),
])
def test_flags(raw, expected):
    assert cells.parse_bool(raw) == expected


def test_unknown_flag_is_refused():
    with pytest.raises(CellError, match="是”或“否"):
        cells.parse_bool("也许")


def test_text_loses_excel_float_suffix_and_respects_length():
    assert cells.parse_text(13800000000.0) == "13800000000"
    assert cells.parse_text("  澜江\u3000区 ") == "澜江 区"
    assert cells.parse_text("—") is None
    with pytest.raises(CellError, match="过长"):
        cells.parse_text("很长的名字", max_length=3)


@pytest.mark.parametrize("text", [
    "=cmd|' /C calc'!A0", "=HYPERLINK(\"http://x\",\"y\")", "@SUM(1+1)*cmd|' /C calc'!A0", "+HYPERLINK(\"x\")",
    "-2+3+cmd|' /C calc'!A0", "=1+1", " =SUM(A1:A2)", "\t=cmd|x!A1", "-A1+B2", "＝SUM(A1)", "@SUM(A1:B2)",
])
def test_formula_payloads(text):
    assert cells.formula_payload(text)


@pytest.mark.parametrize("text", [
    "-12.5", "+86 0731 1234567", "-", "—", "@某某", "澜江区", "=", "====", "-1e5", "+15%", "(一)产业项目",
])
def test_not_formulas(text):
    assert not cells.formula_payload(text)


# --- fuzzing --------------------------------------------------------------------------------------------

cell_values = st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20), st.floats(allow_nan=True),
                        st.text(max_size=40), st.dates(), st.datetimes(),
                        st.text(alphabet="0123456789.,-—年月日万亿元%()△¥ /", max_size=20))


@settings(max_examples=400, deadline=None)
@given(cell_values)
def test_parsers_return_or_raise_cell_error(value):
    for parse in (cells.parse_date, cells.parse_year, cells.parse_year_range, cells.parse_bool, cells.parse_percent,
                  lambda v: cells.parse_money(v, factor=D(10000)), lambda v: cells.parse_integer(v),
                  lambda v: cells.parse_quantity(v, units={"亩": D(1)}), cells.parse_text):
        try:
            parse(value)
        except CellError as exc:
            assert exc.reason and "\n" not in exc.reason
    if isinstance(value, str):
        assert cells.formula_payload(value) in (True, False)


@settings(max_examples=300, deadline=None)
@given(st.decimals(min_value=-10**12, max_value=10**12, places=2, allow_nan=False))
def test_money_written_with_separators_reads_back(value):
    assert cells.parse_money(f"{value:,}") == value
    assert cells.parse_money(f"{value}万") == value
    assert cells.parse_money(f"{value / 10000}亿") == value


@settings(max_examples=300, deadline=None)
@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2100, 12, 31)))
def test_dates_written_the_usual_ways_read_back(day):
    for text in (day.isoformat(), f"{day.year}/{day.month}/{day.day}", f"{day.year}年{day.month}月{day.day}日",
                 f"{day.year}.{day.month}.{day.day}", day.strftime("%Y%m%d")):
        assert cells.parse_date(text) == day
    assert cells.parse_date(f"{day.year}年{day.month}月") == day.replace(day=1)
    assert cells.parse_date((day - cells.EXCEL_EPOCH).days) == day


@settings(max_examples=200, deadline=None)
@given(st.integers(1950, 2100), st.integers(0, 20), st.sampled_from(["-", "—", "至", "~", "——", "年-"]))
def test_year_ranges_read_back(start, span, separator):
    end = min(start + span, 2100)
    text = f"{start}{separator}{end}年"
    assert cells.parse_year_range(text) == (start, end)
