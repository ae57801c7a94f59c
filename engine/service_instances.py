"""One process instance as an administrator sees it: version, status, what it waits on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from engine import instances
from engine.models import HumanTask, ProcessDefinition, ProcessInstance, Timer, Unit
from engine.organisation import require_admin
from engine.projection import to_task_info
from engine.results import Actor, HumanTaskInfo, InstanceInfo
from engine.service_base import EngineBase

STATUS_LABELS = {
    "running": "Đang chạy (running)",
    "completed": "Đã kết thúc (completed)",
    "cancelled": "Đã hủy (cancelled)",
    "failed": "Bị lỗi (failed)",
}


@dataclass(frozen=True)
class OpenStep:
    """A user task the instance waits on, with the acting unit's name."""

    task: HumanTaskInfo
    unit_name: str | None


@dataclass(frozen=True)
class WaitingTimerInfo:
    """A timer the instance waits on."""

    name: str
    due_at: datetime


@dataclass(frozen=True)
class InstanceOverview:
    """An instance with its process name, unit, open steps and timers."""

    instance: InstanceInfo
    process_name: str
    status_label: str
    unit_name: str | None
    open_tasks: tuple[OpenStep, ...]
    timers: tuple[WaitingTimerInfo, ...]


@dataclass(frozen=True)
class InstanceRow:
    """A running instance in a process's list: which version it is on and where it waits."""

    id: int
    version: int
    business_key: str | None
    unit_name: str | None
    current_step: str | None
    started_at: datetime


class InstanceMethods(EngineBase):
    """Looking at instances (administrators): a process's running instances by version, and one instance."""

    def list_instances(
        self, key: str, *, actor: Actor, status: str = "running", limit: int = 200
    ) -> list[InstanceRow]:
        """Return a process's instances in ``status``, newest version first, then by id."""
        with self._work(write=False) as session:
            require_admin(session, actor)
            rows = session.execute(
                select(
                    ProcessInstance.id,
                    ProcessDefinition.version,
                    ProcessInstance.business_key,
                    Unit.name,
                    ProcessInstance.current_step_title,
                    ProcessInstance.started_at,
                )
                .join(ProcessDefinition, ProcessDefinition.id == ProcessInstance.definition_id)
                .outerjoin(Unit, Unit.id == ProcessInstance.unit_id)
                .where(ProcessInstance.process_key == key, ProcessInstance.status == status)
                .order_by(ProcessDefinition.version.desc(), ProcessInstance.id)
                .limit(limit)
            )
            return [InstanceRow(*row) for row in rows]

    def instance_overview(self, instance_id: int, *, actor: Actor) -> InstanceOverview:
        """Return an instance, the user tasks it waits on and its timers; administrators only."""
        with self._work(write=False) as session:
            require_admin(session, actor)
            row = instances.get(session, instance_id)
            info = instances.info(session, row)
            process_name = session.scalar(
                select(ProcessDefinition.name).where(ProcessDefinition.id == row.definition_id)
            )
            tasks = session.scalars(
                select(HumanTask)
                .where(HumanTask.instance_id == instance_id, HumanTask.status == "open")
                .order_by(HumanTask.id)
            ).all()
            unit_ids = {t.unit_id for t in tasks if t.unit_id} | ({row.unit_id} if row.unit_id else set())
            names = {
                uid: name
                for uid, name in session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(unit_ids)))
            }
            timers = session.scalars(
                select(Timer).where(Timer.instance_id == instance_id).order_by(Timer.due_at, Timer.id)
            ).all()
            return InstanceOverview(
                instance=info,
                process_name=process_name or row.process_key,
                status_label=STATUS_LABELS.get(row.status, row.status),
                unit_name=names.get(row.unit_id) if row.unit_id else None,
                open_tasks=tuple(
                    OpenStep(to_task_info(t), names.get(t.unit_id) if t.unit_id else None) for t in tasks
                ),
                timers=tuple(WaitingTimerInfo(t.task_name, t.due_at) for t in timers),
            )
