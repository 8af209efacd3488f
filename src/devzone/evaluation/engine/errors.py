"""Exceptions raised by the evaluation engine; their messages are shown to users as they are."""

from __future__ import annotations


class EvaluationInputError(ValueError):
    """A user mistake: unknown scheme, unreadable file, missing column, bad value.

    The message is one line of readable Chinese.
    """


class SchemeError(EvaluationInputError):
    """A scheme (YAML or dict) that cannot be used: bad structure, bad formula, unknown column."""


class FormulaError(ValueError):
    """A formula that cannot be parsed or compiled; wrapped into SchemeError with the indicator's key."""

    def __init__(self, message: str, position: int | None = None) -> None:
        super().__init__(message)
        self.position = position
