"""Columns of the land lists: shared by each page and its Excel export."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from devzone.enterprises.tables import region_label
from devzone.web.tables import Column


def account_columns() -> list[Column]:
    return [
        Column("year", _("year"), lambda a: a.year, sort="year", width=8),
        Column("unit", pgettext_lazy("land", "unit"), lambda a: a.unit_name, sort="unit",
               link=lambda a: reverse("land:account", args=[a.pk]), width=24),
        Column("region", _("region"), lambda a: region_label(a.region), width=16),
        Column("granted", _("granted (mu)"), lambda a: a.granted, sort="granted", kind="number"),
        Column("allocated", _("allocated (mu)"), lambda a: a.allocated, kind="number"),
        Column("in", _("transferred in (mu)"), lambda a: a.transferred_in, kind="number"),
        Column("out", _("transferred out (mu)"), lambda a: a.transferred_out, kind="number"),
        Column("balance", _("balance (mu)"), lambda a: a.balance, sort="balance", kind="number"),
    ]


def parcel_columns(as_of=None) -> list[Column]:
    return [
        Column("code", _("parcel code"), lambda p: p.code, sort="code",
               link=lambda p: reverse("land:parcel", args=[p.pk]), width=16),
        Column("name", pgettext_lazy("land", "location"), lambda p: p.name, sort="name", width=28),
        Column("region", _("region"), lambda p: region_label(p.region), sort="region", width=16),
        Column("zone", _("zone"), lambda p: p.zone.name if p.zone_id else "", sort="zone", width=20),
        Column("area", _("area (mu)"), lambda p: p.area_mu, sort="area", kind="number"),
        Column("use", _("land use"), lambda p: p.get_use_display(), width=10),
        Column("state", _("state"), lambda p: str(p.State(p.state_on(as_of)).label), width=8),
        Column("approved", _("approved on"), lambda p: p.approved_on, sort="approved", kind="date", width=12),
        Column("expropriated", _("expropriated on"), lambda p: p.expropriated_on, kind="date", width=12),
        Column("supplied", _("supplied on"), lambda p: p.supplied_on, sort="supplied", kind="date", width=12),
        Column("used", _("used on"), lambda p: p.used_on, kind="date", width=12),
        Column("project", _("project"), lambda p: p.project.name if p.project_id else "", width=26),
        Column("enterprise", _("enterprise"), lambda p: p.enterprise.name if p.enterprise_id else "", width=26),
        Column("standard", _("standard land"), lambda p: p.standard_land, kind="bool", width=8),
    ]


def low_efficiency_columns(findings: dict) -> list[Column]:
    def f(parcel):
        return findings[parcel.pk]

    return [
        Column("code", _("parcel code"), lambda p: p.code, sort="code",
               link=lambda p: reverse("land:parcel", args=[p.pk]), width=16),
        Column("zone", _("zone"), lambda p: p.zone.name if p.zone_id else "", sort="zone", width=20),
        Column("enterprise", _("enterprise"), lambda p: p.enterprise.name, width=26),
        Column("area", _("area (mu)"), lambda p: p.area_mu, sort="area", kind="number"),
        Column("class", _("per-mu class"), lambda p: f(p).klass, width=8),
        Column("tax", _("tax per mu"), lambda p: f(p).tax_per_mu, kind="number"),
        Column("tax_threshold", _("tax-per-mu threshold"), lambda p: f(p).tax_threshold, kind="number"),
        Column("intensity", _("investment intensity"), lambda p: f(p).intensity, kind="number"),
        Column("intensity_threshold", _("intensity threshold"), lambda p: f(p).intensity_threshold, kind="number"),
        Column("reasons", _("below threshold"), lambda p: ";".join(f(p).reasons), width=40),
    ]


def _condition(p, name):
    condition = getattr(p, "standard_condition", None)
    return getattr(condition, name) if condition else None


def standard_columns() -> list[Column]:
    return [
        Column("code", _("parcel code"), lambda p: p.code, sort="code",
               link=lambda p: reverse("land:parcel", args=[p.pk]), width=16),
        Column("name", pgettext_lazy("land", "location"), lambda p: p.name, sort="name", width=28),
        Column("zone", _("zone"), lambda p: p.zone.name if p.zone_id else "", sort="zone", width=20),
        Column("area", _("area (mu)"), lambda p: p.area_mu, sort="area", kind="number"),
        Column("state", _("state"), lambda p: p.get_state_display(), width=8),
        Column("intensity", _("investment intensity at least"),
               lambda p: _condition(p, "min_investment_intensity"), kind="number"),
        Column("tax", _("tax per mu at least"), lambda p: _condition(p, "min_tax_per_mu"), kind="number"),
        Column("energy", _("energy per output at most"), lambda p: _condition(p, "max_energy_per_output"),
               kind="number"),
        Column("emission", _("emission per output at most"), lambda p: _condition(p, "max_emission_per_output"),
               kind="number"),
        Column("project", _("project"), lambda p: p.project.name if p.project_id else "", width=26),
    ]
