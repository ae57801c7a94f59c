"""Validating a submission: clean and coerce, then check against the JSON Schema."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker

from forms.coerce import clean_submission, to_iso_date
from forms.errors import FormValidationError
from forms.loader import load_form
from forms.messages import describe_error
from forms.model import FormDefinition

_FORMAT_CHECKER = FormatChecker()


@_FORMAT_CHECKER.checks("date")
def _is_iso_date(value: object) -> bool:
    """Accept only real calendar dates written ``yyyy-mm-dd`` (after cleaning)."""
    return not isinstance(value, str) or to_iso_date(value) == value


@functools.lru_cache(maxsize=256)
def _validator(definition: FormDefinition) -> Draft202012Validator:
    return Draft202012Validator(definition.schema, format_checker=_FORMAT_CHECKER)


def validate_submission(
    key: str, data: Mapping[str, Any], *, directory: Path | None = None
) -> dict[str, Any]:
    """Clean ``data`` for the form ``key`` and validate it; return the cleaned values.

    Raises ``FormNotFound``/``InvalidFormDefinition`` for the form itself, and
    ``FormValidationError`` with every field error at once (Vietnamese messages,
    ``.data`` holding the cleaned submitted values for redisplay).
    """
    return validate_form_data(load_form(key, directory=directory), data)


def validate_form_data(definition: FormDefinition, data: Mapping[str, Any]) -> dict[str, Any]:
    """Do what ``validate_submission`` does, for an already loaded definition."""
    if not isinstance(data, Mapping):
        raise FormValidationError(_summary(1), {"": ["Dữ liệu gửi lên không hợp lệ."]}, {})
    cleaned = clean_submission(definition.schema, data)
    errors: dict[str, list[str]] = {}
    for error in _validator(definition).iter_errors(cleaned):
        for path, message in describe_error(error):
            bucket = errors.setdefault(path, [])
            if message not in bucket:
                bucket.append(message)
    if errors:
        raise FormValidationError(_summary(len(errors)), _in_form_order(definition, errors), cleaned)
    return cleaned


def _summary(count: int) -> str:
    return f"Biểu mẫu có {count} trường chưa hợp lệ. (The form has {count} invalid field(s).)"


def _in_form_order(definition: FormDefinition, errors: dict[str, list[str]]) -> dict[str, list[str]]:
    """Order errors as the fields are shown: form-level first, then layout order."""
    position = {description.name: index for index, description in enumerate(definition.fields)}

    def rank(path: str) -> int:
        if not path:
            return -1
        return position.get(path.split(".", 1)[0], len(position))

    return dict(sorted(errors.items(), key=lambda item: rank(item[0])))
