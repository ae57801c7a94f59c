"""Frozen results handed to callers; never ORM rows or SpiffWorkflow objects."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class SystemActor:
    """The engine acting on its own (timers, migrations, the CLI); never a web request."""

    label: str = "system"


SYSTEM = SystemActor()

Actor = int | SystemActor
"""Who performs a call: a user id, or ``SYSTEM``."""


@dataclass(frozen=True)
class UnitInfo:
    """A unit of the organisation."""

    id: int
    name: str
    level: str
    parent_id: int | None


@dataclass(frozen=True)
class UnitGroupInfo:
    """A named unit group and its members."""

    id: int
    name: str
    unit_ids: tuple[int, ...]


@dataclass(frozen=True)
class UserInfo:
    """A user and the roles held, as ``(unit_id, role)`` pairs."""

    id: int
    login: str
    full_name: str
    is_active: bool
    roles: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True)
class DefinitionInfo:
    """One deployed, immutable version of a process."""

    id: int
    key: str
    version: int
    name: str
    checksum: str
    deployed_at: datetime
    deployed_by_id: int | None
    is_new: bool = True


@dataclass(frozen=True)
class InstanceInfo:
    """A process instance as stored."""

    id: int
    process_key: str
    definition_id: int
    definition_version: int
    business_key: str | None
    parent_id: int | None
    unit_id: int | None
    status: str
    version: int
    started_at: datetime
    completed_at: datetime | None
    open_task_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class HumanTaskInfo:
    """One human task as people see it in an inbox."""

    id: int
    instance_id: int
    process_key: str
    task_name: str
    title: str
    form_key: str | None
    unit_id: int | None
    role: str | None
    assignee_id: int | None
    claimed_by_id: int | None
    actions: tuple[str, ...]
    due_at: datetime | None
    status: str
    version: int
    created_at: datetime
    completed_at: datetime | None = None
    completed_action: str | None = None


@dataclass(frozen=True)
class TaskDetail:
    """A task opened for work: the task, its current values and its form key."""

    task: HumanTaskInfo
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SubmitResult:
    """The outcome of submitting or returning a task."""

    task: HumanTaskInfo
    instance: InstanceInfo
    next_tasks: tuple[HumanTaskInfo, ...]
    was_repeat: bool = False


@dataclass(frozen=True)
class TimerFiring:
    """One timer fired by the sweeper."""

    timer_id: int
    instance_id: int
    task_name: str
    due_at: datetime
    fired_at: datetime
    late_by_s: float


@dataclass(frozen=True)
class TimerInfo:
    """A timer an instance waits on, as the indexed ``timer`` table holds it."""

    id: int
    instance_id: int
    task_name: str
    kind: str
    due_at: datetime


@dataclass(frozen=True)
class SweepResult:
    """What one sweep did."""

    fired: tuple[TimerFiring, ...]
    skipped: int = 0


@dataclass(frozen=True)
class HistoryEntry:
    """One step of an item's history as the people working on it see it."""

    at: datetime
    actor_name: str | None  # None: the system (timers, actions)
    action: str
    details: dict[str, Any]


@dataclass(frozen=True)
class AuditEntry:
    """One row of history."""

    id: int
    at: datetime
    actor_id: int | None
    action: str
    object_type: str
    object_id: str
    instance_id: int | None
    details: dict[str, Any]
