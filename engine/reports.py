"""Unit reports follow their workflow instance: status, submission times, content, returns.

A unit report's own steps (DOMAIN.md): not opened → drafting → awaiting the unit head →
submitted → accepted by the focal unit, or returned with reasons → drafting again. The status is
derived from the instance's current step after every advance, so the period board reads one
indexed table.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.errors import InvalidSubmission
from engine.models import HumanTask, PlanTarget, PlanTask, ProcessInstance, ReportingPeriod, UnitReport
from engine.task_status import task_deadline, task_status

STEP_STATUS = {"draft": "drafting", "head_review": "awaiting_head", "focal_review": "submitted"}


def for_instance(session: Session, instance_id: int) -> UnitReport | None:
    """Return the unit report an instance runs, if it runs one.

    One advance asks this several times; the answer is kept for the session's transaction (the
    report row itself comes from the session's identity map).
    """
    known: dict[int, int | None] = session.info.setdefault("unit_report_by_instance", {})
    if instance_id not in known:
        known[instance_id] = session.scalar(
            select(UnitReport.id).where(UnitReport.instance_id == instance_id)
        )
    report_id = known[instance_id]
    return session.get(UnitReport, report_id) if report_id is not None else None


def link(session: Session, report: UnitReport, instance_id: int) -> None:
    """Attach a report to the instance that runs it (and keep ``for_instance``'s memo right)."""
    report.instance_id = instance_id
    session.info.setdefault("unit_report_by_instance", {})[instance_id] = report.id


def note_completed_task(
    session: Session, task: HumanTask, action: str, values: dict[str, Any], *, at: datetime
) -> None:
    """Record a person's step on the report: its content when drafted, and returns."""
    report = for_instance(session, task.instance_id)
    if report is None:
        return
    report.last_action = f"{task.task_name}.{action}"
    report.last_action_at = at
    if task.task_name == "draft" and action == "submit":
        report.body = {k: v for k, v in values.items() if k != "decision"}
    if action == "return":
        report.returned_count += 1
        report.status = "returned"  # kept while the report waits for redrafting


def follow_instance(session: Session, instance: ProcessInstance, *, at: datetime) -> None:
    """Bring the report's status in line with where its instance now waits."""
    report = for_instance(session, instance.id)
    if report is None:
        return
    if instance.status == "completed":
        status = "accepted"
    else:
        status = STEP_STATUS.get(instance.current_step or "", report.status)
        if status == "drafting" and report.status == "returned":
            status = "returned"
    if status == "submitted" and report.status != "submitted":
        report.submitted_at = at
    if status == "accepted" and report.accepted_at is None:
        report.accepted_at = at
    report.status = status


def follow_period_instance(session: Session, instance: ProcessInstance, *, at: datetime) -> None:
    """Keep a period's status in line with its parent instance (open → consolidating → closed)."""
    period = session.scalars(
        select(ReportingPeriod).where(ReportingPeriod.instance_id == instance.id)
    ).first()
    if period is None:
        return
    if instance.status == "completed":
        period.status = "closed"
        period.closed_at = period.closed_at or at
    elif instance.current_step == "consolidate":
        period.status = "consolidating"
    elif instance.current_step == "sign_report":
        period.status = "awaiting_signature"


def unaccepted_count(session: Session, period_id: int) -> int:
    """How many reports of a period are not yet accepted (counted in SQL)."""
    return int(
        session.scalar(
            select(func.count(UnitReport.id)).where(
                UnitReport.period_id == period_id, UnitReport.status != "accepted"
            )
        )
        or 0
    )


def check_submission(session: Session, task: HumanTask, values: dict[str, Any]) -> None:
    """Refuse task results or target values that do not belong to the report's plan."""
    if task.task_name != "draft" or not (values.get("task_results") or values.get("target_values")):
        return
    report = for_instance(session, task.instance_id)
    if report is None:
        return
    period = session.get(ReportingPeriod, report.period_id)
    assert period is not None  # noqa: S101 - foreign key
    task_ids = set(session.scalars(select(PlanTask.id).where(PlanTask.plan_id == period.plan_id)))
    target_ids = set(session.scalars(select(PlanTarget.id).where(PlanTarget.plan_id == period.plan_id)))
    errors: dict[str, list[str]] = {}
    for index, row in enumerate(values.get("task_results") or []):
        if row.get("task_id") not in task_ids:
            errors[f"task_results.{index}.task_id"] = ["Nhiệm vụ không thuộc kế hoạch này."]
        if row.get("progress") == "completed" and not row.get("completed_on"):
            errors[f"task_results.{index}.completed_on"] = ["Cần ngày hoàn thành."]
    for index, row in enumerate(values.get("target_values") or []):
        if row.get("target_id") not in target_ids:
            errors[f"target_values.{index}.target_id"] = ["Chỉ tiêu không thuộc kế hoạch này."]
    if errors:
        raise InvalidSubmission("Kết quả nhiệm vụ chưa hợp lệ (invalid task results)", errors)


def task_rows(session: Session, report: UnitReport, *, today: date) -> list[dict[str, Any]]:
    """Each declared task result with its computed status, in plan order."""
    period = session.get(ReportingPeriod, report.period_id)
    assert period is not None  # noqa: S101 - foreign key
    declared = {int(r["task_id"]): r for r in report.body.get("task_results") or []}
    rows = []
    for task in session.scalars(
        select(PlanTask).where(PlanTask.id.in_(declared)).order_by(PlanTask.position)
    ):
        result = declared[task.id]
        completed_on = date.fromisoformat(result["completed_on"]) if result.get("completed_on") else None
        deadline = task_deadline(task.timeframe_text, period.year)
        rows.append(
            {
                "task_id": task.id,
                "content": task.content,
                "timeframe": task.timeframe_text,
                "deadline": deadline.isoformat() if deadline else None,
                "progress": result["progress"],
                "status": task_status(result["progress"], completed_on, deadline, today),
                "narrative": result.get("narrative", ""),
                "evidence": result.get("evidence", ""),
            }
        )
    return rows
