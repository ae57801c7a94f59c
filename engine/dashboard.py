"""Reads behind the period dashboard, a unit's report page and the leader's view.

Everything here reads indexed tables (``unit_report``, ``process_instance``, ``human_task``,
``escalation``); no workflow is loaded. Who sees what: the focal unit of the period's plan and the
issuing body's leaders see every unit; a unit sees its own row only; anyone else gets ``NotFound``.
The completion per task and the target aggregates follow the formulas the consolidation step
stores (``engine.consolidation``), so the dashboard shows before consolidation what it will say.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine import periods, plans
from engine.authority import acting_for
from engine.dashboard_results import (
    DashboardRow,
    PeriodSummary,
    TargetAggregate,
    TaskCompletion,
    UnitTaskStatuses,
)
from engine.errors import NotFound
from engine.escalations import ACTIONS as ESCALATION_LABELS
from engine.models import (
    Escalation,
    HumanTask,
    Plan,
    PlanSection,
    PlanTarget,
    PlanTask,
    ProcessInstance,
    ReportingPeriod,
    Unit,
    UnitReport,
    User,
)
from engine.names import normalise_name
from engine.organisation import holds_role, may_act, require_user, roles_of
from engine.plan_results import UnitRow
from engine.results import Actor, SystemActor
from engine.task_status import task_deadline, task_status

# What a unit report's last step was, as the board's "last action" column says it.
LAST_ACTIONS = {
    "draft.submit": "Gửi lãnh đạo đơn vị duyệt",
    "head_review.approve": "Lãnh đạo đơn vị duyệt, gửi đơn vị đầu mối",
    "head_review.return": "Lãnh đạo đơn vị trả lại",
    "focal_review.accept": "Đơn vị đầu mối tiếp nhận",
    "focal_review.return": "Đơn vị đầu mối trả lại",
}
# Roles in the focal unit that see a period's every unit (as on the period board).
FOCAL_ROLES = ("focal_officer", "leader", "unit_head")
RECEIVED = ("submitted", "accepted")
DONE = ("completed_on_time", "completed_late")


@dataclass(frozen=True)
class Sight:
    """What an actor may see of one plan's periods."""

    sees_all: bool
    own_unit_ids: frozenset[int]
    may_remind: bool

    def sees_unit(self, unit_id: int) -> bool:
        """Tell whether the actor may see this unit's row."""
        return self.sees_all or unit_id in self.own_unit_ids


def sight(session: Session, actor: Actor, plan: Plan) -> Sight:
    """Return what ``actor`` may see of ``plan``'s periods (the board's own checks, plus own units)."""
    own: frozenset[int] = frozenset()
    if not isinstance(actor, SystemActor):
        user = require_user(session, actor)
        own = frozenset(unit_id for unit_id, _role in roles_of(session, user.id))
    return Sight(
        sees_all=holds_role(session, actor, plan.focal_unit_id, FOCAL_ROLES)
        or holds_role(session, actor, plan.issuing_unit_id, ("leader",)),
        own_unit_ids=own,
        may_remind=holds_role(session, actor, plan.focal_unit_id, ("focal_officer",)),
    )


def period_and_plan(session: Session, period_id: int) -> tuple[ReportingPeriod, Plan]:
    """Return a period and its plan, or raise ``NotFound``."""
    period = periods.get(session, period_id)
    return period, plans.get(session, period.plan_id)


def no_period(period_id: int) -> NotFound:
    """Return the one answer for a missing period and a period the actor may not see."""
    return NotFound(f"Không tìm thấy kỳ báo cáo {period_id} (no such period)")


def visible_rows(board_rows: Iterable[UnitRow], seen: Sight, period_id: int) -> list[UnitRow]:
    """Keep the rows the actor may see; ``NotFound`` when that is none of them."""
    rows = [r for r in board_rows if seen.sees_unit(r.unit_id)]
    if not seen.sees_all and not rows:
        raise no_period(period_id)
    return rows


def filter_rows(
    rows: Sequence[UnitRow], *, tracking: str | None, report_status: str | None, search: str | None
) -> list[UnitRow]:
    """Keep rows with this tracking status, this report status, and a unit name containing ``search``."""
    key = normalise_name(search or "")
    return [
        r
        for r in rows
        if (not tracking or r.tracking_status == tracking)
        and (not report_status or r.report_status == report_status)
        and (not key or key in normalise_name(r.unit_name))
    ]


def names_of_users(session: Session, ids: Iterable[int | None]) -> dict[int, str]:
    """Return the full names of the given users."""
    wanted = sorted({i for i in ids if i is not None})
    if not wanted:
        return {}
    return {
        int(i): str(n) for i, n in session.execute(select(User.id, User.full_name).where(User.id.in_(wanted)))
    }


def names_of_units(session: Session, ids: Iterable[int | None]) -> dict[int, str]:
    """Return the names of the given units."""
    wanted = sorted({i for i in ids if i is not None})
    if not wanted:
        return {}
    return {int(i): str(n) for i, n in session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(wanted)))}


def last_action_label(code: str | None) -> str | None:
    """Return the Vietnamese label of a report's last action (a step's action or a chase)."""
    if not code:
        return None
    if code in LAST_ACTIONS:
        return LAST_ACTIONS[code]
    if code in ESCALATION_LABELS:
        return ESCALATION_LABELS[code]
    step, _dot, action = code.partition(".")
    return f"{step}: {action}" if action else code


def decorate(session: Session, period_id: int, rows: Sequence[UnitRow]) -> list[DashboardRow]:
    """Add who holds each row's step (by name), the holder unit's name and when the last chase fired."""
    users = names_of_users(session, (r.holder_user_id for r in rows))
    units = {r.unit_id: r.unit_name for r in rows}
    units.update(names_of_units(session, (r.holder_unit_id for r in rows if r.holder_unit_id not in units)))
    last_fired: dict[int, datetime] = {}
    if any(r.escalation_count for r in rows):
        last_fired = {
            int(report_id): fired
            for report_id, fired in session.execute(
                select(Escalation.unit_report_id, func.max(Escalation.fired_at))
                .join(UnitReport, UnitReport.id == Escalation.unit_report_id)
                .where(UnitReport.period_id == period_id)
                .group_by(Escalation.unit_report_id)
            )
        }
    return [
        DashboardRow(
            row=r,
            holder_name=users.get(r.holder_user_id) if r.holder_user_id is not None else None,
            holder_unit_name=units.get(r.holder_unit_id) if r.holder_unit_id is not None else None,
            last_escalation_at=last_fired.get(r.report_id),
            last_escalation_label=ESCALATION_LABELS.get(r.last_escalation, r.last_escalation)
            if r.last_escalation
            else None,
            last_action_label=last_action_label(r.last_action),
        )
        for r in rows
    ]


def open_period_steps(session: Session, period: ReportingPeriod, actor: Actor, today: date) -> dict[str, int]:
    """Return the period's own open steps (``consolidate``, ``sign_report``) the actor may act on."""
    if period.instance_id is None:
        return {}
    rows = session.scalars(
        select(HumanTask).where(HumanTask.instance_id == period.instance_id, HumanTask.status == "open")
    ).all()
    if not rows:
        return {}
    if isinstance(actor, SystemActor):
        return {row.task_name: row.id for row in rows}
    acting = acting_for(session, actor, today)
    return {row.task_name: row.id for row in rows if may_act(row, *acting)}


def open_report_task(
    session: Session, report: UnitReport, actor: Actor, today: date
) -> tuple[HumanTask | None, bool]:
    """Return the report's open step, and whether the actor may act on it."""
    if report.instance_id is None:
        return None, False
    row = session.scalars(
        select(HumanTask)
        .where(HumanTask.instance_id == report.instance_id, HumanTask.status == "open")
        .order_by(HumanTask.id)
    ).first()
    if row is None or isinstance(actor, SystemActor):
        return row, False
    return row, may_act(row, *acting_for(session, actor, today))


def task_codes(session: Session, plan_id: int) -> dict[int, str]:
    """Return each task's code as the plan's table shows it ("I.1", "II.3")."""
    sections = {
        s.id: s.code for s in session.scalars(select(PlanSection).where(PlanSection.plan_id == plan_id))
    }
    return {
        t.id: ".".join(p for p in (sections.get(t.section_id or 0, ""), t.code) if p)
        for t in session.scalars(select(PlanTask).where(PlanTask.plan_id == plan_id))
    }


def task_completion(
    session: Session, period: ReportingPeriod, *, today: date
) -> tuple[list[TaskCompletion], dict[int, dict[int, str]]]:
    """Count per task the lead units and the statuses received reports declare; map each unit's.

    Each declared result gets its status as ``reports.task_rows`` gives it (``engine.task_status``
    over the task's deadline for the period's year); the plan's tasks are read once for all reports.
    """
    tasks = session.scalars(
        select(PlanTask).where(PlanTask.plan_id == period.plan_id).order_by(PlanTask.position)
    ).all()
    deadlines = {t.id: task_deadline(t.timeframe_text, period.year) for t in tasks}
    per_unit: dict[int, dict[int, str]] = {}
    statuses: dict[int, Counter[str]] = {}
    for unit_id, body in session.execute(
        select(UnitReport.unit_id, UnitReport.body).where(
            UnitReport.period_id == period.id, UnitReport.status.in_(RECEIVED)
        )
    ):
        declared = per_unit.setdefault(int(unit_id), {})
        for result in body.get("task_results") or []:
            task_id = int(result["task_id"])
            if task_id not in deadlines:
                continue
            done_on = date.fromisoformat(result["completed_on"]) if result.get("completed_on") else None
            status = task_status(str(result["progress"]), done_on, deadlines[task_id], today)
            declared[task_id] = status
            statuses.setdefault(task_id, Counter())[status] += 1
    leads = plans.lead_units_by_task(session, period.plan_id)
    codes = task_codes(session, period.plan_id)
    rows = []
    for task in tasks:
        counts = statuses.get(task.id, Counter())
        lead_count = len(leads.get(task.id, set()))
        done = sum(counts[s] for s in DONE)
        rows.append(
            TaskCompletion(
                task_id=task.id,
                code=codes.get(task.id, task.code),
                content=task.content,
                lead_units=lead_count,
                declared=sum(counts.values()),
                statuses=dict(counts),
                share_completed=round(done / lead_count, 4) if lead_count else 0.0,
            )
        )
    return rows, per_unit


def stored_tasks(
    session: Session, period: ReportingPeriod, stored: list[dict[str, Any]]
) -> list[TaskCompletion]:
    """Return the per-task completion the consolidation step stored with the period."""
    codes = task_codes(session, period.plan_id)
    return [
        TaskCompletion(
            task_id=int(row["task_id"]),
            code=codes.get(int(row["task_id"]), ""),
            content=str(row.get("content", "")),
            lead_units=int(row.get("lead_units", 0)),
            declared=int(row.get("declared", 0)),
            statuses={str(k): int(v) for k, v in (row.get("statuses") or {}).items()},
            share_completed=float(row.get("share_completed", 0.0)),
        )
        for row in stored
    ]


def target_aggregates(session: Session, period: ReportingPeriod) -> list[TargetAggregate]:
    """Aggregate per target the values received reports give: count, total, lowest, highest, mean."""
    values: dict[int, list[float]] = {}
    for body in session.scalars(
        select(UnitReport.body).where(UnitReport.period_id == period.id, UnitReport.status.in_(RECEIVED))
    ):
        for row in body.get("target_values") or []:
            values.setdefault(int(row["target_id"]), []).append(float(row["value"]))
    return [
        TargetAggregate(
            target_id=t.id,
            description=t.description,
            goal=float(t.value),
            unit=t.unit,
            reported=len(got := values.get(t.id, [])),
            total=sum(got),
            lowest=min(got) if got else None,
            highest=max(got) if got else None,
            mean=round(sum(got) / len(got), 4) if got else None,
        )
        for t in session.scalars(
            select(PlanTarget).where(PlanTarget.plan_id == period.plan_id).order_by(PlanTarget.position)
        )
    ]


def stored_targets(stored: list[dict[str, Any]]) -> list[TargetAggregate]:
    """Return the target aggregates the consolidation step stored with the period."""

    def number(value: Any) -> float | None:
        return None if value is None else float(value)

    return [
        TargetAggregate(
            target_id=int(row["target_id"]),
            description=str(row.get("description", "")),
            goal=float(row.get("goal", 0.0)),
            unit=str(row.get("unit", "")),
            reported=int(row.get("reported", 0)),
            total=float(row.get("total", 0.0)),
            lowest=number(row.get("lowest")),
            highest=number(row.get("highest")),
            mean=number(row.get("mean")),
        )
        for row in stored
    ]


def matrix(
    rows: Sequence[UnitRow], tasks: Sequence[TaskCompletion], per_unit: dict[int, dict[int, str]]
) -> list[UnitTaskStatuses]:
    """Lay out units × tasks: each unit's declared status per task, in the plan's order."""
    return [
        UnitTaskStatuses(
            unit_id=r.unit_id,
            unit_name=r.unit_name,
            statuses=tuple(per_unit.get(r.unit_id, {}).get(t.task_id) for t in tasks),
        )
        for r in rows
    ]


@dataclass(frozen=True)
class Visible:
    """A period the actor may see, and how much of it."""

    period: ReportingPeriod
    plan: Plan
    sees_all: bool
    own_unit_ids: frozenset[int]


def summaries(
    session: Session, items: Sequence[Visible], *, now: datetime, zone: ZoneInfo
) -> list[PeriodSummary]:
    """Summarise periods with counts per status over the rows each actor may see (two grouped queries)."""
    counts: dict[int, Counter[str]] = {item.period.id: Counter() for item in items}
    whole = [item.period.id for item in items if item.sees_all]
    if whole:
        for period_id, status, count in session.execute(
            select(UnitReport.period_id, UnitReport.status, func.count(UnitReport.id))
            .where(UnitReport.period_id.in_(whole))
            .group_by(UnitReport.period_id, UnitReport.status)
        ):
            counts[int(period_id)][str(status)] += int(count)
    own_units = frozenset().union(*(item.own_unit_ids for item in items if not item.sees_all))
    partial = [item.period.id for item in items if not item.sees_all]
    own_reports: dict[int, list[int]] = {}
    if partial and own_units:
        for period_id, unit_id, status in session.execute(
            select(UnitReport.period_id, UnitReport.unit_id, UnitReport.status).where(
                UnitReport.period_id.in_(partial), UnitReport.unit_id.in_(sorted(own_units))
            )
        ):
            counts[int(period_id)][str(status)] += 1
            own_reports.setdefault(int(period_id), []).append(int(unit_id))
    names = names_of_units(
        session, [u for item in items for u in (item.plan.issuing_unit_id, item.plan.focal_unit_id)]
    )
    result = []
    for item in items:
        period, plan, tally = item.period, item.plan, counts[item.period.id]
        total = sum(tally.values())
        received = sum(tally[s] for s in RECEIVED)
        late = now > periods.deadline_end(period.unit_deadline, zone)
        result.append(
            PeriodSummary(
                id=period.id,
                plan_id=plan.id,
                plan_title=plan.title,
                plan_symbol=plan.symbol,
                issuing_unit_name=names.get(plan.issuing_unit_id, ""),
                focal_unit_name=names.get(plan.focal_unit_id, ""),
                label=period.label,
                year=period.year,
                unit_deadline=period.unit_deadline,
                focal_deadline=period.focal_deadline,
                status=period.status,
                unit_count=total,
                accepted_count=tally["accepted"],
                submitted_count=received,
                overdue_count=total - received if late else 0,
                sees_all=item.sees_all,
                own_unit_ids=tuple(sorted(own_reports.get(period.id, ()))),
            )
        )
    return result


def unit_row(
    session: Session, period: ReportingPeriod, report: UnitReport, *, now: datetime, zone: ZoneInfo
) -> UnitRow:
    """One unit's row as the period board builds it, without loading the other units."""
    unit = session.get(Unit, report.unit_id)
    instance = session.get(ProcessInstance, report.instance_id) if report.instance_id is not None else None
    return periods.to_unit_row(
        report,
        unit.name if unit is not None else "",
        instance,
        end=periods.deadline_end(period.unit_deadline, zone),
        now=now,
    )
