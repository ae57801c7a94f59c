"""A period's consolidation as an Excel workbook (pure: the figures in, the file's bytes out).

One sheet per view of the consolidation screen, each a table people can filter and sort:
an overview (the period, counts per status, missing and late units, the focal unit's narrative),
units × report status, the tasks with their completion, units × tasks, and the targets. Every
table has Vietnamese headers under three lines saying what it is, the header frozen with the
columns that name each row, an auto filter, and column widths that fit their contents. Status
cells carry the colours of government task tracking (grey not started, blue in progress, red
overdue, green on time, orange late). Times are written in the engine's time zone.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final
from zoneinfo import ZoneInfo

from openpyxl import Workbook  # type: ignore[import-untyped]  # openpyxl ships no type information
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # type: ignore[import-untyped]
from openpyxl.comments import Comment  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

from engine.dashboard_results import ConsolidationView

TRACKING: Final = {
    "not_started": "Chưa thực hiện",
    "in_progress": "Đang thực hiện, trong hạn",
    "returned": "Bị trả lại",
    "overdue": "Chưa hoàn thành, quá hạn",
    "completed_on_time": "Hoàn thành đúng hạn",
    "completed_late": "Hoàn thành quá hạn",
}
TASK_STATUS: Final = {
    "not_started": "Chưa thực hiện",
    "in_progress": "Đang thực hiện, trong hạn",
    "overdue": "Chưa hoàn thành, quá hạn",
    "completed_on_time": "Hoàn thành đúng hạn",
    "completed_late": "Hoàn thành quá hạn",
    "paused": "Tạm dừng",
    "cancelled": "Hủy bỏ",
}
REPORT_STATUS: Final = {
    "not_opened": "Chưa mở",
    "drafting": "Đang soạn",
    "awaiting_head": "Chờ lãnh đạo đơn vị duyệt",
    "submitted": "Đã gửi đơn vị đầu mối",
    "accepted": "Đã tiếp nhận",
    "returned": "Bị trả lại",
}
PERIOD_STATUS: Final = {
    "open": "Đang nhận báo cáo",
    "consolidating": "Đang tổng hợp",
    "awaiting_signature": "Chờ lãnh đạo ký",
    "closed": "Đã kết thúc",
}
COLOURS: Final = {
    "not_started": "D9D9D9",
    "in_progress": "BDD7EE",
    "overdue": "F4B6B6",
    "completed_on_time": "C6EFCE",
    "completed_late": "F8CBAD",
    "returned": "D9C3E9",
    "paused": "EDEDED",
    "cancelled": "EDEDED",
}
SHEETS: Final = ("Tổng quan", "Đơn vị - tình trạng", "Nhiệm vụ", "Nhiệm vụ × đơn vị", "Chỉ tiêu")
HEADER_ROW: Final = 5  # three lines of title, a blank line, then the header
MIN_WIDTH: Final = 6
MAX_WIDTH: Final = 60
DATE_FORMAT: Final = "dd/mm/yyyy hh:mm"
DAY_FORMAT: Final = "dd/mm/yyyy"

_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=14)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_THIN = Side(style="thin", color="A6A6A6")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")
_HEAD_ALIGN = Alignment(wrap_text=True, vertical="center", horizontal="center")


@dataclass(frozen=True)
class _Column:
    header: str
    number_format: str | None = None
    wrap: bool = False
    max_width: int = MAX_WIDTH


def consolidation_workbook(view: ConsolidationView, *, zone: ZoneInfo, generated_at: datetime) -> bytes:
    """Return the .xlsx bytes of a period's consolidation (see the module docstring)."""
    book = Workbook()
    book.properties.creator = "PlanCycle"
    book.properties.title = f"Tổng hợp kỳ báo cáo {view.period.label}"
    book.properties.created = _local(generated_at, zone)
    heading = _heading(view, zone, generated_at)
    _overview(book.active, view, heading)
    _units(book.create_sheet(SHEETS[1]), view, heading, zone)
    _tasks(book.create_sheet(SHEETS[2]), view, heading)
    _matrix(book.create_sheet(SHEETS[3]), view, heading)
    _targets(book.create_sheet(SHEETS[4]), view, heading)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _local(moment: datetime, zone: ZoneInfo) -> datetime:
    return moment.astimezone(zone).replace(tzinfo=None)


def _heading(view: ConsolidationView, zone: ZoneInfo, generated_at: datetime) -> tuple[str, str]:
    plan = f"{view.plan_symbol} — {view.plan_title}" if view.plan_symbol else view.plan_title
    if view.is_final and view.consolidated_at is not None:
        when = f"Số liệu đã chốt lúc {_local(view.consolidated_at, zone):%d/%m/%Y %H:%M}"
    else:
        when = f"Số liệu tính đến {_local(generated_at, zone):%d/%m/%Y %H:%M} (chưa tổng hợp)"
    return f"Kế hoạch: {plan}", f"Kỳ báo cáo: {view.period.label} — {when}"


def _put(sheet: Any, row: int, column: int, value: object) -> Any:
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)  # control characters a workbook cannot hold
    cell = sheet.cell(row=row, column=column)
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # text that looks like a formula stays text
    return cell


def _title(sheet: Any, title: str, heading: tuple[str, str]) -> None:
    _put(sheet, 1, 1, title).font = _TITLE
    _put(sheet, 2, 1, heading[0])
    _put(sheet, 3, 1, heading[1])


def _table(
    sheet: Any,
    columns: Sequence[_Column],
    rows: Sequence[Sequence[object]],
    *,
    frozen_columns: int,
    fills: dict[tuple[int, int], str] | None = None,
) -> None:
    """Write a header and rows at ``HEADER_ROW``, freeze, filter and size the columns."""
    fills = fills or {}
    for index, column in enumerate(columns, start=1):
        cell = _put(sheet, HEADER_ROW, index, column.header)
        cell.font, cell.fill, cell.border, cell.alignment = _BOLD, _HEADER_FILL, _BOX, _HEAD_ALIGN
    for r_index, values in enumerate(rows, start=HEADER_ROW + 1):
        for c_index, (column, value) in enumerate(zip(columns, values, strict=True), start=1):
            cell = _put(sheet, r_index, c_index, value)
            cell.border = _BOX
            if column.number_format:
                cell.number_format = column.number_format
            if column.wrap:
                cell.alignment = _WRAP
            status = fills.get((r_index - HEADER_ROW - 1, c_index - 1))
            if status in COLOURS:
                cell.fill = PatternFill("solid", fgColor=COLOURS[status])
    last_row = HEADER_ROW + max(len(rows), 1)
    last_column = get_column_letter(len(columns))
    sheet.freeze_panes = f"{get_column_letter(frozen_columns + 1)}{HEADER_ROW + 1}"
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{last_column}{last_row}"
    for index, column in enumerate(columns, start=1):
        values = [row[index - 1] for row in rows]
        sheet.column_dimensions[get_column_letter(index)].width = _width(column.header, values, column)
    sheet.row_dimensions[HEADER_ROW].height = 32


def _width(header: str, values: Sequence[object], column: _Column) -> float:
    """Fit the widest line of the column (a header's words may wrap), within the bounds."""
    longest = max(max((len(word) for word in header.split()), default=0) + 6, min(len(header), 24))
    for value in values:
        if value is None:
            continue
        if isinstance(value, datetime):
            length = 16
        elif isinstance(value, float) and column.number_format and "%" in column.number_format:
            length = 7
        else:
            length = max((len(line) for line in str(value).splitlines()), default=0)
        longest = max(longest, length)
    return float(min(max(longest + 2, MIN_WIDTH), column.max_width))


def _overview(sheet: Any, view: ConsolidationView, heading: tuple[str, str]) -> None:
    sheet.title = SHEETS[0]
    _title(sheet, "TỔNG HỢP KỲ BÁO CÁO", heading)
    period = view.period
    facts: list[tuple[str, object, str | None]] = [
        ("Kỳ báo cáo", period.label, None),
        ("Năm", period.year, None),
        ("Ngày chốt số liệu", period.data_cutoff, DAY_FORMAT),
        ("Hạn đơn vị gửi báo cáo", period.unit_deadline, DAY_FORMAT),
        ("Hạn đơn vị đầu mối tổng hợp", period.focal_deadline, DAY_FORMAT),
        ("Trạng thái kỳ báo cáo", PERIOD_STATUS.get(period.status, period.status), None),
        ("Số đơn vị báo cáo", len(view.rows), None),
        ("Tỷ lệ hoàn thành đúng hạn", view.share_on_time, "0.0%"),
        ("Tỷ lệ quá hạn", view.share_overdue, "0.0%"),
    ]
    facts += [
        (f"Số đơn vị: {label}", view.tracking_counts.get(code, 0), None) for code, label in TRACKING.items()
    ]
    facts += [
        ("Đơn vị chưa hoàn thành báo cáo", "; ".join(view.missing_units) or "Không có", None),
        ("Đơn vị báo cáo quá hạn", "; ".join(view.late_units) or "Không có", None),
        ("Nhận định của đơn vị đầu mối", view.narrative or "—", None),
        ("Kiến nghị, đề xuất", view.proposals or "—", None),
    ]
    columns = (_Column("Nội dung"), _Column("Giá trị", wrap=True, max_width=80))
    _table(sheet, columns, [(name, value) for name, value, _f in facts], frozen_columns=1)
    for offset, (_name, _value, number_format) in enumerate(facts, start=HEADER_ROW + 1):
        if number_format:
            sheet.cell(row=offset, column=2).number_format = number_format
        sheet.cell(row=offset, column=2).alignment = Alignment(
            wrap_text=True, vertical="top", horizontal="left"
        )


def _units(sheet: Any, view: ConsolidationView, heading: tuple[str, str], zone: ZoneInfo) -> None:
    _title(sheet, "BẢNG 1. ĐƠN VỊ THEO TÌNH TRẠNG BÁO CÁO", heading)
    columns = (
        _Column("STT"),
        _Column("Đơn vị", wrap=True),
        _Column("Bước của báo cáo", wrap=True, max_width=30),
        _Column("Tình trạng", max_width=30),
        _Column("Người đang xử lý", wrap=True, max_width=30),
        _Column("Từ lúc", DATE_FORMAT),
        _Column("Hạn", DATE_FORMAT),
        _Column("Gửi lúc", DATE_FORMAT),
        _Column("Tiếp nhận lúc", DATE_FORMAT),
        _Column("Số lần bị trả lại"),
        _Column("Số lần đôn đốc"),
    )
    rows = []
    fills: dict[tuple[int, int], str] = {}
    for index, item in enumerate(view.rows):
        row = item.row
        holder = ", ".join(n for n in (item.holder_name, item.holder_unit_name) if n) or None
        rows.append(
            (
                index + 1,
                row.unit_name,
                row.step_title or REPORT_STATUS.get(row.report_status, row.report_status),
                TRACKING.get(row.tracking_status, row.tracking_status),
                holder,
                _local(row.since, zone) if row.since else None,
                _local(row.due_at, zone) if row.due_at else None,
                _local(row.submitted_at, zone) if row.submitted_at else None,
                _local(row.accepted_at, zone) if row.accepted_at else None,
                row.returned_count,
                row.escalation_count,
            )
        )
        fills[(index, 3)] = row.tracking_status
    _table(sheet, columns, rows, frozen_columns=2, fills=fills)


def _tasks(sheet: Any, view: ConsolidationView, heading: tuple[str, str]) -> None:
    _title(sheet, "BẢNG 2. KẾT QUẢ THEO NHIỆM VỤ", heading)
    statuses = list(TASK_STATUS)
    columns = (
        _Column("STT"),
        _Column("Nhiệm vụ", wrap=True),
        _Column("Số đơn vị chủ trì"),
        _Column("Số đơn vị đã báo cáo"),
        *(_Column(TASK_STATUS[s]) for s in statuses),
        _Column("Tỷ lệ hoàn thành", "0.0%"),
    )
    rows = [
        (
            task.code,
            task.content,
            task.lead_units,
            task.declared,
            *(task.statuses.get(s, 0) for s in statuses),
            task.share_completed,
        )
        for task in view.tasks
    ]
    _table(sheet, columns, rows, frozen_columns=2)


def _matrix(sheet: Any, view: ConsolidationView, heading: tuple[str, str]) -> None:
    _title(sheet, "BẢNG 3. ĐƠN VỊ × NHIỆM VỤ (TÌNH TRẠNG ĐƠN VỊ KHAI BÁO)", heading)
    columns = (
        _Column("STT"),
        _Column("Đơn vị", wrap=True),
        *(_Column(task.code or str(i + 1), max_width=28) for i, task in enumerate(view.tasks)),
    )
    rows = []
    fills: dict[tuple[int, int], str] = {}
    for r_index, line in enumerate(view.matrix):
        cells: list[object] = [r_index + 1, line.unit_name]
        for t_index, status in enumerate(line.statuses):
            cells.append(TASK_STATUS.get(status, status) if status else "Chưa khai báo")
            if status:
                fills[(r_index, t_index + 2)] = status
        rows.append(cells)
    _table(sheet, columns, rows, frozen_columns=2, fills=fills)
    for index, task in enumerate(view.tasks, start=3):
        sheet.cell(row=HEADER_ROW, column=index).comment = Comment(task.content[:1000], "PlanCycle")


def _targets(sheet: Any, view: ConsolidationView, heading: tuple[str, str]) -> None:
    _title(sheet, "BẢNG 4. CHỈ TIÊU", heading)
    number = "#,##0.##"
    columns = (
        _Column("STT"),
        _Column("Chỉ tiêu", wrap=True),
        _Column("Mục tiêu", number),
        _Column("Đơn vị tính"),
        _Column("Số đơn vị báo cáo"),
        _Column("Tổng", number),
        _Column("Thấp nhất", number),
        _Column("Cao nhất", number),
        _Column("Trung bình", number),
    )
    rows = [
        (
            index,
            target.description,
            target.goal,
            target.unit,
            target.reported,
            target.total,
            target.lowest,
            target.highest,
            target.mean,
        )
        for index, target in enumerate(view.targets, start=1)
    ]
    _table(sheet, columns, rows, frozen_columns=2)
