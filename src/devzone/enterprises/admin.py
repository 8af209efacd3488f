from django.contrib import admin

from devzone.core.admin import AuditedAdmin
from devzone.enterprises.models import Enterprise, EnterpriseYear, Industry


@admin.register(Enterprise)
class EnterpriseAdmin(AuditedAdmin):
    list_display = ("name", "credit_code", "region", "zone", "above_size")
    search_fields = ("name", "credit_code")
    list_filter = ("above_size", "high_tech", "size")


@admin.register(EnterpriseYear)
class EnterpriseYearAdmin(AuditedAdmin):
    list_display = ("enterprise", "year", "tax", "revenue")
    list_filter = ("year",)


@admin.register(Industry)
class IndustryAdmin(AuditedAdmin):
    list_display = ("code", "name", "parent")
    search_fields = ("code", "name")
