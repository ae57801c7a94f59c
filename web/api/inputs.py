"""Checking request bodies and query strings before anything reaches the engine.

A body that is not JSON, or not a JSON object, is a 400; a body whose keys are missing, unknown or
of the wrong type is a 422 naming every such field. Nothing is changed in either case, because
the engine is not called.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import request
from flask_babel import gettext as _

from web.api.errors import ApiError

MAX_BODY_BYTES = 1024 * 1024
MAX_REQUEST_ID = 100
MAX_TEXT = 200
MAX_PER_PAGE = 200
MAX_PAGE = 100_000
DEFAULT_PER_PAGE = 50


def json_body() -> dict[str, Any]:
    """Return the request's JSON object, or raise a 400 when it is missing, malformed or not an object."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        raise ApiError(400, "invalid_body", _("Cần gửi một đối tượng JSON trong nội dung yêu cầu."))
    mimetype = request.mimetype
    if mimetype and mimetype != "application/json" and not mimetype.endswith("+json"):
        raise ApiError(415, "unsupported_media_type", _("Kiểu nội dung không được hỗ trợ; hãy gửi JSON."))
    body = request.get_json(force=True, silent=True)
    if body is None:
        raise ApiError(400, "malformed_json", _("Nội dung yêu cầu không phải JSON hợp lệ."))
    if not isinstance(body, dict):
        raise ApiError(400, "invalid_body", _("Nội dung yêu cầu phải là một đối tượng JSON."))
    return body


class BodyChecker:
    """Read typed keys out of a JSON object, collecting one Vietnamese message per bad field."""

    def __init__(self, body: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
        self._body = body
        self.errors: dict[str, str] = {}
        for key in body:
            if key not in allowed:
                self.errors[key] = _("Trường này không được hỗ trợ.")

    def integer(self, key: str, *, minimum: int = 0) -> int:
        """Return a required whole number of at least ``minimum``."""
        value = self._body.get(key)
        if key not in self._body or value is None:
            self.errors[key] = _("Trường này là bắt buộc.")
        elif isinstance(value, bool) or not isinstance(value, int):
            self.errors[key] = _("Phải là một số nguyên.")
        elif value < minimum:
            self.errors[key] = _("Phải lớn hơn hoặc bằng %(minimum)s.", minimum=minimum)
        else:
            return value
        return 0

    def text(self, key: str, *, max_length: int, required: bool = True) -> str:
        """Return a string, required and non-blank unless ``required`` is false."""
        value = self._body.get(key)
        if value is None:
            if required:
                self.errors[key] = _("Trường này là bắt buộc.")
            return ""
        if not isinstance(value, str):
            self.errors[key] = _("Phải là một chuỗi ký tự.")
            return ""
        if required and not value.strip():
            self.errors[key] = _("Trường này là bắt buộc.")
        elif len(value) > max_length:
            self.errors[key] = _("Tối đa %(count)s ký tự.", count=max_length)
        return value

    def mapping(self, key: str) -> dict[str, Any]:
        """Return an optional JSON object (empty when absent)."""
        value = self._body.get(key, {})
        if not isinstance(value, dict):
            self.errors[key] = _("Phải là một đối tượng JSON.")
            return {}
        return value

    def check(self) -> None:
        """Raise a 422 naming every bad field, if any."""
        if self.errors:
            raise ApiError(
                422,
                "invalid",
                _("Dữ liệu gửi lên chưa hợp lệ; xem chi tiết từng trường."),
                fields=self.errors,
            )


@dataclass(frozen=True)
class Paging:
    """A page of a list: its number (from 1) and size."""

    page: int
    per_page: int

    @property
    def offset(self) -> int:
        """Return how many rows come before this page."""
        return (self.page - 1) * self.per_page

    def envelope(
        self,
        items: list[Any],
        *,
        total: int | None = None,
        has_more: bool | None = None,
        page: int | None = None,
    ) -> dict[str, Any]:
        """Wrap ``items`` with the paging facts a client needs to fetch the next page.

        ``total`` is left out where counting is not offered; ``has_more`` then says whether a next
        page exists. ``page`` overrides the page asked for (the engine may clamp it).
        """
        shown = page or self.page
        if has_more is None:
            has_more = total is not None and shown * self.per_page < total
        body: dict[str, Any] = {
            "items": items,
            "page": shown,
            "per_page": self.per_page,
            "has_more": has_more,
        }
        if total is not None:
            body["total"] = total
        return body


class QueryChecker:
    """Read typed query-string parameters, collecting one Vietnamese message per bad parameter."""

    def __init__(self, allowed: tuple[str, ...]) -> None:
        self.errors: dict[str, str] = {}
        for key in request.args:
            if key not in allowed:
                self.errors[key] = _("Tham số này không được hỗ trợ.")

    def integer(
        self, key: str, *, default: int | None, minimum: int, maximum: int | None = None
    ) -> int | None:
        """Return an optional whole number between ``minimum`` and ``maximum``."""
        raw = request.args.get(key)
        if raw is None or raw == "":
            return default
        try:
            value = int(raw)
        except ValueError:
            self.errors[key] = _("Phải là một số nguyên.")
            return default
        if value < minimum or (maximum is not None and value > maximum):
            if maximum is None:
                self.errors[key] = _("Phải lớn hơn hoặc bằng %(minimum)s.", minimum=minimum)
            else:
                self.errors[key] = _(
                    "Phải nằm trong khoảng %(minimum)s đến %(maximum)s.", minimum=minimum, maximum=maximum
                )
            return default
        return value

    def choice(self, key: str, choices: tuple[str, ...], *, default: str | None = None) -> str | None:
        """Return an optional value out of ``choices``."""
        raw = request.args.get(key)
        if raw is None or raw == "":
            return default
        if raw not in choices:
            self.errors[key] = _(
                "Giá trị không hợp lệ; chọn một trong: %(choices)s.", choices=", ".join(choices)
            )
            return default
        return raw

    def text(self, key: str, *, max_length: int = MAX_TEXT) -> str:
        """Return an optional free text, trimmed."""
        raw = request.args.get(key, "").strip()
        if len(raw) > max_length:
            self.errors[key] = _("Tối đa %(count)s ký tự.", count=max_length)
            return ""
        return raw

    def flag(self, key: str) -> bool:
        """Return an optional true/false parameter (``true``/``false``, ``1``/``0``)."""
        raw = request.args.get(key, "").strip().lower()
        if raw in ("", "false", "0"):
            return False
        if raw in ("true", "1"):
            return True
        self.errors[key] = _("Phải là true hoặc false.")
        return False

    def paging(self) -> Paging:
        """Return the ``page`` and ``per_page`` parameters."""
        page = self.integer("page", default=1, minimum=1, maximum=MAX_PAGE) or 1
        per_page = self.integer("per_page", default=DEFAULT_PER_PAGE, minimum=1, maximum=MAX_PER_PAGE)
        return Paging(page, per_page or DEFAULT_PER_PAGE)

    def check(self) -> None:
        """Raise a 400 naming every bad parameter, if any."""
        if self.errors:
            raise ApiError(
                400,
                "invalid_query",
                _("Tham số truy vấn chưa hợp lệ; xem chi tiết từng tham số."),
                fields=self.errors,
            )
