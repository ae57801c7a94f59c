"""Frozen inputs and results for plans, periods and the period board."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class UnitRef:
    """A unit or a unit group named in a task, with an optional scope note."""

    unit_id: int | None = None
    group_id: int | None = None
    scope_note: str = ""


@dataclass(frozen=True)
class TaskInput:
    """One row of a task table as an author enters it."""

    content: str
    timeframe: str
    lead: tuple[UnitRef, ...]
    coordinating: tuple[UnitRef, ...] = ()
    expected_result: str = ""
    indicator: str = ""


@dataclass(frozen=True)
class SectionInput:
    """A group of task rows (I, II, ...)."""

    code: str
    title: str
    tasks: tuple[TaskInput, ...]


@dataclass(frozen=True)
class TargetInput:
    """A quantitative target."""

    description: str
    value: Decimal
    unit: str
    milestone: date | None = None


@dataclass(frozen=True)
class PlanTaskInfo:
    """A task row with its units resolved to names."""

    id: int
    section_code: str
    code: str
    content: str
    timeframe_text: str
    timeframe: dict[str, Any]
    lead: tuple[tuple[str, str], ...]
    coordinating: tuple[tuple[str, str], ...]
    expected_result: str
    indicator: str


@dataclass(frozen=True)
class PlanInfo:
    """A plan and, when loaded in detail, its tasks and targets."""

    id: int
    issuing_unit_id: int
    focal_unit_id: int
    parent_plan_id: int | None
    year: int
    number: int | None
    symbol: str | None
    place: str
    issued_on: date | None
    title: str
    status: str
    authority_form: str | None
    signer_id: int | None
    legal_bases: tuple[str, ...] = ()
    recipients: tuple[str, ...] = ()
    tasks: tuple[PlanTaskInfo, ...] = ()
    targets: tuple[tuple[str, Decimal, str, date | None], ...] = ()
    assigned_unit_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class PeriodInfo:
    """A reporting period."""

    id: int
    plan_id: int
    label: str
    year: int
    data_cutoff: date
    unit_deadline: date
    focal_deadline: date
    status: str
    instance_id: int | None
    unit_count: int


@dataclass(frozen=True)
class UnitRow:
    """One unit's row on the period board."""

    unit_id: int
    unit_name: str
    report_id: int
    report_status: str
    tracking_status: str
    step: str | None
    step_title: str | None
    holder_unit_id: int | None
    holder_role: str | None
    holder_user_id: int | None
    since: datetime | None
    due_at: datetime | None
    submitted_at: datetime | None
    accepted_at: datetime | None
    returned_count: int
    escalation_count: int
    last_escalation: str | None
    last_action: str | None
    last_action_at: datetime | None


@dataclass(frozen=True)
class PeriodBoard:
    """Where every unit of a period is; counts per status; shares on time and overdue."""

    period: PeriodInfo
    rows: tuple[UnitRow, ...]
    tracking_counts: dict[str, int] = field(default_factory=dict)
    report_counts: dict[str, int] = field(default_factory=dict)
    share_on_time: float = 0.0
    share_overdue: float = 0.0


@dataclass(frozen=True)
class DocumentInfo:
    """A document PlanCycle produced, such as an official reminder letter."""

    id: int
    kind: str
    title: str
    issuing_unit_id: int
    recipient_unit_id: int | None
    period_id: int | None
    unit_report_id: int | None
    content: dict[str, Any]
    created_at: datetime
