"""统一社会信用代码 check character (GB 32100-2015)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from devzone.enterprises.credit_code import ALPHABET, check_character, credit_code_problem

# Published examples of well-formed codes (check characters verified by hand against the standard).
KNOWN_VALID = ["91350100M000100Y43", "91110000600037341L", "91440300708461136T"]


def test_known_codes_are_valid():
    for code in KNOWN_VALID:
        assert credit_code_problem(code) is None, code


def test_wrong_check_character_names_the_right_one():
    problem = credit_code_problem("91350100M000100Y44")
    assert problem is not None and "第 18 位应为 3" in problem


def test_length_and_characters_are_checked():
    assert "18 位" in credit_code_problem("9135010")
    assert "不允许的字符" in credit_code_problem("91350100M000100YI3")
    assert "行政区划代码" in credit_code_problem("91AB0100M000100Y43")


body_strategy = st.text(alphabet=ALPHABET, min_size=9, max_size=9).map(lambda s: "91350100" + s)


@given(body_strategy)
def test_generated_codes_verify(body):
    assert credit_code_problem(body + check_character(body)) is None


@given(body_strategy, st.integers(min_value=0, max_value=16), st.sampled_from(ALPHABET))
def test_any_single_substitution_is_caught(body, position, replacement):
    code = body + check_character(body)
    if code[position] == replacement or (2 <= position < 8 and not replacement.isdigit()):
        return
    altered = code[:position] + replacement + code[position + 1:]
    assert credit_code_problem(altered) is not None
