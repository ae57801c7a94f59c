"""The period's consolidation as an Excel workbook: sheets, headers, frozen panes, filters, widths, values."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from engine import FrozenClock, NotFound, WorkflowEngine
from engine.dashboard_results import (
    ConsolidationView,
    DashboardRow,
    TargetAggregate,
    TaskCompletion,
    UnitTaskStatuses,
)
from engine.plan_results import PeriodInfo, UnitRow
from engine.spreadsheets import COLOURS, HEADER_ROW, SHEETS, consolidation_workbook
from tests.web.test_period_pages import build_scene, commune_a_reports

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
LONG_NAME = "Ủy ban nhân dân xã Thái Bình, huyện Châu Thành"
LONG_TASK = (
    "Tuyên truyền về an toàn thông tin trên loa truyền thanh xã, trang thông tin điện tử và mạng xã hội"
)


def _row(unit_id: int, name: str, status: str, *, submitted: datetime | None = None) -> DashboardRow:
    return DashboardRow(
        row=UnitRow(
            unit_id=unit_id,
            unit_name=name,
            report_id=unit_id * 10,
            report_status="accepted" if submitted else "drafting",
            tracking_status=status,
            step="draft" if not submitted else None,
            step_title="Soạn báo cáo" if not submitted else None,
            holder_unit_id=unit_id,
            holder_role="drafter",
            holder_user_id=None,
            since=datetime(2025, 1, 10, 2, tzinfo=UTC),
            due_at=datetime(2025, 2, 5, 10, tzinfo=UTC),
            submitted_at=submitted,
            accepted_at=submitted,
            returned_count=1,
            escalation_count=2,
            last_escalation=None,
            last_action=None,
            last_action_at=None,
        ),
        holder_name="Trần Văn Soạn",
        holder_unit_name=name,
        last_escalation_at=None,
    )


def _view() -> ConsolidationView:
    period = PeriodInfo(
        id=7,
        plan_id=3,
        label="Năm 2024",
        year=2024,
        data_cutoff=date(2024, 12, 31),
        unit_deadline=date(2025, 2, 5),
        focal_deadline=date(2025, 2, 10),
        status="consolidating",
        instance_id=None,
        unit_count=2,
    )
    tasks = (
        TaskCompletion(1, "I.1", LONG_TASK, 2, 1, {"completed_on_time": 1}, 0.5),
        TaskCompletion(2, "I.2", "=SUM(A1:A9) không phải công thức", 2, 1, {"overdue": 1}, 0.0),
    )
    return ConsolidationView(
        period=period,
        plan_title="Kế hoạch triển khai Chỉ thị 14/CT-TTg",
        plan_symbol="39/KH-UBND",
        is_final=True,
        consolidated_at=datetime(2025, 2, 11, 2, tzinfo=UTC),
        narrative="Hảo Đước chưa gửi báo cáo\x07",  # a control character pasted in
        proposals="Bổ sung kinh phí",
        rows=(
            _row(11, LONG_NAME, "completed_on_time", submitted=datetime(2025, 1, 20, 3, 30, tzinfo=UTC)),
            _row(12, "UBND xã Hảo Đước", "overdue"),
        ),
        tracking_counts={"completed_on_time": 1, "overdue": 1},
        share_on_time=0.5,
        share_overdue=0.5,
        tasks=tasks,
        matrix=(
            UnitTaskStatuses(11, LONG_NAME, ("completed_on_time", "overdue")),
            UnitTaskStatuses(12, "UBND xã Hảo Đước", (None, None)),
        ),
        targets=(TargetAggregate(5, "Số buổi tuyên truyền", 20.0, "buổi", 1, 24.0, 24.0, 24.0, 24.0),),
        missing_units=("UBND xã Hảo Đước",),
        late_units=(),
    )


def _header(sheet: openpyxl.worksheet.worksheet.Worksheet) -> list[object]:
    return [cell.value for cell in sheet[HEADER_ROW]]


def _body(sheet: openpyxl.worksheet.worksheet.Worksheet) -> list[list[object]]:
    return [[cell.value for cell in row] for row in sheet.iter_rows(min_row=HEADER_ROW + 1)]


def test_each_view_is_a_sheet_with_frozen_filtered_headers_and_fitting_widths() -> None:
    data = consolidation_workbook(_view(), zone=ZONE, generated_at=datetime(2025, 3, 1, 1, tzinfo=UTC))
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == list(SHEETS)
    overview, units, tasks, matrix, targets = (book[name] for name in SHEETS)
    # Three lines saying what the table is; the figures were stored at 09:00 Hà Nội time.
    assert units["A1"].value == "BẢNG 1. ĐƠN VỊ THEO TÌNH TRẠNG BÁO CÁO"
    assert units["A2"].value == "Kế hoạch: 39/KH-UBND — Kế hoạch triển khai Chỉ thị 14/CT-TTg"
    assert units["A3"].value == "Kỳ báo cáo: Năm 2024 — Số liệu đã chốt lúc 11/02/2025 09:00"
    assert _header(units) == [
        "STT",
        "Đơn vị",
        "Bước của báo cáo",
        "Tình trạng",
        "Người đang xử lý",
        "Từ lúc",
        "Hạn",
        "Gửi lúc",
        "Tiếp nhận lúc",
        "Số lần bị trả lại",
        "Số lần đôn đốc",
    ]
    first, second = _body(units)
    assert first[:4] == [1, LONG_NAME, "Đã tiếp nhận", "Hoàn thành đúng hạn"]
    assert first[5:9] == [
        datetime(2025, 1, 10, 9),
        datetime(2025, 2, 5, 17),
        datetime(2025, 1, 20, 10, 30),
        datetime(2025, 1, 20, 10, 30),
    ]
    assert second[2:5] == ["Soạn báo cáo", "Chưa hoàn thành, quá hạn", "Trần Văn Soạn, UBND xã Hảo Đước"]
    assert units.cell(HEADER_ROW + 1, 6).number_format == "dd/mm/yyyy hh:mm"
    assert units.cell(HEADER_ROW + 1, 4).fill.fgColor.rgb == "00" + COLOURS["completed_on_time"]
    assert units.cell(HEADER_ROW + 2, 4).fill.fgColor.rgb == "00" + COLOURS["overdue"]
    for sheet in (units, tasks, matrix, targets):
        assert sheet.freeze_panes == f"C{HEADER_ROW + 1}"
        assert sheet.cell(HEADER_ROW, 1).font.b
    assert overview.freeze_panes == f"B{HEADER_ROW + 1}"
    assert units.auto_filter.ref == f"A{HEADER_ROW}:K{HEADER_ROW + 2}"
    assert tasks.auto_filter.ref == f"A{HEADER_ROW}:L{HEADER_ROW + 2}"
    assert matrix.auto_filter.ref == f"A{HEADER_ROW}:D{HEADER_ROW + 2}"
    assert targets.auto_filter.ref == f"A{HEADER_ROW}:I{HEADER_ROW + 1}"
    # Widths fit the longest line of each column: the long unit name, a date, the short STT.
    assert units.column_dimensions["B"].width == len(LONG_NAME) + 2
    assert units.column_dimensions["F"].width == 18
    assert units.column_dimensions["A"].width == len("STT") + 8  # the word, the filter button, a margin
    # A long task text is held to the widest column and wraps.
    assert len(LONG_TASK) > 60
    assert tasks.column_dimensions["B"].width == 60
    assert tasks.cell(HEADER_ROW + 1, 2).alignment.wrap_text


def test_the_figures_are_those_of_the_consolidation() -> None:
    data = consolidation_workbook(_view(), zone=ZONE, generated_at=datetime(2025, 3, 1, 1, tzinfo=UTC))
    book = openpyxl.load_workbook(io.BytesIO(data))
    tasks, matrix, targets, overview = (
        book["Nhiệm vụ"],
        book["Nhiệm vụ × đơn vị"],
        book["Chỉ tiêu"],
        book["Tổng quan"],
    )
    assert _header(tasks)[:4] == ["STT", "Nhiệm vụ", "Số đơn vị chủ trì", "Số đơn vị đã báo cáo"]
    assert _header(tasks)[-1] == "Tỷ lệ hoàn thành"
    first, second = _body(tasks)
    assert first[:4] == ["I.1", LONG_TASK, 2, 1]
    assert first[4:11] == [0, 0, 0, 1, 0, 0, 0]  # one unit completed on time
    assert (first[-1], second[-1]) == (0.5, 0.0)
    assert tasks.cell(HEADER_ROW + 1, 12).number_format == "0.0%"
    # Text that looks like a formula is stored as text.
    assert second[1] == "=SUM(A1:A9) không phải công thức"
    assert tasks.cell(HEADER_ROW + 2, 2).data_type == "s"
    assert _header(matrix) == ["STT", "Đơn vị", "I.1", "I.2"]
    assert _body(matrix) == [
        [1, LONG_NAME, "Hoàn thành đúng hạn", "Chưa hoàn thành, quá hạn"],
        [2, "UBND xã Hảo Đước", "Chưa khai báo", "Chưa khai báo"],
    ]
    assert matrix.cell(HEADER_ROW, 3).comment.text == LONG_TASK
    assert matrix.cell(HEADER_ROW + 1, 4).fill.fgColor.rgb == "00" + COLOURS["overdue"]
    assert _body(targets) == [[1, "Số buổi tuyên truyền", 20, "buổi", 1, 24, 24, 24, 24]]
    facts = dict((row[0], row[1]) for row in _body(overview))
    assert facts["Hạn đơn vị gửi báo cáo"] == datetime(2025, 2, 5)
    assert facts["Tỷ lệ hoàn thành đúng hạn"] == 0.5
    assert facts["Số đơn vị: Chưa hoàn thành, quá hạn"] == 1
    assert facts["Đơn vị chưa hoàn thành báo cáo"] == "UBND xã Hảo Đước"
    assert facts["Nhận định của đơn vị đầu mối"] == "Hảo Đước chưa gửi báo cáo"  # what a workbook can hold
    assert book.properties.creator == "PlanCycle"


def test_a_period_not_yet_consolidated_says_when_the_figures_were_taken() -> None:
    view = _view()
    live = ConsolidationView(**{**view.__dict__, "is_final": False, "consolidated_at": None})
    data = consolidation_workbook(live, zone=ZONE, generated_at=datetime(2025, 3, 1, 1, 5, tzinfo=UTC))
    sheet = openpyxl.load_workbook(io.BytesIO(data))["Chỉ tiêu"]
    assert sheet["A3"].value == "Kỳ báo cáo: Năm 2024 — Số liệu tính đến 01/03/2025 08:05 (chưa tổng hợp)"


def test_the_door_exports_what_the_consolidation_screen_shows(
    engine: WorkflowEngine, clock: FrozenClock
) -> None:
    scene = build_scene(engine, clock)
    commune_a_reports(scene)
    officer = scene.users["daumoi"]
    view = engine.period_consolidation(scene.period_id, actor=officer)
    book = openpyxl.load_workbook(io.BytesIO(engine.export_period_xlsx(scene.period_id, actor=officer)))
    units = _body(book["Đơn vị - tình trạng"])
    assert [row[1] for row in units] == [item.row.unit_name for item in view.rows]
    tasks = _body(book["Nhiệm vụ"])
    assert [(row[0], row[2], row[3], row[-1]) for row in tasks] == [
        (t.code, t.lead_units, t.declared, t.share_completed) for t in view.tasks
    ]
    assert [(row[1], row[4], row[5]) for row in _body(book["Chỉ tiêu"])] == [("Số buổi tuyên truyền", 1, 24)]
    a_line = next(row for row in _body(book["Nhiệm vụ × đơn vị"]) if row[1] == "UBND xã Thái Bình")
    assert a_line[2:] == ["Hoàn thành đúng hạn", "Chưa hoàn thành, quá hạn"]
    # The leader of the issuing body sees it too; a commune sees only its own row, so not this.
    assert engine.export_period_xlsx(scene.period_id, actor=scene.users["lanhdao"])[:2] == b"PK"
    with pytest.raises(NotFound):
        engine.export_period_xlsx(scene.period_id, actor=scene.users["a.soan"])
