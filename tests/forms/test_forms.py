from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml

import forms
from forms import (
    DEFAULT_DIRECTORY,
    FormError,
    FormNotFound,
    FormValidationError,
    InvalidFormDefinition,
    list_forms,
    load_form,
    validate_definition,
    validate_submission,
)

SHIPPED = ("plan_draft", "unit_report_draft", "unit_report_review")
REQUIRED = "Trường này là bắt buộc."


def write(directory: Path, key: str, text: str) -> Path:
    path = directory / f"{key}.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def errors_of(key: str, data: dict[str, Any], directory: Path | None = None) -> FormValidationError:
    with pytest.raises(FormValidationError) as caught:
        validate_submission(key, data, directory=directory)
    return caught.value


CHOICES_FORM = """\
key: choices
title: {vi: "Lựa chọn", en: "Choices"}
schema:
  type: object
  required: [status]
  properties:
    status:
      type: string
      title: "Trạng thái"
      enum: [todo, done]
    priority:
      type: integer
      title: "Mức ưu tiên"
      oneOf:
        - {const: 1, title: "Cao"}
        - {const: 2, title: "Thấp"}
    ratio: {type: number, title: "Tỷ lệ", maximum: 100}
    urgent: {type: boolean, title: "Khẩn"}
    code: {type: string, pattern: "^[0-9]{10}$", x-messages: {pattern: "Mã số thuế gồm 10 chữ số."}}
    tasks:
      type: array
      maxItems: 2
      items:
        type: object
        required: [name]
        properties:
          name: {type: string}
          status: {type: string, enum: [todo, done]}
layout:
  - {field: status, widget: radio, choices: {todo: "Chưa làm", done: "Đã xong"}}
  - {field: priority}
"""


# --- loading the shipped definitions -------------------------------------------------------------


def test_list_forms_includes_the_shipped_definitions() -> None:
    assert set(SHIPPED) <= set(list_forms())
    assert list_forms() == sorted(list_forms())


def test_load_unit_report_draft() -> None:
    form = load_form("unit_report_draft")
    assert form.key == "unit_report_draft"
    assert form.title == "Báo cáo kết quả thực hiện"
    assert form.title_en == "Implementation report"
    assert [f.name for f in form.fields] == [
        "summary",
        "difficulties",
        "proposals",
        "funding_estimate",
        "report_date",
        "task_results",
        "target_values",
        "other_tasks",
    ]
    assert [(f.widget, f.type) for f in form.fields[-3:]] == [("list", "array")] * 3
    summary = form.fields[0]
    assert (summary.label, summary.widget, summary.required, summary.type) == (
        "Kết quả thực hiện",
        "textarea",
        True,
        "string",
    )
    assert summary.extra["rows"] == 6
    assert form.schema["properties"]["summary"]["maxLength"] == 5000
    funding = form.get_field("funding_estimate")
    assert funding is not None
    assert (funding.label, funding.type, funding.required) == (
        "Dự kiến kinh phí năm sau (đồng)",
        "integer",
        False,
    )
    assert form.schema["properties"]["funding_estimate"]["minimum"] == 0
    report_date = form.get_field("report_date")
    assert report_date is not None
    assert (report_date.label, report_date.widget, report_date.type) == ("Ngày báo cáo", "date", "string")
    assert [f.label for f in form.fields[1:3]] == ["Khó khăn, vướng mắc", "Kiến nghị, đề xuất"]
    assert form.get_field("nope") is None


def test_load_unit_report_review_and_plan_draft() -> None:
    review = load_form("unit_report_review")
    assert [(f.name, f.label, f.required) for f in review.fields] == [("comment", "Ý kiến", False)]
    assert review.schema["properties"]["comment"]["maxLength"] == 2000
    plan = load_form("plan_draft")
    assert [(f.name, f.required, f.type) for f in plan.fields] == [
        ("title", True, "string"),
        ("summary", False, "string"),
    ]
    assert plan.schema["properties"]["title"]["maxLength"] == 500


@pytest.mark.parametrize("key", SHIPPED)
def test_every_shipped_definition_passes_validate_definition(key: str) -> None:
    document = yaml.safe_load((DEFAULT_DIRECTORY / f"{key}.yaml").read_text(encoding="utf-8"))
    definition = validate_definition(document)
    assert definition.key == key
    assert definition == load_form(key)
    assert all(f.label and f.label_en for f in definition.fields)
    assert definition.title_en != definition.title


def test_load_form_is_cached() -> None:
    assert load_form("plan_draft") is load_form("plan_draft")


# --- unknown and unsafe keys ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "key", ["no_such_form", "../x", "../../etc/passwd", "Unit", "a/b", "plan_draft\n", ""]
)
def test_unknown_or_unsafe_key_is_not_found(key: str) -> None:
    with pytest.raises(FormNotFound) as caught:
        load_form(key)
    assert caught.value.message.startswith("Không tìm thấy biểu mẫu")
    assert "(Form not found:" in caught.value.message
    with pytest.raises(FormNotFound):
        validate_submission(key, {})


def test_path_traversal_does_not_reach_a_real_file(tmp_path: Path) -> None:
    inner = tmp_path / "inner"
    inner.mkdir()
    write(tmp_path, "x", 'key: x\ntitle: "X"\nschema: {type: object}\n')
    assert load_form("x", directory=tmp_path).key == "x"
    with pytest.raises(FormNotFound):
        load_form("../x", directory=inner)


# --- validating submissions -----------------------------------------------------------------------


def test_required_missing_gives_the_vietnamese_message() -> None:
    error = errors_of("unit_report_draft", {"difficulties": "Thiếu người"})
    assert error.field_errors == {"summary": [REQUIRED]}
    assert error.message == "Biểu mẫu có 1 trường chưa hợp lệ. (The form has 1 invalid field(s).)"


def test_blank_required_field_counts_as_missing() -> None:
    error = errors_of("plan_draft", {"title": "   ", "summary": "Nội dung"})
    assert error.field_errors == {"title": [REQUIRED]}


def test_all_errors_are_reported_at_once_in_form_order() -> None:
    error = errors_of(
        "unit_report_draft",
        {
            "report_date": "31/02/2024",
            "funding_estimate": "-5",
            "proposals": "x" * 5001,
        },
    )
    assert error.field_errors == {
        "summary": [REQUIRED],
        "proposals": ["Tối đa 5000 ký tự."],
        "funding_estimate": ["Phải lớn hơn hoặc bằng 0."],
        "report_date": ["Ngày không hợp lệ (dd/mm/yyyy)."],
    }
    assert list(error.field_errors) == ["summary", "proposals", "funding_estimate", "report_date"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1.500.000", 1500000), ("1500000", 1500000), (" 2 000 ", 2000), ("0", 0), (250, 250)],
)
def test_integer_coercion(raw: Any, expected: int) -> None:
    cleaned = validate_submission("unit_report_draft", {"summary": "Đã xong", "funding_estimate": raw})
    assert cleaned == {"summary": "Đã xong", "funding_estimate": expected}


@pytest.mark.parametrize("raw", ["1,5", "1.5", "12abc", "1.50.000"])
def test_non_integer_is_refused_and_kept(raw: str) -> None:
    error = errors_of("unit_report_draft", {"summary": "Đã xong", "funding_estimate": raw})
    assert error.field_errors == {"funding_estimate": ["Phải là số nguyên."]}
    assert error.data["funding_estimate"] == raw


def test_date_is_normalised_to_iso() -> None:
    cleaned = validate_submission("unit_report_draft", {"summary": "Xong", "report_date": "15/11/2024"})
    assert cleaned["report_date"] == "2024-11-15"
    cleaned = validate_submission("unit_report_draft", {"summary": "Xong", "report_date": "2024-02-29"})
    assert cleaned["report_date"] == "2024-02-29"
    cleaned = validate_submission("unit_report_draft", {"summary": "Xong", "report_date": "5/1/2025"})
    assert cleaned["report_date"] == "2025-01-05"


@pytest.mark.parametrize("raw", ["31/02/2024", "2023-02-29", "15/13/2024", "hôm nay", "2024-11-15T10:00"])
def test_impossible_date_is_refused(raw: str) -> None:
    error = errors_of("unit_report_draft", {"summary": "Xong", "report_date": raw})
    assert error.field_errors == {"report_date": ["Ngày không hợp lệ (dd/mm/yyyy)."]}
    assert error.data == {"summary": "Xong", "report_date": raw}


def test_strings_are_stripped_empty_optional_omitted_unknown_dropped() -> None:
    cleaned = validate_submission(
        "unit_report_draft",
        {
            "summary": "  Hoàn thành 95% chỉ tiêu \n",
            "difficulties": "",
            "proposals": "   ",
            "funding_estimate": "",
            "csrf_token": "abc",
            "status": "approved",
        },
    )
    assert cleaned == {"summary": "Hoàn thành 95% chỉ tiêu"}


def test_review_comment_limit() -> None:
    assert validate_submission("unit_report_review", {}) == {}
    assert validate_submission("unit_report_review", {"comment": " Đồng ý "}) == {"comment": "Đồng ý"}
    error = errors_of("unit_report_review", {"comment": "y" * 2001})
    assert error.field_errors == {"comment": ["Tối đa 2000 ký tự."]}


def test_error_data_keeps_the_users_input() -> None:
    submitted = {
        "summary": "  Đã triển khai  ",
        "difficulties": "Thiếu kinh phí",
        "funding_estimate": "một triệu",
        "report_date": "15/11/2024",
        "unknown": "dropped",
    }
    error = errors_of("unit_report_draft", submitted)
    assert error.field_errors == {"funding_estimate": ["Phải là số nguyên."]}
    assert error.data == {
        "summary": "Đã triển khai",
        "difficulties": "Thiếu kinh phí",
        "funding_estimate": "một triệu",
        "report_date": "2024-11-15",
    }


def test_html_form_lists_with_one_value_are_unwrapped() -> None:
    cleaned = validate_submission("plan_draft", {"title": ["Kế hoạch 2025"], "summary": [""]})
    assert cleaned == {"title": "Kế hoạch 2025"}


def test_submission_that_is_not_a_mapping() -> None:
    with pytest.raises(FormValidationError) as caught:
        validate_submission("plan_draft", ["title"])  # type: ignore[arg-type]
    assert caught.value.field_errors == {"": ["Dữ liệu gửi lên không hợp lệ."]}
    assert caught.value.data == {}


# --- enums, numbers, booleans, nested values (a form in a temporary directory) ---------------------


def test_enum_choices_are_described(tmp_path: Path) -> None:
    write(tmp_path, "choices", CHOICES_FORM)
    form = load_form("choices", directory=tmp_path)
    status, priority = form.fields[0], form.fields[1]
    assert (status.widget, status.required, status.choices) == (
        "radio",
        True,
        (("todo", "Chưa làm"), ("done", "Đã xong")),
    )
    assert (priority.widget, priority.type, priority.choices) == (
        "select",
        "integer",
        (("1", "Cao"), ("2", "Thấp")),
    )
    assert [(f.name, f.widget) for f in form.fields[2:]] == [
        ("ratio", "number"),
        ("urgent", "checkbox"),
        ("code", "text"),
        ("tasks", "list"),
    ]


def test_enum_value_is_checked(tmp_path: Path) -> None:
    write(tmp_path, "choices", CHOICES_FORM)
    assert validate_submission("choices", {"status": "done", "priority": "2"}, directory=tmp_path) == {
        "status": "done",
        "priority": 2,
    }
    error = errors_of("choices", {"status": "deleted", "priority": "3"}, directory=tmp_path)
    assert error.field_errors == {"status": ["Giá trị không hợp lệ."], "priority": ["Giá trị không hợp lệ."]}


def test_number_boolean_and_custom_messages(tmp_path: Path) -> None:
    write(tmp_path, "choices", CHOICES_FORM)
    cleaned = validate_submission(
        "choices",
        {"status": "todo", "ratio": "12,5", "urgent": "on", "code": "0101234567"},
        directory=tmp_path,
    )
    assert cleaned == {"status": "todo", "ratio": 12.5, "urgent": True, "code": "0101234567"}
    assert validate_submission("choices", {"status": "todo", "urgent": "false"}, directory=tmp_path) == {
        "status": "todo",
        "urgent": False,
    }
    error = errors_of(
        "choices", {"status": "todo", "ratio": "1.000,5", "urgent": "maybe", "code": "12"}, tmp_path
    )
    assert error.field_errors == {
        "ratio": ["Phải nhỏ hơn hoặc bằng 100."],
        "urgent": ["Phải là có hoặc không."],
        "code": ["Mã số thuế gồm 10 chữ số."],
    }
    assert error.data["ratio"] == 1000.5


def test_nested_errors_use_dotted_paths(tmp_path: Path) -> None:
    write(tmp_path, "choices", CHOICES_FORM)
    cleaned = validate_submission(
        "choices",
        {"status": "todo", "tasks.0.name": " Lập dự toán ", "tasks.0.status": "done", "tasks.0.extra": "x"},
        directory=tmp_path,
    )
    assert cleaned == {"status": "todo", "tasks": [{"name": "Lập dự toán", "status": "done"}]}
    error = errors_of(
        "choices",
        {"status": "todo", "tasks": [{"name": "A", "status": "lost"}, {"status": "todo"}, {"name": "C"}]},
        tmp_path,
    )
    assert error.field_errors == {
        "tasks": ["Tối đa 2 mục."],
        "tasks.0.status": ["Giá trị không hợp lệ."],
        "tasks.1.name": [REQUIRED],
    }


def test_public_api_is_explicit() -> None:
    assert set(forms.__all__) >= {
        "FormError",
        "FormNotFound",
        "InvalidFormDefinition",
        "FormValidationError",
        "FieldDescription",
        "FormDefinition",
        "load_form",
        "list_forms",
        "validate_submission",
        "validate_definition",
    }
    assert issubclass(FormNotFound, FormError)
    assert issubclass(InvalidFormDefinition, FormError)
    assert issubclass(FormValidationError, FormError)
