"""Write what people query after every advance: human tasks, timers, the instance row."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit, reports
from engine.errors import ScriptFailed
from engine.models import HumanTask, ProcessInstance, ReportingPeriod, Timer, User
from engine.results import Actor, HumanTaskInfo
from engine.spiff import OpenUserTask, Snapshot


def apply_snapshot(
    session: Session, instance: ProcessInstance, snapshot: Snapshot, *, now: datetime, actor: Actor
) -> list[HumanTask]:
    """Store the new state and bring the projections in line; return the newly opened tasks."""
    instance.state = snapshot.state
    instance.serializer_version = snapshot.serializer_version
    instance.version += 1
    instance.updated_at = now
    if snapshot.is_completed and instance.status != "completed":
        instance.status = "completed"
        instance.completed_at = now
        audit.record(
            session,
            at=now,
            actor=actor,
            action="instance.completed",
            object_type="instance",
            object_id=instance.id,
            instance_id=instance.id,
        )
    opened = _project_human_tasks(session, instance, snapshot, now=now, actor=actor)
    _project_timers(session, instance, snapshot, now=now)
    project_current_step(session, instance)
    reports.follow_instance(session, instance, at=now)
    reports.follow_period_instance(session, instance, at=now)
    return opened


def project_current_step(session: Session, instance: ProcessInstance) -> None:
    """Record where the instance waits: its oldest open task, who holds it, since when."""
    row = session.scalars(
        select(HumanTask)
        .where(HumanTask.instance_id == instance.id, HumanTask.status == "open")
        .order_by(HumanTask.id)
        .limit(1)
    ).first()
    instance.current_step = row.task_name if row else None
    instance.current_step_title = row.title if row else None
    instance.step_unit_id = row.unit_id if row else None
    instance.step_role = row.role if row else None
    instance.step_holder_id = (row.claimed_by_id or row.assignee_id) if row else None
    instance.step_since = row.created_at if row else None
    instance.step_due_at = row.due_at if row else None


def _project_human_tasks(
    session: Session, instance: ProcessInstance, snapshot: Snapshot, *, now: datetime, actor: Actor
) -> list[HumanTask]:
    ready = {t.spiff_task_id: t for t in snapshot.open_user_tasks}
    open_rows = session.scalars(
        select(HumanTask).where(HumanTask.instance_id == instance.id, HumanTask.status == "open")
    ).all()
    for row in open_rows:
        if row.spiff_task_id not in ready:
            # Still open here but no longer ready in the workflow: a boundary event or the end of
            # the process took it away.
            row.status = "cancelled"
            row.version += 1
            row.completed_at = now
            audit.record(
                session,
                at=now,
                actor=actor,
                action="task.cancelled",
                object_type="human_task",
                object_id=row.id,
                instance_id=instance.id,
                details={"task": row.task_name},
            )
    known = {row.spiff_task_id for row in open_rows}
    opened = []
    context: tuple[int | None, int | None] | None = None
    for task in snapshot.open_user_tasks:
        if task.spiff_task_id in known:
            continue
        if context is None:
            context = item_context(session, instance.business_key)
        row = _new_human_task(session, instance, task, now=now)
        row.plan_id, row.period_id = context
        row.sent_by_id = audit.actor_id_of(actor)
        session.add(row)
        opened.append(row)
    session.flush()
    for row in opened:
        audit.record(
            session,
            at=now,
            actor=actor,
            action="task.opened",
            object_type="human_task",
            object_id=row.id,
            instance_id=instance.id,
            details={"task": row.task_name, "title": row.title, "unit_id": row.unit_id, "role": row.role},
        )
    return opened


def _new_human_task(
    session: Session, instance: ProcessInstance, task: OpenUserTask, *, now: datetime
) -> HumanTask:
    return HumanTask(
        instance_id=instance.id,
        spiff_task_id=task.spiff_task_id,
        task_name=task.name,
        title=task.title,
        form_key=task.form_key,
        process_key=instance.process_key,
        unit_id=_unit_id(task),
        role=task.roles[0] if task.roles else None,
        assignee_id=_assignee_id(session, task),
        claimed_by_id=None,
        actions=list(task.actions),
        due_at=task.due_at,
        status="open",
        version=1,
        created_at=now,
    )


def item_context(session: Session, business_key: str | None) -> tuple[int | None, int | None]:
    """Return the (plan id, period id) an item belongs to, read from its business key.

    Keys look like ``plan/<id>/approval``, ``plan/<id>/child/<unit>``, ``period/<id>`` and
    ``period/<id>/unit/<unit>``; other keys (or none) belong to no plan.
    """
    parts = (business_key or "").split("/")
    if len(parts) < 2 or not parts[1].isdigit():
        return None, None
    if parts[0] == "plan":
        return int(parts[1]), None
    if parts[0] == "period":
        period_id = int(parts[1])
        return session.scalar(
            select(ReportingPeriod.plan_id).where(ReportingPeriod.id == period_id)
        ), period_id
    return None, None


def _unit_id(task: OpenUserTask) -> int | None:
    if task.unit is None:
        return None
    try:
        return int(task.unit)
    except ValueError as exc:
        raise ScriptFailed(
            f"Biểu thức đơn vị của bước '{task.name}' không cho ra mã đơn vị: {task.unit!r} "
            "(the unit expression did not give a unit id)"
        ) from exc


def _assignee_id(session: Session, task: OpenUserTask) -> int | None:
    if task.assignee is None:
        return None
    if task.assignee.isdigit():
        return int(task.assignee)
    user_id = session.scalar(select(User.id).where(User.login == task.assignee))
    if user_id is None:
        raise ScriptFailed(
            f"Bước '{task.name}' giao cho người dùng không tồn tại: {task.assignee!r} (unknown assignee)"
        )
    return int(user_id)


def _project_timers(
    session: Session, instance: ProcessInstance, snapshot: Snapshot, *, now: datetime
) -> None:
    waiting = {t.spiff_task_id: t for t in snapshot.waiting_timers}
    rows = session.scalars(select(Timer).where(Timer.instance_id == instance.id)).all()
    for row in rows:
        timer = waiting.pop(row.spiff_task_id, None)
        if timer is None:
            session.delete(row)
        elif timer.due_at != row.due_at:
            row.due_at = timer.due_at
            row.queued_until = None  # the next occurrence of a cycle is handed out afresh
    for timer in waiting.values():
        session.add(
            Timer(
                instance_id=instance.id,
                spiff_task_id=timer.spiff_task_id,
                task_name=timer.name,
                kind=timer.kind,
                due_at=timer.due_at,
                created_at=now,
            )
        )


def to_task_info(row: HumanTask) -> HumanTaskInfo:
    """Turn a row into a result."""
    return HumanTaskInfo(
        id=row.id,
        instance_id=row.instance_id,
        process_key=row.process_key,
        task_name=row.task_name,
        title=row.title,
        form_key=row.form_key,
        unit_id=row.unit_id,
        role=row.role,
        assignee_id=row.assignee_id,
        claimed_by_id=row.claimed_by_id,
        actions=tuple(row.actions),
        due_at=row.due_at,
        status=row.status,
        version=row.version,
        created_at=row.created_at,
        completed_at=row.completed_at,
        completed_action=row.completed_action,
    )
