"""List columns for the policy-fulfilment pages (the same columns drive the Excel export)."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from devzone.enterprises.tables import region_label
from devzone.web.tables import Column


def application_columns(today: date) -> list[Column]:
    return [
        Column("applied_on", _("applied on"), lambda a: a.applied_on, sort="applied_on", kind="date", width=12),
        Column("enterprise", _("enterprise"), lambda a: a.enterprise.name, sort="enterprise",
               link=lambda a: reverse("policies:application", args=[a.pk]), width=30),
        Column("region", _("region"), lambda a: region_label(a.enterprise.region), sort="region", width=16),
        Column("clause", _("clause"), lambda a: f"{a.clause.policy.name} {a.clause.number} {a.clause.title}",
               width=30),
        Column("claimed", _("amount claimed"), lambda a: a.claimed_amount, sort="claimed", kind="money"),
        Column("approved", _("approved amount due"), lambda a: a.approved_amount, sort="approved", kind="money"),
        Column("due", _("payment due"), lambda a: a.due_date, sort="due", kind="date", width=12),
        Column("paid", _("amount paid"), lambda a: a.paid_amount, kind="money"),
        Column("paid_on", _("paid on"), lambda a: a.paid_on, sort="paid_on", kind="date", width=12),
        Column("status", _("status"), lambda a: a.get_status_display(), sort="status", width=10),
        Column("late", _("days late"), lambda a: a.days_late(today) or None, kind="number", width=8),
    ]


def policy_columns() -> list[Column]:
    return [
        Column("name", _("name"), lambda p: p.name, sort="name",
               link=lambda p: reverse("policies:policy", args=[p.pk]), width=30),
        Column("document_number", _("document number"), lambda p: p.document_number, width=20),
        Column("issuer", _("issued by"), lambda p: p.issuer, width=20),
        Column("issued_on", _("issued on"), lambda p: p.issued_on, sort="issued_on", kind="date", width=12),
        Column("clauses", _("clauses"), lambda p: p.clause_count, kind="number", width=8),
        Column("applications", _("policy applications"), lambda p: p.application_count, kind="number", width=10),
        Column("active", _("in force"), lambda p: p.active, kind="bool", width=8),
    ]
