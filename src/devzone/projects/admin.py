from django.contrib import admin

from devzone.core.admin import AuditedAdmin
from devzone.projects.models import (
    BatchEntry,
    Milestone,
    ProgressReport,
    Project,
    ProjectBatch,
    ProjectRules,
    ProjectYearPlan,
)


@admin.register(ProjectRules)
class ProjectRulesAdmin(AuditedAdmin):
    """The thresholds of the ledger (签而未落 months, lag points, 达效 share, photo window, upload size)."""

    list_display = ("signed_not_started_months", "lag_yellow_points", "lag_red_points", "effective_percent",
                    "photo_window_days", "max_upload_mb", "updated_at")

    def has_add_permission(self, request) -> bool:
        return not ProjectRules.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Project)
class ProjectAdmin(AuditedAdmin):
    """Read-mostly: stages, reports and evidence change only through the workflow pages and API."""

    list_display = ("code", "name", "region", "stage", "declared_stage", "total_investment")
    list_filter = ("stage", "category", "nature")
    search_fields = ("code", "name", "owner_name")
    readonly_fields = ("stage", "declared_stage", "resume_stage", "suspended_on", "cancelled_on", "cancel_reason",
                       "replaces")
    raw_id_fields = ("owner", "leader", "service_officer")


@admin.register(ProjectBatch)
class ProjectBatchAdmin(AuditedAdmin):
    list_display = ("name", "year", "sequence", "held_on")


@admin.register(BatchEntry)
class BatchEntryAdmin(AuditedAdmin):
    list_display = ("batch", "project", "list_kind")
    list_filter = ("batch", "list_kind")
    raw_id_fields = ("project",)


@admin.register(ProjectYearPlan)
class ProjectYearPlanAdmin(AuditedAdmin):
    list_display = ("project", "year", "planned_investment")
    list_filter = ("year",)
    raw_id_fields = ("project",)


@admin.register(ProgressReport)
class ProgressReportAdmin(admin.ModelAdmin):
    """Reports are immutable once approved: the admin only shows them."""

    list_display = ("project", "period", "investment_month", "status")
    list_filter = ("status", "period")
    raw_id_fields = ("project", "corrects")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Milestone)
class MilestoneAdmin(AuditedAdmin):
    list_display = ("project", "name", "planned_date", "done_on")
    raw_id_fields = ("project",)
