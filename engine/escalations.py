"""Named actions that BPMN service tasks call: the chase ladder and "remind now".

Each action writes an ``escalation`` row and an audit row, and shows on the unit's row of the
period. A ladder step fires once per unit report even when the unit's side of the process is
entered again after a return; "remind now" by a focal officer is recorded every time.
Notifications (in-app and e-mail) hang off these rows.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit, reports
from engine.actions import ActionContext, register
from engine.models import Escalation, UnitReport
from engine.results import Actor

LADDER = {
    "remind_drafter": "Nhắc người soạn báo cáo",
    "remind_unit_head": "Nhắc lãnh đạo đơn vị",
    "send_reminder_letter": "Công văn đôn đốc",
    "escalate_to_leader": "Báo cáo lãnh đạo cơ quan ban hành",
}
MANUAL = {"remind_now": "Đôn đốc trực tiếp"}
ACTIONS = {**LADDER, **MANUAL}


def _ladder_step(context: ActionContext) -> None:
    report = reports.for_instance(context.session, context.instance.id)
    if report is None:
        audit.record(
            context.session,
            at=context.at,
            actor=context.actor,
            action="action.without_report",
            object_type="instance",
            object_id=context.instance.id,
            instance_id=context.instance.id,
            details={"action": context.request.name},
        )
        return
    record_escalation(
        context.session,
        report,
        context.request.name,
        at=context.at,
        actor=context.actor,
        instance_id=context.instance.id,
        details={"element": context.request.element_id},
    )


for _name in LADDER:
    register(_name)(_ladder_step)


def record_escalation(
    session: Session,
    report: UnitReport,
    action: str,
    *,
    at: datetime,
    actor: Actor,
    instance_id: int | None,
    details: dict[str, object] | None = None,
) -> Escalation | None:
    """Write one escalation for a unit report; a ladder step already fired is skipped (``None``)."""
    if action in LADDER:
        already = session.scalar(
            select(Escalation.id).where(Escalation.unit_report_id == report.id, Escalation.action == action)
        )
        if already is not None:
            return None
    row = Escalation(
        unit_report_id=report.id,
        action=action,
        fired_at=at,
        actor_id=audit.actor_id_of(actor),
        details=dict(details or {}),
    )
    session.add(row)
    report.escalation_count += 1
    report.last_escalation = action
    report.last_action = action
    report.last_action_at = at
    audit.record(
        session,
        at=at,
        actor=actor,
        action=f"escalation.{action}",
        object_type="unit_report",
        object_id=report.id,
        instance_id=instance_id,
        details={"label": ACTIONS.get(action, action), **(details or {})},
    )
    session.flush()
    return row
