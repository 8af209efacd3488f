"""Hypothesis fuzzing of the Excel import and of meeting intake with generated malformed input.

Unlike the reader's random-bytes fuzzing (test_reader.py), these workbooks are well-formed and carry the real
header, so the generated cells reach the parsers, the validators and the commit: random text and unicode, formula
text and real formulas, huge and negative numbers, dates, booleans, very long strings. Whatever arrives: no crash,
either a clear one-line Chinese error or a commit that wrote exactly the valid rows, and in mode "all" with a bad
row, nothing at all.
"""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests_support import make_credit_code

from devzone.core.errors import DomainError
from devzone.dispatch.intake import review_speech
from devzone.dispatch.models import Meeting, Task
from devzone.enterprises.credit_code import credit_code_problem
from devzone.enterprises.models import Enterprise
from devzone.intake import services
from devzone.intake.models import ImportBatch

HEADER = ["统一社会信用代码", "企业名称", "所在县区", "企业规模", "联系电话", "成立日期", "投产年份"]
FUZZ = settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))

cell = st.one_of(
    st.none(),
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=12).map(lambda s: "=" + s),
    st.sampled_from(["=1/0", "=SUM(A1:A9)", "=cmd|' /C calc'!A0", "@SUM(1)", "+1", "-1", "#N/A", "#DIV/0!",
                     "９１３２０", "澜江区", "北湖区", "不存在的县", "大型", "2026-13-45", "二〇二六年", "1e400"]),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(min_value=date(1900, 3, 1), max_value=date(2100, 12, 31)),
    st.text(min_size=300, max_size=3000),
    st.builds(lambda n: {"formula": f"=A{n}*2"}, st.integers(min_value=1, max_value=50)),
)
row = st.lists(cell, min_size=len(HEADER), max_size=len(HEADER))


def workbook(rows: list[list]) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_numbers": False, "strings_to_urls": False,
                                        "nan_inf_to_errors": True})
    sheet = book.add_worksheet("企业")
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    for c, label in enumerate(HEADER):
        sheet.write_string(0, c, label)
    for r, values in enumerate(rows, start=1):
        for c, value in enumerate(values):
            _write(sheet, r, c, value, date_format)
    book.close()
    return buffer.getvalue()


def _write(sheet, r: int, c: int, value, date_format) -> None:
    if value is None:
        return
    if isinstance(value, dict):
        sheet.write_formula(r, c, value["formula"])
    elif isinstance(value, date | datetime):
        sheet.write_datetime(r, c, value, date_format)
    elif isinstance(value, str):
        sheet.write_string(r, c, value[:32767])
    elif isinstance(value, bool):
        sheet.write_boolean(r, c, value)
    else:
        sheet.write_number(r, c, value)


def _state() -> tuple[int, int]:
    return Enterprise.objects.count(), ImportBatch.objects.filter(status=ImportBatch.Status.COMMITTED).count()


@pytest.mark.django_db
@FUZZ
@given(rows=st.lists(row, min_size=1, max_size=6))
def test_malformed_cells_all_mode_writes_nothing(org, rows):
    """Mode "all" with at least one certainly-invalid row (bad credit code, no name): refused, nothing written."""
    bad_row = ["91320000BADCODE00X", None, "澜江区", None, None, None, None]
    before = _state()
    try:
        services.import_file(actor=org.county1_user, kind="enterprises", data=workbook([*rows, bad_row]),
                             filename="fuzz.xlsx", mode="all")
    except DomainError as exc:
        assert exc.message and "\n" not in exc.message and "Traceback" not in exc.message
    else:
        pytest.fail("a workbook with an invalid row was imported in mode all")
    assert _state() == before


@pytest.mark.django_db
@FUZZ
@given(rows=st.lists(row, min_size=1, max_size=6), good=st.integers(min_value=0, max_value=2))
def test_malformed_cells_valid_mode_writes_only_valid_rows(org, rows, good):
    """Mode "valid": exactly the rows the preview called valid are written, each one a sound enterprise."""
    valid_rows = [[make_credit_code(), f"模糊企业{i}", "澜江区", None, None, None, None] for i in range(good)]
    enterprises_before, _ = _state()
    try:
        batch, parsed = services.import_file(actor=org.county1_user, kind="enterprises",
                                             data=workbook([*rows, *valid_rows]), filename="fuzz.xlsx", mode="valid")
    except DomainError as exc:
        assert exc.message and "\n" not in exc.message
        assert Enterprise.objects.count() == enterprises_before
        return
    created = Enterprise.objects.count() - enterprises_before
    assert created == batch.created_count == len(parsed.valid) - batch.updated_count
    assert created >= good
    for enterprise in Enterprise.objects.order_by("-pk")[:created]:
        assert credit_code_problem(enterprise.credit_code) is None and enterprise.name.strip()
        assert enterprise.region.path.startswith(org.county1.path)  # never outside the importer's jurisdiction


@pytest.mark.django_db
@FUZZ
@given(text=st.one_of(st.text(max_size=400), st.text(alphabet=st.characters(codec="utf-8"), max_size=400),
                      st.text(alphabet=st.sampled_from(list("要抓紧确保负责牵头。!?;,\n 0123456789月日前周内县区局")),
                              max_size=300)))
def test_meeting_intake_random_text(org, text):
    """Meeting intake on random unicode: drafts or a clear error, never a crash, and no task is created."""
    meeting = Meeting.objects.first() or Meeting.objects.create(
        title="模糊测试会议", kind="monthly", held_on=date(2026, 3, 10), region=org.city)
    tasks_before = Task.objects.count()
    try:
        review = review_speech(text=text, meeting=meeting, units=[])
    except DomainError as exc:
        assert exc.message and "\n" not in exc.message
    else:
        for draft in review.drafts:
            assert draft.sentence and len(draft.sentence) <= len(text)
    assert Task.objects.count() == tasks_before


@pytest.mark.django_db
def test_nul_characters_in_cells_are_dropped(org):
    """Found by the fuzzing above on PostgreSQL: a NUL in a cell made storing the preview fail (500)."""
    code = make_credit_code()
    batch, _parsed = services.import_file(actor=org.county1_user, kind="enterprises",
                                          data=workbook([[code, "零\x00字符企业", "澜江区", None, None, None, None]]),
                                          filename="nul.xlsx", mode="all")
    assert batch.created_count == 1 and Enterprise.objects.get(credit_code=code).name == "零字符企业"
