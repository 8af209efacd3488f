"""One JSON error shape for every failure: {"code": ..., "message": ..., "details": [...]}."""

from __future__ import annotations

import logging
import sys

from django.db import DataError, InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from devzone.core.errors import DomainError

logger = logging.getLogger("devzone.api")
UNAVAILABLE = (OperationalError, InterfaceError)  # the database cannot be reached (restarting, locked, down)
UNAVAILABLE_MESSAGE = "数据库暂时不可用,请稍后重试"
RETRY_AFTER_SECONDS = "5"


def error_body(code: str, message: str, details: list | None = None) -> dict:
    return {"code": code, "message": message, "details": details or []}


def _location(loc) -> str:
    return ".".join(str(part) for part in loc if part not in ("body", "payload", "query", "path"))


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, exc: DomainError):
        return api.create_response(request, error_body(exc.code, exc.message, exc.details), status=exc.status)

    @api.exception_handler(NinjaValidationError)
    def validation_error(request: HttpRequest, exc: NinjaValidationError):
        details = [{"field": _location(err.get("loc", ())), "message": err.get("msg", "")} for err in exc.errors]
        return api.create_response(
            request, error_body("validation_error", "请求数据校验未通过", details), status=422)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404):
        return api.create_response(request, error_body("not_found", "对象不存在或不在您的管辖范围内"), status=404)

    @api.exception_handler(AuthenticationError)
    def unauthorised(request: HttpRequest, exc: AuthenticationError):
        return api.create_response(request, error_body("unauthorized", "未登录或令牌无效"), status=401)

    @api.exception_handler(OverflowError)
    def overflow(request: HttpRequest, exc: OverflowError):
        # an id or number beyond what the database column holds (SQLite raises OverflowError)
        return api.create_response(request, error_body("validation_error", "数值超出允许范围"), status=422)

    @api.exception_handler(DataError)
    def data_error(request: HttpRequest, exc: DataError):
        # PostgreSQL refuses out-of-range integers and the like; the service's transaction has rolled back
        return api.create_response(request, error_body("validation_error", "数值超出允许范围或格式不被数据库接受"),
                                   status=422)

    @api.exception_handler(OperationalError)
    @api.exception_handler(InterfaceError)
    def database_unavailable(request: HttpRequest, exc: Exception):
        logger.error("database unavailable: %s", exc, exc_info=exc)
        response = api.create_response(request, error_body("unavailable", UNAVAILABLE_MESSAGE), status=503)
        response["Retry-After"] = RETRY_AFTER_SECONDS
        return response

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError):
        code = {400: "bad_request", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
                409: "conflict"}.get(exc.status_code, "error")
        return api.create_response(request, error_body(code, str(exc)), status=exc.status_code)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler404: under /api/ a URL that matches no route (e.g. a malformed id in the path) answers with the
    API's JSON error shape, like every other API error; pages keep Django's 404 page."""
    if request.path.startswith("/api/"):
        return JsonResponse(error_body("not_found", "接口不存在或路径参数格式不正确"), status=404,
                            json_dumps_params={"ensure_ascii": False})
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500 (Django has already logged the exception): the database being unreachable answers 503 with
    Retry-After, so clients and nginx know to retry; under /api/ every failure keeps the JSON error shape."""
    unavailable = isinstance(sys.exc_info()[1], UNAVAILABLE)
    if request.path.startswith("/api/"):
        body = error_body("unavailable", UNAVAILABLE_MESSAGE) if unavailable else error_body(
            "server_error", "服务器内部错误,已记录,请稍后重试或联系管理员")
        response: HttpResponse = JsonResponse(body, status=503 if unavailable else 500,
                                              json_dumps_params={"ensure_ascii": False})
    elif unavailable:
        response = HttpResponse(f"<!doctype html><meta charset=utf-8><title>系统暂时不可用</title>"
                                f"<h1>系统暂时不可用</h1><p>{UNAVAILABLE_MESSAGE}。</p>", status=503)
    else:
        return defaults.server_error(request)
    if unavailable:
        response["Retry-After"] = RETRY_AFTER_SECONDS
    return response
