"""Helpers shared by tests (importable because tests/support is on pytest's pythonpath)."""

from __future__ import annotations

import itertools
import random

from devzone.enterprises.credit_code import ALPHABET, check_character

PASSWORD = "Test-Password-2026"
_numbers = itertools.count(1)


def next_number() -> int:
    return next(_numbers)


def make_credit_code(region_code: str = "990102") -> str:
    """A valid credit code, unique within the test run."""
    rng = random.Random(next_number())
    body = "91" + region_code[:6] + "".join(rng.choice(ALPHABET) for _ in range(9))
    return body + check_character(body)


def xlsx_bytes(rows: list[list], merged: list[tuple[int, int, int, int, str]] = ()) -> bytes:
    """A real .xlsx of `rows` (text stays text, numbers stay numbers); `merged` ranges (r1, c1, r2, c2, text)."""
    import io

    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False})
    sheet = book.add_worksheet("Sheet1")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, str):
                sheet.write_string(r, c, value)
            else:
                sheet.write(r, c, value)
    for r1, c1, r2, c2, text in merged:
        sheet.merge_range(r1, c1, r2, c2, text)
    book.close()
    return buffer.getvalue()
