"""Frozen results for the period dashboard, a unit's report page, the leader's view and the audit trail."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from engine.plan_results import DocumentInfo, PeriodInfo, UnitRow


@dataclass(frozen=True)
class PeriodSummary:
    """A period as listed: its plan, dates and progress over the rows the actor may see.

    ``sees_all`` is true for the focal unit and the issuing body's leaders (every unit counts);
    otherwise the counts cover the actor's own units (``own_unit_ids``) only.
    """

    id: int
    plan_id: int
    plan_title: str
    plan_symbol: str | None
    issuing_unit_name: str
    focal_unit_name: str
    label: str
    year: int
    unit_deadline: date
    focal_deadline: date
    status: str
    unit_count: int
    accepted_count: int
    submitted_count: int
    overdue_count: int
    sees_all: bool
    own_unit_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class PlanProgress:
    """One plan of an issuing body with the progress of each of its periods not yet closed."""

    plan_id: int
    title: str
    symbol: str | None
    year: int
    status: str
    issuing_unit_id: int
    issuing_unit_name: str
    focal_unit_name: str
    periods: tuple[PeriodSummary, ...]
    closed_period_count: int = 0


@dataclass(frozen=True)
class LeaderOverview:
    """Every plan of the bodies the actor leads, at once."""

    bodies: tuple[tuple[int, str], ...]
    plans: tuple[PlanProgress, ...]


@dataclass(frozen=True)
class DashboardRow:
    """A unit's row on the dashboard: the board's row plus the names people read."""

    row: UnitRow
    holder_name: str | None
    holder_unit_name: str | None
    last_escalation_at: datetime | None
    last_escalation_label: str | None = None
    last_action_label: str | None = None


@dataclass(frozen=True)
class TaskCompletion:
    """One plan task: its lead units and the statuses the received reports declare for it."""

    task_id: int
    code: str
    content: str
    lead_units: int
    declared: int
    statuses: dict[str, int]
    share_completed: float


@dataclass(frozen=True)
class TargetAggregate:
    """One target: how many units reported a value, and their total, lowest, highest and mean."""

    target_id: int
    description: str
    goal: float
    unit: str
    reported: int
    total: float
    lowest: float | None
    highest: float | None
    mean: float | None


@dataclass(frozen=True)
class PeriodDashboard:
    """The dashboard of a period: filtered rows, counts over every visible row, charts' data.

    ``consolidate_task_id`` / ``sign_task_id`` are the period's open consolidation and signing
    steps (done on the task page), when open.
    """

    period: PeriodInfo
    plan_title: str
    plan_symbol: str | None
    focal_unit_name: str
    sees_all: bool
    may_remind: bool
    rows: tuple[DashboardRow, ...]
    visible_count: int
    accepted_count: int
    tracking_counts: dict[str, int]
    report_counts: dict[str, int]
    share_on_time: float
    share_overdue: float
    tasks: tuple[TaskCompletion, ...] = ()
    consolidate_task_id: int | None = None
    sign_task_id: int | None = None


@dataclass(frozen=True)
class UnitTaskStatuses:
    """One unit's declared status for each task of the plan (``None``: not declared)."""

    unit_id: int
    unit_name: str
    statuses: tuple[str | None, ...]


@dataclass(frozen=True)
class ConsolidationView:
    """The consolidated tables of a period: stored once consolidated, else computed now."""

    period: PeriodInfo
    plan_title: str
    plan_symbol: str | None
    is_final: bool
    consolidated_at: datetime | None
    narrative: str
    proposals: str
    rows: tuple[DashboardRow, ...]
    tracking_counts: dict[str, int]
    share_on_time: float
    share_overdue: float
    tasks: tuple[TaskCompletion, ...]
    matrix: tuple[UnitTaskStatuses, ...]
    targets: tuple[TargetAggregate, ...]
    missing_units: tuple[str, ...]
    late_units: tuple[str, ...]
    consolidate_task_id: int | None = None
    sign_task_id: int | None = None


@dataclass(frozen=True)
class EscalationInfo:
    """One fired step of the chase ladder, or a focal officer's "remind now"."""

    action: str
    label: str
    fired_at: datetime
    actor_name: str | None
    document_id: int | None = None


@dataclass(frozen=True)
class AuditRow:
    """One row of the audit trail as people read it: who, when, what (with its label), details."""

    id: int
    at: datetime
    actor_id: int | None
    actor_name: str | None  # None: the system (timers, actions)
    action: str
    label: str
    object_type: str
    object_id: str
    unit_id: int | None
    unit_name: str | None
    summary: str
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class AuditPage:
    """A page of a plan's or a period's audit trail and the choices its filters offer."""

    scope: str  # "period" or "plan"
    plan_id: int
    plan_title: str
    period_id: int | None
    period_label: str | None
    rows: tuple[AuditRow, ...]
    total: int
    limit: int
    offset: int
    actions: tuple[tuple[str, str], ...]
    units: tuple[tuple[int, str], ...]
    sees_all: bool


@dataclass(frozen=True)
class UnitReportPage:
    """A unit's report in a period: where it stands, its content, what fired, its documents, its history.

    ``sees_body`` is false for the focal unit before the report reaches it (a unit never sees
    another unit's draft); ``open_task_id`` is the report's open step when the actor may act on it.
    """

    period: PeriodInfo
    plan_title: str
    plan_symbol: str | None
    unit_id: int
    unit_name: str
    row: DashboardRow
    sees_all: bool
    sees_body: bool
    body: dict[str, Any]
    task_rows: tuple[dict[str, Any], ...]
    escalations: tuple[EscalationInfo, ...]
    documents: tuple[DocumentInfo, ...]
    history: tuple[AuditRow, ...]
    open_task_id: int | None
    may_remind: bool


@dataclass(frozen=True)
class DocumentRecord:
    """A document PlanCycle produced, with the names and dates its record shows."""

    info: DocumentInfo
    issuer_name: str
    recipient_name: str | None
    plan_id: int | None
    plan_title: str | None
    plan_symbol: str | None
    period_id: int | None
    period_label: str | None
    unit_deadline: date | None
    dated: date | None
    place: str | None
