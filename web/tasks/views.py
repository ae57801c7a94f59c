"""The task page: the form of the task's form key, its drafts, its files, its history and its actions.

The form is rendered on the server from ``forms/`` (JSON Schema plus layout hints); list fields
are tables (``web.tasks.lists``). The engine validates the submission and answers field by field,
cell by cell, in Vietnamese, and the page shows the answers beside what the user typed. Each render
carries the task's version (a stale page is refused) and a fresh request id (a double click
submits once). "Lưu nháp" keeps the input as typed; adding or removing a row re-renders the page
with the input kept and saves nothing.
"""

from __future__ import annotations

import contextlib
import io
import uuid
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response

import forms
from engine import EngineError, InvalidSubmission, NotFound, StaleTask
from web.extensions import get_engine
from web.tasks import lists

bp = Blueprint("tasks", __name__, url_prefix="/tasks")

ACTION_LABELS = {
    "submit": _l("Gửi"),
    "approve": _l("Duyệt"),
    "accept": _l("Tiếp nhận"),
    "sign": _l("Ký ban hành"),
    "return": _l("Trả lại"),
    "comment": _l("Gửi ý kiến"),
}
HISTORY_LABELS = {
    "instance.started": _l("Bắt đầu"),
    "task.opened": _l("Chuyển đến bước mới"),
    "task.submit": _l("Gửi"),
    "task.approve": _l("Duyệt"),
    "task.accept": _l("Tiếp nhận"),
    "task.sign": _l("Ký ban hành"),
    "task.return": _l("Trả lại"),
    "task.comment": _l("Góp ý"),
    "task.claimed": _l("Nhận xử lý"),
    "task.unclaimed": _l("Trả việc về đơn vị"),
    "task.cancelled": _l("Hủy bước"),
    "timer.fired": _l("Đến mốc hẹn giờ"),
    "instance.completed": _l("Hoàn thành"),
    "attachment.added": _l("Đính kèm tệp"),
    "attachment.removed": _l("Gỡ tệp đính kèm"),
}
AUTHORITY_FORMS = (
    ("TM", _l("TM. (thay mặt)")),
    ("KT", _l("KT. (ký thay)")),
    ("Q", _l("Q. (quyền)")),
    ("TL", _l("TL. (thừa lệnh)")),
    ("TUQ", _l("TUQ. (thừa ủy quyền)")),
)
RESERVED = frozenset({"csrf_token", "action", "version", "request_id", "reason", "confirm"})


def _form(form_key: str | None) -> forms.FormDefinition | None:
    """Return the form the task's key names now (its newest saved version, the shipped file or a note)."""
    return get_engine().task_form(form_key, actor=current_user.info.id) if form_key else None


def _page(
    task_id: int,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, list[str]] | None = None,
    reason: str = "",
    status: int = 200,
    seen_version: str = "",
) -> tuple[str, int]:
    """Render the page; ``values`` is what the user typed (else their draft, else the stored values).

    A page rendered again from the main form's post keeps the task version the user first saw
    (``seen_version``), so a task that changed meanwhile is still refused as stale on submit.
    """
    engine = get_engine()
    page = engine.task_page(task_id, actor=current_user.info.id)
    definition = _form(page.task.form_key)
    draft = page.draft if values is None else None
    if values is None:
        values = draft.values if draft is not None else page.values
    errors = errors or {}
    html = render_template(
        "tasks/show.html",
        page=page,
        task=page.task,
        form=definition,
        fields=[f for f in definition.fields if f.widget in lists.SIMPLE_WIDGETS or f.table]
        if definition
        else [],
        tables=lists.tables(definition, values, errors, page.rows),
        values=values,
        errors=errors,
        draft=draft,
        reason=reason,
        history=page.history,
        labels=ACTION_LABELS,
        history_labels=HISTORY_LABELS,
        authority_forms=AUTHORITY_FORMS,
        has_authority_field=bool(definition and definition.get_field("authority_form")),
        accept=",".join(f".{extension}" for extension in page.attachment_types),
        limit_text=size_text(page.attachment_limit_bytes),
        size_text=size_text,
        as_choice=forms.choice_value,
        request_id=uuid.uuid4().hex,
        version=int(seen_version) if seen_version.isdigit() else page.task.version,
        may_act=page.may_act,
    )
    return html, status


def size_text(size: int) -> str:
    """Write a file size for people, the Vietnamese way: ``850 B``, ``12,5 KB``, ``20 MB``."""
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= scale:
            return f"{size / scale:.1f}".rstrip("0").rstrip(".").replace(".", ",") + f" {unit}"
    return f"{size} B"


@bp.get("/<int:task_id>")
@login_required
def show(task_id: int) -> tuple[str, int]:
    """Show the task's form (with the user's draft, if any), its files, its history and its actions."""
    return _page(task_id)


@bp.post("/<int:task_id>")
@login_required
def act(task_id: int) -> Response | tuple[str, int]:
    """Carry out one of the step's actions, save or discard a draft, or add or remove a row."""
    engine = get_engine()
    user_id = current_user.info.id
    action = request.form.get("action", "")
    definition = _form(engine.open_task(task_id, actor=user_id).task.form_key)
    typed = lists.read_posted(definition, request.form, RESERVED)
    reason = request.form.get("reason", "").strip()
    if action.startswith(("add-row:", "remove-row:")):
        return _change_rows(task_id, definition, typed, action, reason)
    try:
        if action == "save-draft":
            try:
                draft = engine.save_task_draft(task_id, typed, actor=user_id)
            except InvalidSubmission as exc:
                errors = exc.field_errors or {"": [exc.message]}
                return _again(task_id, typed, errors, reason, 422)
            flash(_("Đã lưu nháp lúc %(at)s (draft saved).", at=_local_time(draft.saved_at)))
            return redirect(url_for("tasks.show", task_id=task_id))
        if action == "discard-draft":
            engine.discard_task_draft(task_id, actor=user_id)
            flash(_("Đã bỏ bản nháp (draft discarded)."))
            return redirect(url_for("tasks.show", task_id=task_id))
        return _complete(task_id, definition, typed, action, reason)
    except StaleTask as exc:
        flash(exc.message)
        return redirect(url_for("tasks.show", task_id=task_id))


def _again(
    task_id: int, typed: dict[str, Any], errors: dict[str, list[str]], reason: str, status: int
) -> tuple[str, int]:
    """Render the main form again with what was typed, at the task version the user first saw."""
    seen = request.form.get("version", "")
    return _page(task_id, values=typed, errors=errors, reason=reason, status=status, seen_version=seen)


def _change_rows(
    task_id: int, definition: forms.FormDefinition | None, typed: dict[str, Any], action: str, reason: str
) -> tuple[str, int]:
    verb, _sep, target = action.partition(":")
    errors: dict[str, list[str]] = {}
    if verb == "add-row":
        errors = lists.add_row(definition, typed, target)
    else:
        name, _sep, index = target.rpartition(":")
        if index.isdigit():
            lists.remove_row(definition, typed, name, int(index))
    status = 422 if errors else 200
    return _again(task_id, typed, errors, reason, status)


def _complete(
    task_id: int, definition: forms.FormDefinition | None, typed: dict[str, Any], action: str, reason: str
) -> Response | tuple[str, int]:
    engine = get_engine()
    user_id = current_user.info.id
    version = int(request.form.get("version", "0") or 0)
    request_id = request.form.get("request_id") or uuid.uuid4().hex
    data, kept_rows = lists.for_submission(definition, typed)
    try:
        if action == "return":
            if not reason:
                message = _("Vui lòng ghi lý do trả lại (a reason is required to return).")
                errors = {"reason": [message]}
                return _again(task_id, typed, errors, reason, 422)
            engine.return_task(task_id, reason, actor=user_id, version=version, request_id=request_id)
            flash(_("Đã trả lại kèm lý do (returned with the reason)."))
        else:
            if action == "sign" and request.form.get("confirm") != "yes":
                message = _("Vui lòng xác nhận trước khi ký (confirm before signing).")
                return _again(task_id, typed, {"confirm": [message]}, reason, 422)
            engine.submit_task(
                task_id, data, actor=user_id, version=version, request_id=request_id, action=action
            )
            flash(_("Đã thực hiện: %(action)s (done).", action=ACTION_LABELS.get(action, action)))
    except InvalidSubmission as exc:
        errors = lists.page_errors(exc.field_errors, kept_rows) or {"": [exc.message]}
        if "" not in errors:
            errors[""] = [exc.message]
        return _again(task_id, typed, errors, reason, 422)
    with contextlib.suppress(EngineError):
        # The draft served its purpose; a draft of a finished task is ignored anyway.
        engine.discard_task_draft(task_id, actor=user_id)
    return redirect(url_for("inbox.index"))


def _local_time(moment: datetime) -> str:
    return moment.astimezone(ZoneInfo(get_engine().settings.timezone)).strftime("%d/%m/%Y %H:%M")


@bp.post("/<int:task_id>/nhan")
@login_required
def claim(task_id: int) -> Response:
    """Take the task, so colleagues see who holds it."""
    get_engine().claim_task(task_id, actor=current_user.info.id)
    return redirect(url_for("tasks.show", task_id=task_id))


@bp.post("/<int:task_id>/tra")
@login_required
def release(task_id: int) -> Response:
    """Give the task back to the unit."""
    get_engine().unclaim_task(task_id, actor=current_user.info.id)
    return redirect(url_for("tasks.show", task_id=task_id))


# -- attachments ---------------------------------------------------------------------------------


@bp.post("/<int:task_id>/tep")
@login_required
def upload(task_id: int) -> Response | tuple[str, int]:
    """Attach the chosen file to the task's item; a refused file says why and nothing is stored."""
    engine = get_engine()
    chosen = request.files.get("file")
    if chosen is None or not chosen.filename:
        return _page(
            task_id, errors={"file": [_("Vui lòng chọn tệp để tải lên (choose a file).")]}, status=422
        )
    # Read one byte past the limit: enough to refuse a larger file without reading all of it.
    data = chosen.stream.read(engine.attachment_limit_bytes + 1)
    try:
        added = engine.add_attachment(
            task_id, chosen.filename, chosen.mimetype or "", data, actor=current_user.info.id
        )
    except InvalidSubmission as exc:
        return _page(task_id, errors=exc.field_errors or {"file": [exc.message]}, status=422)
    except StaleTask as exc:
        flash(exc.message)
        return redirect(url_for("tasks.show", task_id=task_id))
    flash(_("Đã đính kèm tệp «%(name)s» (file attached).", name=added.filename))
    return redirect(url_for("tasks.show", task_id=task_id, _anchor="attachments"))


@bp.post("/<int:task_id>/tep/<int:attachment_id>/go")
@login_required
def remove(task_id: int, attachment_id: int) -> Response:
    """Remove a file the user attached while the step is open (it stays in the item's history)."""
    get_engine().remove_attachment(attachment_id, actor=current_user.info.id)
    flash(_("Đã gỡ tệp đính kèm (file removed)."))
    return redirect(url_for("tasks.show", task_id=task_id, _anchor="attachments"))


@bp.get("/tep/<int:attachment_id>")
@login_required
def download(attachment_id: int) -> Response:
    """Send a file as a download under its original name, never to be run or shown inline."""
    attached = get_engine().get_attachment(attachment_id, actor=current_user.info.id)
    response = send_file(
        io.BytesIO(attached.data),
        mimetype=attached.info.content_type,
        as_attachment=True,  # Content-Disposition: attachment; filename*=UTF-8''... (RFC 5987)
        download_name=attached.info.filename,
        max_age=0,
        etag=attached.info.sha256,
        last_modified=attached.info.uploaded_at,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(_error: RequestEntityTooLarge) -> tuple[str, int]:
    """Answer an upload larger than the server accepts with the page and a Vietnamese message."""
    limit = size_text(get_engine().attachment_limit_bytes)
    message = _("Tệp quá lớn: mỗi tệp tối đa %(limit)s; tệp chưa được lưu (file too large).", limit=limit)
    task_id = (request.view_args or {}).get("task_id")
    if isinstance(task_id, int) and current_user.is_authenticated:
        try:
            return _page(task_id, errors={"file": [message]}, status=413)
        except NotFound:
            pass
    return render_template("error.html", message=message, status=413), 413
