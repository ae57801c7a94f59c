"""Human tasks: who may see and act on them, and completing them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

import forms
from engine import approvals, audit, definitions, form_store, instances, reports
from engine.authority import acting_for
from engine.errors import InvalidSubmission, NotFound, NotPermitted, StaleTask
from engine.models import HumanTask, TaskDraft, User
from engine.organisation import may_act
from engine.projection import to_task_info
from engine.results import SYSTEM, SubmitResult
from engine.spiff import ProcessRuntime

STALE = "Nhiệm vụ đã thay đổi, vui lòng tải lại (this task changed, please reload)"


def visible(session: Session, task_id: int, user_id: int, on_day: date) -> HumanTask:
    """Return a task the user may act on (or completed); ``NotFound`` otherwise."""
    row = session.get(HumanTask, task_id)
    if row is None or not (
        may_act(row, *acting_for(session, user_id, on_day)) or row.completed_by_id == user_id
    ):
        # The same answer for "missing" and "not yours": ids of other units' tasks leak nothing.
        raise NotFound(f"Không tìm thấy nhiệm vụ {task_id} (no such task)")
    return row


def locked_open(session: Session, task_id: int, user_id: int, version: int | None, on_day: date) -> HumanTask:
    """Lock the task's instance and return the task, still open and at ``version`` (if given)."""
    row = visible(session, task_id, user_id, on_day)
    instances.lock(session, row.instance_id)
    session.refresh(row)
    if row.status != "open" or (version is not None and row.version != version):
        raise StaleTask(STALE)
    return row


def form_values(
    session: Session, runtime: ProcessRuntime, row: HumanTask, forms_dir: Path | None
) -> dict[str, Any]:
    """Return the current values of the task's form fields, from its instance's data."""
    if row.status != "open" or not row.form_key:
        return {}
    instance = instances.get(session, row.instance_id)
    data = runtime.task_data(instances.stored(session, instance), row.spiff_task_id)
    fields = form_store.resolve(session, row.form_key, forms_dir).fields
    return {f.name: data[f.name] for f in fields if f.name in data}


def set_claim(session: Session, row: HumanTask, user: User, *, claim: bool, at: datetime) -> None:
    """Claim the task for ``user`` or release it."""
    if claim:
        if row.claimed_by_id not in (None, user.id):
            raise NotPermitted("Nhiệm vụ đã có người khác nhận (already claimed by someone else)")
        if row.claimed_by_id == user.id:
            return
    elif row.claimed_by_id != user.id:
        raise NotPermitted("Bạn không giữ nhiệm vụ này (you do not hold this task)")
    row.claimed_by_id = user.id if claim else None
    row.version += 1
    instances.follow_holder(session, row)
    audit.record(
        session,
        at=at,
        actor=user.id,
        action="task.claimed" if claim else "task.unclaimed",
        object_type="human_task",
        object_id=row.id,
        instance_id=row.instance_id,
    )


def complete(
    session: Session,
    runtime: ProcessRuntime,
    task_id: int,
    data: Mapping[str, Any],
    *,
    user: User,
    version: int,
    request_id: str,
    action: str,
    reason: str | None,
    forms_dir: Path | None,
    at: datetime,
    on_day: date,
) -> SubmitResult:
    """Complete a task under its instance's lock; a repeated ``request_id`` returns the first result."""
    row = visible(session, task_id, user.id, on_day)
    instance = instances.lock(session, row.instance_id)
    assert instance is not None  # noqa: S101 - the foreign key guarantees it; narrows the type
    session.refresh(row)
    if row.status == "completed" and row.request_id == request_id and row.completed_by_id == user.id:
        return result(session, row, was_repeat=True)
    if row.status != "open" or row.version != version:
        raise StaleTask(STALE)
    if row.claimed_by_id not in (None, user.id):
        raise NotPermitted("Nhiệm vụ đang do người khác giữ (another user holds this task)")
    if action not in row.actions:
        raise NotPermitted(f"Bước này không cho phép thao tác '{action}' (action not allowed here)")
    values: dict[str, Any] = {}
    if action != "return" and row.form_key:
        values = validated(session, row.form_key, data, forms_dir)
    reports.check_submission(session, row, values)
    values["decision"] = action
    values[f"{row.task_name}_by"] = user.id  # e.g. "sign_by": who signed, for the issue action
    if reason is not None:
        values["return_reason"] = reason
    snapshot = runtime.complete(instances.stored(session, instance), row.spiff_task_id, values, at)
    row.status = "completed"
    row.completed_at = at
    row.completed_by_id = user.id
    row.completed_action = action
    drop_drafts(session, row.id)
    row.request_id = request_id
    row.version += 1
    details: dict[str, Any] = {"task": row.task_name, "action": action}
    if reason is not None:
        details["reason"] = reason
    reports.note_completed_task(session, row, action, values, at=at)
    approvals.note_completed_task(session, row, action, at=at)
    audit.record(
        session,
        at=at,
        actor=user.id,
        action=f"task.{action}",
        object_type="human_task",
        object_id=row.id,
        instance_id=instance.id,
        details=details,
    )
    instances.settle(session, runtime, instance, snapshot, at=at, actor=user.id, reason=reason)
    return result(session, row, was_repeat=False)


def validated(
    session: Session, form_key: str, data: Mapping[str, Any], forms_dir: Path | None
) -> dict[str, Any]:
    """Clean and validate data against the key's form in use; form errors become ``InvalidSubmission``."""
    try:
        return forms.validate_form_data(form_store.resolve(session, form_key, forms_dir), data)
    except forms.FormValidationError as exc:
        raise InvalidSubmission(
            "Dữ liệu chưa hợp lệ, vui lòng sửa các trường được đánh dấu (please correct the marked fields)",
            exc.field_errors,
        ) from exc


def result(session: Session, row: HumanTask, *, was_repeat: bool) -> SubmitResult:
    """Describe a completed task, its instance and the instance's open tasks."""
    session.flush()
    instance = instances.get(session, row.instance_id)
    next_rows = session.scalars(
        select(HumanTask)
        .where(HumanTask.instance_id == instance.id, HumanTask.status == "open")
        .order_by(HumanTask.id)
    ).all()
    return SubmitResult(
        task=to_task_info(row),
        instance=instances.to_info(
            instance, definitions.version_of(session, instance.definition_id), tuple(r.id for r in next_rows)
        ),
        next_tasks=tuple(to_task_info(r) for r in next_rows),
        was_repeat=was_repeat,
    )


def drop_drafts(session: Session, task_id: int) -> None:
    """Delete every saved draft of a task that is done: nobody can submit it any more."""
    session.execute(delete(TaskDraft).where(TaskDraft.task_id == task_id))


def complete_by_system(
    session: Session,
    runtime: ProcessRuntime,
    row: HumanTask,
    values: dict[str, Any],
    *,
    action: str,
    reason: str,
    at: datetime,
) -> None:
    """Complete an open task on the engine's own authority (a plan issued, a report forwarded).

    The caller holds the instance's lock; the audit row says why.
    """
    instance = instances.get(session, row.instance_id)
    snapshot = runtime.complete(
        instances.stored(session, instance), row.spiff_task_id, {**values, "decision": action}, at
    )
    row.status, row.completed_at, row.completed_action = "completed", at, action
    row.version += 1
    drop_drafts(session, row.id)
    audit.record(
        session,
        at=at,
        actor=SYSTEM,
        action=f"task.{action}",
        object_type="human_task",
        object_id=row.id,
        instance_id=instance.id,
        details={
            "task": row.task_name,
            "by": reason,
            **{k: v for k, v in values.items() if isinstance(v, int | str) and len(str(v)) < 200},
        },
    )
    reports.note_completed_task(session, row, action, values, at=at)
    instances.settle(session, runtime, instance, snapshot, at=at, actor=SYSTEM)
