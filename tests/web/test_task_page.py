"""The task page's list fields, drafts and attachments, through the real app and the real engine."""

from __future__ import annotations

import io
import re
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from flask.testing import FlaskClient
from werkzeug.datastructures import FileStorage
from werkzeug.test import TestResponse, encode_multipart

from engine import SYSTEM, InvalidSubmission, NotFound, StaleTask, UserInfo, WorkflowEngine, task_pages
from engine.plan_results import SectionInput, TargetInput, TaskInput, UnitRef
from tests.conftest import WORKFLOWS, Org
from tests.web.test_pages import _client, sign_in, token
from web.app import create_app

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"
    + b"\x00" * 64
    + b"This program cannot be run in DOS mode"
)


@dataclass(frozen=True)
class Report:
    """A commune's open report: its draft task, the plan tasks it leads and the plan's targets."""

    period_id: int
    task_id: int
    drafter_id: int
    plan_tasks: tuple[int, int]
    targets: tuple[int, int]


def open_report(engine: WorkflowEngine, org: Org, make_user: Callable[..., UserInfo]) -> Report:
    """Issue a plan: two tasks led by the commune, one by the other commune, two targets; open a period."""
    for key in ("reporting_period", "unit_report"):
        path = WORKFLOWS / key / f"{key}.bpmn"
        engine.deploy_definition(path.read_bytes(), actor=SYSTEM, filename=path.name)
    leader = make_user("lanhdao", org.province.id, "leader")
    focal = org.focal_officer.id
    plan = engine.create_plan(
        issuing_unit_id=org.province.id,
        focal_unit_id=org.focal.id,
        year=2024,
        place="Tây Ninh",
        title="Kế hoạch triển khai Chỉ thị 14/CT-TTg",
        actor=focal,
    )
    commune, other = (UnitRef(unit_id=org.commune.id),), (UnitRef(unit_id=org.other_commune.id),)
    engine.set_plan_tasks(
        plan.id,
        [
            SectionInput(
                "I",
                "Tuyên truyền",
                (
                    TaskInput("Quán triệt Luật An ninh mạng", "Thường xuyên", lead=commune),
                    TaskInput("Kiểm tra an toàn thông tin", "Hàng năm", lead=other),
                    TaskInput("Tập huấn kỹ năng số cho cán bộ", "Quý IV/2024", lead=commune),
                ),
            )
        ],
        actor=focal,
    )
    engine.set_plan_targets(
        plan.id,
        [
            TargetInput("Cán bộ được tập huấn", Decimal("100"), "%"),
            TargetInput("Hồ sơ trực tuyến toàn trình", Decimal("80.5"), "%", date(2025, 12, 31)),
        ],
        actor=focal,
    )
    issued = engine.issue_plan(
        plan.id, signer_id=leader.id, authority_form="TM", issued_on=date(2024, 11, 1), actor=leader.id
    )
    period = engine.open_period(
        plan.id,
        label="Năm 2024",
        year=2024,
        data_cutoff=date(2024, 10, 31),
        unit_deadline=date(2024, 11, 15),
        focal_deadline=date(2024, 11, 20),
        actor=focal,
    )
    [task] = [t for t in engine.list_inbox(actor=org.drafter.id) if t.task_name == "draft"]
    first, _other_task, third = (t.id for t in issued.tasks)
    target_ids = _target_ids(engine, task.id, org.drafter.id)
    return Report(period.id, task.id, org.drafter.id, (first, third), target_ids)


def _target_ids(engine: WorkflowEngine, task_id: int, user_id: int) -> tuple[int, int]:
    first, second = (row.id for row in engine.task_page(task_id, actor=user_id).rows["plan_targets"])
    return first, second


@pytest.fixture
def report(engine: WorkflowEngine, org: Org, make_user: Callable[..., UserInfo]) -> Report:
    return open_report(engine, org, make_user)


def drafter(engine: WorkflowEngine) -> FlaskClient:
    client = _client(engine)
    sign_in(client, "xa.soan")
    return client


def post(client: FlaskClient, path: str, data: dict[str, Any], **kwargs: Any) -> TestResponse:
    return client.post(path, data={**data, "csrf_token": token(client, path.split("/tep")[0])}, **kwargs)


def form_of(engine: WorkflowEngine, report: Report, **cells: str) -> dict[str, str]:
    """A complete, valid submission of the report page, with ``cells`` replacing or adding inputs."""
    task = engine.open_task(report.task_id, actor=report.drafter_id)
    data = {
        "version": str(task.task.version),
        "request_id": uuid.uuid4().hex,
        "summary": "Đã quán triệt đến 100% cán bộ",
        "task_results.0.task_id": str(report.plan_tasks[0]),
        "task_results.0.progress": "completed",
        "task_results.0.completed_on": "15/10/2024",
        "task_results.0.narrative": "Đã tổ chức 2 hội nghị",
        "task_results.1.task_id": str(report.plan_tasks[1]),
        "task_results.1.progress": "in_progress",
        "target_values.0.target_id": str(report.targets[0]),
        "target_values.0.value": "95",
        "target_values.1.target_id": str(report.targets[1]),
        "target_values.1.value": "",
        "other_tasks.0.content": "",
        "other_tasks.0.result": "",
    }
    data.update(cells)
    return data


def error_text(page: str, dom_id: str) -> str:
    match = re.search(rf'id="error-{re.escape(dom_id)}">([^<]*)<', page)
    assert match, f"no message with id error-{dom_id}"
    return match.group(1)


def cell(page: str, name: str) -> str:
    """The HTML of the control named ``name``."""
    match = re.search(rf'<(input|select|textarea)[^>]*name="{re.escape(name)}"[^>]*>(.*?</\1>)?', page, re.S)
    assert match, f"no control named {name}"
    return match.group(0)


# -- list fields ---------------------------------------------------------------------------------


def test_task_results_show_one_row_per_plan_task_the_unit_leads_and_targets_with_their_goals(
    engine: WorkflowEngine, org: Org, report: Report
) -> None:
    page = drafter(engine).get(f"/tasks/{report.task_id}").get_data(as_text=True)
    assert "Quán triệt Luật An ninh mạng" in page
    assert "Tập huấn kỹ năng số cho cán bộ" in page
    assert "Kiểm tra an toàn thông tin" not in page  # led by the other commune
    assert page.index("Quán triệt Luật An ninh mạng") < page.index("Tập huấn kỹ năng số cho cán bộ")
    assert f'name="task_results.0.task_id" value="{report.plan_tasks[0]}"' in page
    assert f'name="task_results.1.task_id" value="{report.plan_tasks[1]}"' in page
    assert 'name="task_results.2.task_id"' not in page
    assert '<span class="code">I.1.</span>' in page
    assert '<span class="code">I.3.</span>' in page
    assert "Mục tiêu: 100 %" in page
    assert "Mục tiêu: 80,5 % (mốc 31/12/2025)" in page
    assert 'aria-label="Tiến độ — I.3"' in cell(page, "task_results.1.progress")
    # The free list offers one blank row and a button to add more.
    assert 'name="other_tasks.0.content"' in page
    assert 'value="add-row:other_tasks"' in page
    assert 'value="add-row:task_results"' not in page  # supplied rows cannot grow


def test_stored_rows_come_back_in_their_cells_after_a_return(
    engine: WorkflowEngine, org: Org, report: Report
) -> None:
    client = drafter(engine)
    response = post(client, f"/tasks/{report.task_id}", {**form_of(engine, report), "action": "submit"})
    assert response.status_code == 302, response.get_data(as_text=True)
    body = engine.get_unit_report(report.period_id, org.commune.id, actor=org.drafter.id)["body"]
    assert body["task_results"] == [
        {
            "task_id": report.plan_tasks[0],
            "progress": "completed",
            "completed_on": "2024-10-15",
            "narrative": "Đã tổ chức 2 hội nghị",
        },
        {"task_id": report.plan_tasks[1], "progress": "in_progress"},
    ]
    assert body["target_values"] == [{"target_id": report.targets[0], "value": 95}]  # the blank one left out
    assert body["other_tasks"] == []  # a blank free row is not a row
    [review] = [t for t in engine.list_inbox(actor=org.head.id) if t.task_name == "head_review"]
    engine.return_task(
        review.id, "Bổ sung minh chứng", actor=org.head.id, version=review.version, request_id="x"
    )
    [again] = [t for t in engine.list_inbox(actor=org.drafter.id) if t.task_name == "draft"]
    page = client.get(f"/tasks/{again.id}").get_data(as_text=True)
    assert 'value="completed" selected' in cell(page, "task_results.0.progress")
    assert 'value="15/10/2024"' in cell(page, "task_results.0.completed_on")
    assert ">Đã tổ chức 2 hội nghị</textarea>" in cell(page, "task_results.0.narrative")
    assert 'value="in_progress" selected' in cell(page, "task_results.1.progress")
    assert 'value="95"' in cell(page, "target_values.0.value")
    assert 'value=""' in cell(page, "target_values.1.value")


def test_bad_cells_get_their_own_messages_and_every_typed_cell_is_kept(
    engine: WorkflowEngine, org: Org, report: Report
) -> None:
    client = drafter(engine)
    form = form_of(
        engine,
        report,
        action="submit",
        **{
            "task_results.0.completed_on": "31/02/2024",
            "task_results.1.progress": "",
            "task_results.1.narrative": "Đang chuẩn bị tài liệu",
            "target_values.0.value": "",
            "target_values.1.value": "nhiều",
            "other_tasks.0.result": "Có kết quả nhưng chưa ghi nhiệm vụ",
        },
    )
    response = post(client, f"/tasks/{report.task_id}", form)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert error_text(page, "task_results-0-completed_on") == "Ngày không hợp lệ (dd/mm/yyyy)."
    assert error_text(page, "task_results-1-progress") == "Trường này là bắt buộc."
    # Only the second target was submitted (the first was blank), yet its message is on its row.
    assert error_text(page, "target_values-1-value") == "Phải là số."
    assert 'id="error-target_values-0-value"' not in page
    assert error_text(page, "other_tasks-0-content") == "Trường này là bắt buộc."
    assert 'value="31/02/2024"' in cell(page, "task_results.0.completed_on")
    assert 'aria-invalid="true"' in cell(page, "task_results.0.completed_on")
    assert 'value="completed" selected' in cell(page, "task_results.0.progress")
    assert ">Đã tổ chức 2 hội nghị</textarea>" in page
    assert ">Đang chuẩn bị tài liệu</textarea>" in page
    assert 'value="nhiều"' in cell(page, "target_values.1.value")
    assert ">Có kết quả nhưng chưa ghi nhiệm vụ</textarea>" in page
    assert ">Đã quán triệt đến 100% cán bộ</textarea>" in page
    assert engine.open_task(report.task_id, actor=org.drafter.id).task.status == "open"


def test_a_completed_task_without_its_date_is_refused_on_its_row(
    engine: WorkflowEngine, org: Org, report: Report
) -> None:
    client = drafter(engine)
    form = form_of(engine, report, action="submit", **{"task_results.0.completed_on": ""})
    page = post(client, f"/tasks/{report.task_id}", form).get_data(as_text=True)
    assert error_text(page, "task_results-0-completed_on") == "Cần ngày hoàn thành."


def test_adding_and_removing_rows_keeps_the_input_and_saves_nothing(
    engine: WorkflowEngine, org: Org, report: Report
) -> None:
    client = drafter(engine)
    version = engine.open_task(report.task_id, actor=org.drafter.id).task.version
    form = form_of(
        engine,
        report,
        action="add-row:other_tasks",
        summary="Chưa xong",
        **{"other_tasks.0.content": "Hội nghị trực tuyến", "task_results.0.narrative": "Đang viết"},
    )
    response = post(client, f"/tasks/{report.task_id}", form)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert ">Hội nghị trực tuyến</textarea>" in cell(page, "other_tasks.0.content")
    assert ">" in cell(page, "other_tasks.1.content")  # the new, blank row
    assert 'name="other_tasks.2.content"' not in page
    assert ">Chưa xong</textarea>" in page
    assert ">Đang viết</textarea>" in page
    assert 'role="alert"' not in page  # adding a row judges nothing
    form = {
        **form,
        "action": "remove-row:other_tasks:0",
        "other_tasks.1.content": "Tọa đàm chuyển đổi số",
        "other_tasks.1.result": "30 người dự",
    }
    page = post(client, f"/tasks/{report.task_id}", form).get_data(as_text=True)
    assert ">Tọa đàm chuyển đổi số</textarea>" in cell(page, "other_tasks.0.content")
    assert ">30 người dự</textarea>" in cell(page, "other_tasks.0.result")
    assert "Hội nghị trực tuyến" not in page
    assert 'name="other_tasks.1.content"' not in page
    # Nothing was stored: no draft, the task untouched, no report body.
    assert engine.get_task_draft(report.task_id, actor=org.drafter.id) is None
    assert engine.open_task(report.task_id, actor=org.drafter.id).task.version == version
    assert engine.get_unit_report(report.period_id, org.commune.id, actor=org.drafter.id)["body"] == {}


# -- drafts --------------------------------------------------------------------------------------


def test_a_draft_keeps_even_invalid_input_comes_back_on_reload_and_submitting_clears_it(
    engine: WorkflowEngine, org: Org, report: Report
) -> None:
    client = drafter(engine)
    form = form_of(
        engine,
        report,
        action="save-draft",
        funding_estimate="một triệu",
        **{"task_results.1.narrative": "Đang chuẩn bị", "other_tasks.0.content": "Hội nghị"},
    )
    response = post(client, f"/tasks/{report.task_id}", form)
    assert response.status_code == 302
    draft = engine.get_task_draft(report.task_id, actor=org.drafter.id)
    assert draft is not None
    assert draft.values["funding_estimate"] == "một triệu"
    assert draft.values["task_results"][1] == {
        "task_id": str(report.plan_tasks[1]),
        "progress": "in_progress",
        "narrative": "Đang chuẩn bị",
    }
    assert set(draft.values) <= {
        "summary",
        "funding_estimate",
        "task_results",
        "target_values",
        "other_tasks",
    }
    page = client.get(f"/tasks/{report.task_id}").get_data(as_text=True)
    assert "Bản nháp lưu lúc 01/11/2024 09:00" in page
    assert 'value="một triệu"' in cell(page, "funding_estimate")
    assert ">Đang chuẩn bị</textarea>" in cell(page, "task_results.1.narrative")
    assert ">Hội nghị</textarea>" in cell(page, "other_tasks.0.content")
    assert 'value="in_progress" selected' in cell(page, "task_results.1.progress")
    # Nobody else sees or replaces it: not the head (another role), not another unit.
    with pytest.raises(NotFound):
        engine.save_task_draft(report.task_id, {"summary": "x"}, actor=org.other_drafter.id)
    with pytest.raises(NotFound):
        engine.get_task_draft(report.task_id, actor=org.head.id)

    good = form_of(engine, report, action="submit", **{"task_results.1.narrative": "Đang chuẩn bị"})
    assert post(client, f"/tasks/{report.task_id}", good).status_code == 302
    assert engine.get_task_draft(report.task_id, actor=org.drafter.id) is None
    assert not engine.discard_task_draft(report.task_id, actor=org.drafter.id)  # already gone


def test_a_draft_of_a_task_no_longer_open_is_ignored_and_cannot_be_saved(
    engine: WorkflowEngine, org: Org, report: Report
) -> None:
    engine.save_task_draft(report.task_id, {"summary": "Bản nháp cũ"}, actor=org.drafter.id)
    task = engine.open_task(report.task_id, actor=org.drafter.id).task
    engine.submit_task(
        report.task_id,
        {"summary": "Bản chính thức", "task_results": [], "target_values": []},
        actor=org.drafter.id,
        version=task.version,
        request_id="direct",
    )
    # Submitted through the door, not the page: the row may remain, but it is never shown again.
    assert engine.get_task_draft(report.task_id, actor=org.drafter.id) is None
    assert engine.task_page(report.task_id, actor=org.drafter.id).draft is None
    with pytest.raises(StaleTask):
        engine.save_task_draft(report.task_id, {"summary": "muộn"}, actor=org.drafter.id)


def test_discarding_a_draft_brings_back_the_stored_values(
    engine: WorkflowEngine, org: Org, report: Report
) -> None:
    client = drafter(engine)
    post(client, f"/tasks/{report.task_id}", form_of(engine, report, action="save-draft", summary="Nháp"))
    assert "Bản nháp lưu lúc" in client.get(f"/tasks/{report.task_id}").get_data(as_text=True)
    post(client, f"/tasks/{report.task_id}", {"action": "discard-draft"})
    page = client.get(f"/tasks/{report.task_id}").get_data(as_text=True)
    assert "Bản nháp lưu lúc" not in page
    assert ">Nháp</textarea>" not in page
    assert engine.get_task_draft(report.task_id, actor=org.drafter.id) is None


def test_a_draft_holds_form_fields_only_and_refuses_what_is_not_input(
    engine: WorkflowEngine, org: Org, report: Report
) -> None:
    saved = engine.save_task_draft(
        report.task_id, {"summary": "A", "not_a_field": "x", "decision": "approve"}, actor=org.drafter.id
    )
    assert saved.values == {"summary": "A"}
    with pytest.raises(InvalidSubmission):
        engine.save_task_draft(report.task_id, {"summary": object()}, actor=org.drafter.id)
    with pytest.raises(InvalidSubmission):
        engine.save_task_draft(report.task_id, {"summary": "x" * 1_100_000}, actor=org.drafter.id)
    assert engine.get_task_draft(report.task_id, actor=org.drafter.id) == saved


# -- attachments ---------------------------------------------------------------------------------


def upload(client: FlaskClient, task_id: int, name: str, data: bytes) -> TestResponse:
    """Post ``data`` as the file ``name``, as a browser's upload form would."""
    fields = {"csrf_token": token(client, f"/tasks/{task_id}"), "file": FileStorage(io.BytesIO(data), name)}
    # Encoded in memory: the test client would otherwise spool a large body to a file it never closes.
    boundary, body = encode_multipart(fields)
    return client.post(
        f"/tasks/{task_id}/tep", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )


def test_a_file_is_uploaded_listed_downloaded_byte_for_byte_and_removed_with_history(
    engine: WorkflowEngine, org: Org, report: Report
) -> None:
    client = drafter(engine)
    response = upload(client, report.task_id, "Báo cáo quý IV.pdf", PDF)
    assert response.status_code == 302
    [attached] = engine.list_attachments(report.task_id, actor=org.drafter.id)
    assert (attached.filename, attached.content_type, attached.size) == (
        "Báo cáo quý IV.pdf",
        "application/pdf",
        len(PDF),
    )
    assert attached.may_remove
    page = client.get(f"/tasks/{report.task_id}").get_data(as_text=True)
    assert f'href="/tasks/tep/{attached.id}"' in page
    assert "Báo cáo quý IV.pdf" in page
    assert "Đính kèm tệp" in page  # the item's history

    download = client.get(f"/tasks/tep/{attached.id}")
    assert download.status_code == 200
    assert download.data == PDF
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''B%C3%A1o%20c%C3%A1o%20qu%C3%BD%20IV.pdf" in disposition

    removed = client.post(
        f"/tasks/{report.task_id}/tep/{attached.id}/go",
        data={"csrf_token": token(client, f"/tasks/{report.task_id}")},
    )
    assert removed.status_code == 302
    assert engine.list_attachments(report.task_id, actor=org.drafter.id) == []
    assert client.get(f"/tasks/tep/{attached.id}").status_code == 404
    actions = [e.action for e in engine.task_history(report.task_id, actor=org.drafter.id)]
    assert actions[-2:] == ["attachment.added", "attachment.removed"]
    page = client.get(f"/tasks/{report.task_id}").get_data(as_text=True)
    assert "Gỡ tệp đính kèm" in page
    assert "Chưa có tệp nào." in page


def test_a_program_renamed_pdf_is_refused_with_the_reason_and_nothing_is_stored(
    engine: WorkflowEngine, org: Org, report: Report
) -> None:
    client = drafter(engine)
    response = upload(client, report.task_id, "ke-hoach.pdf", EXE)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Không nhận tệp chương trình" in error_text(page, "file")
    assert 'aria-invalid="true"' in cell(page, "file")
    assert engine.list_attachments(report.task_id, actor=org.drafter.id) == []
    history = engine.task_history(report.task_id, actor=org.drafter.id)
    assert not [e for e in history if e.action.startswith("attachment.")]


@pytest.mark.parametrize(
    ("name", "data", "fragment"),
    [
        ("ke-hoach.pdf", EXE, "Không nhận tệp chương trình"),
        ("chay.pdf", b"#!/bin/sh\nrm -rf /\n%PDF-", "Không nhận tệp chương trình"),
        ("setup.exe", EXE, "Chỉ nhận tệp PDF, Word"),
        ("bang-tinh.xlsx", PDF, "không đúng định dạng .xlsx"),
        ("van-ban.doc", PDF, "không đúng định dạng .doc"),
        ("anh.png", b"\xff\xd8\xff\xe0 a jpeg", "không đúng định dạng .png"),
        ("hong.zip", b"PK\x03\x04 not really a zip", "Tệp nén bị hỏng"),
        ("trong.pdf", b"", "Tệp rỗng"),
        ("khong-duoi", PDF, "Chỉ nhận tệp PDF, Word"),
        (".pdf", PDF, "Chỉ nhận tệp PDF, Word"),
        ("lon.pdf", PDF + b"0" * 1024, "vượt quá dung lượng cho phép (1 KB mỗi tệp)"),
    ],
)
def test_file_checks_name_the_problem(name: str, data: bytes, fragment: str) -> None:
    with pytest.raises(InvalidSubmission) as caught:
        task_pages.check_file(name, data, limit=1024)
    assert fragment in caught.value.field_errors["file"][0]


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("C:\\Users\\soan\\Báo cáo.pdf", "Báo cáo.pdf"),
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("bao\u202efdp.exe", "baofdp.exe"),  # a right-to-left override cannot disguise the extension
        ("  nhiều   khoảng\tcách .pdf ", "nhiều khoảng cách .pdf"),
        ("ho?so*<1>.pdf", "ho_so__1_.pdf"),
        ("Ba\u0301o ca\u0301o.pdf", "Báo cáo.pdf"),  # composed (NFC)
        ("x" * 300 + ".docx", "x" * 195 + ".docx"),
    ],
)
def test_uploaded_names_are_reduced_to_a_bare_printable_name(given: str, kept: str) -> None:
    assert task_pages.clean_filename(given) == kept


def test_a_zip_holding_a_program_is_refused_and_office_files_must_be_what_they_say(
    engine: WorkflowEngine, org: Org, report: Report
) -> None:
    def zipped(*names: str) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for member in names:
                archive.writestr(member, "x")
        return buffer.getvalue()

    client = drafter(engine)
    page = upload(
        client, report.task_id, "ho-so.zip", zipped("bao-cao.pdf", "tien-ich/cai-dat.EXE")
    ).get_data(as_text=True)
    assert "Tệp nén chứa tệp chương trình «cai-dat.EXE»" in error_text(page, "file")
    assert upload(client, report.task_id, "bang.xlsx", zipped("word/document.xml")).status_code == 422
    assert (
        upload(
            client, report.task_id, "van-ban.docx", zipped("[Content_Types].xml", "word/document.xml")
        ).status_code
        == 302
    )
    assert (
        upload(client, report.task_id, "../../ho-so/../anh chụp.jpg", b"\xff\xd8\xff\xe0JFIF").status_code
        == 302
    )
    assert [a.filename for a in engine.list_attachments(report.task_id, actor=org.drafter.id)] == [
        "van-ban.docx",
        "anh chụp.jpg",
    ]
    assert [a.content_type for a in engine.list_attachments(report.task_id, actor=org.drafter.id)] == [
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "image/jpeg",
    ]


def test_an_oversize_file_is_refused_with_the_limit_in_the_message(
    engine: WorkflowEngine, org: Org, report: Report
) -> None:
    client = drafter(engine)
    big = PDF + b"0" * (20 * 1024 * 1024 + 1 - len(PDF))
    response = upload(client, report.task_id, "qua-lon.pdf", big)
    assert response.status_code == 422
    assert "vượt quá dung lượng cho phép (20 MB mỗi tệp)" in error_text(
        response.get_data(as_text=True), "file"
    )
    assert engine.list_attachments(report.task_id, actor=org.drafter.id) == []
    # A request larger than the server takes at all is answered in Vietnamese too.
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "MAX_CONTENT_LENGTH": 4096}, engine=engine)
    small = app.test_client()
    sign_in(small, "xa.soan")
    response = upload(small, report.task_id, "lon.pdf", PDF + b"0" * 8192)
    assert response.status_code == 413
    assert "Tệp quá lớn: mỗi tệp tối đa 20 MB" in response.get_data(as_text=True)
    assert engine.list_attachments(report.task_id, actor=org.drafter.id) == []


def test_files_are_seen_by_whoever_sees_the_item_and_removed_only_by_the_uploader_while_open(
    engine: WorkflowEngine, org: Org, report: Report
) -> None:
    client = drafter(engine)
    upload(client, report.task_id, "minh-chung.pdf", PDF)
    [attached] = engine.list_attachments(report.task_id, actor=org.drafter.id)
    other = _client(engine)
    sign_in(other, "khac.soan")
    assert other.get(f"/tasks/tep/{attached.id}").status_code == 404
    assert upload(other, report.task_id, "x.pdf", PDF).status_code == 404
    with pytest.raises(NotFound):
        engine.list_attachments(report.task_id, actor=org.other_drafter.id)
    with pytest.raises(NotFound):
        engine.remove_attachment(attached.id, actor=org.other_drafter.id)

    post(client, f"/tasks/{report.task_id}", form_of(engine, report, action="submit"))
    [review] = [t for t in engine.list_inbox(actor=org.head.id) if t.task_name == "head_review"]
    head = _client(engine)
    sign_in(head, "xa.truong")
    assert head.get(f"/tasks/tep/{attached.id}").data == PDF  # the next step sees the item's files
    page = head.get(f"/tasks/{review.id}").get_data(as_text=True)
    assert "minh-chung.pdf" in page
    assert f"/tep/{attached.id}/go" not in page  # not theirs to remove
    assert (
        head.post(
            f"/tasks/{review.id}/tep/{attached.id}/go",
            data={"csrf_token": token(head, f"/tasks/{review.id}")},
        ).status_code
        == 403
    )
    # The drafter's step is done: the file stays part of what was submitted.
    assert (
        client.post(
            f"/tasks/{report.task_id}/tep/{attached.id}/go",
            data={"csrf_token": token(client, f"/tasks/{report.task_id}")},
        ).status_code
        == 403
    )
    assert [a.id for a in engine.list_attachments(review.id, actor=org.head.id)] == [attached.id]


def test_a_page_rendered_again_keeps_the_version_first_seen_so_a_changed_task_stays_stale(
    engine: WorkflowEngine, org: Org, report: Report
) -> None:
    client = drafter(engine)
    form = form_of(engine, report, action="add-row:other_tasks")
    seen = form["version"]
    engine.claim_task(report.task_id, actor=org.drafter.id)  # the task changes meanwhile
    page = post(client, f"/tasks/{report.task_id}", form).get_data(as_text=True)
    assert f'name="version" value="{seen}"' in page
    response = post(client, f"/tasks/{report.task_id}", {**form, "action": "submit"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/tasks/{report.task_id}")
    assert "Nhiệm vụ đã thay đổi" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert engine.open_task(report.task_id, actor=org.drafter.id).task.status == "open"
