"""Formatting the way officials read numbers: 万元 with thousands separators, dates as 2026年10月."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def wan(value, places: int = 2) -> str:
    """1234567.891 → "1,234,567.89" (the unit, 万元, is written in the header)."""
    if value is None or value == "":
        return "—"
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    return f"{number:,.{int(places)}f}"


@register.filter
def yi(value) -> str:
    """万元 → 亿元 with two decimals, for headline figures."""
    if value is None:
        return "—"
    return f"{Decimal(str(value)) / Decimal(10000):,.2f}"


@register.filter
def count(value) -> str:
    if value is None:
        return "—"
    return f"{int(value):,}"


@register.filter
def yearmonth(value) -> str:
    """A date, datetime or "2026-10" → "2026年10月"."""
    if not value:
        return "—"
    if isinstance(value, str):
        year, month = value.split("-")[:2]
        return f"{int(year)}年{int(month)}月"
    return f"{value.year}年{value.month}月"


@register.filter
def ymd(value) -> str:
    if not value:
        return "—"
    if isinstance(value, datetime):
        value = timezone.localtime(value)
    if isinstance(value, date):
        return f"{value.year}年{value.month}月{value.day}日"
    return str(value)


@register.filter
def yesno_cn(value) -> str:
    return _("yes") if value else _("no")


@register.simple_tag
def cell(item: dict) -> str:
    """Format one table cell by its column kind."""
    value, kind = item["value"], item["kind"]
    if kind == "money":
        return wan(value)
    if kind == "number":
        return wan(value, 0) if value is not None else "—"
    if kind == "bool":
        return "✓" if value else ""
    if kind == "date":
        return ymd(value)
    return "—" if value in (None, "") else str(value)
