"""Formatting for indicator pages: figures by unit, signed growth, rank arrows, traffic lights."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from devzone.web.templatetags.devzone import wan

register = template.Library()

LIGHT_CLASSES = {"green": "bg-green text-white", "yellow": "bg-yellow text-dark", "red": "bg-red text-white"}


@register.filter
def figure(value, unit: str = "") -> str:
    """A figure in its unit's precision: counts as integers, everything else with two decimals."""
    if value is None or value == "":
        return "—"
    return wan(value, 0) if unit == "个" else wan(value)


@register.filter
def signed(value, places: int = 1) -> str:
    """+6.0 / −1.6 (growth in % or points; the unit is in the header)."""
    if value is None or value == "":
        return "—"
    number = float(value)
    text = f"{abs(number):,.{int(places)}f}"
    return f"+{text}" if number > 0 else (f"−{text}" if number < 0 else text)


@register.filter
def growth_class(value, direction: str = "higher") -> str:
    """Text colour of a growth figure: good green, bad red (by the indicator's direction)."""
    if value is None or value == "":
        return "text-muted"
    number = float(value)
    if number == 0:
        return ""
    good = number > 0 if direction != "lower" else number < 0
    return "text-green" if good else "text-red"


@register.filter
def rank_arrow(change) -> str:
    if not change:
        return ""
    return f"↑{change}" if change > 0 else f"↓{-change}"


@register.filter
def light_class(light: str) -> str:
    return LIGHT_CLASSES.get(light or "", "bg-secondary-lt")


@register.filter
def light_label(light: str) -> str:
    return {"green": _("on schedule"), "yellow": _("behind"), "red": _("far behind")}.get(light or "", "—")


@register.filter
def pct(value, places: int = 1) -> str:
    if value is None or value == "":
        return "—"
    return f"{float(value):,.{int(places)}f}%"


@register.filter
def as_percent(value, places: int = 2) -> str:
    """A share of one (0.1234) as a percentage ("12.34%")."""
    if value is None or value == "":
        return "—"
    return f"{float(value) * 100:,.{int(places)}f}%"
