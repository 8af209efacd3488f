"""The enterprise list's columns: shared by the page, its Excel export and the background export job."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from devzone.web.tables import Column


def region_label(region) -> str:
    """A township reads with its county ("石门县 三里镇"); a county by itself."""
    if region.level == region.Level.TOWNSHIP and region.parent_id:
        return f"{region.parent.name} {region.name}"
    return region.name


def enterprise_columns(year: int | None) -> list[Column]:
    suffix = f"({year})" if year else ""
    return [
        Column("credit_code", gettext_lazy("unified social credit code"), lambda e: e.credit_code,
               sort="credit_code", width=22),
        Column("name", gettext_lazy("name"), lambda e: e.name, sort="name",
               link=lambda e: reverse("enterprises:detail", args=[e.pk]), width=34),
        Column("region", gettext_lazy("region"), lambda e: region_label(e.region), sort="region", width=18),
        Column("zone", gettext_lazy("zone"), lambda e: e.zone.name if e.zone else "", sort="zone", width=24),
        Column("industry", gettext_lazy("industry"), lambda e: str(e.industry) if e.industry else "",
               sort="industry", width=24),
        Column("size", gettext_lazy("size"), lambda e: e.get_size_display(), sort="size", width=8),
        Column("flags", gettext_lazy("flags"), lambda e: "、".join(e.flag_labels()), width=30),
        Column("land", f"{_('land (mu)')}{suffix}", lambda e: e.latest_land_mu, kind="money"),
        Column("revenue", f"{_('revenue')}{suffix}", lambda e: e.latest_revenue, sort="revenue", kind="money"),
        Column("tax", f"{_('taxes paid')}{suffix}", lambda e: e.latest_tax, sort="tax", kind="money"),
    ]
