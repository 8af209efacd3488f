"""Per-request context: a request id (X-Request-ID, taken from the proxy when well-formed, else generated and
echoed back), a latency observation for /metrics, and one JSON log line per request (logger devzone.request)."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from devzone.ops.logs import request_id_var
from devzone.ops.metrics import observe_request

logger = logging.getLogger("devzone.request")
_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
UNRESOLVED = "<unresolved>"


def request_id_from(request: HttpRequest) -> str:
    incoming = request.headers.get("X-Request-ID", "")
    return incoming if _VALID_ID.match(incoming) else uuid.uuid4().hex


def route_name(request: HttpRequest) -> str:
    """A low-cardinality name for the route: the URL name (namespace:name), else its pattern."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return UNRESOLVED
    return match.view_name or match.route or UNRESOLVED


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_from(request)
        request.request_id = request_id
        token = request_id_var.set(request_id)
        start = time.perf_counter()
        try:
            response = self.get_response(request)
            elapsed = time.perf_counter() - start
            response.headers["X-Request-ID"] = request_id
            route = route_name(request)
            observe_request(route=route, method=request.method or "", status=response.status_code, seconds=elapsed)
            self._log(request, response, route, elapsed)
            return response
        finally:
            request_id_var.reset(token)

    @staticmethod
    def _log(request: HttpRequest, response: HttpResponse, route: str, elapsed: float) -> None:
        user = getattr(request, "user", None)
        user_id = user.pk if user is not None and user.is_authenticated else None
        logger.info("%s %s %s", request.method, request.path, response.status_code, extra={
            "method": request.method, "path": request.path, "route": route, "status": response.status_code,
            "duration_ms": round(elapsed * 1000, 2), "user_id": user_id,
            "remote_addr": request.META.get("REMOTE_ADDR", ""),
        })


class PasswordExpiryMiddleware:
    """Signed-in users whose password is older than PASSWORD_MAX_AGE_DAYS are sent to change it first
    (pages only: the API authenticates with tokens, whose own expiry is set when they are made)."""

    EXEMPT_PREFIXES = ("/password/", "/logout/", "/login/", "/static/", "/healthz", "/readyz", "/metrics", "/api/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from devzone.core.security import password_expired, start_password_clock

        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.password_changed_at is None:
            start_password_clock(user)
        if (user is not None and user.is_authenticated and not request.path.startswith(self.EXEMPT_PREFIXES)
                and password_expired(user)):
            return redirect_to_password_change(request)
        return self.get_response(request)


def redirect_to_password_change(request: HttpRequest) -> HttpResponse:
    from django.shortcuts import redirect
    from django.urls import reverse

    return redirect(reverse("password_change") + "?expired=1")
