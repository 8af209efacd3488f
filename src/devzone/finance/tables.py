"""List columns for the matchmaking pages (the same columns drive the Excel export)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from devzone.enterprises.tables import region_label
from devzone.web.tables import Column


def need_columns() -> list[Column]:
    return [
        Column("raised_on", _("raised on"), lambda n: n.raised_on, sort="raised_on", kind="date", width=12),
        Column("applicant", _("Applicant"), lambda n: n.applicant_name, sort="applicant",
               link=lambda n: reverse("finance:need", args=[n.pk]), width=30),
        Column("region", _("region"), lambda n: region_label(n.region), sort="region", width=16),
        Column("purpose", _("purpose"), lambda n: n.purpose, width=24),
        Column("term", _("term (months)"), lambda n: n.term_months, sort="term", kind="number", width=10),
        Column("amount", _("amount needed"), lambda n: n.amount, sort="amount", kind="money"),
        Column("granted", _("amount granted"), lambda n: n.granted_total, sort="granted", kind="money"),
        Column("status", _("status"), lambda n: n.get_status_display(), sort="status", width=10),
    ]


def event_columns() -> list[Column]:
    return [
        Column("held_on", _("date"), lambda e: e.held_on, sort="held_on", kind="date", width=12),
        Column("title", _("title"), lambda e: e.title, sort="title",
               link=lambda e: reverse("finance:event", args=[e.pk]), width=36),
        Column("quarter", _("quarter"), lambda e: f"{e.year}Q{e.quarter}", sort="quarter", width=10),
        Column("region", _("organised by (region)"), lambda e: e.region.name, sort="region", width=14),
        Column("banks", _("banks taking part"), lambda e: e.bank_count, kind="number", width=10),
        Column("needs", _("needs presented"), lambda e: e.need_count, kind="number", width=10),
    ]


def bank_columns() -> list[Column]:
    return [
        Column("name", _("name"), lambda b: b.name, sort="name", width=30),
        Column("kind", _("kind"), lambda b: b.get_kind_display(), sort="kind", width=18),
        Column("contact", _("contact"), lambda b: b.contact, width=12),
        Column("phone", _("phone"), lambda b: b.phone, width=14),
        Column("loans", _("loans granted"), lambda b: b.loan_count, kind="number", width=10),
        Column("total", _("amount granted"), lambda b: b.loan_total, sort="total", kind="money"),
    ]
