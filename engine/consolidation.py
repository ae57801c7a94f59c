"""Consolidating a period and reporting it upward.

``consolidate_period`` stores the focal unit's roll-up with the period: per-task completion
(lead units that reported), counts per status, missing and late units, and the officer's
narrative. ``report_upward`` runs after the leader signs: when the plan has a parent plan with an
open period, the consolidated report becomes this body's own unit report there (drafted and
approved on the signed consolidation), so reporting upward is the same cycle one level higher.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import select

from engine import audit, instances, periods, plans, reports, tasks
from engine.actions import ActionContext, register
from engine.deadlines import local_date, local_zone
from engine.models import (
    HumanTask,
    Plan,
    PlanTarget,
    PlanTask,
    ReportingPeriod,
    UnitReport,
)

DONE = ("completed_on_time", "completed_late")


@register("consolidate_period")
def _consolidate(context: ActionContext) -> None:
    session, data = context.session, context.data
    period = periods.get(session, int(data["period_id"]))
    board = periods.board(session, period, now=context.at, zone=local_zone())
    received = list(
        session.scalars(
            select(UnitReport).where(
                UnitReport.period_id == period.id, UnitReport.status.in_(("submitted", "accepted"))
            )
        )
    )
    period.consolidation = {
        "narrative": str(data.get("narrative", "")),
        "proposals": str(data.get("proposals", "")),
        "consolidated_at": context.at.isoformat(),
        "consolidated_by": data.get("consolidate_by"),
        "unit_count": len(board.rows),
        "tracking_counts": board.tracking_counts,
        "report_counts": board.report_counts,
        "share_on_time": board.share_on_time,
        "share_overdue": board.share_overdue,
        "missing_units": [r.unit_name for r in board.rows if r.tracking_status not in DONE],
        "late_units": [r.unit_name for r in board.rows if r.tracking_status == "completed_late"],
        "tasks": _task_completion(context, period, received),
        "targets": _target_aggregates(context, period, received),
    }
    audit.record(
        session,
        at=context.at,
        actor=context.actor,
        action="period.consolidated",
        object_type="period",
        object_id=period.id,
        instance_id=context.instance.id,
        details={"units": len(board.rows), "missing": len(period.consolidation["missing_units"])},
    )


def _task_completion(
    context: ActionContext, period: ReportingPeriod, received: list[UnitReport]
) -> list[dict[str, Any]]:
    """Per task: its lead units, and the statuses declared in the reports the focal unit has."""
    session = context.session
    today = local_date(context.at)
    statuses: dict[int, Counter[str]] = {}
    for report in received:
        for row in reports.task_rows(session, report, today=today):
            statuses.setdefault(int(row["task_id"]), Counter())[str(row["status"])] += 1
    leads = plans.lead_units_by_task(session, period.plan_id)
    rows = []
    for task in session.scalars(
        select(PlanTask).where(PlanTask.plan_id == period.plan_id).order_by(PlanTask.position)
    ):
        counts = statuses.get(task.id, Counter())
        lead_count = len(leads.get(task.id, set()))
        done = counts["completed_on_time"] + counts["completed_late"]
        rows.append(
            {
                "task_id": task.id,
                "content": task.content,
                "lead_units": lead_count,
                "declared": sum(counts.values()),
                "statuses": dict(counts),
                "share_completed": round(done / lead_count, 4) if lead_count else 0.0,
            }
        )
    return rows


def _target_aggregates(
    context: ActionContext, period: ReportingPeriod, received: list[UnitReport]
) -> list[dict[str, Any]]:
    """Per target: how many units reported a value, and their total, lowest, highest and mean."""
    session = context.session
    values: dict[int, list[float]] = {}
    for report in received:
        for row in report.body.get("target_values") or []:
            values.setdefault(int(row["target_id"]), []).append(float(row["value"]))
    rows = []
    for target in session.scalars(
        select(PlanTarget).where(PlanTarget.plan_id == period.plan_id).order_by(PlanTarget.position)
    ):
        got = values.get(target.id, [])
        rows.append(
            {
                "target_id": target.id,
                "description": target.description,
                "goal": float(target.value),
                "unit": target.unit,
                "reported": len(got),
                "total": sum(got),
                "lowest": min(got) if got else None,
                "highest": max(got) if got else None,
                "mean": round(sum(got) / len(got), 4) if got else None,
            }
        )
    return rows


@register("report_upward")
def _report_upward(context: ActionContext) -> None:
    session = context.session
    period = periods.get(session, int(context.data["period_id"]))
    plan = plans.get(session, period.plan_id)
    target = _upward_report(context, plan)
    if target is None:
        audit.record(
            session,
            at=context.at,
            actor=context.actor,
            action="report.upward_skipped",
            object_type="period",
            object_id=period.id,
            instance_id=context.instance.id,
            details={"reason": "no parent plan with an open period for this body"},
        )
        return
    summary = period.consolidation or {}
    body = {
        "summary": summary.get("narrative") or f"Báo cáo tổng hợp {period.label}",
        "proposals": summary.get("proposals", ""),
    }
    for step, action in (("draft", "submit"), ("head_review", "approve")):
        task = session.scalars(
            select(HumanTask).where(
                HumanTask.instance_id == target.instance_id,
                HumanTask.status == "open",
                HumanTask.task_name == step,
            )
        ).first()
        if task is not None:
            tasks.complete_by_system(
                session,
                context.runtime,
                task,
                body if step == "draft" else {},
                action=action,
                reason=f"consolidated report of period {period.id}, signed",
                at=context.at,
            )
    target.source_period_id = period.id
    target.body = {**body, "consolidation": summary}
    audit.record(
        session,
        at=context.at,
        actor=context.actor,
        action="report.forwarded",
        object_type="unit_report",
        object_id=target.id,
        instance_id=target.instance_id,
        details={"from_period": period.id},
    )


def _upward_report(context: ActionContext, plan: Plan) -> UnitReport | None:
    if plan.parent_plan_id is None:
        return None
    parent_period = context.session.scalars(
        select(ReportingPeriod)
        .where(
            ReportingPeriod.plan_id == plan.parent_plan_id,
            ReportingPeriod.status.in_(("open", "consolidating")),
        )
        .order_by(ReportingPeriod.opened_at.desc())
    ).first()
    if parent_period is None:
        return None
    report = context.session.scalars(
        select(UnitReport).where(
            UnitReport.period_id == parent_period.id, UnitReport.unit_id == plan.issuing_unit_id
        )
    ).first()
    if report is None or report.instance_id is None:
        return None
    instances.lock(context.session, report.instance_id)
    return report
