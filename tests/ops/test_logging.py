"""Structured logs: one JSON line per request with its request id; no password, token or secret key in logs."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.test import Client
from tests_support import PASSWORD

from devzone.core import services as core_services
from devzone.ops.logs import REDACTED, redact


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    """Point the configured console handler (settings.LOGGING) at a buffer, with everything at DEBUG."""
    handler = next(h for h in logging.getLogger().handlers if h.name == "console")
    buffer = io.StringIO()
    old_stream = handler.setStream(buffer)
    root = logging.getLogger()
    old_level = root.level
    root.setLevel(logging.DEBUG)
    try:
        yield buffer
    finally:
        root.setLevel(old_level)
        handler.setStream(old_stream)


def _entries(buffer: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in buffer.getvalue().splitlines() if line.strip()]


def test_each_request_logs_one_json_line_with_its_request_id(org, login, log_lines):
    client = login(org.county1_user)
    response = client.get("/enterprises/")
    request_id = response["X-Request-ID"]
    assert len(request_id) == 32
    lines = [e for e in _entries(log_lines) if e["logger"] == "devzone.request" and e["path"] == "/enterprises/"]
    assert len(lines) == 1
    entry = lines[0]
    assert entry["request_id"] == request_id
    assert entry["status"] == 200 and entry["method"] == "GET" and entry["route"] == "enterprises:list"
    assert entry["user_id"] == org.county1_user.pk and entry["duration_ms"] >= 0
    assert entry["level"] == "INFO" and entry["time"].endswith("+00:00")


def test_incoming_request_id_is_kept_and_echoed(db, log_lines):
    response = Client().get("/healthz", HTTP_X_REQUEST_ID="proxy-abc-12345678")
    assert response["X-Request-ID"] == "proxy-abc-12345678"
    assert any(e.get("request_id") == "proxy-abc-12345678" for e in _entries(log_lines))


def test_malformed_request_id_is_replaced(db):
    response = Client().get("/healthz", HTTP_X_REQUEST_ID="bad id\nwith newline")
    assert response["X-Request-ID"] != "bad id\nwith newline" and len(response["X-Request-ID"]) == 32


def test_lines_logged_while_serving_carry_the_request_id(org, login, log_lines):
    """Django's own warning for a 404 goes through the same filter and carries the id."""
    response = login(org.county1_user).get("/enterprises/999999/")
    warnings = [e for e in _entries(log_lines) if e["logger"] == "django.request"]
    assert warnings and all(e["request_id"] == response["X-Request-ID"] for e in warnings)


def test_failed_login_logs_no_password(org, log_lines):
    secret_password = "Wr0ng-But-Secret-Passw0rd!"
    Client().post("/login/", {"username": "county1", "password": secret_password})
    text = log_lines.getvalue()
    assert text, "the failed login should have been logged"
    assert secret_password not in text


def test_api_token_and_secret_key_never_logged(org, log_lines):
    _token, raw = core_services.api_token_create(actor=org.admin, user=org.county1_user, name="t")
    client = Client()
    client.get("/api/v1/enterprises", HTTP_AUTHORIZATION=f"Bearer {raw}")
    client.get("/api/v1/enterprises?token=" + raw)
    logging.getLogger("devzone.test").warning("config dump SECRET_KEY=%s password=%s", settings.SECRET_KEY,
                                              PASSWORD)
    text = log_lines.getvalue()
    assert raw not in text and settings.SECRET_KEY not in text and PASSWORD not in text
    assert REDACTED in text


@pytest.mark.parametrize("raw", ["password=hunter2&next=/", '{"password": "hunter2"}', "Authorization: Bearer hunter2",
                                 "token=hunter2", "'new_password1': 'hunter2'"])
def test_redact(raw):
    assert "hunter2" not in redact(raw)
