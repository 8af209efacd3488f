"""Schemas shared by the routers."""

from __future__ import annotations

from typing import Any

from ninja import Schema

from devzone.core import security


class ErrorOut(Schema):
    code: str
    message: str
    details: list[dict] = []


ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
READ_ERRORS = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def masked(kind: str, attribute: str) -> Any:
    """A ninja resolver (`resolve_phone = masked("phone", "phone")`) that returns `attribute` masked as `kind`
    (core.security: "phone" | "id_number") unless the requesting user's roles need it in full."""

    def resolve(obj: Any, context: dict | None) -> Any:
        value = obj.get(attribute) if isinstance(obj, dict) else getattr(obj, attribute)
        request = (context or {}).get("request")
        return value if security.sees_sensitive(getattr(request, "user", None)) else security.mask(kind, value)

    return staticmethod(resolve)
