"""Every error under ``/api/v1`` answered as JSON, in one shape.

    {"error": {"code": "stale", "message": "<Vietnamese>", "fields": {"values.summary": "<Vietnamese>"}}}

Errors raised inside the API's views reach the blueprint's handlers. A request that matches no
route (404) or no method (405) never reaches the blueprint, so ``install`` also puts app-wide
handlers for those two codes in place that answer JSON under the API's prefix and hand every other
path on: to the app's handler for that code registered earlier, else to an app-wide handler for the
exception's class, else to Flask's default page.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask import Blueprint, Response, jsonify, request
from flask.blueprints import BlueprintSetupState
from flask.sansio.app import App
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException, MethodNotAllowed, default_exceptions

from engine import EngineError, InvalidSubmission, NotFound, NotPermitted, StaleTask, TooManyAttempts
from web.errors import status_for


class ApiError(Exception):
    """An answer the API gives on purpose: status, a stable code, a Vietnamese message, field details."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        fields: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = dict(fields or {})
        self.headers = dict(headers or {})


# Stable codes for the HTTP errors clients meet; others fall back to "http_<status>".
HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    429: "too_many_requests",
    500: "internal_error",
}


def http_message(status: int) -> str:
    """Return the Vietnamese message for an HTTP error the API did not raise itself."""
    messages = {
        400: _("Yêu cầu không hợp lệ."),
        401: _("Cần đăng nhập bằng mã truy cập (Bearer token)."),
        403: _("Bạn không có quyền thực hiện thao tác này."),
        404: _("Không tìm thấy địa chỉ này trong API."),
        405: _("Địa chỉ này không hỗ trợ phương thức HTTP đã dùng."),
        413: _("Nội dung gửi lên quá lớn."),
        415: _("Kiểu nội dung không được hỗ trợ; hãy gửi JSON."),
        500: _("Lỗi máy chủ; vui lòng thử lại sau."),
    }
    return str(messages.get(status, _("Yêu cầu không thực hiện được.")))


def stale_message() -> str:
    """Return the message of a 409: the item changed, reload it."""
    return str(_("Mục này đã thay đổi, hãy tải lại để lấy phiên bản mới nhất rồi thử lại."))


def error_response(
    status: int,
    code: str,
    message: str,
    fields: Mapping[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """Build the JSON error answer."""
    body: dict[str, Any] = {"code": code, "message": message}
    if fields:
        body["fields"] = dict(fields)
    response = jsonify({"error": body})
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def joined(messages: list[str]) -> str:
    """Return a field's messages as one sentence list."""
    return " ".join(m.strip() for m in messages if m.strip())


def engine_error_response(
    error: EngineError, *, field_prefix: Callable[[str], str] | None = None
) -> Response:
    """Map an engine error to its JSON answer; ``field_prefix`` names fields as the request body does."""
    if isinstance(error, InvalidSubmission):
        rename = field_prefix or (lambda name: name)
        fields = {rename(name): joined(messages) for name, messages in error.field_errors.items()}
        return error_response(422, "invalid", error.message, fields)
    if isinstance(error, StaleTask):
        return error_response(409, "stale", stale_message())
    if isinstance(error, TooManyAttempts):
        return error_response(
            429, "too_many_attempts", error.message, headers={"Retry-After": str(error.retry_after_s)}
        )
    if isinstance(error, NotFound):
        return error_response(404, "not_found", error.message)
    if isinstance(error, NotPermitted):
        return error_response(403, "forbidden", error.message)
    return error_response(status_for(error), "rejected", error.message)


def http_error_response(error: HTTPException) -> Response:
    """Answer an HTTP error (routing, method, size, malformed request) as JSON."""
    status = error.code or 500
    headers = {}
    if isinstance(error, MethodNotAllowed) and error.valid_methods:
        headers["Allow"] = ", ".join(error.valid_methods)
    return error_response(
        status, HTTP_CODES.get(status, f"http_{status}"), http_message(status), None, headers
    )


def install(bp: Blueprint, prefix: str) -> None:
    """Register the JSON error handlers on the API blueprint and, for routing errors, on the app."""
    bp.register_error_handler(ApiError, _api_error)
    bp.register_error_handler(EngineError, engine_error_response)
    # One handler per code, so an app-wide handler for the same code never wins over the API's.
    for status in default_exceptions:
        bp.register_error_handler(status, http_error_response)

    def setup(state: BlueprintSetupState) -> None:
        for status in (404, 405):
            _json_under_prefix(state.app, status, prefix)

    bp.record_once(setup)


def _api_error(error: ApiError) -> Response:
    return error_response(error.status, error.code, error.message, error.fields, error.headers)


def _json_under_prefix(app: App, status: int, prefix: str) -> None:
    earlier = app.error_handler_spec[None].get(status, {})
    previous = next(iter(earlier.values()), None)

    def handle(error: HTTPException) -> Any:
        if request.path == prefix or request.path.startswith(prefix + "/"):
            return http_error_response(error)
        if previous is not None:
            return previous(error)
        # An app-wide handler by exception class (say, for every HTTPException) still gets its turn.
        by_class = app.error_handler_spec[None].get(None, {})
        for kind in type(error).__mro__:
            if kind in by_class:
                return by_class[kind](error)
        return error

    app.register_error_handler(status, handle)
