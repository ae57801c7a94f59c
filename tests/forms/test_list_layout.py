"""List fields laid out as tables: columns, supplied rows, free rows, and broken layout hints."""

from __future__ import annotations

from typing import Any

import pytest

from forms import InvalidFormDefinition, ListLayout, load_form, validate_definition, validate_submission


def form_with(prop: dict[str, Any], entry: dict[str, Any] | None = None) -> dict[str, Any]:
    layout = [{"field": "rows", **entry}] if entry is not None else []
    return {
        "key": "lists",
        "title": "Danh sách",
        "schema": {"type": "object", "properties": {"rows": prop}},
        "layout": layout,
    }


ROWS = {
    "type": "array",
    "maxItems": 3,
    "items": {
        "type": "object",
        "required": ["item_id", "amount"],
        "properties": {
            "item_id": {"type": "integer"},
            "amount": {"type": "number", "title": "Số lượng"},
            "note": {"type": "string", "title": "Ghi chú"},
            "done_on": {"type": "string", "format": "date", "title": "Ngày xong"},
        },
    },
}


def table_of(document: dict[str, Any]) -> ListLayout:
    field = validate_definition(document).fields[0]
    assert field.widget == "list"
    assert field.table is not None
    return field.table


def test_the_unit_report_lists_one_row_per_plan_task_and_per_target_plus_free_rows() -> None:
    form = load_form("unit_report_draft")
    tasks, targets, others = (form.get_field(n) for n in ("task_results", "target_values", "other_tasks"))
    assert tasks is not None
    assert tasks.table is not None
    assert (tasks.table.source, tasks.table.key, tasks.table.is_free) == ("plan_tasks", "task_id", False)
    assert [c.name for c in tasks.table.columns] == ["progress", "completed_on", "narrative", "evidence"]
    progress = tasks.table.columns[0]
    assert (progress.widget, progress.required) == ("select", True)
    assert ("completed", "Đã hoàn thành") in progress.choices
    assert tasks.table.columns[1].widget == "date"
    assert tasks.table.columns[2].extra["rows"] == 2
    assert targets is not None
    assert targets.table is not None
    assert (targets.table.source, targets.table.key, targets.table.skip_blank_rows) == (
        "plan_targets",
        "target_id",
        True,
    )
    assert [(c.name, c.type, c.required) for c in targets.table.columns] == [("value", "number", True)]
    assert others is not None
    assert others.table is not None
    assert (others.table.is_free, others.table.max_rows, others.table.key) == (True, 50, None)
    assert [c.name for c in others.table.columns] == ["content", "result"]
    # Simple fields carry no table; the form is still hashable (validators are cached by form).
    assert form.fields[0].table is None
    assert validate_submission(
        "unit_report_draft", {"summary": "Xong", "other_tasks.0.content": "Hội nghị"}
    ) == {
        "summary": "Xong",
        "other_tasks": [{"content": "Hội nghị"}],
    }


def test_without_hints_every_item_property_is_a_column_and_rows_are_free() -> None:
    table = table_of(form_with(ROWS))
    assert [(c.name, c.widget, c.required) for c in table.columns] == [
        ("item_id", "number", True),
        ("amount", "number", True),
        ("note", "text", False),
        ("done_on", "date", False),
    ]
    assert (table.is_free, table.max_rows, table.min_rows, table.scalar) == (True, 3, 0, False)


def test_a_supplied_table_names_its_key_and_its_columns() -> None:
    table = table_of(
        form_with(
            ROWS,
            {
                "source": "plan_targets",
                "key": "item_id",
                "columns": [{"field": "amount", "label": "Đạt được", "label_en": "Achieved"}, "note"],
            },
        )
    )
    assert (table.source, table.key, table.is_free) == ("plan_targets", "item_id", False)
    assert [(c.name, c.label, c.label_en) for c in table.columns] == [
        ("amount", "Đạt được", "Achieved"),
        ("note", "Ghi chú", "Ghi chú"),
    ]


def test_a_list_of_plain_values_has_one_value_column() -> None:
    table = table_of(form_with({"type": "array", "minItems": 1, "items": {"type": "string", "maxLength": 9}}))
    assert table.scalar
    assert (table.min_rows, [c.name for c in table.columns]) == (1, ["value"])


@pytest.mark.parametrize(
    ("prop", "entry", "fragment"),
    [
        (ROWS, {"source": "plan_people", "key": "item_id"}, "nguồn dòng «plan_people» không được hỗ trợ"),
        (ROWS, {"source": "plan_tasks"}, "«source» và «key» phải đi cùng nhau"),
        (ROWS, {"source": "plan_tasks", "key": "missing"}, "«key» phải là một trường số nguyên hoặc chuỗi"),
        (ROWS, {"columns": ["amount", "missing"]}, "cột «missing» không phải một trường của dòng"),
        (ROWS, {"columns": ["amount", "amount"]}, "cột «amount» xuất hiện hai lần"),
        (ROWS, {"columns": []}, "«columns» phải là một danh sách không rỗng"),
        (ROWS, {"source": "plan_tasks", "key": "item_id", "columns": ["item_id"]}, "(hoặc là «key»)"),
        (ROWS, {"skip_blank_rows": "yes"}, "«skip_blank_rows» phải là true/false"),
        (
            {"type": "array", "items": {"type": "string"}},
            {"key": "x", "source": "plan_tasks"},
            "«key»/«columns» cần danh sách các nhóm giá trị",
        ),
        (
            {"type": "array", "items": {"type": "object", "properties": {"inner": {"type": "array"}}}},
            {"columns": ["inner"]},
            "ô của bảng không dùng được kiểu hiển thị «list»",
        ),
        (
            {"type": "string"},
            {"widget": "textarea", "columns": ["x"]},
            "«columns» chỉ dùng cho kiểu hiển thị «list»",
        ),
    ],
)
def test_broken_list_hints_are_refused_with_the_reason(
    prop: dict[str, Any], entry: dict[str, Any], fragment: str
) -> None:
    with pytest.raises(InvalidFormDefinition) as caught:
        validate_definition(form_with(prop, entry))
    assert fragment in caught.value.message
