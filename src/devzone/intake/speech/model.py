"""The draft task and its parts, as handed to the command line, the API and (later) the review page."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True)
class Deadline:
    """When the work is due. `text` is the time expression as written; `date` is only set when it can be
    resolved (a meeting date for relative expressions, never for masked ones); `recurrence` is an
    iCalendar RRULE such as ``FREQ=WEEKLY`` for recurring work (with `date` then the first due or start
    date when one is stated)."""

    text: str | None = None
    date: date | None = None
    recurrence: str | None = None
    masked: bool = False
    start: int | None = None  # offsets of `text` in the normalised text
    end: int | None = None

    @property
    def empty(self) -> bool:
        return self.text is None and self.recurrence is None

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "date": self.date.isoformat() if self.date else None,
            "recurrence": self.recurrence,
            "masked": self.masked,
        }


@dataclass(frozen=True)
class Target:
    """A quantity the work must reach. `value` is None when the figure is masked (X, **, x%)."""

    text: str
    indicator: str | None
    value: float | int | None
    unit: str | None
    masked: bool = False
    start: int | None = None
    end: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "indicator": self.indicator, "value": self.value, "unit": self.unit}


@dataclass(frozen=True)
class DraftTask:
    """One sentence that assigns work, with what could be read from it. `start`/`end` are the sentence's
    offsets in the normalised text (``normalise(raw)[start:end] == sentence``), for highlighting."""

    sentence: str
    start: int
    end: int
    obligation: str
    owners: tuple[str, ...] = ()
    deadline: Deadline = field(default_factory=Deadline)
    targets: tuple[Target, ...] = ()
    extractor: str = "rules"

    def to_dict(self) -> dict[str, Any]:
        return {
            "sentence": self.sentence,
            "owners": list(self.owners),
            "deadline": self.deadline.to_dict(),
            "targets": [target.to_dict() for target in self.targets],
            "obligation": self.obligation,
            "start": self.start,
            "end": self.end,
        }
