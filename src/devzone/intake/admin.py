from django.contrib import admin

from devzone.core.admin import AuditedAdmin
from devzone.intake.models import ImportBatch


@admin.register(ImportBatch)
class ImportBatchAdmin(AuditedAdmin):
    list_display = ("pk", "kind", "original_name", "created_by", "status", "data_rows", "rejected_rows",
                    "created_count", "updated_count", "created_at")
    list_filter = ("kind", "status")
    search_fields = ("original_name", "sha256")
    readonly_fields = ("kind", "file", "original_name", "sha256", "size", "created_by", "status", "mode", "preview",
                       "result", "data_rows", "valid_rows", "rejected_rows", "created_count", "updated_count",
                       "committed_at", "error")

    def has_add_permission(self, request) -> bool:
        return False
