"""Importing a plan's task table from a Word document or a spreadsheet: upload, preview, confirm.

The upload page sends the file; the engine reads it and the preview page shows every row and
every unit name as found, each name matched to a unit or group of the organisation or proposed
as a new one. The user corrects the rows and the matches and either asks for a new check
("Kiểm tra lại", nothing saved) or saves ("Lưu vào kế hoạch"). The whole preview travels in the
form, so nothing is kept on the server between the steps; only the last step writes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from engine import InvalidSubmission
from engine.import_results import (
    ACTIONS,
    MODES,
    ImportDraft,
    ImportPreview,
    ImportRow,
    ImportSection,
    NameDecision,
)
from engine.plan_import_files import MAX_FILE_BYTES
from engine.timeframes import Timeframe
from web.extensions import get_engine
from web.plans.views import bp

MAX_SECTIONS = 60
MAX_ROWS = 500
MAX_NAMES = 1000
NAME = re.compile(r"^names\.(\d+)\.name$")
SECTION = re.compile(r"^sections\.(\d+)\.code$")
ROW = re.compile(r"^sections\.(\d+)\.rows\.(\d+)\.content$")
ROW_FIELDS = ("number", "content", "lead", "coordinating", "timeframe", "expected_result", "indicator")
DECISION_FIELDS = ("target", "new_name", "level", "parent", "members")

ACTION_LABELS = {
    "existing": _l("Đơn vị, nhóm có sẵn"),
    "new_unit": _l("Tạo đơn vị mới"),
    "new_group": _l("Tạo nhóm đơn vị mới"),
    "skip": _l("Bỏ qua tên này"),
}
MATCH_LABELS = {
    "exact": _l("Khớp"),
    "approximate": _l("Khớp gần đúng, hãy kiểm tra"),
    "ambiguous": _l("Nhiều đơn vị cùng tên, hãy chọn"),
    "unmatched": _l("Chưa có trong danh sách"),
    "vague": _l("Không chỉ đơn vị cụ thể"),
}
LEVEL_LABELS = {
    "province": _l("Tỉnh"),
    "department": _l("Sở, ban, ngành"),
    "district": _l("Huyện, thị xã, thành phố"),
    "office": _l("Phòng, ban chuyên môn"),
    "commune": _l("Xã, phường, thị trấn"),
    "party_cell": _l("Chi bộ"),
    "enterprise": _l("Doanh nghiệp"),
}
MODE_LABELS = {
    "replace": _l("Thay toàn bộ bảng nhiệm vụ hiện có"),
    "append": _l("Thêm vào sau các nhiệm vụ hiện có"),
}
TIMEFRAME_KINDS = {
    "ongoing": _l("Thường xuyên"),
    "annual": _l("Hằng năm"),
    "quarter_range": _l("Theo quý"),
    "year_range": _l("Theo năm"),
    "month": _l("Theo tháng"),
    "due_date": _l("Có thời hạn"),
    "on_event": _l("Khi phát sinh"),
    "unknown": _l("Chưa đọc được, sẽ giữ nguyên văn"),
}


def _actor() -> int:
    user_id: int = current_user.info.id
    return user_id


def _day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def reading_of(timeframe: Timeframe) -> str:
    """Say how a timeframe was understood: "Thường xuyên, từ 01/01/2019", "Có thời hạn, đến 15/12/2019"."""
    parts = [str(TIMEFRAME_KINDS.get(timeframe.kind, timeframe.kind))]
    if timeframe.start and timeframe.end:
        parts.append(_("từ %(start)s đến %(end)s", start=_day(timeframe.start), end=_day(timeframe.end)))
    elif timeframe.start:
        parts.append(_("từ %(start)s", start=_day(timeframe.start)))
    elif timeframe.end:
        parts.append(_("đến %(end)s", end=_day(timeframe.end)))
    if timeframe.due_day_month:
        day, month = timeframe.due_day_month
        parts.append(_("hạn ngày %(day)s/%(month)s hằng năm", day=day, month=month))
    if timeframe.also_when:
        parts.append(_("và khi %(when)s", when=timeframe.also_when))
    return ", ".join(parts)


def rows_for(text: str, width: int, *, least: int = 2, most: int = 10) -> int:
    """Return how many rows a textarea needs to show ``text`` when about ``width`` characters fit a line."""
    lines = sum(len(line) // width + 1 for line in text.splitlines()) if text else 0
    return max(least, min(most, lines))


def _indices(form: Mapping[str, str], pattern: re.Pattern[str], limit: int) -> list[int]:
    found = {int(m.group(1)) for key in form if (m := pattern.match(key)) and len(m.group(1)) < 5}
    return sorted(found)[:limit]


def draft_from_form(form: Mapping[str, str]) -> ImportDraft:
    """Read the preview form back into the engine's ``ImportDraft`` (in the order the page drew)."""
    names = []
    for i in _indices(form, NAME, MAX_NAMES):
        prefix = f"names.{i}"
        values = {name: form.get(f"{prefix}.{name}", "") for name in DECISION_FIELDS}
        names.append(
            NameDecision(
                name=form.get(f"{prefix}.name", ""), action=form.get(f"{prefix}.action", ""), **values
            )
        )
    row_keys: dict[int, list[int]] = {}
    for key in form:
        match = ROW.match(key)
        if match and len(match.group(1)) < 5 and len(match.group(2)) < 5:
            row_keys.setdefault(int(match.group(1)), []).append(int(match.group(2)))
    sections = []
    total = 0
    for s in _indices(form, SECTION, MAX_SECTIONS):
        rows = []
        for t in sorted(row_keys.get(s, [])):
            if total >= MAX_ROWS:
                break
            total += 1
            prefix = f"sections.{s}.rows.{t}"
            values = {name: form.get(f"{prefix}.{name}", "") for name in ROW_FIELDS}
            rows.append(ImportRow(**values, skip=form.get(f"{prefix}.skip") == "1"))
        sections.append(
            ImportSection(
                code=form.get(f"sections.{s}.code", ""),
                title=form.get(f"sections.{s}.title", ""),
                rows=tuple(rows),
            )
        )
    mode = form.get("mode", "replace")
    return ImportDraft(
        filename=form.get("filename", ""),
        sections=tuple(sections),
        names=tuple(names),
        mode=mode if mode in MODES else "replace",
    )


def _upload_page(
    plan_id: int, title: str, *, errors: dict[str, list[str]], mode: str, status: int
) -> tuple[str, int]:
    html = render_template(
        "plans/import_upload.html",
        plan_id=plan_id,
        plan_title=title,
        errors=errors,
        mode=mode,
        mode_labels=MODE_LABELS,
        max_megabytes=MAX_FILE_BYTES // (1024 * 1024),
    )
    return html, status


def _preview_page(preview: ImportPreview, *, status: int = 200, not_saved: bool = False) -> tuple[str, int]:
    choices = get_engine().unit_choices(actor=_actor())
    draft = preview.draft
    shown = {
        "expected_result": "Kết quả" in preview.columns
        or any(r.expected_result for s in draft.sections for r in s.rows),
        "indicator": "Chỉ tiêu đánh giá" in preview.columns
        or any(r.indicator for s in draft.sections for r in s.rows),
    }
    placed = {"mode", "sections"}
    placed.update(f"names.{i}.{f}" for i in range(len(draft.names)) for f in ("action", *DECISION_FIELDS))
    for s_index, section in enumerate(draft.sections):
        placed.update({f"sections.{s_index}.code", f"sections.{s_index}.title"})
        for t_index in range(len(section.rows)):
            placed.update(f"sections.{s_index}.rows.{t_index}.{f}" for f in ROW_FIELDS)
    html = render_template(
        "plans/import_preview.html",
        preview=preview,
        draft=draft,
        errors=preview.errors,
        unplaced=[m for key, messages in preview.errors.items() if key not in placed for m in messages],
        choices=choices,
        unit_choices=[c for c in choices if c.kind == "unit"],
        shown=shown,
        actions=ACTIONS,
        action_labels=ACTION_LABELS,
        match_labels=MATCH_LABELS,
        level_labels=LEVEL_LABELS,
        mode_labels=MODE_LABELS,
        reading_of=reading_of,
        rows_for=rows_for,
        not_saved=not_saved,
    )
    return html, status


@bp.route("/<int:plan_id>/nhap-bang", methods=["GET", "POST"])
@login_required
def import_table(plan_id: int) -> tuple[str, int]:
    """Upload a .docx or .xlsx file; answer with the preview of its task table (nothing saved)."""
    engine = get_engine()
    draft = engine.plan_draft(plan_id, actor=_actor())  # NotFound / NotPermitted as for editing
    title = draft.content.title
    mode = request.form.get("mode", "replace")
    mode = mode if mode in MODES else "replace"
    if request.method == "GET":
        return _upload_page(plan_id, title, errors={}, mode=mode, status=200)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _upload_page(
            plan_id, title, errors={"file": [_("Hãy chọn tệp cần nhập.")]}, mode=mode, status=422
        )
    data = upload.stream.read(MAX_FILE_BYTES + 1)
    try:
        preview = engine.preview_task_table_import(plan_id, upload.filename, data, actor=_actor(), mode=mode)
    except InvalidSubmission as exc:
        errors = dict(exc.field_errors) or {"file": [exc.message]}
        return _upload_page(plan_id, title, errors=errors, mode=mode, status=422)
    return _preview_page(preview)


@bp.post("/<int:plan_id>/nhap-bang/xac-nhan")
@login_required
def confirm_import(plan_id: int) -> Response | tuple[str, int]:
    """Check the corrected preview again, or save it into the draft plan."""
    engine = get_engine()
    draft = draft_from_form(request.form)
    if request.form.get("op") != "save":
        return _preview_page(engine.review_task_table_import(plan_id, draft, actor=_actor()))
    try:
        outcome = engine.confirm_task_table_import(plan_id, draft, actor=_actor())
    except InvalidSubmission:
        preview = engine.review_task_table_import(plan_id, draft, actor=_actor())
        return _preview_page(preview, status=422, not_saved=True)
    message = _("Đã nhập %(count)s nhiệm vụ từ tệp %(name)s.", count=outcome.task_count, name=draft.filename)
    if outcome.created_units or outcome.created_groups:
        created = ", ".join((*outcome.created_units, *outcome.created_groups))
        message += " " + _("Đã tạo mới: %(names)s.", names=created)
    flash(message)
    return redirect(url_for("plans.show", plan_id=plan_id))
