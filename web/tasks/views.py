"""The task page: the form of the task's form key, its history, and exactly the step's actions.

The form is rendered on the server from ``forms/`` (JSON Schema plus layout hints); the engine
validates the submission and answers field by field in Vietnamese, and the page shows the
answers beside what the user typed. Each render carries the task's version (a stale page is
refused) and a fresh request id (a double click submits once).
"""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

import forms
from engine import HumanTaskInfo, InvalidSubmission, StaleTask
from web.extensions import get_engine

bp = Blueprint("tasks", __name__, url_prefix="/tasks")

ACTION_LABELS = {
    "submit": "Gửi",
    "approve": "Duyệt",
    "accept": "Tiếp nhận",
    "sign": "Ký ban hành",
    "return": "Trả lại",
    "comment": "Gửi ý kiến",
}
HISTORY_LABELS = {
    "instance.started": "Bắt đầu",
    "task.opened": "Chuyển đến bước mới",
    "task.submit": "Gửi",
    "task.approve": "Duyệt",
    "task.accept": "Tiếp nhận",
    "task.sign": "Ký ban hành",
    "task.return": "Trả lại",
    "task.comment": "Góp ý",
    "task.claimed": "Nhận xử lý",
    "task.unclaimed": "Trả việc về đơn vị",
    "task.cancelled": "Hủy bước",
    "timer.fired": "Đến mốc hẹn giờ",
    "instance.completed": "Hoàn thành",
}
# Widgets this page renders; fields with other widgets (lists of rows) keep their stored value.
SIMPLE_WIDGETS = frozenset({"text", "textarea", "number", "date", "email", "select", "radio", "checkbox"})
AUTHORITY_FORMS = (
    ("TM", "TM. (thay mặt)"),
    ("KT", "KT. (ký thay)"),
    ("Q", "Q. (quyền)"),
    ("TL", "TL. (thừa lệnh)"),
    ("TUQ", "TUQ. (thừa ủy quyền)"),
)
RESERVED = frozenset({"csrf_token", "action", "version", "request_id", "reason", "confirm"})


def _page(
    task_id: int,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, list[str]] | None = None,
    reason: str = "",
    status: int = 200,
) -> tuple[str, int]:
    engine = get_engine()
    user_id = current_user.info.id
    detail = engine.open_task(task_id, actor=user_id)
    definition = forms.load_form(detail.task.form_key) if detail.task.form_key else None
    fields = [f for f in definition.fields if f.widget in SIMPLE_WIDGETS] if definition else []
    html = render_template(
        "tasks/show.html",
        task=detail.task,
        form=definition,
        fields=fields,
        values=detail.values if values is None else values,
        errors=errors or {},
        reason=reason,
        history=engine.task_history(task_id, actor=user_id),
        labels=ACTION_LABELS,
        history_labels=HISTORY_LABELS,
        authority_forms=AUTHORITY_FORMS,
        request_id=uuid.uuid4().hex,
        may_act=_may_act(detail.task, user_id),
    )
    return html, status


def _may_act(task: HumanTaskInfo, user_id: int) -> bool:
    return task.status == "open" and task.claimed_by_id in (None, user_id)


@bp.get("/<int:task_id>")
@login_required
def show(task_id: int) -> tuple[str, int]:
    """Show the task's form, its history and its actions."""
    return _page(task_id)


@bp.post("/<int:task_id>")
@login_required
def act(task_id: int) -> Response | tuple[str, int]:
    """Carry out one of the step's actions with the submitted form."""
    engine = get_engine()
    user_id = current_user.info.id
    action = request.form.get("action", "")
    version = int(request.form.get("version", "0") or 0)
    request_id = request.form.get("request_id") or uuid.uuid4().hex
    values = {k: v for k, v in request.form.items() if k not in RESERVED}
    reason = request.form.get("reason", "").strip()
    try:
        if action == "return":
            if not reason:
                message = "Vui lòng ghi lý do trả lại (a reason is required to return)."
                return _page(task_id, values=values, errors={"reason": [message]}, reason=reason, status=422)
            engine.return_task(task_id, reason, actor=user_id, version=version, request_id=request_id)
            flash("Đã trả lại kèm lý do (returned with the reason).")
        else:
            if action == "sign" and request.form.get("confirm") != "yes":
                message = "Vui lòng xác nhận trước khi ký (confirm before signing)."
                return _page(task_id, values=values, errors={"confirm": [message]}, status=422)
            engine.submit_task(
                task_id, values, actor=user_id, version=version, request_id=request_id, action=action
            )
            flash(f"Đã thực hiện: {ACTION_LABELS.get(action, action)} (done).")
    except InvalidSubmission as exc:
        errors = dict(exc.field_errors) or {"": [exc.message]}
        return _page(task_id, values=values, errors=errors, reason=reason, status=422)
    except StaleTask as exc:
        flash(exc.message)
        return redirect(url_for("tasks.show", task_id=task_id))
    return redirect(url_for("inbox.index"))


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
