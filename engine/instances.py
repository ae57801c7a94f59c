"""Process instances: starting, locking, and handing their state to the runtime."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine import actions, audit, definitions, notices
from engine.deadlines import local_date
from engine.errors import NotFound
from engine.models import HumanTask, ProcessDefinition, ProcessInstance
from engine.organisation import get_unit
from engine.projection import _assignee_id, _unit_id, apply_snapshot
from engine.results import SYSTEM, Actor, InstanceInfo
from engine.spiff import ProcessRuntime, Snapshot, StoredInstance


def start(
    session: Session,
    runtime: ProcessRuntime,
    definition: ProcessDefinition,
    data: Mapping[str, Any],
    *,
    business_key: str | None,
    parent_id: int | None,
    unit_id: int | None,
    at: datetime,
    actor: Actor,
) -> InstanceInfo:
    """Run a new instance to its first wait state, store it and project it."""
    if unit_id is not None:
        get_unit(session, unit_id)
    if parent_id is not None and session.get(ProcessInstance, parent_id) is None:
        raise NotFound(f"Không tìm thấy tiến trình cha {parent_id} (no such parent instance)")
    variables = dict(data)
    if unit_id is not None:
        variables.setdefault("unit_id", unit_id)
    snapshot = runtime.start(definition.id, lambda: definition.spec_json, variables, at)
    instance = ProcessInstance(
        definition_id=definition.id,
        process_key=definition.key,
        business_key=business_key,
        parent_id=parent_id,
        unit_id=unit_id,
        status="running",
        state="",
        version=0,
        serializer_version=snapshot.serializer_version,
        started_by_id=audit.actor_id_of(actor),
        started_at=at,
        updated_at=at,
    )
    session.add(instance)
    session.flush()
    audit.record(
        session,
        at=at,
        actor=actor,
        action="instance.started",
        object_type="instance",
        object_id=instance.id,
        instance_id=instance.id,
        details={"process": definition.key, "version": definition.version, "business_key": business_key},
    )
    opened = settle(session, runtime, instance, snapshot, at=at, actor=actor)
    return to_info(instance, definition.version, tuple(t.id for t in opened))


def migrate_to(
    session: Session,
    runtime: ProcessRuntime,
    instance: ProcessInstance,
    target: ProcessDefinition,
    snapshot: Snapshot,
    *,
    at: datetime,
    actor: Actor,
) -> None:
    """Pin a (locked) instance to ``target`` after the runtime moved its state, and project it.

    Open tasks the move kept (same task id) keep their ``human_task`` row, with its drafts and
    claim; what the new version changed on them (title, form, role, unit, due date, actions) is
    written to the row, whose version then increases. Timers take the due times the new
    version's expressions give. Then everything happens as after an advance (``settle``).
    """
    previous_version = definitions.version_of(session, instance.definition_id)
    instance.definition_id = target.id
    audit.record(
        session,
        at=at,
        actor=actor,
        action="instance.migrated",
        object_type="instance",
        object_id=instance.id,
        instance_id=instance.id,
        details={
            "process": target.key,
            "from_version": previous_version,
            "to_version": target.version,
        },
    )
    _refresh_open_tasks(session, instance, snapshot)
    settle(session, runtime, instance, snapshot, at=at, actor=actor)


def _refresh_open_tasks(session: Session, instance: ProcessInstance, snapshot: Snapshot) -> None:
    ready = {t.spiff_task_id: t for t in snapshot.open_user_tasks}
    rows = session.scalars(
        select(HumanTask).where(HumanTask.instance_id == instance.id, HumanTask.status == "open")
    ).all()
    for row in rows:
        task = ready.get(row.spiff_task_id)
        if task is None:
            continue
        wanted = {
            "task_name": task.name,
            "title": task.title,
            "form_key": task.form_key,
            "role": task.roles[0] if task.roles else None,
            "unit_id": _unit_id(task),
            "assignee_id": _assignee_id(session, task),
            "actions": list(task.actions),
            "due_at": task.due_at,
        }
        changed = {k: v for k, v in wanted.items() if getattr(row, k) != v}
        if changed:
            for name, value in changed.items():
                setattr(row, name, value)
            row.version += 1


def follow_holder(session: Session, task: HumanTask) -> None:
    """Keep the instance's "who holds it" in step with a task's claim."""
    instance = get(session, task.instance_id)
    if instance.current_step == task.task_name:
        instance.step_holder_id = task.claimed_by_id or task.assignee_id


def settle(
    session: Session,
    runtime: ProcessRuntime,
    instance: ProcessInstance,
    snapshot: Snapshot,
    *,
    at: datetime,
    actor: Actor,
    reason: str | None = None,
) -> list[HumanTask]:
    """After any advance: store and project, tell people, audit timers, run actions, tell the parent.

    ``reason`` is a return's reason: the tasks the return opened carry it in their notification.
    """
    opened = apply_snapshot(session, instance, snapshot, now=at, actor=actor)
    notices.tasks_opened(session, opened, at=at, on_day=local_date(at), reason=reason)
    for fired in snapshot.fired_timers:
        audit.record(
            session,
            at=at,
            actor=SYSTEM,
            action="timer.fired",
            object_type="instance",
            object_id=instance.id,
            instance_id=instance.id,
            details={
                "task": fired.name,
                "spiff_task_id": fired.spiff_task_id,
                "due_at": fired.due_at.isoformat(),
                "late_by_s": fired.late_by_s(at),
            },
        )
    actions.run(session, runtime, instance, snapshot.actions, at=at, actor=actor)
    route_events(session, runtime, instance, at=at, actor=actor)
    return opened


def route_events(
    session: Session, runtime: ProcessRuntime, instance: ProcessInstance, *, at: datetime, actor: Actor
) -> None:
    """When the last running child of a kind completes, signal the parent ``<process_key>_all_done``.

    The count is one indexed SQL query; siblings are never loaded.
    """
    if instance.status != "completed" or instance.parent_id is None:
        return
    running = session.scalar(
        select(func.count(ProcessInstance.id)).where(
            ProcessInstance.parent_id == instance.parent_id,
            ProcessInstance.process_key == instance.process_key,
            ProcessInstance.status == "running",
        )
    )
    if running:
        return
    parent = lock(session, instance.parent_id)
    if parent is None or parent.status != "running":
        return
    name = f"{instance.process_key}_all_done"
    snapshot = runtime.signal(stored(session, parent), name, at)
    if snapshot is None:
        return
    audit.record(
        session,
        at=at,
        actor=actor,
        action="instance.signalled",
        object_type="instance",
        object_id=parent.id,
        instance_id=parent.id,
        details={"signal": name},
    )
    settle(session, runtime, parent, snapshot, at=at, actor=actor)


def get(session: Session, instance_id: int) -> ProcessInstance:
    """Return an instance or raise ``NotFound``."""
    instance = session.get(ProcessInstance, instance_id)
    if instance is None:
        raise NotFound(f"Không tìm thấy tiến trình {instance_id} (no such instance)")
    return instance


def lock(session: Session, instance_id: int, *, skip_locked: bool = False) -> ProcessInstance | None:
    """Lock an instance row for advancing and return it fresh (``None`` if skipped or missing)."""
    query = (
        select(ProcessInstance)
        .where(ProcessInstance.id == instance_id)
        .with_for_update(skip_locked=skip_locked)
        .execution_options(populate_existing=True)
    )
    return session.scalars(query).first()


def stored(session: Session, instance: ProcessInstance) -> StoredInstance:
    """Describe what the runtime needs to load an instance; the spec is fetched on a cache miss only."""
    definition_id = instance.definition_id

    def load_spec_json() -> str:
        return str(
            session.scalar(select(ProcessDefinition.spec_json).where(ProcessDefinition.id == definition_id))
        )

    return StoredInstance(definition_id=definition_id, load_spec_json=load_spec_json, state=instance.state)


def open_task_ids(session: Session, instance_id: int) -> tuple[int, ...]:
    """Return the ids of the instance's open human tasks, oldest first."""
    return tuple(
        session.scalars(
            select(HumanTask.id)
            .where(HumanTask.instance_id == instance_id, HumanTask.status == "open")
            .order_by(HumanTask.id)
        )
    )


def info(session: Session, instance: ProcessInstance) -> InstanceInfo:
    """Describe an instance, with its definition version and open tasks."""
    return to_info(
        instance, definitions.version_of(session, instance.definition_id), open_task_ids(session, instance.id)
    )


def to_info(instance: ProcessInstance, definition_version: int, open_ids: tuple[int, ...]) -> InstanceInfo:
    """Turn a row into a result."""
    return InstanceInfo(
        id=instance.id,
        process_key=instance.process_key,
        definition_id=instance.definition_id,
        definition_version=definition_version,
        business_key=instance.business_key,
        parent_id=instance.parent_id,
        unit_id=instance.unit_id,
        status=instance.status,
        version=instance.version,
        started_at=instance.started_at,
        completed_at=instance.completed_at,
        open_task_ids=open_ids,
    )
