"""Definition files that are themselves broken, and forms kept in other directories."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from forms import FormError, InvalidFormDefinition, list_forms, load_form, validate_definition


def write(directory: Path, key: str, text: str) -> Path:
    path = directory / f"{key}.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


# --- forms in other directories -------------------------------------------------------------------


def test_edited_file_is_reloaded(tmp_path: Path) -> None:
    write(tmp_path, "simple", 'key: simple\ntitle: "Một"\nschema: {type: object}\n')
    assert load_form("simple", directory=tmp_path).title == "Một"
    write(tmp_path, "simple", 'key: simple\ntitle: "Hai mươi"\nschema: {type: object}\n')
    assert load_form("simple", directory=tmp_path).title == "Hai mươi"


def test_list_forms_in_other_directories(tmp_path: Path) -> None:
    write(tmp_path, "b_form", 'key: b_form\ntitle: "B"\nschema: {type: object}\n')
    write(tmp_path, "a_form", 'key: a_form\ntitle: "A"\nschema: {type: object}\n')
    (tmp_path / "Bad-Name.yaml").write_text("x: 1", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    assert list_forms(directory=tmp_path) == ["a_form", "b_form"]
    assert list_forms(directory=tmp_path / "missing") == []


# --- broken definitions ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("key: broken\ntitle: [unclosed\n", "YAML không hợp lệ dòng 3"),
        ('key: broken\ntitle: "A"\ntitle: "B"\nschema: {type: object}\n', "duplicate key 'title'"),
        (
            'key: broken\ntitle: "A"\nschema: {type: object, properties: {a: {type: string}}}\n'
            "layout: [{field: a}, {field: missing}]\n",
            "layout[1] nêu trường «missing» không có trong lược đồ",
        ),
        (
            'key: broken\ntitle: "A"\nschema: {type: object, properties: {a: {type: strin}}}\n',
            "Lược đồ JSON không hợp lệ tại «properties/a/type»",
        ),
        ('key: other\ntitle: "A"\nschema: {type: object}\n', "mã biểu mẫu «other» khác tên tệp"),
        ('key: broken\ntitle: "A"\nschema: {type: array}\n', "Lược đồ gốc phải có type: object"),
        (
            'key: broken\ntitle: "A"\n'
            "schema: {type: object, required: [b], properties: {a: {type: string}}}\n",
            "Trường bắt buộc không có trong «properties»: b",
        ),
        (
            'key: broken\ntitle: "A"\nschema: {type: object, properties: {a: {type: string}}}\n'
            "layout: [{field: a, widget: slider}]\n",
            "kiểu hiển thị không hợp lệ 'slider'",
        ),
        (
            'key: broken\ntitle: "A"\nschema: {type: object, properties: {a: {type: string}}}\n'
            "layout: [{field: a, widget: checkbox}]\n",
            "kiểu hiển thị «checkbox» không dùng được cho trường kiểu string",
        ),
        (
            'key: broken\ntitle: "A"\n'
            "schema: {type: object, properties: {d: {type: string, default: 2024-01-01}}}\n",
            "Giá trị kiểu date tại «schema.properties.d.default»",
        ),
        (
            'key: broken\ntitle: "A"\nschema: {type: object, properties: {a: {$ref: "#/$defs/nope"}}}\n',
            "Tham chiếu «#/$defs/nope»",
        ),
        ("- just\n- a list\n", "Định nghĩa biểu mẫu phải là một bảng"),
    ],
)
def test_broken_definition_is_refused(tmp_path: Path, text: str, fragment: str) -> None:
    write(tmp_path, "broken", text)
    with pytest.raises(InvalidFormDefinition) as caught:
        load_form("broken", directory=tmp_path)
    assert caught.value.message.startswith("broken.yaml: ")
    assert fragment in caught.value.message
    assert isinstance(caught.value, FormError)


def test_validate_definition_reports_clear_messages() -> None:
    with pytest.raises(
        InvalidFormDefinition, match=r"^Khóa không được hỗ trợ: extra \(unsupported keys: extra"
    ):
        validate_definition({"key": "a", "title": "A", "schema": {"type": "object"}, "extra": 1})
    with pytest.raises(InvalidFormDefinition, match=r"^Mã biểu mẫu không hợp lệ: 'Bad'"):
        validate_definition({"key": "Bad", "title": "A", "schema": {"type": "object"}})
    with pytest.raises(InvalidFormDefinition, match=r"^Tiêu đề biểu mẫu phải có dạng"):
        validate_definition({"key": "a", "title": {"en": "only English"}, "schema": {"type": "object"}})
    definition = validate_definition({"key": "a", "title": "Tiêu đề", "schema": {"type": "object"}})
    assert (definition.title, definition.title_en, definition.fields) == ("Tiêu đề", "Tiêu đề", ())
