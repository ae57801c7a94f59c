"""Form definitions edited by administrators: versions, what tasks use, refusals, previews, unknown keys."""

from __future__ import annotations

from pathlib import Path

import pytest

import forms
from engine import (
    SYSTEM,
    FrozenClock,
    InvalidSubmission,
    NotFound,
    NotPermitted,
    Settings,
    StaleTask,
    WorkflowEngine,
    build_engine,
)
from engine.form_store import FALLBACK_FIELD
from tests.conftest import Org
from tests.engine.helpers import minimal_process, request_id, start_unit_report

SHIPPED_DRAFT = (forms.DEFAULT_DIRECTORY / "unit_report_draft.yaml").read_text("utf-8")
RELABELLED = SHIPPED_DRAFT.replace('title: "Kết quả thực hiện"', 'title: "Kết quả đạt được trong kỳ"')
DIFFICULTIES_REQUIRED = RELABELLED.replace("required: [summary]", "required: [summary, difficulties]")
GOOD_REPORT = {"summary": "Đã tổ chức 3 lớp tập huấn", "funding_estimate": "1.500.000"}
MEETING = """\
key: bien_ban_hop
title: {vi: "Biên bản họp", en: "Meeting minutes"}
schema:
  type: object
  required: [noi_dung]
  properties:
    noi_dung: {type: string, title: "Nội dung cuộc họp", maxLength: 2000}
    so_nguoi: {type: integer, title: "Số người dự", minimum: 0}
layout:
  - {field: noi_dung, widget: textarea, label_en: "Minutes"}
"""


def one_step_process(process_id: str, form_key: str) -> str:
    """start -> a drafter's user task showing ``form_key`` -> end."""
    return minimal_process(
        process_id,
        f"""
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="fill" name="Điền biểu mẫu" camunda:formKey="{form_key}"
                   camunda:candidateGroups="drafter">
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="fill"/>
    <bpmn:sequenceFlow id="f2" sourceRef="fill" targetRef="end"/>""",
    )


def test_tasks_use_the_shipped_file_until_a_version_is_saved_then_the_newest(
    engine: WorkflowEngine, org: Org
) -> None:
    admin, drafter = org.admin.id, org.drafter.id
    assert engine.task_form("unit_report_draft", actor=drafter) == forms.load_form("unit_report_draft")
    [summary] = [s for s in engine.list_form_definitions(actor=admin) if s.key == "unit_report_draft"]
    assert (summary.source, summary.latest_version, summary.version_count) == ("shipped", None, 0)
    assert summary.title == "Báo cáo kết quả thực hiện"
    shipped = engine.form_source("unit_report_draft", actor=admin)
    assert (shipped.version, shipped.source, shipped.text) == (None, "shipped", SHIPPED_DRAFT)

    first = engine.save_form("unit_report_draft", RELABELLED, actor=admin, based_on=0)
    assert (first.version, first.is_new, first.created_by_name) == (1, True, "Admin")
    assert engine.task_form("unit_report_draft", actor=drafter).fields[0].label == "Kết quả đạt được trong kỳ"

    # A submission is checked against the newest version: now "difficulties" is required too.
    start_unit_report(engine, org.commune.id, org.focal.id)
    [task] = engine.list_inbox(actor=drafter)
    assert engine.task_page(task.id, actor=drafter).task.form_key == "unit_report_draft"
    second = engine.save_form("unit_report_draft", DIFFICULTIES_REQUIRED, actor=admin, based_on=1)
    assert second.version == 2
    with pytest.raises(InvalidSubmission) as refused:
        engine.submit_task(task.id, GOOD_REPORT, actor=drafter, version=task.version, request_id=request_id())
    assert refused.value.field_errors == {"difficulties": ["Trường này là bắt buộc."]}
    done = engine.submit_task(
        task.id,
        {**GOOD_REPORT, "difficulties": "Thiếu kinh phí"},
        actor=drafter,
        version=task.version,
        request_id=request_id(),
    )
    assert done.task.status == "completed"

    source = engine.form_source("unit_report_draft", actor=admin)
    assert (source.version, source.source, source.latest_version, source.is_latest) == (2, "stored", 2, True)
    assert [v.version for v in source.versions] == [2, 1]
    assert source.text == DIFFICULTIES_REQUIRED
    older = engine.form_source("unit_report_draft", actor=admin, version=1)
    assert (older.text, older.is_latest, older.has_shipped_file) == (RELABELLED, False, True)
    assert engine.form_source("unit_report_draft", actor=admin, version=0).text == SHIPPED_DRAFT
    [summary] = [s for s in engine.list_form_definitions(actor=admin) if s.key == "unit_report_draft"]
    assert (summary.source, summary.latest_version, summary.version_count) == ("stored", 2, 2)
    assert (summary.updated_at, summary.updated_by_name) == (engine.now(), "Admin")
    saved = engine.list_audit(actor=SYSTEM, action="form.saved")
    assert [(e.details["key"], e.details["version"], e.actor_id) for e in saved] == [
        ("unit_report_draft", 1, admin),
        ("unit_report_draft", 2, admin),
    ]


def test_the_same_text_again_stores_no_new_version(engine: WorkflowEngine, org: Org) -> None:
    admin = org.admin.id
    first = engine.save_form("unit_report_draft", RELABELLED, actor=admin)
    # As a browser posts a textarea: CR LF line ends, no final newline.
    again = engine.save_form("unit_report_draft", RELABELLED.rstrip("\n").replace("\n", "\r\n"), actor=admin)
    assert (again.version, again.checksum, again.is_new) == (1, first.checksum, False)
    assert len(engine.form_source("unit_report_draft", actor=admin).versions) == 1
    assert len(engine.list_audit(actor=SYSTEM, action="form.saved")) == 1
    # Going back to an older text is a new version, not a reuse of the old number.
    engine.save_form("unit_report_draft", SHIPPED_DRAFT, actor=admin)
    back = engine.save_form("unit_report_draft", RELABELLED, actor=admin)
    assert (back.version, back.checksum) == (3, first.checksum)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        (SHIPPED_DRAFT.replace("key: unit_report_draft", "key: [unit_report_draft"), "Dòng 3: YAML không"),
        (SHIPPED_DRAFT.replace("widget: textarea, rows: 6", "widget: slider, rows: 6"), "Dòng 89: layout[0]"),
        (
            SHIPPED_DRAFT.replace(
                "      maxLength: 5000\n    difficulties", "      maxLength: -1\n    difficulties"
            ),
            "Dòng 12: Lược đồ JSON không hợp lệ",
        ),
        (
            SHIPPED_DRAFT.replace("key: unit_report_draft", "key: plan_draft"),
            "Dòng 2: Mã biểu mẫu «plan_draft»",
        ),
        ("", "đang trống"),
    ],
)
def test_an_invalid_definition_is_refused_with_its_line_and_nothing_is_stored(
    engine: WorkflowEngine, org: Org, text: str, fragment: str
) -> None:
    with pytest.raises(InvalidSubmission) as refused:
        engine.save_form("unit_report_draft", text, actor=org.admin.id)
    assert refused.value.message.startswith("Biểu mẫu chưa hợp lệ, chưa lưu")
    [reason] = refused.value.field_errors["source"]
    assert fragment in reason
    assert engine.form_source("unit_report_draft", actor=org.admin.id).versions == ()
    assert engine.list_audit(actor=SYSTEM, action="form.saved") == []
    assert engine.task_form("unit_report_draft", actor=org.drafter.id) == forms.load_form("unit_report_draft")


def test_preview_describes_the_form_or_says_why_and_never_raises_for_the_text(
    engine: WorkflowEngine, org: Org
) -> None:
    admin = org.admin.id
    good = engine.preview_form(RELABELLED, actor=admin, key="unit_report_draft")
    assert good.ok
    assert good.errors == ()
    assert good.definition is not None
    assert good.definition.fields[0].label == "Kết quả đạt được trong kỳ"
    for text in ("- a\n- list\n", "key: x\n\tbad: tab\n", "[" * 5000, "a: " + "x" * 300_000, "key: &a [*a]"):
        preview = engine.preview_form(text, actor=admin)
        assert (preview.ok, preview.definition, len(preview.errors)) == (False, None, 1), text[:40]
    mismatch = engine.preview_form(RELABELLED, actor=admin, key="plan_draft")
    assert mismatch.errors[0].startswith(
        "Dòng 2: Mã biểu mẫu «unit_report_draft» khác mã đang sửa «plan_draft»"
    )
    assert engine.form_source("unit_report_draft", actor=admin).versions == ()  # a preview stores nothing


def test_only_administrators_list_read_preview_save_and_compare(engine: WorkflowEngine, org: Org) -> None:
    for user in (org.drafter.id, org.head.id, org.focal_officer.id):
        with pytest.raises(NotPermitted):
            engine.list_form_definitions(actor=user)
        with pytest.raises(NotPermitted):
            engine.form_source("unit_report_draft", actor=user)
        with pytest.raises(NotPermitted):
            engine.preview_form(RELABELLED, actor=user)
        with pytest.raises(NotPermitted):
            engine.save_form("unit_report_draft", RELABELLED, actor=user)
        with pytest.raises(NotPermitted):
            engine.diff_form_versions("unit_report_draft", 0, 1, actor=user)
    assert engine.form_source("unit_report_draft", actor=org.admin.id).versions == ()


def test_a_new_form_is_created_under_a_new_key_and_a_process_may_name_it(
    engine: WorkflowEngine, org: Org
) -> None:
    admin = org.admin.id
    created = engine.save_form("bien_ban_hop", MEETING, actor=admin, create=True)
    assert (created.key, created.version) == ("bien_ban_hop", 1)
    with pytest.raises(InvalidSubmission) as again:
        engine.save_form("bien_ban_hop", MEETING, actor=admin, create=True)
    assert "key" in again.value.field_errors
    with pytest.raises(InvalidSubmission) as shipped:
        engine.save_form("unit_report_draft", SHIPPED_DRAFT, actor=admin, create=True)
    assert "key" in shipped.value.field_errors
    for bad in ("Bien-Ban", "1abc", "", "a" * 65):
        with pytest.raises(InvalidSubmission) as refused:
            engine.save_form(bad, MEETING, actor=admin)
        assert list(refused.value.field_errors) == ["key"]
    assert "bien_ban_hop" in {s.key for s in engine.list_form_definitions(actor=admin)}
    assert engine.known_form_keys() >= {"bien_ban_hop", "unit_report_draft"}

    engine.deploy_definition(one_step_process("meeting", "bien_ban_hop"), actor=SYSTEM)
    engine.start_instance("meeting", actor=SYSTEM, unit_id=org.commune.id)
    [task] = engine.list_inbox(actor=org.drafter.id)
    page = engine.task_page(task.id, actor=org.drafter.id)
    assert page.task.form_key == "bien_ban_hop"
    with pytest.raises(InvalidSubmission) as missing:
        engine.submit_task(task.id, {}, actor=org.drafter.id, version=task.version, request_id=request_id())
    assert list(missing.value.field_errors) == ["noi_dung"]
    done = engine.submit_task(
        task.id,
        {"noi_dung": "Thống nhất kế hoạch", "so_nguoi": "12"},
        actor=org.drafter.id,
        version=task.version,
        request_id=request_id(),
    )
    assert done.instance.status == "completed"


def test_a_save_from_a_stale_editor_is_refused(engine: WorkflowEngine, org: Org, make_user) -> None:  # type: ignore[no-untyped-def]
    other_admin = make_user("admin2", org.province.id, "admin").id
    # Both opened the editor on the shipped file (based on version 0); the other saves first.
    engine.save_form("unit_report_draft", RELABELLED, actor=other_admin, based_on=0)
    with pytest.raises(StaleTask):
        engine.save_form("unit_report_draft", DIFFICULTIES_REQUIRED, actor=org.admin.id, based_on=0)
    source = engine.form_source("unit_report_draft", actor=org.admin.id)
    assert [(v.version, v.created_by_name) for v in source.versions] == [(1, "Admin2")]


def test_versions_are_compared_field_by_field(engine: WorkflowEngine, org: Org) -> None:
    admin = org.admin.id
    changed = (
        RELABELLED.replace("required: [summary]", "required: [summary, proposals]")
        .replace(
            "    proposals:\n",
            '    budget_note:\n      type: string\n      title: "Ghi chú kinh phí"\n    proposals:\n',
        )
        .replace(
            '  - {field: difficulties, widget: textarea, rows: 4, label_en: "Difficulties and obstacles"}\n',
            "",
        )
        .replace(
            '    difficulties:\n      type: string\n      title: "Khó khăn, vướng mắc"\n'
            "      maxLength: 5000\n",
            "",
        )
        .replace(
            'title: "Kiến nghị, đề xuất"\n      maxLength: 5000',
            'title: "Kiến nghị, đề xuất"\n      maxLength: 800',
        )
    )
    engine.save_form("unit_report_draft", changed, actor=admin)
    diff = engine.diff_form_versions("unit_report_draft", 0, 1, actor=admin)
    assert (diff.added, diff.removed, diff.title_changed) == (("budget_note",), ("difficulties",), False)
    aspects = {c.name: c.aspects for c in diff.changed}
    assert aspects["summary"] == ("label",)
    assert aspects["proposals"] == ("required", "schema", "position")
    assert aspects["funding_estimate"] == ("position",)  # difficulties, before it, is gone
    assert engine.diff_form_versions("unit_report_draft", 1, 1, actor=admin).is_empty
    with pytest.raises(NotFound):
        engine.diff_form_versions("unit_report_draft", 1, 7, actor=admin)


def test_unknown_keys_and_versions_are_not_found(engine: WorkflowEngine, org: Org) -> None:
    for key in ("khong_co", "../etc/passwd", "Bad Key"):
        with pytest.raises(NotFound):
            engine.form_source(key, actor=org.admin.id)
    with pytest.raises(NotFound):
        engine.form_source("unit_report_draft", actor=org.admin.id, version=3)


def test_a_task_naming_an_unknown_form_shows_a_note_form_and_can_be_completed(
    engine: WorkflowEngine, org: Org, settings: Settings, clock: FrozenClock, tmp_path: Path
) -> None:
    """A process deployed where a form existed, run where it does not (a file removed, another tool)."""
    with_form, without = tmp_path / "with", tmp_path / "without"
    with_form.mkdir()
    without.mkdir()
    (with_form / "phieu_khac.yaml").write_text(MEETING.replace("bien_ban_hop", "phieu_khac"), "utf-8")
    deployer = build_engine(Settings(database_url=settings.database_url, forms_dir=with_form), clock=clock)
    try:
        deployer.deploy_definition(one_step_process("other_tool", "phieu_khac"), actor=SYSTEM)
        deployer.start_instance("other_tool", actor=SYSTEM, unit_id=org.commune.id)
    finally:
        deployer.dispose()
    runner = build_engine(Settings(database_url=settings.database_url, forms_dir=without), clock=clock)
    try:
        drafter = org.drafter.id
        [task] = runner.list_inbox(actor=drafter)
        form = runner.task_form("phieu_khac", actor=drafter)
        assert (form.key, [f.name for f in form.fields]) == ("phieu_khac", [FALLBACK_FIELD])
        assert (form.fields[0].widget, form.fields[0].required) == ("textarea", False)
        assert "phieu_khac" in (form.fields[0].help or "")
        page = runner.task_page(task.id, actor=drafter)
        assert (page.task.form_key, page.values, page.rows) == ("phieu_khac", {}, {})
        runner.save_task_draft(task.id, {FALLBACK_FIELD: "Đang xem", "noi_dung": "bỏ"}, actor=drafter)
        assert runner.get_task_draft(task.id, actor=drafter).values == {FALLBACK_FIELD: "Đang xem"}  # type: ignore[union-attr]
        done = runner.submit_task(
            task.id,
            {FALLBACK_FIELD: "Đã xử lý"},
            actor=drafter,
            version=task.version,
            request_id=request_id(),
        )
        assert done.instance.status == "completed"
        # Keys that cannot even be file names get the same form.
        assert runner.task_form("embedded:app:forms/x.json", actor=drafter).fields[0].name == FALLBACK_FIELD
    finally:
        runner.dispose()
