"""Administrators edit the differentiated policies here (audited); runs, copies and vetoes are read-only in the
admin because their pages and services check them (a scheme copy must pass the engine's validation)."""

from django.contrib import admin

from devzone.core.admin import AuditedAdmin
from devzone.evaluation.models import EvaluationRun, PolicyRule, SchemeVersion, VetoRecord


@admin.register(PolicyRule)
class PolicyRuleAdmin(AuditedAdmin):
    list_display = ("scheme_key", "class_key", "category", "text", "sort_order")
    list_filter = ("scheme_key", "class_key", "category")
    list_editable = ("sort_order",)
    search_fields = ("text",)


class ReadOnlyAdmin(AuditedAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SchemeVersion)
class SchemeVersionAdmin(ReadOnlyAdmin):
    list_display = ("key", "name", "version", "active", "created_by", "created_at")
    list_filter = ("key", "active")


@admin.register(EvaluationRun)
class EvaluationRunAdmin(ReadOnlyAdmin):
    list_display = ("pk", "scheme_name", "year", "period", "source", "units", "participants", "published")
    list_filter = ("scheme_key", "year", "published")
    exclude = ("scheme_yaml", "group_summary")

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(VetoRecord)
class VetoRecordAdmin(ReadOnlyAdmin):
    list_display = ("enterprise", "year", "kind", "reason", "created_by", "created_at")
    list_filter = ("year", "kind")
    search_fields = ("enterprise__name", "enterprise__credit_code")
    raw_id_fields = ("enterprise",)
