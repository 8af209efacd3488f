"""Periods (统计期): a month, written "2026-10"; stored as two integers, year and month (see decision 0008).

Pure code: no Django import, so the analytics and the import adapter can use it anywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from devzone.core.errors import ValidationFailed

PERIOD_RE = re.compile(r"^\s*(\d{4})\s*(?:-|/|\.|年)\s*(\d{1,2})\s*月?\s*$")


@dataclass(frozen=True, order=True)
class Period:
    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12 or not 1949 <= self.year <= 2100:
            raise ValidationFailed(f"统计期 {self.year}-{self.month} 无效(月份须为 1–12)",
                                   details=[{"field": "period", "message": "无效的统计期"}])

    @classmethod
    def parse(cls, text: str | Period) -> Period:
        """"2026-10", "2026/10", "2026.10" or "2026年10月" → Period(2026, 10)."""
        if isinstance(text, Period):
            return text
        match = PERIOD_RE.match(str(text or ""))
        if not match:
            raise ValidationFailed(f"统计期「{text}」格式不对,应为 YYYY-MM(如 2026-10)",
                                   details=[{"field": "period", "message": "格式应为 YYYY-MM"}])
        return cls(int(match.group(1)), int(match.group(2)))

    @property
    def index(self) -> int:
        """Months since year 0: consecutive periods differ by one."""
        return self.year * 12 + self.month - 1

    @classmethod
    def from_index(cls, index: int) -> Period:
        return cls(index // 12, index % 12 + 1)

    def shift(self, months: int) -> Period:
        return Period.from_index(self.index + months)

    def previous(self) -> Period:
        return self.shift(-1)

    def last_year(self) -> Period:
        return Period(self.year - 1, self.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def label(self) -> str:
        """"2026年10月"."""
        return f"{self.year}年{self.month}月"

    @property
    def ytd_label(self) -> str:
        """"1-10月" (1月 for January), the way bulletins head cumulative columns."""
        return "1月" if self.month == 1 else f"1-{self.month}月"


def effective_month(month: int, frequency: str) -> int:
    """The latest month of the indicator's frequency not after `month` (0 = none yet this year).

    Quarterly figures exist for March, June, September and December; annual ones for December.
    """
    if frequency == "quarterly":
        return month - month % 3
    if frequency == "annual":
        return 12 if month == 12 else 0
    return month


def as_of(period: Period, frequency: str) -> Period:
    """The period whose figure a page shows "as of" `period` for an indicator of this frequency."""
    month = effective_month(period.month, frequency)
    if month:
        return Period(period.year, month)
    return Period(period.year - 1, 12)


def step_months(frequency: str) -> int:
    """Months between two consecutive figures (for "rank change since last period")."""
    return {"quarterly": 3, "annual": 12}.get(frequency, 1)
