"""Writes for organisation data: regions, zones, departments, users and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from devzone.core import audit
from devzone.core.crud import create_audited, delete_audited, update_audited, validate_instance
from devzone.core.errors import NotFound, PermissionDenied, ValidationFailed
from devzone.core.jurisdiction import scope_for
from devzone.core.models import ApiToken, Department, Region, Role, User, Zone
from devzone.core.security import admin_role_conflict, can_manage_permissions

# The three administrators (三员) administer the system; they do not edit business data.
READ_ONLY_ROLES = {Role.Code.OBSERVER, Role.Code.CITY_LEADER, Role.Code.SYSTEM_ADMIN, Role.Code.SECURITY_ADMIN,
                   Role.Code.AUDIT_ADMIN}


def role_codes(user: User) -> set[str]:
    """The user's role codes (uses prefetched roles when present)."""
    return {role.code for role in user.roles.all()}


def ensure_can_write(user: User, region: Region) -> None:
    """Writers must hold a writing role and act inside their jurisdiction (outside it looks like 404)."""
    if not scope_for(user).covers_path(region.path):
        raise NotFound()
    if not user.is_superuser and role_codes(user) and role_codes(user) <= READ_ONLY_ROLES:
        raise PermissionDenied("您的角色为只读,不能修改数据")


# --- regions -------------------------------------------------------------------------------------------

@transaction.atomic
def region_create(*, actor: User | None, name: str, level: str, parent: Region | None = None, code: str = "",
                  sort_order: int = 0) -> Region:
    if parent is None and actor is not None and not actor.is_superuser:
        raise PermissionDenied("只有系统管理员可以创建顶级行政区划")
    if parent is not None and actor is not None:
        ensure_can_write(actor, parent)
    region = Region(name=name, level=level, parent=parent, code=code, sort_order=sort_order)
    validate_instance(region)
    region.save()
    region.path = f"{parent.path if parent else '/'}{region.pk}/"
    region.save(update_fields=["path"])
    audit.record(actor=actor, action="create", instance=region, after=audit.snapshot(region))
    return region


# --- zones ---------------------------------------------------------------------------------------------

ZONE_FIELDS = {
    "name", "short_name", "level", "kind", "region", "parent", "planned_area_km2", "built_area_km2",
    "leading_industries", "star_rating", "management_body", "intensity_threshold", "boundary", "established_year",
}


def _only_fields(data: Mapping[str, Any], allowed: set[str]) -> dict[str, Any]:
    unknown = set(data) - allowed
    if unknown:
        raise ValidationFailed(f"不能修改这些字段:{', '.join(sorted(unknown))}")
    return dict(data)


def _check_zone_parent(zone: Zone) -> None:
    parent = zone.parent
    seen = {zone.pk}
    while parent is not None:
        if parent.pk in seen:
            raise ValidationFailed("上级园区不能是本园区或其下级园区")
        seen.add(parent.pk)
        parent = parent.parent


@transaction.atomic
def zone_create(*, actor: User, data: Mapping[str, Any]) -> Zone:
    zone = Zone(**_only_fields(data, ZONE_FIELDS))
    if zone.region_id is None:
        raise ValidationFailed("请选择所属行政区划", details=[{"field": "region", "message": "必填"}])
    ensure_can_write(actor, zone.region)
    return create_audited(actor=actor, instance=zone)


@transaction.atomic
def zone_update(*, actor: User, zone: Zone, data: Mapping[str, Any],
                expected_updated_at: datetime | None = None) -> Zone:
    data = _only_fields(data, ZONE_FIELDS)
    ensure_can_write(actor, zone.region)
    if "region" in data and data["region"] is not None:
        ensure_can_write(actor, data["region"])
    if data.get("parent") is not None:
        probe = Zone(pk=zone.pk, parent=data["parent"])
        _check_zone_parent(probe)
    return update_audited(actor=actor, instance=zone, data=data, expected_updated_at=expected_updated_at)


@transaction.atomic
def zone_delete(*, actor: User, zone: Zone) -> None:
    ensure_can_write(actor, zone.region)
    delete_audited(actor=actor, instance=zone)


# --- departments ---------------------------------------------------------------------------------------

@transaction.atomic
def department_create(*, actor: User | None, name: str, code: str, region: Region,
                      short_name: str = "") -> Department:
    if actor is not None:
        ensure_can_write(actor, region)
    return create_audited(actor=actor, instance=Department(name=name, code=code, region=region,
                                                           short_name=short_name))


# --- users and tokens ----------------------------------------------------------------------------------

@transaction.atomic
def user_create(*, actor: User | None, username: str, password: str | None, display_name: str = "",
                roles: Iterable[str] = (), region: Region | None = None, department: Department | None = None,
                post: str = "", unit: str = "", phone: str = "", is_superuser: bool = False,
                validate_password: bool = True) -> User:
    """Create a user; the password is checked against the configured rules unless told otherwise."""
    from django.contrib.auth.password_validation import validate_password as check_password
    from django.core.exceptions import ValidationError

    user = User(username=username, display_name=display_name, region=region, department=department, post=post,
                unit=unit, phone=phone, is_superuser=is_superuser, is_staff=is_superuser)
    if password and validate_password:
        try:
            check_password(password, user)
        except ValidationError as exc:
            raise ValidationFailed("密码不符合要求:" + ";".join(exc.messages)) from exc
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    validate_instance(user)
    user.save()
    codes = list(roles)
    unknown = set(codes) - set(Role.Code.values)
    if unknown:
        raise ValidationFailed(f"未知角色:{', '.join(sorted(unknown))}")
    conflict = admin_role_conflict(set(codes))
    if conflict:
        raise ValidationFailed(conflict)
    user.roles.set([Role.objects.get_or_create(code=code)[0] for code in codes])
    audit.record(actor=actor, action="create", instance=user,
                 after={**audit.snapshot(user), "roles": sorted(codes)})
    return user


def _hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


@transaction.atomic
def api_token_create(*, actor: User | None, user: User, name: str = "",
                     days: int | None = 365) -> tuple[ApiToken, str]:
    """Create a bearer token; the raw key is returned once and never stored."""
    raw = "dz_" + secrets.token_urlsafe(32)
    expires = timezone.now() + timedelta(days=days) if days else None
    token = ApiToken.objects.create(user=user, name=name, prefix=raw[:8], key_hash=_hash_key(raw),
                                    expires_at=expires)
    audit.record(actor=actor, action="create", instance=token,
                 after={"user": user.pk, "name": name, "prefix": token.prefix,
                        "expires_at": expires.isoformat() if expires else None})
    return token, raw


def api_token_authenticate(raw: str) -> User | None:
    """The active user behind a bearer key, or None; records the last use (at most once a minute)."""
    token = (ApiToken.objects.select_related("user", "user__region", "user__department__region")
             .filter(key_hash=_hash_key(raw), revoked=False).first())
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.expires_at is not None and token.expires_at <= now:
        return None
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def user_set_roles(*, actor: User, user: User, roles: Iterable[str]) -> User:
    """Grant or withdraw roles (a permission change): only system or security administrators, audited."""
    if not can_manage_permissions(actor):
        raise PermissionDenied("只有系统管理员或安全管理员可以调整用户权限")
    codes = set(roles)
    unknown = codes - set(Role.Code.values)
    if unknown:
        raise ValidationFailed(f"未知角色:{', '.join(sorted(unknown))}")
    conflict = admin_role_conflict(codes)
    if conflict:
        raise ValidationFailed(conflict)
    if user.pk == actor.pk:
        raise PermissionDenied("不能调整自己的权限")
    before = sorted(user.roles.values_list("code", flat=True))
    user.roles.set([Role.objects.get_or_create(code=code)[0] for code in codes])
    audit.record(actor=actor, action="permission_change", instance=user,
                 before={"roles": before}, after={"roles": sorted(codes)})
    return user
