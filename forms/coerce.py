"""Cleaning submitted values: HTML-form strings to the types the schema asks for.

Rules, applied by the schema of each value:

* strings are stripped; an empty string means "not given" and the field is omitted;
* integer: ``"1500000"``, ``"1.500.000"`` (Vietnamese thousands separator ``.``,
  a space also works) -> ``1500000``;
* number: as integer, plus a decimal comma ``"12,5"`` -> ``12.5`` (a decimal point
  is accepted when it cannot be a thousands separator: ``"12.5"`` -> ``12.5``, but
  ``"12.500"`` -> ``12500``);
* boolean: ``on/true/1/yes/có`` -> ``True``, ``off/false/0/no/không`` -> ``False``;
* ``format: date``: ``dd/mm/yyyy`` (also ``-`` or ``.`` between parts) or ISO
  ``yyyy-mm-dd`` -> ISO ``yyyy-mm-dd`` when it is a real calendar date;
* array: a single string becomes a one-item list; a mapping keyed ``"0"``, ``"1"``...
  becomes a list in index order;
* objects with ``properties`` drop keys they do not define (unless
  ``additionalProperties`` allows them); dotted keys such as ``"tasks.0.status"``
  are unflattened first.

A value that cannot be converted is kept as given, so validation reports it and the
page can show the user's own input again.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any, Final

from forms._schema import resolve, schema_types

_OMIT: Final = object()
_MAX_DIGITS = 30

_PLAIN_INT = re.compile(r"[+-]?[0-9]+")
_GROUPED_INT = re.compile(r"([+-]?[0-9]{1,3})((?:([. \u00a0])[0-9]{3})(?:\3[0-9]{3})*)")
_DECIMAL_COMMA = re.compile(r"([+-]?[0-9][0-9. \u00a0]*),([0-9]+)")
_DECIMAL_POINT = re.compile(r"[+-]?[0-9]+\.[0-9]+")
_DMY_DATE = re.compile(r"([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4})")
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_TRUE = frozenset({"on", "true", "1", "yes", "có", "co"})
_FALSE = frozenset({"off", "false", "0", "no", "không", "khong"})


def parse_integer(text: str) -> int | None:
    """Read ``"1500000"`` or ``"1.500.000"`` as an int; ``None`` if it is not one."""
    text = text.strip()
    digits: str | None = None
    if _PLAIN_INT.fullmatch(text):
        digits = text
    else:
        grouped = _GROUPED_INT.fullmatch(text)
        if grouped:
            digits = grouped.group(1) + re.sub(r"[^0-9]", "", grouped.group(2))
    if digits is None or len(digits) > _MAX_DIGITS:
        return None
    return int(digits)


def parse_number(text: str) -> int | float | None:
    """Read an integer as ``parse_integer`` does, or a decimal (``"12,5"``, ``"12.5"``)."""
    text = text.strip()
    whole = parse_integer(text)
    if whole is not None:
        return whole
    if len(text) > 2 * _MAX_DIGITS:
        return None
    comma = _DECIMAL_COMMA.fullmatch(text)
    if comma:
        head = parse_integer(comma.group(1))
        if head is None:
            return None
        sign = "-" if comma.group(1).startswith("-") else ""
        return float(f"{sign}{abs(head)}.{comma.group(2)}")
    if _DECIMAL_POINT.fullmatch(text):
        return float(text)
    return None


def parse_boolean(text: str) -> bool | None:
    """Read a checkbox or yes/no answer; ``None`` if it is neither."""
    word = text.strip().lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    return None


def to_iso_date(text: str) -> str | None:
    """Return ``yyyy-mm-dd`` for a real date written ``dd/mm/yyyy`` or ISO, else ``None``."""
    text = text.strip()
    dmy = _DMY_DATE.fullmatch(text)
    iso = _ISO_DATE.fullmatch(text)
    try:
        if dmy:
            return dt.date(int(dmy.group(3)), int(dmy.group(2)), int(dmy.group(1))).isoformat()
        if iso:
            return dt.date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3))).isoformat()
    except ValueError:
        return None
    return None


def clean_submission(schema: Mapping[str, Any], data: Mapping[str, Any]) -> dict[str, Any]:
    """Return ``data`` cleaned and coerced for the form ``schema`` (see the module doc)."""
    return _clean_object(schema, schema, unflatten(schema, data))


def unflatten(schema: Mapping[str, Any], data: Mapping[str, Any]) -> dict[str, Any]:
    """Turn keys such as ``"tasks.0.status"`` into nested mappings for known fields."""
    properties = schema.get("properties", {})
    result: dict[str, Any] = {}
    for key, value in data.items():
        if not isinstance(key, str):
            continue
        head, dot, rest = key.partition(".")
        if not dot or key in properties or head not in properties:
            result.setdefault(key, value)
            continue
        node = result.setdefault(head, {})
        parts = rest.split(".")
        for part in parts[:-1]:
            if not isinstance(node, dict):
                break
            node = node.setdefault(part, {})
        if isinstance(node, dict):
            node.setdefault(parts[-1], value)
    return result


def _clean_object(root: Mapping[str, Any], schema: Any, value: Mapping[Any, Any]) -> dict[str, Any]:
    schema = resolve(root, schema)
    if not isinstance(schema, Mapping):
        return {str(k): v for k, v in value.items()}
    properties = schema.get("properties")
    properties = properties if isinstance(properties, Mapping) else {}
    others = schema.get("additionalProperties")
    keep_others = others is not False and (others is not None or "properties" not in schema)
    out: dict[str, Any] = {}
    for key, raw in value.items():
        if not isinstance(key, str):
            continue
        if key in properties:
            cleaned = _clean_value(root, properties[key], raw)
        elif keep_others:
            cleaned = _clean_value(root, others if isinstance(others, Mapping) else {}, raw)
        else:
            continue
        if cleaned is not _OMIT:
            out[key] = cleaned
    return out


def _clean_value(root: Mapping[str, Any], schema: Any, raw: Any) -> Any:
    schema = resolve(root, schema)
    types = schema_types(schema)
    if isinstance(raw, str):
        text = raw.strip()
        return _OMIT if not text else _from_text(root, schema, types, text)
    if isinstance(raw, Mapping) and "array" in types and raw and all(_is_index(k) for k in raw):
        raw = [raw[k] for k in sorted(raw, key=lambda k: int(str(k)))]
    if isinstance(raw, list | tuple):
        if "array" in types:
            items = schema.get("items", {}) if isinstance(schema, Mapping) else {}
            cleaned = [_clean_value(root, items, item) for item in raw]
            kept = [item for item in cleaned if item is not _OMIT]
            return _OMIT if raw and not kept else kept
        if len(raw) == 1:
            return _clean_value(root, schema, raw[0])
        return list(raw)
    if isinstance(raw, Mapping):
        if "object" in types or (isinstance(schema, Mapping) and "properties" in schema):
            return _clean_object(root, schema, raw)
        return {str(k): v for k, v in raw.items()}
    return raw


def _is_index(key: Any) -> bool:
    return isinstance(key, str) and 0 < len(key) <= 6 and key.isascii() and key.isdigit()


def _from_text(root: Mapping[str, Any], schema: Any, types: tuple[str, ...], text: str) -> Any:
    if not types or "string" in types:
        if isinstance(schema, Mapping) and schema.get("format") == "date":
            return to_iso_date(text) or text
        return text
    for name in ("integer", "number", "boolean"):
        if name not in types:
            continue
        parsed: Any = {"integer": parse_integer, "number": parse_number, "boolean": parse_boolean}[name](text)
        if parsed is not None:
            return parsed
    if "array" in types:
        items = schema.get("items", {}) if isinstance(schema, Mapping) else {}
        return [_clean_value(root, items, text)]
    return text
