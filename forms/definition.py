"""Checking a form definition document and describing its fields."""

from __future__ import annotations

import copy
import json
import math
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from types import MappingProxyType
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from forms._schema import FIELD_PATTERN, KEY_PATTERN, primary_type, resolve, resolve_pointer
from forms.errors import InvalidFormDefinition
from forms.model import FieldDescription, FormDefinition, ListLayout

#: Widgets a layout may name, with the JSON types each can show (``None``: any).
WIDGETS: Mapping[str, frozenset[str] | None] = MappingProxyType(
    {
        "text": frozenset({"string", "integer", "number"}),
        "textarea": frozenset({"string"}),
        "number": frozenset({"integer", "number"}),
        "date": frozenset({"string"}),
        "email": frozenset({"string"}),
        "select": frozenset({"string", "integer", "number", "boolean", "array"}),
        "radio": frozenset({"string", "integer", "number", "boolean"}),
        "checkbox": frozenset({"boolean"}),
        "checkboxes": frozenset({"array"}),
        "list": frozenset({"array"}),
        "group": frozenset({"object"}),
        "hidden": None,
    }
)
_CHOICE_WIDGETS = frozenset({"select", "radio", "checkboxes"})
#: Where the rows of a ``list`` field may come from: the engine supplies one row per item.
LIST_SOURCES: Mapping[str, str] = MappingProxyType(
    {"plan_tasks": "the plan's tasks the unit leads", "plan_targets": "the plan's targets"}
)
#: Widgets a table cell may use (one line of a table: no nested lists or groups).
_CELL_WIDGETS = frozenset({"text", "textarea", "number", "date", "email", "select", "checkbox"})
_TOP_KEYS = ("key", "title", "schema", "layout")
_LIST_KEYS = frozenset({"columns", "key", "source", "skip_blank_rows"})
_LAYOUT_KEYS = frozenset({"field", "widget", "label", "label_en", "help", "choices"}) | _LIST_KEYS
_DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"


def _invalid(vi: str, en: str, path: tuple[str | int, ...] = ()) -> InvalidFormDefinition:
    return InvalidFormDefinition(f"{vi} ({en})", path=path)


@contextmanager
def _at(path: tuple[str | int, ...]) -> Iterator[None]:
    """Place an error raised inside at ``path`` of the document, unless it names a place already."""
    try:
        yield
    except InvalidFormDefinition as exc:
        if not exc.path:
            exc.path = path
        raise


def validate_definition(document: Mapping[str, Any]) -> FormDefinition:
    """Check a form definition document (as parsed from YAML) and describe it.

    Raises ``InvalidFormDefinition`` naming the first problem found: a missing or
    malformed key or title, a schema that is not a valid draft 2020-12 JSON Schema
    of type object, an unresolvable ``$ref``, a layout naming a field the schema
    does not have, an unknown widget or one that cannot show the field's type.
    """
    if not isinstance(document, Mapping):
        raise _invalid(
            "Định nghĩa biểu mẫu phải là một bảng khóa–giá trị", "a form definition must be a mapping"
        )
    unknown = sorted(str(k) for k in document if k not in _TOP_KEYS)
    if unknown:
        names = ", ".join(unknown)
        raise _invalid(
            f"Khóa không được hỗ trợ: {names}",
            f"unsupported keys: {names}; allowed: key, title, schema, layout",
            (unknown[0],),
        )
    _check_json(document, (), set())
    key = document.get("key")
    if not isinstance(key, str) or not KEY_PATTERN.fullmatch(key):
        raise _invalid(
            f"Mã biểu mẫu không hợp lệ: {key!r}",
            "'key' must be lowercase letters, digits and '_', starting with a letter, at most 64 characters",
            ("key",),
        )
    with _at(("title",)):
        title, title_en = _check_title(document.get("title"))
    with _at(("schema",)):
        schema = _check_schema(document.get("schema"))
    with _at(("layout",)):
        fields = _build_fields(schema, document.get("layout"))
    return FormDefinition(
        key=key, title=title, title_en=title_en, schema=copy.deepcopy(schema), fields=fields
    )


def _check_json(value: Any, path: tuple[str | int, ...], seen: set[int]) -> None:
    """Refuse anything JSON cannot hold (YAML dates, non-string keys...) and shared nodes."""
    where = ".".join(str(p) for p in path)
    if isinstance(value, dict | list):
        if id(value) in seen:
            raise _invalid(
                f"Một nút được dùng lại nhiều lần tại «{where}» (bí danh YAML)",
                f"the same node is reused at '{where}'; YAML anchors/aliases are not supported",
                path,
            )
        seen.add(id(value))
    if isinstance(value, dict):
        for k, v in value.items():
            if not isinstance(k, str):
                raise _invalid(
                    f"Khóa {k!r} tại «{where}» phải là chuỗi",
                    f"key {k!r} at '{where}' must be a string",
                    path,
                )
            _check_json(v, (*path, k), seen)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _check_json(v, (*path, i), seen)
    elif isinstance(value, float) and not math.isfinite(value):
        raise _invalid(f"Số không hữu hạn tại «{where}»", f"non-finite number at '{where}'", path)
    elif value is not None and not isinstance(value, str | int | float):
        kind = type(value).__name__
        raise _invalid(
            f"Giá trị kiểu {kind} tại «{where}» không dùng được trong JSON (hãy đặt trong dấu ngoặc kép)",
            f"a {kind} value at '{where}' is not JSON; quote it",
            path,
        )


def _check_title(value: Any) -> tuple[str, str]:
    if isinstance(value, str) and value.strip():
        return value.strip(), value.strip()
    if isinstance(value, Mapping):
        extra = sorted(k for k in value if k not in ("vi", "en"))
        vi, en = value.get("vi"), value.get("en")
        if not extra and isinstance(vi, str) and vi.strip() and (en is None or isinstance(en, str)):
            return vi.strip(), (en or "").strip() or vi.strip()
    raise _invalid(
        'Tiêu đề biểu mẫu phải có dạng {vi: "...", en: "..."}',
        "'title' must be a non-empty string or a mapping with a non-empty 'vi' and an optional 'en'",
    )


def _check_schema(schema: Any) -> Mapping[str, Any]:
    if not isinstance(schema, Mapping):
        raise _invalid("Thiếu lược đồ «schema» hoặc lược đồ không phải bảng", "'schema' must be a mapping")
    declared = schema.get("$schema")
    if declared is not None and str(declared).rstrip("#") != _DRAFT_2020_12:
        raise _invalid(
            "Lược đồ phải theo JSON Schema 2020-12",
            f"'$schema' must be {_DRAFT_2020_12}",
            ("schema", "$schema"),
        )
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "/"
        raise _invalid(
            f"Lược đồ JSON không hợp lệ tại «{where}»",
            f"invalid JSON Schema at '{where}': {exc.message}",
            ("schema", *exc.absolute_path),
        ) from exc
    if schema.get("type") != "object":
        raise _invalid(
            "Lược đồ gốc phải có type: object", "the root schema must have type: object", ("schema", "type")
        )
    _check_refs(schema, schema, "")
    properties = schema.get("properties", {})
    for name, prop in properties.items():
        if not FIELD_PATTERN.fullmatch(name):
            raise _invalid(
                f"Tên trường không hợp lệ: {name!r}",
                "field names are letters, digits and '_', at most 64",
                ("schema", "properties", name),
            )
        if not isinstance(prop, Mapping) or primary_type(resolve(schema, prop)) is None:
            raise _invalid(
                f"Trường «{name}» phải khai báo «type»",
                f"field '{name}' must declare a type",
                ("schema", "properties", name),
            )
    missing = [n for n in schema.get("required", []) if n not in properties]
    if missing:
        names = ", ".join(missing)
        raise _invalid(
            f"Trường bắt buộc không có trong «properties»: {names}",
            f"required fields not in properties: {names}",
            ("schema", "required"),
        )
    return schema


def _check_refs(root: Mapping[str, Any], node: Any, where: str) -> None:
    if isinstance(node, Mapping):
        ref = node.get("$ref")
        if isinstance(ref, str):
            try:
                resolve_pointer(root, ref)
            except LookupError:
                raise _invalid(
                    f"Tham chiếu «{ref}» tại «{where or '/'}» không trỏ tới phần nào của lược đồ",
                    f"'$ref' {ref!r} at '{where or '/'}' must be a local reference that exists",
                    ("schema", *where.split("/")[1:], "$ref"),
                ) from None
        for k, v in node.items():
            if k not in ("enum", "const", "default", "examples"):
                _check_refs(root, v, f"{where}/{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            _check_refs(root, v, f"{where}/{i}")


def _build_fields(schema: Mapping[str, Any], layout: Any) -> tuple[FieldDescription, ...]:
    properties: Mapping[str, Any] = schema.get("properties", {})
    required = set(schema.get("required", []))
    if layout is None:
        layout = []
    if not isinstance(layout, list):
        raise _invalid("«layout» phải là một danh sách", "'layout' must be a list")
    fields: list[FieldDescription] = []
    seen: set[str] = set()
    for index, entry in enumerate(layout):
        with _at(("layout", index)):
            where = f"layout[{index}]"
            name = entry.get("field") if isinstance(entry, Mapping) else None
            if not isinstance(entry, Mapping) or not isinstance(name, str):
                raise _invalid(f"Mục {where} phải có «field»", f"{where} must be a mapping with a 'field'")
            if name not in properties:
                raise _invalid(
                    f"Mục {where} nêu trường «{name}» không có trong lược đồ",
                    f"{where} names field '{name}', which the schema does not define",
                )
            if name in seen:
                raise _invalid(
                    f"Trường «{name}» xuất hiện hai lần trong layout", f"field '{name}' is laid out twice"
                )
            seen.add(name)
            fields.append(_describe(schema, name, properties[name], name in required, entry, where))
    for name, prop in properties.items():
        if name not in seen:
            with _at(("schema", "properties", name)):
                fields.append(_describe(schema, name, prop, name in required, {}, f"properties.{name}"))
    return tuple(fields)


def _describe(
    root: Mapping[str, Any],
    name: str,
    prop: Mapping[str, Any],
    required: bool,
    entry: Mapping[str, Any],
    where: str,
) -> FieldDescription:
    resolved = resolve(root, prop)
    ftype = primary_type(resolved) or "string"
    choices = _choices(root, resolved, ftype, entry.get("choices"), where)
    widget = entry.get("widget")
    if widget is None:
        widget = _default_widget(resolved, ftype, bool(choices))
    elif not isinstance(widget, str) or widget not in WIDGETS:
        allowed = ", ".join(sorted(WIDGETS))
        raise _invalid(
            f"{where}: kiểu hiển thị không hợp lệ {widget!r}", f"unknown widget; allowed: {allowed}"
        )
    shows = WIDGETS[widget]
    if shows is not None and ftype not in shows:
        raise _invalid(
            f"{where}: kiểu hiển thị «{widget}» không dùng được cho trường kiểu {ftype}",
            f"widget '{widget}' cannot show a field of type {ftype}",
        )
    if widget in _CHOICE_WIDGETS and not choices:
        raise _invalid(
            f"{where}: kiểu hiển thị «{widget}» cần danh sách giá trị (enum)",
            f"widget '{widget}' needs an enum (or oneOf of const)",
        )
    label = (
        _text(entry, "label", where) or _text(prop, "title", name) or _text(resolved, "title", name) or name
    )
    description = _text(prop, "description", name) or _text(resolved, "description", name)
    table = None
    if widget == "list":
        table = _list_layout(root, resolved, entry, where)
    else:
        misplaced = sorted(k for k in entry if k in _LIST_KEYS)
        if misplaced:
            names = ", ".join(misplaced)
            raise _invalid(
                f"{where}: «{names}» chỉ dùng cho kiểu hiển thị «list»",
                f"'{names}' only apply to the 'list' widget",
            )
    return FieldDescription(
        name=name,
        label=label,
        label_en=_text(entry, "label_en", where) or label,
        widget=widget,
        required=required,
        type=ftype,
        choices=choices,
        help=_text(entry, "help", where) or description,
        extra=MappingProxyType({k: v for k, v in entry.items() if k not in _LAYOUT_KEYS}),
        table=table,
    )


def _list_layout(
    root: Mapping[str, Any], resolved: Mapping[str, Any], entry: Mapping[str, Any], where: str
) -> ListLayout:
    """Describe the table of a ``list`` field from its item schema and the layout hints."""
    items = resolve(root, resolved.get("items", {}))
    items = items if isinstance(items, Mapping) else {}
    source, key = entry.get("source"), entry.get("key")
    skip_blank = entry.get("skip_blank_rows", False)
    if source is not None and (not isinstance(source, str) or source not in LIST_SOURCES):
        allowed = ", ".join(LIST_SOURCES)
        raise _invalid(
            f"{where}: nguồn dòng «{source}» không được hỗ trợ", f"unknown row source; allowed: {allowed}"
        )
    if (source is None) != (key is None):
        raise _invalid(
            f"{where}: «source» và «key» phải đi cùng nhau",
            "'source' and 'key' go together: the key names the supplied row",
        )
    if not isinstance(skip_blank, bool):
        raise _invalid(
            f"{where}: «skip_blank_rows» phải là true/false", "'skip_blank_rows' must be a boolean"
        )
    bounds = {"min_rows": resolved.get("minItems", 0), "max_rows": resolved.get("maxItems")}
    if primary_type(items) != "object":
        if key is not None or entry.get("columns") is not None:
            raise _invalid(
                f"{where}: «key»/«columns» cần danh sách các nhóm giá trị (items: object)",
                "'key' and 'columns' need items of type object",
            )
        value = _cell(root, "value", items, False, {}, f"{where}.items")
        return ListLayout(columns=(value,), skip_blank_rows=skip_blank, scalar=True, **bounds)
    properties: Mapping[str, Any] = items.get("properties", {})
    required = set(items.get("required", []))
    if key is not None and (
        not isinstance(key, str)
        or key not in properties
        or primary_type(resolve(root, properties[key])) not in ("integer", "string")
    ):
        raise _invalid(
            f"{where}: «key» phải là một trường số nguyên hoặc chuỗi của mỗi dòng",
            "'key' must name an integer or string property of the items",
        )
    columns = entry.get("columns")
    if columns is None:
        columns = [name for name in properties if name != key]
    if not isinstance(columns, list) or not columns:
        raise _invalid(f"{where}: «columns» phải là một danh sách không rỗng", "'columns' must be a list")
    cells: list[FieldDescription] = []
    for index, column in enumerate(columns):
        at = f"{where}.columns[{index}]"
        column_entry = {"field": column} if isinstance(column, str) else column
        name = column_entry.get("field") if isinstance(column_entry, Mapping) else None
        if not isinstance(name, str) or name not in properties or name == key:
            raise _invalid(
                f"{at}: cột «{name}» không phải một trường của dòng (hoặc là «key»)",
                f"column '{name}' is not an item property (or it is the key)",
            )
        if any(cell.name == name for cell in cells):
            raise _invalid(f"{at}: cột «{name}» xuất hiện hai lần", f"column '{name}' is laid out twice")
        cells.append(_cell(root, name, properties[name], name in required, column_entry, at))
    return ListLayout(columns=tuple(cells), key=key, source=source, skip_blank_rows=skip_blank, **bounds)


def _cell(
    root: Mapping[str, Any],
    name: str,
    prop: Mapping[str, Any],
    required: bool,
    entry: Mapping[str, Any],
    where: str,
) -> FieldDescription:
    cell = _describe(root, name, prop, required, entry, where)
    if cell.widget not in _CELL_WIDGETS:
        allowed = ", ".join(sorted(_CELL_WIDGETS))
        raise _invalid(
            f"{where}: ô của bảng không dùng được kiểu hiển thị «{cell.widget}»",
            f"a table cell cannot use the widget '{cell.widget}'; allowed: {allowed}",
        )
    return cell


def _text(mapping: Any, name: str, where: str) -> str | None:
    value = mapping.get(name) if isinstance(mapping, Mapping) else None
    if value is None:
        return None
    if not isinstance(value, str):
        raise _invalid(f"{where}: «{name}» phải là chuỗi", f"'{name}' must be a string")
    return value.strip() or None


def choice_value(value: Any) -> str:
    """Write an enumerated value as an HTML form would send it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, str | int | float):
        return str(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _choices(
    root: Mapping[str, Any], resolved: Any, ftype: str, labels: Any, where: str
) -> tuple[tuple[str, str], ...]:
    source = resolve(root, resolved.get("items")) if ftype == "array" else resolved
    options: list[tuple[str, str | None]] = []
    if isinstance(source, Mapping) and isinstance(source.get("enum"), list):
        options = [(choice_value(v), None) for v in source["enum"]]
    elif isinstance(source, Mapping):
        for keyword in ("oneOf", "anyOf"):
            alternatives = source.get(keyword)
            if isinstance(alternatives, list) and all(
                isinstance(a, Mapping) and "const" in a for a in alternatives
            ):
                options = [(choice_value(a["const"]), _text(a, "title", where)) for a in alternatives]
                break
    if labels is not None:
        if not isinstance(labels, Mapping) or not options:
            raise _invalid(
                f"{where}: «choices» chỉ dùng cho trường có enum, dạng {{giá trị: nhãn}}",
                "'choices' must map enum values to labels, on a field that has an enum",
            )
        known = {value for value, _ in options}
        for value, label in labels.items():
            if value not in known or not isinstance(label, str):
                raise _invalid(
                    f"{where}: «choices» nêu giá trị {value!r} ngoài enum, hoặc nhãn không phải chuỗi",
                    f"'choices' value {value!r} is not in the enum, or its label is not a string",
                )
        options = [(value, labels.get(value) or title) for value, title in options]
    return tuple((value, title or value) for value, title in options)


def _default_widget(resolved: Mapping[str, Any], ftype: str, has_choices: bool) -> str:
    if has_choices:
        return "checkboxes" if ftype == "array" else "select"
    if ftype == "string":
        return {"date": "date", "email": "email"}.get(str(resolved.get("format")), "text")
    return {
        "integer": "number",
        "number": "number",
        "boolean": "checkbox",
        "array": "list",
        "object": "group",
    }.get(ftype, "text")
