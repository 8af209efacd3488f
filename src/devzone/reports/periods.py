"""Bulletin periods: a month ("2026-10") for the monthly bulletin (月通报), a week for the weekly report (周报):
an ISO week ("2026-W43") or the seven days ending on a date ("2026-10-25")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from devzone.core.errors import ValidationFailed

KINDS = ("monthly", "weekly")
KIND_LABELS = {"monthly": "月通报", "weekly": "周报"}
MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
ISO_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)


@dataclass(frozen=True)
class BulletinPeriod:
    kind: str    # monthly | weekly
    key: str     # "2026-10", "2026-W43"
    start: date  # first day
    end: date    # last day (inclusive)

    @property
    def label(self) -> str:
        if self.kind == "monthly":
            return f"{self.start.year}年{self.start.month}月"
        iso_year, week, _day = self.end.isocalendar()
        return (f"{iso_year}年第{week}周({self.start.month}月{self.start.day}日—"
                f"{self.end.month}月{self.end.day}日)")

    @property
    def start_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def end_at(self) -> datetime:
        """The first instant after the period (exclusive bound)."""
        return timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))

    @property
    def ledger_as_of(self) -> date:
        """The as-of date of the project ledger: the period's end when it closes a month, else the end of the last
        complete month (progress is reported monthly)."""
        if (self.end + timedelta(days=1)).day == 1:
            return self.end
        return self.end.replace(day=1) - timedelta(days=1)


def _bad(text: str, kind: str) -> ValidationFailed:
    hint = "YYYY-MM(如 2026-10)" if kind == "monthly" else "YYYY-Www(如 2026-W43)或周末日期 YYYY-MM-DD"
    return ValidationFailed(f"期别「{text}」格式应为 {hint}", details=[{"field": "period", "message": "格式错误"}])


def parse_period(text: str, kind: str = "monthly") -> BulletinPeriod:
    """Parse a period of `kind`; a mistake raises ValidationFailed with a Chinese message."""
    if kind not in KINDS:
        raise ValidationFailed(f"通报类型「{kind}」应为 monthly(月通报)或 weekly(周报)",
                               details=[{"field": "kind", "message": "类型错误"}])
    raw = (text or "").strip()
    if kind == "monthly":
        return _month(raw)
    return _week(raw)


def _month(raw: str) -> BulletinPeriod:
    match = MONTH.match(raw)
    if not match or not 1 <= int(match[2]) <= 12 or not 2000 <= int(match[1]) <= 2100:
        raise _bad(raw, "monthly")
    year, month = int(match[1]), int(match[2])
    first = date(year, month, 1)
    following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return BulletinPeriod("monthly", f"{year}-{month:02d}", first, following - timedelta(days=1))


def _week(raw: str) -> BulletinPeriod:
    match = ISO_WEEK.match(raw)
    try:
        if match:
            monday = date.fromisocalendar(int(match[1]), int(match[2]), 1)
            end = monday + timedelta(days=6)
        else:
            end = date.fromisoformat(raw)
    except ValueError as exc:
        raise _bad(raw, "weekly") from exc
    if not 2000 <= end.year <= 2100:
        raise _bad(raw, "weekly")
    start = end - timedelta(days=6)
    iso_year, week, weekday = end.isocalendar()
    key = f"{iso_year}-W{week:02d}" if weekday == 7 else end.isoformat()
    return BulletinPeriod("weekly", key, start, end)
