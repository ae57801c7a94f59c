"""What the period pages call statuses, steps and roles (Vietnamese first), and their colour classes.

Colours follow government task-tracking practice: grey not started, blue in progress within
term, red overdue, green completed on time, orange completed late; a returned report is purple.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

TRACKING = {
    "not_started": _l("Chưa thực hiện"),
    "in_progress": _l("Đang thực hiện, trong hạn"),
    "returned": _l("Bị trả lại"),
    "overdue": _l("Chưa hoàn thành, quá hạn"),
    "completed_on_time": _l("Hoàn thành đúng hạn"),
    "completed_late": _l("Hoàn thành quá hạn"),
}
# The status of one plan task in a unit's report (engine.task_status), same colours.
TASK_STATUS = {
    "not_started": _l("Chưa thực hiện"),
    "in_progress": _l("Đang thực hiện, trong hạn"),
    "overdue": _l("Chưa hoàn thành, quá hạn"),
    "completed_on_time": _l("Hoàn thành đúng hạn"),
    "completed_late": _l("Hoàn thành quá hạn"),
    "paused": _l("Tạm dừng"),
    "cancelled": _l("Hủy bỏ"),
}
REPORT_STATUS = {
    "not_opened": _l("Chưa mở"),
    "drafting": _l("Đang soạn"),
    "awaiting_head": _l("Chờ lãnh đạo đơn vị duyệt"),
    "submitted": _l("Đã gửi đơn vị đầu mối"),
    "accepted": _l("Đã tiếp nhận"),
    "returned": _l("Bị trả lại"),
}
PERIOD_STATUS = {
    "open": _l("Đang nhận báo cáo"),
    "consolidating": _l("Đang tổng hợp"),
    "awaiting_signature": _l("Chờ lãnh đạo ký"),
    "closed": _l("Đã kết thúc"),
}
PLAN_STATUS = {
    "draft": _l("Dự thảo"),
    "in_approval": _l("Đang trình duyệt"),
    "returned": _l("Bị trả lại"),
    "approved": _l("Đã duyệt"),
    "issued": _l("Đã ban hành"),
}
ROLES = {
    "drafter": _l("Cán bộ soạn thảo"),
    "unit_head": _l("Lãnh đạo đơn vị"),
    "focal_officer": _l("Cán bộ đầu mối"),
    "leader": _l("Lãnh đạo"),
    "admin": _l("Quản trị hệ thống"),
}
PROGRESS = {
    "not_started": _l("Chưa thực hiện"),
    "in_progress": _l("Đang thực hiện"),
    "completed": _l("Đã hoàn thành"),
    "paused": _l("Tạm dừng"),
    "cancelled": _l("Hủy bỏ"),
}
DOCUMENT_KINDS = {"reminder_letter": _l("Công văn đôn đốc")}


def status_class(status: str | None) -> str:
    """Return the CSS class that colours a status (``st-overdue``, ``st-completed_on_time``...)."""
    return f"st-{status or 'none'}"


def vn_number(value: float | int | None) -> str:
    """Write a number the Vietnamese way: "1.500.000", "12,5"; "—" for none."""
    if value is None:
        return "—"
    rounded = round(float(value), 2)
    whole, _dot, decimals = f"{abs(rounded):,.2f}".partition(".")
    text = whole.replace(",", ".")
    decimals = decimals.rstrip("0")
    return ("-" if rounded < 0 else "") + text + (f",{decimals}" if decimals else "")


def labels() -> dict[str, object]:
    """Give templates every label table and the colour helper."""
    return {
        "tracking_labels": TRACKING,
        "task_status_labels": TASK_STATUS,
        "report_labels": REPORT_STATUS,
        "period_labels": PERIOD_STATUS,
        "plan_labels": PLAN_STATUS,
        "role_labels": ROLES,
        "progress_labels": PROGRESS,
        "document_kinds": DOCUMENT_KINDS,
        "status_class": status_class,
        "vn_number": vn_number,
    }
