"""等保 level-3 application controls that cut across apps: separation of the three administrators (三员分立),
who may read the audit trail or change permissions, the password-age policy, and masking of sensitive fields."""

from __future__ import annotations

import re
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from devzone.core.models import Role, User

SYSTEM_ADMIN, SECURITY_ADMIN, AUDIT_ADMIN = Role.Code.SYSTEM_ADMIN, Role.Code.SECURITY_ADMIN, Role.Code.AUDIT_ADMIN
ADMIN_ROLES = frozenset({SYSTEM_ADMIN, SECURITY_ADMIN, AUDIT_ADMIN})
# Roles whose work needs full phone and ID numbers (they call the enterprise, the lead, the contact).
DEFAULT_UNMASKED_ROLES = frozenset({
    Role.Code.PROJECT_OFFICE, Role.Code.SUPERVISION, Role.Code.INVESTMENT, Role.Code.INDUSTRY, Role.Code.COUNTY,
    Role.Code.SERVICE_OFFICER,
})


def _codes(user: User) -> set[str]:
    """Role codes, read once per user object (a request's user is asked several times)."""
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_security_role_codes", None)
    if cached is None:
        cached = {role.code for role in user.roles.all()}
        user._security_role_codes = cached
    return cached


def can_read_audit(user: User) -> bool:
    """The audit trail is for the audit administrator (and the break-glass superuser created at installation)."""
    return user.is_authenticated and (user.is_superuser or AUDIT_ADMIN in _codes(user))


def can_manage_permissions(user: User) -> bool:
    """Accounts and role grants: the system and security administrators, never the audit administrator."""
    if not user.is_authenticated:
        return False
    codes = _codes(user)
    return AUDIT_ADMIN not in codes and (user.is_superuser or bool(codes & {SYSTEM_ADMIN, SECURITY_ADMIN}))


def admin_role_conflict(codes: set[str]) -> str | None:
    """The three administrator roles are mutually exclusive: a Chinese reason when `codes` holds two of them."""
    held = sorted(codes & ADMIN_ROLES)
    if len(held) > 1:
        labels = "、".join(str(Role.Code(code).label) for code in held)
        return f"三员分立:系统管理员、安全管理员、审计管理员不得由同一账号兼任(当前:{labels})"
    return None


# --- password age ---------------------------------------------------------------------------------------

def password_max_age() -> timedelta | None:
    days = int(getattr(settings, "PASSWORD_MAX_AGE_DAYS", 0) or 0)
    return timedelta(days=days) if days > 0 else None


def password_expired(user: User, *, now=None) -> bool:
    max_age = password_max_age()
    if max_age is None or not user.is_authenticated or not user.has_usable_password():
        return False
    changed = user.password_changed_at
    return changed is not None and changed + max_age < (now or timezone.now())


def start_password_clock(user: User) -> None:
    """Accounts created without set_password (bulk loads, restores) start their password age on first use."""
    if user.is_authenticated and user.password_changed_at is None:
        user.password_changed_at = timezone.now()
        User.objects.filter(pk=user.pk, password_changed_at__isnull=True).update(
            password_changed_at=user.password_changed_at)


# --- masking --------------------------------------------------------------------------------------------

def sees_sensitive(user) -> bool:
    """Whether lists and exports show `user` full phone and ID numbers."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    allowed = set(getattr(settings, "UNMASKED_ROLES", DEFAULT_UNMASKED_ROLES))
    return bool(_codes(user) & allowed)


def mask_phone(value: str | None) -> str:
    """138****5678 for a mobile number; for other numbers keep the first 3 and last 2 characters."""
    if not value:
        return value or ""
    digits = re.sub(r"\D", "", value)
    if len(digits) == 11:
        return f"{digits[:3]}****{digits[-4:]}"
    if len(value) <= 4:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 5) + value[-2:]


def mask_id_number(value: str | None) -> str:
    """Resident ID (18) → first 6 and last 4 kept: 110101********123X."""
    if not value:
        return value or ""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


MASKERS = {"phone": mask_phone, "id_number": mask_id_number}


def mask(kind: str, value):
    return MASKERS[kind](value) if kind in MASKERS and isinstance(value, str | type(None)) else value
