"""The immutable description of a form, as handed to the engine and the web layer."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any


def _empty_hints() -> Mapping[str, Any]:
    return MappingProxyType({})


@dataclass(frozen=True)
class FieldDescription:
    """One top-level field of a form, in display order, with what a renderer needs.

    ``type`` is the JSON Schema type (``"string"``, ``"integer"``...; the first
    non-null type when several are allowed). ``choices`` lists ``(value, label)``
    pairs for enumerated values, values written as strings as an HTML form sends
    them. ``extra`` holds the remaining layout hints (``rows``, ``placeholder``...).
    Constraints such as ``maxLength`` stay in the form's ``schema``. ``table`` describes the
    rows and columns of a ``list`` field (``None`` for every other widget).
    """

    name: str
    label: str
    label_en: str
    widget: str
    required: bool
    type: str
    choices: tuple[tuple[str, str], ...] = ()
    help: str | None = None
    extra: Mapping[str, Any] = field(default_factory=_empty_hints, hash=False)
    table: ListLayout | None = None


@dataclass(frozen=True)
class ListLayout:
    """How a ``list`` field shows: a table with one row per item and one column per item property.

    ``columns`` describe the editable item properties in display order (for a list of plain
    values, one column named ``value`` standing for the item itself: ``scalar`` is true).
    With a ``source`` (one of ``LIST_SOURCES``) the engine supplies the rows: one per plan task
    or plan target, named by the item property ``key``, shown read-only; the user cannot add or
    remove rows. Without one, rows are free: the user adds and removes them, and rows left blank
    are not submitted. ``skip_blank_rows`` leaves out blank supplied rows too (a target a unit
    does not measure). ``min_rows``/``max_rows`` come from the schema's ``minItems``/``maxItems``.
    """

    columns: tuple[FieldDescription, ...]
    key: str | None = None
    source: str | None = None
    skip_blank_rows: bool = False
    min_rows: int = 0
    max_rows: int | None = None
    scalar: bool = False

    @property
    def is_free(self) -> bool:
        """Tell whether the user adds and removes the rows (no ``source`` supplies them)."""
        return self.source is None


@dataclass(frozen=True)
class FormDefinition:
    """A checked form definition.

    ``schema`` is the JSON Schema (draft 2020-12) the submissions are validated
    against: a private deep copy that callers must treat as read-only (forms are
    cached and shared).
    """

    key: str
    title: str
    title_en: str
    schema: Mapping[str, Any] = field(hash=False, repr=False)
    fields: tuple[FieldDescription, ...] = ()

    def get_field(self, name: str) -> FieldDescription | None:
        """Return the description of the top-level field ``name``, or ``None``."""
        for description in self.fields:
            if description.name == name:
                return description
        return None
