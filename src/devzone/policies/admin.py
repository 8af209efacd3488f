from django.contrib import admin

from devzone.core.admin import AuditedAdmin
from devzone.policies.models import Application, Clause, Policy


@admin.register(Policy)
class PolicyAdmin(AuditedAdmin):
    list_display = ("name", "issuer", "issued_on", "region", "active")
    search_fields = ("name", "document_number")


@admin.register(Clause)
class ClauseAdmin(AuditedAdmin):
    list_display = ("policy", "number", "title", "benefit", "payment_days")
    list_filter = ("benefit",)


@admin.register(Application)
class ApplicationAdmin(AuditedAdmin):
    list_display = ("enterprise", "clause", "status", "claimed_amount", "approved_amount", "due_date", "paid_on")
    list_filter = ("status",)
    raw_id_fields = ("enterprise", "problem", "approved_by")
