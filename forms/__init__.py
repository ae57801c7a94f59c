"""Form definitions for BPMN user tasks: loading, describing and validating submissions.

A user task names a form key; ``forms/definitions/<key>.yaml`` holds its JSON
Schema (draft 2020-12) and layout hints. The engine validates submissions with
``validate_submission``; the web layer renders from ``load_form(key).fields`` (a
``list`` field carries a ``ListLayout``: its table's columns and where its rows come from).
``parse_form_source`` checks the same YAML typed by an administrator, with line numbers.

This package is pure Python (PyYAML and jsonschema only) and imports neither the
engine nor the web layer.
"""

from forms._schema import KEY_PATTERN
from forms.definition import LIST_SOURCES, WIDGETS, choice_value, validate_definition
from forms.errors import FormError, FormNotFound, FormValidationError, InvalidFormDefinition
from forms.loader import (
    DEFAULT_DIRECTORY,
    MAX_SOURCE_CHARS,
    list_forms,
    load_form,
    parse_form_source,
    read_form_source,
)
from forms.model import FieldDescription, FormDefinition, ListLayout
from forms.validation import validate_form_data, validate_submission

__all__ = [
    "DEFAULT_DIRECTORY",
    "KEY_PATTERN",
    "LIST_SOURCES",
    "MAX_SOURCE_CHARS",
    "WIDGETS",
    "FieldDescription",
    "FormDefinition",
    "FormError",
    "FormNotFound",
    "FormValidationError",
    "InvalidFormDefinition",
    "ListLayout",
    "choice_value",
    "list_forms",
    "load_form",
    "parse_form_source",
    "read_form_source",
    "validate_definition",
    "validate_form_data",
    "validate_submission",
]
