"""List fields on the task page: reading typed rows from a posted form and laying rows out as tables.

A list field's cells are posted as ``<field>.<row>.<column>`` (``task_results.2.progress``); a row
the engine supplies (a plan task, a plan target) also posts its key as a hidden cell
(``task_results.2.task_id``). The page keeps what was typed as strings, row by row, so a refused
submission, an added row or a saved draft shows exactly the user's input again.

Rows left blank are not submitted: free rows always, supplied rows where the layout says so
(``skip_blank_rows``). The engine answers errors by the index in what it received, so the indices
are mapped back to the rows on the page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from werkzeug.datastructures import MultiDict

from engine.task_page_results import RowChoice
from forms import FieldDescription, FormDefinition, ListLayout

#: Fields the task page shows as one control each.
SIMPLE_WIDGETS = frozenset(
    {"text", "textarea", "number", "date", "email", "select", "radio", "checkbox", "checkboxes"}
)
MAX_ROWS = 1000  # a posted index beyond this is not a row anyone typed
_CELL = re.compile(
    r"(?P<field>[A-Za-z_][A-Za-z0-9_]*)\.(?P<row>[0-9]{1,4})\.(?P<column>[A-Za-z_][A-Za-z0-9_]*)"
)


@dataclass(frozen=True)
class Cell:
    """One input of a table: its column, its input name, the value shown and its messages."""

    column: FieldDescription
    name: str
    value: Any
    errors: tuple[str, ...]

    @property
    def dom_id(self) -> str:
        """Return an id usable in CSS selectors (no dots)."""
        return self.name.replace(".", "-")


@dataclass(frozen=True)
class Row:
    """One table row: the supplied item it reports on (if any), its cells and row-level messages."""

    index: int
    choice: RowChoice | None
    key_name: str | None
    cells: tuple[Cell, ...]
    errors: tuple[str, ...]

    @property
    def title(self) -> str:
        """Return how the row is named to assistive technology: the item's number, or the row's."""
        if self.choice is not None:
            return self.choice.code or str(self.index + 1)
        return str(self.index + 1)


@dataclass(frozen=True)
class Table:
    """A list field as a table, ready to render."""

    field: FieldDescription
    layout: ListLayout
    rows: tuple[Row, ...]
    errors: tuple[str, ...]
    may_add: bool


def list_fields(definition: FormDefinition | None) -> list[FieldDescription]:
    """Return the form's list fields that have a table layout."""
    return [f for f in (definition.fields if definition else ()) if f.table is not None]


def read_posted(
    definition: FormDefinition | None, form: MultiDict[str, str], reserved: Iterable[str]
) -> dict[str, Any]:
    """Return what the user typed: one string per simple field, rows of strings per list field.

    Keys that belong to no field are kept as posted (other controls of the page may need them),
    except the page's own (``reserved``) and stray list cells.
    """
    skip = set(reserved)
    tables = {f.name: f for f in list_fields(definition)}
    multiple = {f.name for f in (definition.fields if definition else ()) if f.widget == "checkboxes"}
    typed: dict[str, Any] = {}
    cells: dict[str, dict[int, dict[str, str]]] = {name: {} for name in tables}
    for key in form:
        if key in skip:
            continue
        cell = _CELL.fullmatch(key)
        if cell is not None and cell["field"] in tables:
            index = int(cell["row"])
            if index < MAX_ROWS:
                cells[cell["field"]].setdefault(index, {})[cell["column"]] = form.get(key, "")
        elif cell is None and key in multiple:
            typed[key] = form.getlist(key)
        elif cell is None and key not in tables:
            typed[key] = form.get(key, "")
    for name, by_index in cells.items():
        layout = tables[name].table
        assert layout is not None  # noqa: S101 - list_fields keeps only laid-out lists
        rows = [by_index[i] for i in sorted(by_index)]
        typed[name] = [row.get("value", "") for row in rows] if layout.scalar else rows
    return typed


def add_row(definition: FormDefinition | None, typed: dict[str, Any], name: str) -> dict[str, list[str]]:
    """Add a blank row to a free list in ``typed``; return messages if it may not grow."""
    field = _free_list(definition, name)
    if field is None or field.table is None:
        return {}
    rows = list(typed.get(name) or [])
    if field.table.max_rows is not None and len(rows) >= field.table.max_rows:
        return {name: [f"Tối đa {field.table.max_rows} dòng."]}
    rows.append("" if field.table.scalar else {})
    typed[name] = rows
    return {}


def remove_row(definition: FormDefinition | None, typed: dict[str, Any], name: str, index: int) -> None:
    """Remove one row of a free list in ``typed`` (an unknown row changes nothing)."""
    if _free_list(definition, name) is None:
        return
    rows = list(typed.get(name) or [])
    if 0 <= index < len(rows):
        del rows[index]
    typed[name] = rows


def _free_list(definition: FormDefinition | None, name: str) -> FieldDescription | None:
    for field in list_fields(definition):
        if field.name == name and field.table is not None and field.table.is_free:
            return field
    return None


def for_submission(
    definition: FormDefinition | None, typed: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, list[int]]]:
    """Return the data to submit and, per list field, the page row each submitted row came from."""
    data = dict(typed)
    kept_rows: dict[str, list[int]] = {}
    for field in list_fields(definition):
        layout = field.table
        assert layout is not None  # noqa: S101 - list_fields keeps only laid-out lists
        rows = typed.get(field.name)
        if not isinstance(rows, list):
            continue
        skip_blank = layout.is_free or layout.skip_blank_rows
        kept = [i for i, row in enumerate(rows) if not (skip_blank and _is_blank(layout, row))]
        data[field.name] = [rows[i] for i in kept]
        kept_rows[field.name] = kept
    return data, kept_rows


def _is_blank(layout: ListLayout, row: Any) -> bool:
    if layout.scalar:
        return not str(row or "").strip()
    if not isinstance(row, Mapping):
        return True
    return all(not str(row.get(c.name) or "").strip() for c in layout.columns)


def page_errors(errors: Mapping[str, list[str]], kept_rows: Mapping[str, list[int]]) -> dict[str, list[str]]:
    """Rename errors of submitted rows (``task_results.0.progress``) after the rows on the page."""
    renamed: dict[str, list[str]] = {}
    for path, messages in errors.items():
        head, _, rest = path.partition(".")
        index, _, tail = rest.partition(".")
        if head in kept_rows and index.isdigit() and int(index) < len(kept_rows[head]):
            path = ".".join(p for p in (head, str(kept_rows[head][int(index)]), tail) if p)
        renamed.setdefault(path, []).extend(messages)
    return renamed


def tables(
    definition: FormDefinition | None,
    values: Mapping[str, Any],
    errors: Mapping[str, list[str]],
    supplied: Mapping[str, tuple[RowChoice, ...]],
) -> dict[str, Table]:
    """Lay out every list field as a table of the given values (stored, drafted or typed)."""
    laid_out: dict[str, Table] = {}
    for field in list_fields(definition):
        layout = field.table
        assert layout is not None  # noqa: S101 - list_fields keeps only laid-out lists
        given = values.get(field.name)
        rows_given = list(given) if isinstance(given, list | tuple) else []
        if layout.source is not None and layout.key is not None:
            by_key = {
                str(row.get(layout.key)): row
                for row in rows_given
                if isinstance(row, Mapping) and row.get(layout.key) is not None
            }
            rows = tuple(
                _row(field, layout, index, by_key.get(str(choice.id), {}), choice, errors)
                for index, choice in enumerate(supplied.get(layout.source, ()))
            )
        else:
            if not rows_given:
                rows_given = ["" if layout.scalar else {}] * max(layout.min_rows, 1)
            rows = tuple(
                _row(field, layout, index, row, None, errors) for index, row in enumerate(rows_given)
            )
        may_add = layout.is_free and (layout.max_rows is None or len(rows) < layout.max_rows)
        laid_out[field.name] = Table(field, layout, rows, tuple(errors.get(field.name, ())), may_add)
    return laid_out


def _row(
    field: FieldDescription,
    layout: ListLayout,
    index: int,
    given: Any,
    choice: RowChoice | None,
    errors: Mapping[str, list[str]],
) -> Row:
    prefix = f"{field.name}.{index}"
    cells = []
    for column in layout.columns:
        name = f"{prefix}.{column.name}"
        if layout.scalar:
            value = given if not isinstance(given, Mapping) else given.get("value")
            messages = (*errors.get(prefix, ()), *errors.get(name, ()))
        else:
            value = given.get(column.name) if isinstance(given, Mapping) else None
            messages = tuple(errors.get(name, ()))
        cells.append(Cell(column, name, value, messages))
    row_errors: tuple[str, ...] = ()
    if not layout.scalar:
        row_errors = (
            *errors.get(prefix, ()),
            *(errors.get(f"{prefix}.{layout.key}", ()) if layout.key else ()),
        )
    key_name = f"{prefix}.{layout.key}" if choice is not None and layout.key else None
    return Row(index, choice, key_name, tuple(cells), row_errors)
