"""Admin: the land settings and zone thresholds are edited here (audited); the quota ledger is read-only here,
because movements must go through the services that lock the account and keep the balance non-negative."""

from django.contrib import admin

from devzone.core.admin import AuditedAdmin
from devzone.land.models import DisposalAction, LandSettings, Parcel, QuotaMovement, ZoneLandRule


@admin.register(LandSettings)
class LandSettingsAdmin(AuditedAdmin):
    list_display = ("__str__", "idle_days", "tax_per_mu_threshold", "weight_count", "weight_amount")

    def has_add_permission(self, request) -> bool:
        return not LandSettings.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ZoneLandRule)
class ZoneLandRuleAdmin(AuditedAdmin):
    list_display = ("zone", "tax_per_mu_threshold")


@admin.register(Parcel)
class ParcelAdmin(AuditedAdmin):
    list_display = ("code", "name", "region", "zone", "area_mu", "approved_on", "supplied_on", "used_on")
    search_fields = ("code", "name")
    list_filter = ("use", "standard_land")
    raw_id_fields = ("project", "enterprise")


@admin.register(DisposalAction)
class DisposalActionAdmin(AuditedAdmin):
    list_display = ("parcel", "category", "action", "status", "due_on", "done_on")
    list_filter = ("category", "action", "status")
    raw_id_fields = ("parcel",)


@admin.register(QuotaMovement)
class QuotaMovementAdmin(admin.ModelAdmin):
    list_display = ("account", "kind", "area_mu", "on", "counterpart", "project", "total_price")
    list_filter = ("kind",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
