"""等保 (GB/T 22239-2019) level-3 checklist, application-level controls: one test per control.

Each test is named after the control and says in its docstring which 等保 requirement it covers. Run alone with
`PYTHONPATH=src .venv/bin/python -m pytest -q tests/security` (CI runs it as part of the suite).
"""

from __future__ import annotations

import io
import json
import logging
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.hashers import identify_hasher
from django.test import Client
from django.utils import timezone
from python_calamine import CalamineWorkbook
from tests_support import PASSWORD

from devzone.attraction import services as attraction_services
from devzone.core import audit
from devzone.core import services as core_services
from devzone.core.errors import PermissionDenied, ValidationFailed
from devzone.core.models import AuditEvent, Role, User
from devzone.core.security import mask_id_number, mask_phone

NEW_PASSWORD = "NEw-Passw0rd-2026"
PHONE = "13812345678"


@pytest.fixture
def admins(org) -> dict[str, User]:
    """The three administrators (三员), each a separate account."""
    return {code: core_services.user_create(actor=org.admin, username=code, password=PASSWORD, roles=[code],
                                            region=org.city)
            for code in (Role.Code.SYSTEM_ADMIN, Role.Code.SECURITY_ADMIN, Role.Code.AUDIT_ADMIN)}


def _actions(action: str, **filters) -> int:
    return AuditEvent.objects.filter(action=action, **filters).count()


# --- 身份鉴别 identification and authentication -------------------------------------------------------------

def test_identification_every_page_and_endpoint_needs_an_identified_user(org):
    """身份鉴别 a): users are identified and authenticated before any page or API call; passwords are stored as
    salted argon2 hashes in production."""
    anonymous = Client()
    assert anonymous.get("/enterprises/").status_code == 302
    assert anonymous.get("/api/v1/enterprises").status_code == 401
    assert settings.PASSWORD_HASHERS[-2].endswith("Argon2PasswordHasher")  # first after the test-only MD5
    assert "Argon2PasswordHasher" in __import__("devzone.settings", fromlist=["x"]).PASSWORD_HASHERS[0]
    assert identify_hasher(org.county1_user.password).algorithm in {"argon2", "md5"}
    assert PASSWORD not in org.county1_user.password


def test_login_failure_lockout(org):
    """身份鉴别 b) 登录失败处理: five failed sign-ins lock the account for 30 minutes, even with the right password."""
    client = Client()
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        response = client.post("/login/", {"username": "county1", "password": "Wrong-Passw0rd"})
        assert response.status_code == (200 if attempt < settings.AXES_FAILURE_LIMIT - 1 else 429)
    response = client.post("/login/", {"username": "county1", "password": PASSWORD})
    assert response.status_code == 429 and "锁定" in response.content.decode()
    assert settings.AXES_COOLOFF_TIME == 0.5


def test_password_complexity(org):
    """身份鉴别 a) 口令复杂度: at least 10 characters from three character classes; weak passwords are refused."""
    for weak in ("short1!", "alllowercaseletters", "1234567890123", "abcdefghi1"):
        with pytest.raises(ValidationFailed, match="密码不符合要求"):
            core_services.user_create(actor=org.admin, username=f"weak{len(weak)}", password=weak)
    assert core_services.user_create(actor=org.admin, username="strong", password="Strong-Passw0rd").pk


def test_password_expiry_policy(org, login):
    """身份鉴别 a) 口令定期更换: passwords older than DEVZONE_PASSWORD_MAX_AGE_DAYS (90 by default) must be
    changed before any page opens; the change is audited and restarts the clock."""
    assert settings.PASSWORD_MAX_AGE_DAYS == 90
    user = org.county1_user
    assert user.password_changed_at is not None  # set by set_password
    client = login(user)
    assert client.get("/enterprises/").status_code == 200
    User.objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - timedelta(days=91))
    response = client.get("/enterprises/")
    assert response.status_code == 302 and response["Location"] == "/password/change/?expired=1"
    page = client.get(response["Location"])
    assert page.status_code == 200 and 'data-testid="password-expired"' in page.content.decode()
    assert "密码已超过有效期" in page.content.decode()
    response = client.post("/password/change/", {"old_password": PASSWORD, "new_password1": NEW_PASSWORD,
                                                 "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert client.get("/enterprises/").status_code == 200
    user.refresh_from_db()
    assert timezone.now() - user.password_changed_at < timedelta(minutes=5)
    assert _actions("password_change", actor_username="county1") == 1


def test_session_timeout():
    """身份鉴别 b) 登录连接超时自动退出: a session ends after 30 idle minutes and when the browser closes; cookies
    are HttpOnly."""
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST and settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert settings.SESSION_COOKIE_HTTPONLY


# --- 访问控制 access control -----------------------------------------------------------------------------------

def test_role_separation_three_administrators(org, admins, login):
    """访问控制 / 三员分立: system, security and audit administrators are distinct roles that one account may not
    combine; the audit trail is readable only by the audit administrator; permissions are changed only by the
    system or security administrator; none of the three edits business data."""
    codes = {Role.Code.SYSTEM_ADMIN, Role.Code.SECURITY_ADMIN, Role.Code.AUDIT_ADMIN}
    assert codes <= set(Role.objects.values_list("code", flat=True))
    with pytest.raises(ValidationFailed, match="三员分立"):
        core_services.user_create(actor=org.admin, username="both", password=PASSWORD,
                                  roles=[Role.Code.SYSTEM_ADMIN, Role.Code.AUDIT_ADMIN])
    with pytest.raises(ValidationFailed, match="三员分立"):
        core_services.user_set_roles(actor=admins["security_admin"], user=org.observer,
                                     roles=[Role.Code.SECURITY_ADMIN, Role.Code.AUDIT_ADMIN])
    # audit trail: audit administrator only, and only the audit administrator's menu links to it
    auditor = login(admins["audit_admin"])
    assert auditor.get("/org/audit/").status_code == 200
    assert 'href="/org/audit/"' in auditor.get("/").content.decode()
    assert 'href="/org/audit/"' not in login(admins["system_admin"]).get("/").content.decode()
    assert login(admins["system_admin"]).get("/org/audit/").status_code == 403
    assert login(admins["security_admin"]).get("/org/audit/").status_code == 403
    assert login(org.city_user).get("/org/audit/").status_code == 403
    # permission changes: system or security administrator only
    with pytest.raises(PermissionDenied):
        core_services.user_set_roles(actor=admins["audit_admin"], user=org.observer, roles=[Role.Code.COUNTY])
    with pytest.raises(PermissionDenied):
        core_services.user_set_roles(actor=org.city_user, user=org.observer, roles=[Role.Code.COUNTY])
    core_services.user_set_roles(actor=admins["system_admin"], user=org.observer, roles=[Role.Code.STATISTICS])
    core_services.user_set_roles(actor=admins["security_admin"], user=org.observer, roles=[Role.Code.OBSERVER])
    # administrators do not edit business data
    with pytest.raises(PermissionDenied):
        core_services.ensure_can_write(admins["system_admin"], org.county1)


def test_access_control_by_jurisdiction(org, login, make_enterprise):
    """访问控制 a) 最小权限: a county user reaches only its own jurisdiction; another county's record is 404."""
    other = make_enterprise(region=org.county2, name="邻县企业")
    client = login(org.county1_user)
    assert client.get(f"/enterprises/{other.pk}/").status_code == 404
    assert "邻县企业" not in client.get("/enterprises/").content.decode()


# --- 安全审计 security audit -------------------------------------------------------------------------------------

def test_audit_events_for_logins(org):
    """安全审计 a) b): successful and failed sign-ins and sign-outs are audit events with user and address."""
    client = Client()
    client.post("/login/", {"username": "county1", "password": "Wrong-Passw0rd"})
    assert client.post("/login/", {"username": "county1", "password": PASSWORD}).status_code == 302
    client.post("/logout/")
    failed = AuditEvent.objects.get(action="login_failed")
    assert failed.object_repr == "county1" and "Wrong-Passw0rd" not in json.dumps(failed.after)
    assert AuditEvent.objects.get(action="login", actor_username="county1").after["ip"] == "127.0.0.1"
    assert _actions("logout", actor_username="county1") == 1


def test_audit_events_for_permission_changes(org, admins):
    """安全审计: every grant or withdrawal of roles records who changed whose permissions, before and after."""
    core_services.user_set_roles(actor=admins["security_admin"], user=org.observer,
                                 roles=[Role.Code.OBSERVER, Role.Code.STATISTICS])
    event = AuditEvent.objects.get(action="permission_change")
    assert event.actor_username == "security_admin" and event.object_id == str(org.observer.pk)
    assert event.before == {"roles": ["observer"]} and event.after == {"roles": ["observer", "statistics"]}


def test_audit_events_for_data_exports(org, login, make_enterprise):
    """安全审计: data leaving the system (list exports to Excel) is an audit event with the filters used."""
    make_enterprise(name="导出企业")
    response = login(org.county1_user).get("/enterprises/", {"export": "xlsx", "q": "导出"})
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="export")
    assert event.actor_username == "county1" and event.object_id == "/enterprises/"
    assert ["q", "导出"] in event.after["filters"]


def test_audit_trail_tamper_evident(org, admins, login):
    """安全审计 c) 审计记录保护: events are hash-chained; editing or deleting one is detected; the admin site offers
    no way to add, change or delete events."""
    core_services.user_set_roles(actor=admins["system_admin"], user=org.observer, roles=[Role.Code.STATISTICS])
    assert audit.verify_chain().ok
    event = AuditEvent.objects.get(action="permission_change")
    AuditEvent.objects.filter(pk=event.pk).update(after={"roles": ["city_leader"]})
    report = audit.verify_chain()
    assert not report.ok and report.broken_seq == event.seq
    admin_client = login(org.admin)
    assert admin_client.get(f"/admin/core/auditevent/{event.pk}/delete/").status_code == 403
    assert admin_client.get("/admin/core/auditevent/add/").status_code == 403


# --- 个人信息保护 personal information ----------------------------------------------------------------------------

def test_sensitive_fields_masked_in_lists_and_exports(org, login):
    """个人信息保护: phone and ID numbers are masked in lists and Excel exports for roles that do not need them
    (observer, city leader, the administrators); roles that work with the contacts see them in full."""
    assert mask_phone(PHONE) == "138****5678"
    assert mask_id_number("11010119900307123X") == "110101********123X"
    attraction_services.contact_create(actor=org.admin, data={"name": "张乡贤", "kind": "native", "phone": PHONE,
                                                               "region": org.city})
    observer = login(org.observer)
    page = observer.get("/attraction/directory/contacts/").content.decode()
    assert "138****5678" in page and PHONE not in page
    export = observer.get("/attraction/directory/contacts/", {"export": "xlsx"})
    cells = _cells(export.content)
    assert "138****5678" in cells and PHONE not in cells
    assert AuditEvent.objects.get(action="export", actor_username="observer").after["masked"] is True
    worker = login(org.city_user)
    assert PHONE in worker.get("/attraction/directory/contacts/").content.decode()
    assert PHONE in _cells(worker.get("/attraction/directory/contacts/", {"export": "xlsx"}).content)


def test_sensitive_fields_masked_in_the_api(org, login, make_enterprise):
    """The same rule holds for the JSON API, in lists and details, with a session or a bearer token."""
    attraction_services.contact_create(actor=org.admin, data={"name": "张乡贤", "kind": "native", "phone": PHONE,
                                                               "region": org.city})
    enterprise = make_enterprise(phone=PHONE)
    _token, raw = core_services.api_token_create(actor=org.admin, user=org.observer)
    for observer in (login(org.observer), Client(HTTP_AUTHORIZATION=f"Bearer {raw}")):
        listed = observer.get("/api/v1/directory/contacts").json()["items"]
        assert [c["phone"] for c in listed] == ["138****5678"]
        assert observer.get(f"/api/v1/enterprises/{enterprise.pk}").json()["phone"] == "138****5678"
    worker = login(org.city_user)
    assert worker.get("/api/v1/directory/contacts").json()["items"][0]["phone"] == PHONE
    assert worker.get(f"/api/v1/enterprises/{enterprise.pk}").json()["phone"] == PHONE


def _cells(content: bytes) -> set[str]:
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    return {str(cell) for row in sheet for cell in row}


# --- 入侵防范 / 通信 -----------------------------------------------------------------------------------------------

def test_security_headers(org, login):
    """入侵防范 / 通信完整性: CSP without outside sources, no framing, no sniffing, same-origin referrer, HSTS and
    secure cookies in production, no caching of signed-in pages."""
    response = login(org.county1_user).get("/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]
    import devzone.settings as production

    assert production.HTTPS is True and production.SESSION_COOKIE_SECURE and production.SECURE_HSTS_SECONDS > 0


def test_no_secrets_in_logs(org):
    """安全审计 / 剩余信息保护: logs never hold a password, an API token or the secret key — a failed sign-in logs
    the attempt, not the password."""
    handler = next(h for h in logging.getLogger().handlers if h.name == "console")
    buffer = io.StringIO()
    old_stream, root = handler.setStream(buffer), logging.getLogger()
    old_level = root.level
    root.setLevel(logging.DEBUG)
    try:
        _token, raw = core_services.api_token_create(actor=org.admin, user=org.county1_user)
        Client().post("/login/", {"username": "county1", "password": "Secret-Wr0ng-Pass"})
        Client().get("/api/v1/enterprises", HTTP_AUTHORIZATION=f"Bearer {raw}")
        logging.getLogger("devzone").error("settings: %s", {"SECRET_KEY": settings.SECRET_KEY})
    finally:
        root.setLevel(old_level)
        handler.setStream(old_stream)
    text = buffer.getvalue()
    assert "login" in text
    for secret in ("Secret-Wr0ng-Pass", raw, settings.SECRET_KEY):
        assert secret not in text


def test_password_age_starts_for_bulk_created_accounts(org, login):
    """身份鉴别 口令定期更换: accounts loaded in bulk (demo data, restores) start their password age at first use
    instead of being locked out; after the maximum age they too must change it."""
    User.objects.filter(pk=org.county1_user.pk).update(password_changed_at=None)
    client = login(org.county1_user)
    assert client.get("/enterprises/").status_code == 200
    org.county1_user.refresh_from_db()
    assert org.county1_user.password_changed_at is not None
    User.objects.filter(pk=org.county1_user.pk).update(password_changed_at=timezone.now() - timedelta(days=100))
    assert client.get("/enterprises/")["Location"] == "/password/change/?expired=1"
