"""Errors raised by the ``forms`` package.

::

    FormError
    ├── FormNotFound            no form with that key (or the key is not a valid name)
    ├── InvalidFormDefinition   the definition file itself is broken
    └── FormValidationError     submitted data failed validation (``field_errors``, ``data``)

Messages are Vietnamese first, English in parentheses, because they reach users.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


class FormError(Exception):
    """Base of every error the forms package raises on purpose."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class FormNotFound(FormError):
    """No form definition exists under that key, or the key is not a valid form name."""


class InvalidFormDefinition(FormError):
    """A form definition (YAML file or document) that cannot be used as it is.

    ``path`` names where in the document the problem is, as keys and list indices
    (``("layout", 2)``, ``("schema", "properties", "summary")``; empty when unknown);
    ``line`` is the 1-based line of the YAML source where known (``parse_form_source`` fills it).
    """

    def __init__(self, message: str, *, path: Sequence[str | int] = (), line: int | None = None) -> None:
        super().__init__(message)
        self.path: tuple[str | int, ...] = tuple(path)
        self.line = line


class FormValidationError(FormError):
    """Submitted data failed validation.

    ``field_errors`` maps a field path (``"funding_estimate"``, ``"tasks.0.status"``,
    ``""`` for the form as a whole) to its Vietnamese messages. ``data`` holds the
    submitted values, cleaned as far as possible, so a page can show them again.
    """

    def __init__(
        self,
        message: str,
        field_errors: Mapping[str, Sequence[str]],
        data: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.field_errors: dict[str, list[str]] = {k: list(v) for k, v in field_errors.items()}
        self.data: dict[str, Any] = dict(data) if data is not None else {}
