"""Admin: the SLA table and the escalation rules are edited here (audited); the records are browsable."""

from django.contrib import admin

from devzone.core.admin import AuditedAdmin
from devzone.dispatch.models import (
    DispatchRules,
    Meeting,
    MeetingDecision,
    Notification,
    NotificationDelivery,
    Problem,
    ProblemEvent,
    SlaRule,
    Task,
    TaskEvent,
)


@admin.register(SlaRule)
class SlaRuleAdmin(AuditedAdmin):
    list_display = ("category", "difficulty", "days")
    list_editable = ("days",)
    list_filter = ("difficulty",)
    ordering = ("category", "difficulty")


@admin.register(DispatchRules)
class DispatchRulesAdmin(AuditedAdmin):
    list_display = ("__str__", "remind_ratio", "urge_after_days", "supervise_after_days", "bulletin_after_days",
                    "basic_counts_as_satisfied", "outbound_channels")

    def has_add_permission(self, request) -> bool:
        return not DispatchRules.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ProblemEventInline(admin.TabularInline):
    model = ProblemEvent
    extra = 0
    can_delete = False
    readonly_fields = ("kind", "from_status", "to_status", "level", "actor", "note", "at")
    fields = readonly_fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Problem)
class ProblemAdmin(AuditedAdmin):
    list_display = ("title", "status", "category", "difficulty", "region", "lead_unit", "deadline",
                    "escalation_level")
    list_filter = ("status", "category", "difficulty", "escalation_level", "source")
    search_fields = ("title", "source_ref")
    raw_id_fields = ("enterprise", "meeting", "raised_by", "sponsor_leader", "lead_unit", "handler", "assigned_by",
                     "resolved_by", "closed_by")
    filter_horizontal = ("helping_units",)
    inlines = [ProblemEventInline]


class TaskEventInline(admin.TabularInline):
    model = TaskEvent
    extra = 0
    can_delete = False
    readonly_fields = ("kind", "from_status", "to_status", "level", "percent", "actor", "note", "at")
    fields = readonly_fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Task)
class TaskAdmin(AuditedAdmin):
    list_display = ("title", "period", "status", "lead_unit", "due_date", "recurrence", "escalation_level")
    list_filter = ("status", "source", "recurrence", "escalation_level")
    search_fields = ("title", "commitment", "source_ref")
    raw_id_fields = ("meeting", "created_by", "sponsor_leader", "lead_unit", "responsible_person", "closed_by",
                     "series")
    filter_horizontal = ("helping_units",)
    inlines = [TaskEventInline]


class DecisionInline(admin.TabularInline):
    model = MeetingDecision
    extra = 0
    raw_id_fields = ("lead_unit", "task")


@admin.register(Meeting)
class MeetingAdmin(AuditedAdmin):
    list_display = ("title", "kind", "held_on", "region")
    list_filter = ("kind",)
    search_fields = ("title", "minutes")
    filter_horizontal = ("attendees",)
    inlines = [DecisionInline]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("title", "recipient", "kind", "created_at", "read_at")
    list_filter = ("kind",)
    search_fields = ("title", "recipient__username")
    raw_id_fields = ("recipient", "problem", "task")


@admin.register(NotificationDelivery)
class NotificationDeliveryAdmin(admin.ModelAdmin):
    list_display = ("notification", "channel", "ok", "detail", "at")
    list_filter = ("channel", "ok")
