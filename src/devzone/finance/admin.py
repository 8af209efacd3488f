from django.contrib import admin

from devzone.core.admin import AuditedAdmin
from devzone.finance.models import Bank, FinancingNeed, Loan, MatchEvent


@admin.register(Bank)
class BankAdmin(AuditedAdmin):
    list_display = ("name", "kind", "active")
    list_filter = ("kind", "active")
    search_fields = ("name",)


@admin.register(FinancingNeed)
class FinancingNeedAdmin(AuditedAdmin):
    list_display = ("__str__", "region", "amount", "raised_on", "status")
    list_filter = ("status",)
    search_fields = ("enterprise__name", "project__name", "purpose")
    raw_id_fields = ("enterprise", "project")


@admin.register(MatchEvent)
class MatchEventAdmin(AuditedAdmin):
    list_display = ("title", "held_on", "year", "quarter", "region")
    list_filter = ("year", "quarter")
    filter_horizontal = ("banks",)
    raw_id_fields = ("needs",)


@admin.register(Loan)
class LoanAdmin(AuditedAdmin):
    list_display = ("need", "bank", "amount", "granted_on")
    raw_id_fields = ("need", "event")
