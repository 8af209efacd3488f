"""The extractor interface and the public entry point.

An extractor turns normalised text into draft tasks. The rule-based one is the default and needs
nothing but this package; ``LLMExtractor`` (llm.py) asks a locally hosted, OpenAI-compatible model
instead when DEVZONE_LLM_URL is set.
"""

from __future__ import annotations

from datetime import date
from typing import Protocol, runtime_checkable

from devzone.intake.speech.model import DraftTask
from devzone.intake.speech.normalise import normalise
from devzone.intake.speech.rules import read_speech, to_task


@runtime_checkable
class Extractor(Protocol):
    """Reads draft tasks from normalised text (offsets of the tasks refer to that text)."""

    name: str

    def extract(self, text: str, meeting_date: date | None = None) -> list[DraftTask]: ...


class RuleExtractor:
    """Rules over the sentence: obligation markers, owner slots, time expressions, target patterns."""

    name = "rules"

    def extract(self, text: str, meeting_date: date | None = None) -> list[DraftTask]:
        return [to_task(reading) for reading in read_speech(text, meeting_date) if reading.is_task]


def default_extractor() -> Extractor:
    return RuleExtractor()


def extract(text: str, meeting_date: date | None = None, extractor: Extractor | None = None) -> list[DraftTask]:
    """Normalise a pasted speech and read its draft tasks (rule-based unless another extractor is given).
    The tasks' `start`/`end` refer to ``normalise(text)``."""
    return (extractor or default_extractor()).extract(normalise(text), meeting_date)
