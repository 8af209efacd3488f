from django.contrib import admin

from devzone.chains.models import Chain, ChainLink, ChainSegment, ChainSettings
from devzone.core.admin import AuditedAdmin


@admin.register(ChainSettings)
class ChainSettingsAdmin(AuditedAdmin):
    list_display = ("__str__", "strong_min_enterprises", "strong_min_above_size", "projects_count_as_presence")

    def has_add_permission(self, request) -> bool:
        return not ChainSettings.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Chain)
class ChainAdmin(AuditedAdmin):
    list_display = ("name", "leader_name", "industry_codes", "sort_order")
    filter_horizontal = ("anchor_enterprises",)
    raw_id_fields = ("anchor_enterprises",)


admin.site.register(ChainSegment, AuditedAdmin)


@admin.register(ChainLink)
class ChainLinkAdmin(AuditedAdmin):
    list_display = ("name", "segment", "industry_codes", "key_link")
    raw_id_fields = ("enterprises",)
