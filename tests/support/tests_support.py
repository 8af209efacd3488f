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
