from django.contrib import admin

from devzone.core.admin import AuditedAdmin
from devzone.indicators.models import ConsistencyFlag, Indicator, IndicatorValue, MonitorSettings, Target


@admin.register(Indicator)
class IndicatorAdmin(AuditedAdmin):
    list_display = ("code", "name", "unit", "frequency", "basis", "aggregation", "direction", "rank_basis", "active")
    list_filter = ("frequency", "basis", "active")
    search_fields = ("code", "name")


@admin.register(IndicatorValue)
class IndicatorValueAdmin(AuditedAdmin):
    list_display = ("indicator", "region", "zone", "year", "month", "value", "source", "stated_growth", "channel")
    list_filter = ("source", "indicator", "year")
    list_select_related = ("indicator", "region", "zone")
    raw_id_fields = ("entered_by",)


@admin.register(Target)
class TargetAdmin(AuditedAdmin):
    list_display = ("indicator", "region", "zone", "year", "amount", "growth")
    list_filter = ("year", "indicator")
    list_select_related = ("indicator", "region", "zone")
    raw_id_fields = ("set_by",)


@admin.register(ConsistencyFlag)
class ConsistencyFlagAdmin(AuditedAdmin):
    list_display = ("rule", "indicator", "region", "zone", "year", "month", "status")
    list_filter = ("rule", "status")
    list_select_related = ("indicator", "region", "zone")
    readonly_fields = ("key",)
    raw_id_fields = ("explained_by", "closed_by")


@admin.register(MonitorSettings)
class MonitorSettingsAdmin(AuditedAdmin):
    """The single thresholds row: administrators change it here (every save is audited)."""

    def has_add_permission(self, request) -> bool:
        return not MonitorSettings.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
