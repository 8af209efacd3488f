"""Django admin for administrators; every save and delete through it is audited like a service write."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from devzone.core import audit
from devzone.core.models import ApiToken, AuditEvent, Department, Region, Role, User, Zone


class AuditedAdmin(admin.ModelAdmin):
    def save_model(self, request, obj, form, change) -> None:
        before = audit.snapshot(type(obj).objects.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)
        audit.record(actor=request.user, action="update" if change else "create", instance=obj, before=before,
                     after=audit.snapshot(obj))

    def delete_model(self, request, obj) -> None:
        before = audit.snapshot(obj)
        object_type, object_id, object_repr = audit.object_type_of(obj), str(obj.pk), str(obj)
        super().delete_model(request, obj)
        audit.record(actor=request.user, action="delete", object_type=object_type, object_id=object_id,
                     object_repr=object_repr, before=before)

    def delete_queryset(self, request, queryset) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(Region)
class RegionAdmin(AuditedAdmin):
    list_display = ("name", "code", "level", "parent")
    search_fields = ("name", "code")
    readonly_fields = ("path",)

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        path = f"{obj.parent.path if obj.parent else '/'}{obj.pk}/"
        if obj.path != path and not change:
            Region.objects.filter(pk=obj.pk).update(path=path)


@admin.register(Zone)
class ZoneAdmin(AuditedAdmin):
    list_display = ("name", "level", "kind", "region", "intensity_threshold")
    list_filter = ("level", "kind")
    search_fields = ("name",)


@admin.register(Department)
class DepartmentAdmin(AuditedAdmin):
    list_display = ("name", "code", "region")
    search_fields = ("name", "code")


@admin.register(User)
class DevzoneUserAdmin(UserAdmin, AuditedAdmin):
    list_display = ("username", "display_name", "region", "department", "is_active", "is_superuser")
    fieldsets = (*UserAdmin.fieldsets, ("devzone", {"fields": ("display_name", "post", "unit", "phone", "roles",
                                                               "region", "department")}))
    filter_horizontal = ("roles", "groups", "user_permissions")

    def save_related(self, request, form, formsets, change) -> None:
        """Role, group and permission grants are permission changes: audited with before and after."""
        user = form.instance
        before = _grants(user) if change else {}
        super().save_related(request, form, formsets, change)
        after = _grants(user)
        if after != before:
            audit.record(actor=request.user, action="permission_change", instance=user, before=before, after=after)


def _grants(user: User) -> dict[str, list]:
    return {"roles": sorted(user.roles.values_list("code", flat=True)),
            "groups": sorted(user.groups.values_list("name", flat=True)),
            "permissions": sorted(user.user_permissions.values_list("codename", flat=True))}


admin.site.register(Role)


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedAdmin):
    list_display = ("prefix", "user", "name", "created_at", "expires_at", "last_used_at", "revoked")
    readonly_fields = ("prefix", "key_hash", "created_at", "last_used_at")


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("seq", "created_at", "actor_username", "action", "object_type", "object_id", "object_repr")
    list_filter = ("action", "object_type")
    search_fields = ("object_id", "actor_username", "object_repr")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


admin.site.site_header = "devzone 管理后台"
