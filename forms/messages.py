"""Vietnamese messages for JSON Schema validation errors, keyed by field path.

A schema may replace any message with ``x-messages``, a mapping from keyword to
text, on the schema that carries the keyword (for ``required``: on the field's own
schema), e.g. ``{pattern: "Mã số thuế gồm 10 hoặc 13 chữ số."}``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from jsonschema.exceptions import ValidationError

REQUIRED = "Trường này là bắt buộc."
INVALID = "Giá trị không hợp lệ."
INVALID_DATE = "Ngày không hợp lệ (dd/mm/yyyy)."

_TYPE_MESSAGES = {
    "integer": "Phải là số nguyên.",
    "number": "Phải là số.",
    "string": "Phải là chuỗi ký tự.",
    "boolean": "Phải là có hoặc không.",
    "array": "Phải là danh sách.",
    "object": "Phải là một nhóm giá trị.",
    "null": "Phải để trống.",
}
_FORMAT_MESSAGES = {
    "date": INVALID_DATE,
    "date-time": "Thời điểm không hợp lệ.",
    "time": "Giờ không hợp lệ.",
    "email": "Địa chỉ thư điện tử không hợp lệ.",
    "uri": "Địa chỉ không hợp lệ.",
}
_BOUND_MESSAGES = {
    "minimum": "Phải lớn hơn hoặc bằng {}.",
    "maximum": "Phải nhỏ hơn hoặc bằng {}.",
    "exclusiveMinimum": "Phải lớn hơn {}.",
    "exclusiveMaximum": "Phải nhỏ hơn {}.",
    "multipleOf": "Phải là bội số của {}.",
}
_COUNT_MESSAGES = {
    "minLength": "Tối thiểu {} ký tự.",
    "maxLength": "Tối đa {} ký tự.",
    "minItems": "Cần ít nhất {} mục.",
    "maxItems": "Tối đa {} mục.",
    "minProperties": "Cần ít nhất {} giá trị.",
    "maxProperties": "Tối đa {} giá trị.",
}
_FIXED_MESSAGES = {
    "enum": INVALID,
    "const": INVALID,
    "pattern": "Không đúng định dạng yêu cầu.",
    "uniqueItems": "Các mục không được trùng nhau.",
    "additionalProperties": "Có giá trị không được phép.",
    "unevaluatedProperties": "Có giá trị không được phép.",
}


def format_number(value: Any) -> str:
    """Write a number the Vietnamese way: ``1.500.000``, ``12,5``."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}".replace(",", ".")
    if isinstance(value, float):
        return f"{value:,}".replace(",", "\0").replace(".", ",").replace("\0", ".")
    return str(value)


def join_path(parts: Iterable[str | int]) -> str:
    """Return the dotted field path (``"tasks.0.status"``) for a JSON path."""
    return ".".join(str(p) for p in parts)


def describe_error(error: ValidationError) -> list[tuple[str, str]]:
    """Return ``(field path, Vietnamese message)`` pairs for one validation error."""
    path = list(error.absolute_path)
    keyword = error.validator if isinstance(error.validator, str) else ""
    schema = error.schema if isinstance(error.schema, Mapping) else {}
    if keyword in ("required", "dependentRequired"):
        instance = error.instance if isinstance(error.instance, Mapping) else {}
        names = error.validator_value
        if keyword == "dependentRequired" and isinstance(names, Mapping):
            names = [n for trigger, needed in names.items() if trigger in instance for n in needed]
        properties = schema.get("properties", {})
        pairs: list[tuple[str, str]] = []
        for name in names if isinstance(names, list) else []:
            if name not in instance:
                prop = properties.get(name) if isinstance(properties, Mapping) else None
                pairs.append((join_path([*path, name]), _custom(prop, "required") or REQUIRED))
        return pairs
    return [(join_path(path), _custom(schema, keyword) or _message(keyword, error.validator_value))]


def _custom(schema: Any, keyword: str) -> str | None:
    messages = schema.get("x-messages") if isinstance(schema, Mapping) else None
    text = messages.get(keyword) if isinstance(messages, Mapping) else None
    return text if isinstance(text, str) and text else None


def _message(keyword: str, value: Any) -> str:
    if keyword == "type":
        names = [value] if isinstance(value, str) else list(value) if isinstance(value, list) else []
        wanted = [n for n in names if n != "null"] or names
        return _TYPE_MESSAGES.get(str(wanted[0]), INVALID) if wanted else INVALID
    if keyword == "format":
        return _FORMAT_MESSAGES.get(str(value), "Sai định dạng.")
    if keyword in _BOUND_MESSAGES:
        return _BOUND_MESSAGES[keyword].format(format_number(value))
    if keyword in _COUNT_MESSAGES:
        return _COUNT_MESSAGES[keyword].format(value)
    return _FIXED_MESSAGES.get(keyword, INVALID)
