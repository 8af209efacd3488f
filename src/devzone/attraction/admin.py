from django.contrib import admin

from devzone.attraction.models import (
    Activity,
    Agent,
    Agreement,
    AgreementProgress,
    AttractionSettings,
    Commitment,
    Contact,
    FollowUp,
    Lead,
    LeadAlert,
    Leader,
    NegativeListRule,
    TargetEnterprise,
)
from devzone.core.admin import AuditedAdmin


@admin.register(AttractionSettings)
class AttractionSettingsAdmin(AuditedAdmin):
    list_display = ("__str__", "reminder_days", "elimination_days", "outbound_quota", "tier_large", "tier_major")

    def has_add_permission(self, request) -> bool:
        return not AttractionSettings.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(NegativeListRule)
class NegativeListRuleAdmin(AuditedAdmin):
    list_display = ("name", "kind", "industry_codes", "max_energy_per_output", "min_intensity", "active")
    list_filter = ("kind", "active")


@admin.register(Lead)
class LeadAdmin(AuditedAdmin):
    list_display = ("name", "investor_name", "stage", "region", "registered_on")
    list_filter = ("stage", "source")
    search_fields = ("name", "investor_name")


admin.site.register(FollowUp, AuditedAdmin)
admin.site.register(LeadAlert, AuditedAdmin)
admin.site.register(Agreement, AuditedAdmin)
admin.site.register(AgreementProgress, AuditedAdmin)
admin.site.register(Activity, AuditedAdmin)
admin.site.register(Leader, AuditedAdmin)
admin.site.register(TargetEnterprise, AuditedAdmin)
admin.site.register(Contact, AuditedAdmin)
admin.site.register(Agent, AuditedAdmin)
admin.site.register(Commitment, AuditedAdmin)
