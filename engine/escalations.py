"""Named actions that BPMN service tasks call: the chase ladder and "remind now".

Each action writes an ``escalation`` row and an audit row, and shows on the unit's row of the
period. A ladder step fires once per unit report even when the unit's side of the process is
entered again after a return; "remind now" by a focal officer is recorded every time.
Notifications (in-app and e-mail) hang off these rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit
from engine.models import Escalation, ProcessInstance, UnitReport
from engine.results import Actor
from engine.spiff import ActionRequest

LADDER = {
    "remind_drafter": "Nhắc người soạn báo cáo",
    "remind_unit_head": "Nhắc lãnh đạo đơn vị",
    "send_reminder_letter": "Công văn đôn đốc",
    "escalate_to_leader": "Báo cáo lãnh đạo cơ quan ban hành",
}
MANUAL = {"remind_now": "Đôn đốc trực tiếp"}
ACTIONS = {**LADDER, **MANUAL}


def known_actions() -> frozenset[str]:
    """Names a BPMN service task may use as ``action``."""
    return frozenset(ACTIONS)


def run_requested(
    session: Session,
    instance: ProcessInstance,
    requests: Sequence[ActionRequest],
    *,
    at: datetime,
    actor: Actor,
) -> None:
    """Carry out the actions an advance asked for, in the caller's transaction."""
    if not requests:
        return
    report = session.scalars(select(UnitReport).where(UnitReport.instance_id == instance.id)).first()
    for request in requests:
        if report is None:
            audit.record(
                session,
                at=at,
                actor=actor,
                action="action.without_report",
                object_type="instance",
                object_id=instance.id,
                instance_id=instance.id,
                details={"action": request.name},
            )
            continue
        record_escalation(
            session,
            report,
            request.name,
            at=at,
            actor=actor,
            instance_id=instance.id,
            details={"element": request.element_id},
        )


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
