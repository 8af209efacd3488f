"""Errors raised by services and selectors, with messages users can read.

This module imports nothing from Django so that pure code (the evaluation engine, intake) may use it.
"""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain was broken; `message` is shown to the user as it is."""

    code = "invalid"
    status = 400

    def __init__(self, message: str, *, details: list[dict] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []


class ValidationFailed(DomainError):
    code = "validation_error"
    status = 422


class NotFound(DomainError):
    """The object does not exist or lies outside the user's jurisdiction (the two look the same)."""

    code = "not_found"
    status = 404

    def __init__(self, message: str = "对象不存在或不在您的管辖范围内", **kwargs) -> None:
        super().__init__(message, **kwargs)


class PermissionDenied(DomainError):
    code = "forbidden"
    status = 403


class Conflict(DomainError):
    """The object changed since the client read it (optimistic locking) or a uniqueness rule failed."""

    code = "conflict"
    status = 409


class StorageFull(DomainError):
    """The server could not store a file (disk or quota full); nothing was saved."""

    code = "storage_full"
    status = 507
