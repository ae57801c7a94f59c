"""Named actions that BPMN service tasks call: the chase ladder and "remind now".

Each action writes an ``escalation`` row and an audit row, shows on the unit's row of the
period, and notifies the people it is aimed at (in the app, and by mail for those who want
it). A ladder step fires once per unit report even when the unit's side of the process is
entered again after a return; "remind now" by a focal officer is recorded every time.

- ``remind_drafter``: the unit's drafters (or whoever holds the item);
- ``remind_unit_head`` (escalate to the unit head): the unit's heads;
- ``send_reminder_letter``: an official reminder letter from the focal unit to the unit,
  kept as a document record (its PDF is rendered from it), sent to the unit's heads and drafters;
- ``reassign``: the item is taken back from whoever holds it and offered to everyone in the
  unit with the step's role again;
- ``escalate_to_focal``: the focal unit's officers;
- ``escalate_to_leader``: the issuing body's leaders, copied to the focal officers.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit, instances, notices, reports
from engine.actions import ActionContext, register
from engine.deadlines import local_date
from engine.models import Escalation, HumanTask, OfficialDocument, Plan, ReportingPeriod, UnitReport
from engine.notify import notify
from engine.organisation import get_unit
from engine.results import Actor

LADDER = {
    "remind_drafter": "Nhắc người soạn báo cáo",
    "remind_unit_head": "Nhắc lãnh đạo đơn vị",
    "send_reminder_letter": "Công văn đôn đốc",
    "reassign": "Giao lại cho đơn vị",
    "escalate_to_focal": "Báo đơn vị đầu mối",
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
    _carry_out(session, report, row, at=at)
    return row


def _carry_out(session: Session, report: UnitReport, row: Escalation, *, at: datetime) -> None:
    """Do what the step means: tell the right people, write the letter, release the item."""
    period = session.get(ReportingPeriod, report.period_id)
    assert period is not None  # noqa: S101 - foreign key
    plan = session.get(Plan, period.plan_id)
    assert plan is not None  # noqa: S101 - foreign key
    unit = get_unit(session, report.unit_id)
    today = local_date(at)
    deadline = f"{period.unit_deadline:%d/%m/%Y}"
    subject = f"báo cáo {period.label} của {unit.name}"
    open_tasks = list(
        session.scalars(
            select(HumanTask)
            .where(HumanTask.instance_id == report.instance_id, HumanTask.status == "open")
            .order_by(HumanTask.id)
        )
    )
    board_link = notices.period_unit_link(period.id, unit.id)
    own_link = notices.task_link(open_tasks[0].id) if open_tasks else board_link

    def tell(users: set[int], title: str, body: str, link: str) -> None:
        notify(
            session,
            users,
            kind=f"escalation.{row.action}",
            title=title,
            body=body,
            link=link,
            at=at,
            instance_id=report.instance_id,
            unit_report_id=report.id,
        )

    def acting() -> set[int]:
        """Whoever may act on the unit's open items now (holder, assignee, or the step's role)."""
        return set().union(*(notices.task_recipients(session, t, on_day=today) for t in open_tasks))

    def holders(unit_id: int, *roles: str) -> set[int]:
        return notices.role_holders(session, unit_id, roles, on_day=today)

    action = row.action
    if action in ("remind_drafter", "remind_now"):
        tell(
            acting() or holders(unit.id, "drafter"),
            f"Nhắc: {subject}",
            f"Đề nghị hoàn thành {subject}, hạn {deadline}.",
            own_link,
        )
    elif action == "remind_unit_head":
        tell(
            holders(unit.id, "unit_head"),
            f"Nhắc lãnh đạo đơn vị: {subject}",
            f"Đến hạn {deadline}, {subject} chưa được gửi đơn vị đầu mối. Đề nghị chỉ đạo hoàn thành.",
            own_link,
        )
    elif action == "send_reminder_letter":
        letter = _reminder_letter(session, report, period, plan, unit.name, at=at)
        row.details = {**row.details, "document_id": letter.id}
        tell(
            holders(unit.id, "unit_head", "drafter"),
            f"Công văn đôn đốc: {subject}",
            f"{letter.title}. Đề nghị khẩn trương gửi báo cáo (hạn {deadline} đã qua).",
            f"/documents/{letter.id}",
        )
    elif action == "reassign":
        released = [t for t in open_tasks if t.claimed_by_id is not None and t.assignee_id is None]
        for task in released:
            task.claimed_by_id = None
            task.version += 1
            instances.follow_holder(session, task)
        row.details = {**row.details, "released_task_ids": [t.id for t in released]}
        tell(
            acting(),  # after the release: everyone with the step's role, not the former holder only
            f"Giao lại: {subject}",
            f"{subject.capitalize()} đã quá hạn {deadline}; việc được giao lại cho mọi người cùng vai trò "
            "trong đơn vị để xử lý ngay.",
            own_link,
        )
    elif action == "escalate_to_focal":
        tell(
            holders(plan.focal_unit_id, "focal_officer"),
            f"Quá hạn: {subject}",
            f"{unit.name} chưa gửi {subject} (hạn {deadline}).",
            board_link,
        )
    elif action == "escalate_to_leader":
        tell(
            holders(plan.issuing_unit_id, "leader") | holders(plan.focal_unit_id, "focal_officer"),
            f"Báo cáo lãnh đạo: {unit.name} chậm báo cáo",
            f"{unit.name} chưa gửi {subject} dù đã được nhắc và có công văn đôn đốc (hạn {deadline}).",
            board_link,
        )


def _reminder_letter(
    session: Session,
    report: UnitReport,
    period: ReportingPeriod,
    plan: Plan,
    unit_name: str,
    *,
    at: datetime,
) -> OfficialDocument:
    """Write the record of an official reminder letter from the focal unit to a late unit."""
    focal = get_unit(session, plan.focal_unit_id)
    plan_ref = plan.symbol or f"kế hoạch năm {plan.year}"
    title = f"V/v đôn đốc gửi báo cáo {period.label} thực hiện {plan_ref}"
    letter = OfficialDocument(
        kind="reminder_letter",
        issuing_unit_id=focal.id,
        recipient_unit_id=report.unit_id,
        period_id=period.id,
        unit_report_id=report.id,
        title=title,
        content={
            "issuer": focal.name,
            "recipient": unit_name,
            "plan_id": plan.id,
            "plan_symbol": plan.symbol,
            "plan_title": plan.title,
            "period_label": period.label,
            "unit_deadline": period.unit_deadline.isoformat(),
            "dated": local_date(at).isoformat(),
            "place": plan.place,
        },
        created_at=at,
    )
    session.add(letter)
    session.flush()
    return letter
