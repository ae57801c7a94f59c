"""Unit reports follow their workflow instance: status, submission times, content, returns.

A unit report's own steps (DOMAIN.md): not opened → drafting → awaiting the unit head →
submitted → accepted by the focal unit, or returned with reasons → drafting again. The status is
derived from the instance's current step after every advance, so the period board reads one
indexed table.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.models import HumanTask, ProcessInstance, ReportingPeriod, UnitReport

STEP_STATUS = {"draft": "drafting", "head_review": "awaiting_head", "focal_review": "submitted"}
REPORT_STATUSES = ("not_opened", "drafting", "returned", "awaiting_head", "submitted", "accepted")


def for_instance(session: Session, instance_id: int) -> UnitReport | None:
    """Return the unit report an instance runs, if it runs one."""
    return session.scalars(select(UnitReport).where(UnitReport.instance_id == instance_id)).first()


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
