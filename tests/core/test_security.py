"""Security basics: argon2, lockout after five failures, idle expiry, complexity, CSRF, secret key, headers."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.auth.hashers import get_hashers
from django.core.exceptions import ValidationError
from django.test import Client
from tests_support import PASSWORD

from devzone.core.models import AuditEvent
from devzone.core.passwords import ComplexityValidator


def test_production_hasher_is_argon2():
    import devzone.settings as production

    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert any(h.algorithm == "argon2" for h in get_hashers())


def test_idle_session_expiry_is_thirty_minutes():
    assert settings.SESSION_COOKIE_AGE == 1800 and settings.SESSION_SAVE_EVERY_REQUEST


def test_lockout_after_five_failures(org):
    client = Client()
    for _ in range(5):
        response = client.post("/login/", {"username": "county1", "password": "wrong-password"})
    response = client.post("/login/", {"username": "county1", "password": PASSWORD})
    assert response.status_code == 429
    assert "锁定" in response.content.decode()
    assert AuditEvent.objects.filter(action="login_failed").count() >= 5


def test_successful_login_is_audited(org, login):
    login(org.county1_user)
    assert AuditEvent.objects.filter(action="login", actor_username="county1").exists()


@pytest.mark.parametrize("password,ok", [("abcdefghij", False), ("abcdefghi1", False), ("Abcdefgh1!", True),
                                         ("abcdefgh1!", True)])
def test_complexity_validator(password, ok):
    validator = ComplexityValidator(min_classes=3)
    if ok:
        validator.validate(password)
    else:
        with pytest.raises(ValidationError):
            validator.validate(password)


def test_forms_enforce_csrf(org):
    client = Client(enforce_csrf_checks=True)
    client.force_login(org.county1_user)
    response = client.post("/org/zones/new/", {"name": "x"})
    assert response.status_code == 403


def test_pages_require_login(db):
    response = Client().get("/enterprises/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_security_headers(org, login):
    response = login(org.county1_user).get("/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def _settings_subprocess(env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DEVZONE_")}
    return subprocess.run([sys.executable, "-c", "import devzone.settings as s; print(s.SESSION_COOKIE_SECURE, "
                           "getattr(s, 'SECURE_HSTS_SECONDS', 0))"],
                          env={**clean, **env}, capture_output=True, text=True, timeout=60)


def test_production_refuses_to_start_without_secret_key(tmp_path):
    result = _settings_subprocess({"DEVZONE_DATA_DIR": str(tmp_path)})
    assert result.returncode != 0 and "DEVZONE_SECRET_KEY" in result.stderr


def test_production_defaults_are_secure(tmp_path):
    result = _settings_subprocess({"DEVZONE_DATA_DIR": str(tmp_path), "DEVZONE_SECRET_KEY": "k" * 50})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "31536000"]
