"""Structured logs: one JSON object per line, every line carrying the request id of the request that caused it.

`RequestIdFilter` copies the id from a context variable (set by `ops.middleware.RequestContextMiddleware`) onto
each record; `JsonFormatter` writes the record as JSON and `redact` scrubs anything that looks like a secret
(password fields, bearer tokens, the secret key) before it is written.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
from datetime import UTC, datetime

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("devzone_request_id", default="-")

_SECRET_PATTERNS = [
    # password=..., "password": "...", token=..., secret=... in query strings, form dumps and JSON
    re.compile(r"""(?i)(["']?(?:password\d?|passwd|pwd|token|secret|api[_-]?key|csrfmiddlewaretoken|sessionid)["']?"""
               r"""\s*[:=]\s*["']?)([^"'&\s,;}]+)"""),
    re.compile(r"(?i)(bearer\s+)([A-Za-z0-9._~+/=-]+)"),
]
REDACTED = "[已隐去]"
# Standard LogRecord attributes; anything else a caller passes with extra= is written as a field.
_RESERVED = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "request_id"}


def redact(text: str) -> str:
    """Replace secret-looking values (and the configured SECRET_KEY) with a marker."""
    for pattern in _SECRET_PATTERNS:
        text = pattern.sub(lambda m: m.group(1) + REDACTED, text)
    secret = _secret_key()
    if secret and secret in text:
        text = text.replace(secret, REDACTED)
    return text


def _secret_key() -> str:
    try:
        from django.conf import settings

        return settings.SECRET_KEY if settings.configured else ""
    except Exception:  # logging must never fail because settings are not ready
        return ""


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record (the id of the request being served, or "-")."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            # Django logs 4xx/5xx responses (django.request) after the middleware has returned: take the id
            # from the request it passes along.
            request = getattr(record, "request", None)
            record.request_id = getattr(request, "request_id", None) or request_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, request_id, extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
            "request_id": getattr(record, "request_id", request_id_var.get()),
        }
        for key, value in record.__dict__.items():
            if key not in _RESERVED and not key.startswith("_"):
                entry[key] = value if isinstance(value, int | float | bool | type(None)) else redact(str(value))
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False, default=str)
