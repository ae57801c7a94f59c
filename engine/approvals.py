"""Plan approval: the comment round, the leader's decision, signing, issuing and the cascade.

``plan_approval`` drives the steps; its service tasks call the actions registered here:
``start_comment_round`` (one ``plan_comment`` instance per coordinating unit),
``issue_plan`` (authority checked for the person who completed "sign", gap-free number) and
``cascade_child_plans`` (one ``child_plan`` item per assigned unit). A child-plan item closes by
itself when that unit issues a plan citing the parent.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit, authority, definitions, instances, plans, tasks
from engine.actions import ActionContext, register
from engine.deadlines import local_date
from engine.errors import InvalidSubmission, NotPermitted
from engine.models import HumanTask, Plan, ProcessInstance, Unit
from engine.results import Actor
from engine.spiff import ProcessRuntime

APPROVAL_PROCESS = "plan_approval"
COMMENT_PROCESS = "plan_comment"
CHILD_PROCESS = "child_plan"
DEFAULT_CHILD_PLAN_DAYS = 30


def submit_for_approval(
    session: Session,
    runtime: ProcessRuntime,
    plan: Plan,
    *,
    comment_unit_ids: Sequence[int],
    comment_deadline: date | None,
    at: datetime,
    actor: Actor,
) -> int:
    """Start the plan's approval; return the approval instance id."""
    if plan.status != "draft":
        raise NotPermitted("Chỉ trình phê duyệt kế hoạch đang dự thảo (only a draft can be submitted)")
    if not plans.assigned_unit_ids(session, plan.id):
        raise InvalidSubmission(
            "Kế hoạch chưa có nhiệm vụ (no tasks)", {"tasks": ["Cần ít nhất một nhiệm vụ."]}
        )
    units = list(dict.fromkeys(comment_unit_ids))
    if units and comment_deadline is None:
        raise InvalidSubmission(
            "Thiếu hạn góp ý (comment deadline required)",
            {"comment_deadline": ["Trường này là bắt buộc khi lấy ý kiến."]},
        )
    for unit_id in units:
        if session.get(Unit, unit_id) is None:
            raise InvalidSubmission(
                "Không tìm thấy đơn vị (unknown unit)", {"comment_unit_ids": ["Không tìm thấy đơn vị."]}
            )
    data: dict[str, Any] = {
        "plan_id": plan.id,
        "focal_unit_id": plan.focal_unit_id,
        "issuing_unit_id": plan.issuing_unit_id,
        "comment_round": bool(units),
        "comment_unit_ids": units,
        "comment_deadline": comment_deadline.isoformat() if comment_deadline else None,
    }
    started = instances.start(
        session,
        runtime,
        definitions.find(session, APPROVAL_PROCESS, None),
        data,
        business_key=f"plan/{plan.id}/approval",
        parent_id=None,
        unit_id=plan.focal_unit_id,
        at=at,
        actor=actor,
    )
    plan.status = "in_approval"
    plan.approval_instance_id = started.id
    plan.updated_at = at
    audit.record(
        session,
        at=at,
        actor=actor,
        action="plan.submitted",
        object_type="plan",
        object_id=plan.id,
        instance_id=started.id,
        details={"comment_units": units},
    )
    return started.id


def note_completed_task(session: Session, task: HumanTask, action: str, *, at: datetime) -> None:
    """Keep the plan's status in step with its approval: editable after a return, locked on resubmission."""
    if task.process_key != APPROVAL_PROCESS:
        return
    plan = session.scalars(select(Plan).where(Plan.approval_instance_id == task.instance_id)).first()
    if plan is None:
        return
    if task.task_name == "leader_review" and action == "return":
        plan.status = "returned"
    elif task.task_name == "submit_to_leader":
        plan.status = "in_approval"
    plan.updated_at = at


@register("start_comment_round")
def _start_comment_round(context: ActionContext) -> None:
    data = context.data
    definition = definitions.find(context.session, COMMENT_PROCESS, None)
    for unit_id in data.get("comment_unit_ids") or []:
        instances.start(
            context.session,
            context.runtime,
            definition,
            {"plan_id": data["plan_id"], "comment_deadline": data.get("comment_deadline")},
            business_key=f"plan/{data['plan_id']}/comment/{unit_id}",
            parent_id=context.instance.id,
            unit_id=int(unit_id),
            at=context.at,
            actor=context.actor,
        )


@register("issue_plan")
def _issue_plan(context: ActionContext) -> None:
    data = context.data
    plan = plans.get(context.session, int(data["plan_id"]))
    signer_id = int(data["sign_by"])
    issued_on = local_date(context.at)
    title = authority.check_signer(
        context.session,
        signer_id=signer_id,
        unit_id=plan.issuing_unit_id,
        form=str(data["authority_form"]),
        on_day=issued_on,
    )
    plans.issue(
        context.session,
        plan,
        signer_id=signer_id,
        authority_form=str(data["authority_form"]),
        signer_title=title,
        issued_on=issued_on,
        at=context.at,
        actor=context.actor,
    )
    close_child_plan_item(context.session, context.runtime, plan, at=context.at)


@register("cascade_child_plans")
def _cascade_child_plans(context: ActionContext) -> None:
    plan = plans.get(context.session, int(context.data["plan_id"]))
    deadline = plan.child_plan_deadline or (local_date(context.at) + timedelta(days=DEFAULT_CHILD_PLAN_DAYS))
    definition = definitions.find(context.session, CHILD_PROCESS, None)
    for unit_id in plans.assigned_unit_ids(context.session, plan.id):
        instances.start(
            context.session,
            context.runtime,
            definition,
            {"plan_id": plan.id, "child_plan_deadline": deadline.isoformat()},
            business_key=child_item_key(plan.id, unit_id),
            parent_id=context.instance.id,
            unit_id=unit_id,
            at=context.at,
            actor=context.actor,
        )


def child_item_key(parent_plan_id: int, unit_id: int) -> str:
    """Return the business key of the item asking ``unit_id`` to build its plan under ``parent_plan_id``."""
    return f"plan/{parent_plan_id}/child/{unit_id}"


def close_child_plan_item(session: Session, runtime: ProcessRuntime, plan: Plan, *, at: datetime) -> None:
    """When a unit issues a plan citing a parent plan, its open "build your plan" item is done."""
    if plan.parent_plan_id is None:
        return
    instance = session.scalars(
        select(ProcessInstance).where(
            ProcessInstance.business_key == child_item_key(plan.parent_plan_id, plan.issuing_unit_id),
            ProcessInstance.status == "running",
        )
    ).first()
    if instance is None:
        return
    locked = instances.lock(session, instance.id)
    task = session.scalars(
        select(HumanTask).where(HumanTask.instance_id == instance.id, HumanTask.status == "open")
    ).first()
    if locked is None or task is None:
        return
    tasks.complete_by_system(
        session, runtime, task, {"child_plan_id": plan.id}, action="submit", reason="plan issued", at=at
    )
