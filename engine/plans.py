"""Plans: drafting the document and its task table, and numbering it gap-free on issue."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from engine import audit
from engine.errors import InvalidSubmission, NotFound, NotPermitted
from engine.models import (
    DocumentCounter,
    Plan,
    PlanSection,
    PlanTarget,
    PlanTask,
    PlanTaskUnit,
    Unit,
    UnitGroup,
    UnitGroupMember,
)
from engine.plan_results import PlanInfo, PlanTaskInfo, SectionInput, TargetInput, UnitRef
from engine.results import Actor
from engine.timeframes import parse_timeframe

EDITABLE = ("draft", "returned")


def create(
    session: Session,
    *,
    issuing_unit_id: int,
    focal_unit_id: int,
    title: str,
    year: int,
    place: str,
    summary: str,
    legal_bases: Sequence[str],
    recipients: Sequence[str],
    parent_plan_id: int | None,
    child_plan_deadline: date | None,
    at: datetime,
    actor: Actor,
) -> Plan:
    """Add a draft plan."""
    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors["title"] = ["Trường này là bắt buộc."]
    if not 2000 <= year <= 2100:
        errors["year"] = ["Năm không hợp lệ."]
    for field, unit_id in (("issuing_unit_id", issuing_unit_id), ("focal_unit_id", focal_unit_id)):
        if session.get(Unit, unit_id) is None:
            errors[field] = ["Không tìm thấy đơn vị."]
    if parent_plan_id is not None and session.get(Plan, parent_plan_id) is None:
        errors["parent_plan_id"] = ["Không tìm thấy kế hoạch cấp trên."]
    if errors:
        raise InvalidSubmission("Kế hoạch chưa hợp lệ (invalid plan)", errors)
    plan = Plan(
        issuing_unit_id=issuing_unit_id,
        focal_unit_id=focal_unit_id,
        parent_plan_id=parent_plan_id,
        doc_type="KH",
        year=year,
        place=place.strip(),
        title=" ".join(title.split()),
        summary=summary,
        legal_bases=[b.strip() for b in legal_bases if b.strip()],
        recipients=[r.strip() for r in recipients if r.strip()],
        child_plan_deadline=child_plan_deadline,
        status="draft",
        created_at=at,
        updated_at=at,
    )
    session.add(plan)
    session.flush()
    audit.record(
        session,
        at=at,
        actor=actor,
        action="plan.created",
        object_type="plan",
        object_id=plan.id,
        details={"title": plan.title},
    )
    return plan


def get(session: Session, plan_id: int) -> Plan:
    """Return a plan or raise ``NotFound``."""
    plan = session.get(Plan, plan_id)
    if plan is None:
        raise NotFound(f"Không tìm thấy kế hoạch {plan_id} (no such plan)")
    return plan


def replace_tasks(
    session: Session, plan: Plan, sections: Sequence[SectionInput], *, at: datetime, actor: Actor
) -> None:
    """Replace the whole task table of a draft plan (rows keep the order given)."""
    if plan.status not in EDITABLE:
        raise NotPermitted("Kế hoạch đã khóa, không sửa được (the plan is locked)")
    _validate_sections(session, sections)
    old_tasks = session.scalars(select(PlanTask.id).where(PlanTask.plan_id == plan.id)).all()
    if old_tasks:
        for row in session.scalars(select(PlanTaskUnit).where(PlanTaskUnit.task_id.in_(old_tasks))):
            session.delete(row)
        for task in session.scalars(select(PlanTask).where(PlanTask.plan_id == plan.id)):
            session.delete(task)
    for section in session.scalars(select(PlanSection).where(PlanSection.plan_id == plan.id)):
        session.delete(section)
    session.flush()
    position = 0
    for s_index, section_input in enumerate(sections, start=1):
        section = PlanSection(
            plan_id=plan.id,
            position=s_index,
            code=section_input.code.strip(),
            title=section_input.title.strip(),
        )
        session.add(section)
        session.flush()
        for t_index, task_input in enumerate(section_input.tasks, start=1):
            position += 1
            task = PlanTask(
                plan_id=plan.id,
                section_id=section.id,
                position=position,
                code=str(t_index),
                content=" ".join(task_input.content.split()),
                timeframe_text=task_input.timeframe.strip(),
                timeframe=_timeframe_dict(task_input.timeframe),
                expected_result=task_input.expected_result,
                indicator=task_input.indicator,
            )
            session.add(task)
            session.flush()
            for role, refs in (("lead", task_input.lead), ("coordinate", task_input.coordinating)):
                for ref in refs:
                    session.add(
                        PlanTaskUnit(
                            task_id=task.id,
                            unit_id=ref.unit_id,
                            group_id=ref.group_id,
                            role=role,
                            scope_note=ref.scope_note.strip(),
                        )
                    )
    plan.updated_at = at
    audit.record(
        session,
        at=at,
        actor=actor,
        action="plan.tasks_replaced",
        object_type="plan",
        object_id=plan.id,
        details={"sections": len(sections), "tasks": position},
    )


def _validate_sections(session: Session, sections: Sequence[SectionInput]) -> None:
    errors: dict[str, list[str]] = {}
    for s_index, section in enumerate(sections):
        for t_index, task in enumerate(section.tasks):
            where = f"sections.{s_index}.tasks.{t_index}"
            if not task.content.strip():
                errors[f"{where}.content"] = ["Trường này là bắt buộc."]
            if not task.lead:
                errors[f"{where}.lead"] = ["Cần ít nhất một đơn vị chủ trì."]
            for role, refs in (("lead", task.lead), ("coordinating", task.coordinating)):
                for r_index, ref in enumerate(refs):
                    if not _ref_exists(session, ref):
                        errors[f"{where}.{role}.{r_index}"] = ["Không tìm thấy đơn vị hoặc nhóm đơn vị."]
    if errors:
        raise InvalidSubmission("Bảng nhiệm vụ chưa hợp lệ (invalid task table)", errors)


def _ref_exists(session: Session, ref: UnitRef) -> bool:
    if (ref.unit_id is None) == (ref.group_id is None):
        return False
    if ref.unit_id is not None:
        return session.get(Unit, ref.unit_id) is not None
    return session.get(UnitGroup, ref.group_id) is not None


def _timeframe_dict(text: str) -> dict[str, Any]:
    parsed = parse_timeframe(text)
    return {
        "kind": parsed.kind,
        "start": parsed.start.isoformat() if parsed.start else None,
        "end": parsed.end.isoformat() if parsed.end else None,
        "due_day_month": list(parsed.due_day_month) if parsed.due_day_month else None,
        "also_when": parsed.also_when,
    }


def set_targets(
    session: Session, plan: Plan, targets: Sequence[TargetInput], *, at: datetime, actor: Actor
) -> None:
    """Replace the plan's quantitative targets."""
    if plan.status not in EDITABLE:
        raise NotPermitted("Kế hoạch đã khóa, không sửa được (the plan is locked)")
    for row in session.scalars(select(PlanTarget).where(PlanTarget.plan_id == plan.id)):
        session.delete(row)
    for index, target in enumerate(targets, start=1):
        session.add(
            PlanTarget(
                plan_id=plan.id,
                position=index,
                description=target.description.strip(),
                value=target.value,
                unit=target.unit.strip(),
                milestone=target.milestone,
            )
        )
    plan.updated_at = at
    audit.record(
        session,
        at=at,
        actor=actor,
        action="plan.targets_replaced",
        object_type="plan",
        object_id=plan.id,
        details={"targets": len(targets)},
    )


def lead_units_by_task(session: Session, plan_id: int) -> dict[int, set[int]]:
    """Map each task of the plan to the units leading it, unit groups expanded (two queries)."""
    rows = session.execute(
        select(PlanTaskUnit.task_id, PlanTaskUnit.unit_id, PlanTaskUnit.group_id)
        .join(PlanTask, PlanTask.id == PlanTaskUnit.task_id)
        .where(PlanTask.plan_id == plan_id, PlanTaskUnit.role == "lead")
    ).all()
    group_ids = {group_id for _task, _unit, group_id in rows if group_id is not None}
    members: dict[int, set[int]] = {}
    if group_ids:
        for member_group, member_unit in session.execute(
            select(UnitGroupMember.group_id, UnitGroupMember.unit_id).where(
                UnitGroupMember.group_id.in_(group_ids)
            )
        ):
            members.setdefault(member_group, set()).add(member_unit)
    leads: dict[int, set[int]] = {}
    for task_id, unit_id, group_id in rows:
        units = leads.setdefault(task_id, set())
        if unit_id is not None:
            units.add(unit_id)
        if group_id is not None:
            units.update(members.get(group_id, set()))
    return leads


def assigned_unit_ids(session: Session, plan_id: int) -> list[int]:
    """Units that lead at least one task, unit groups expanded; each must report and cascade."""
    return sorted(set().union(*lead_units_by_task(session, plan_id).values()))


def issue(
    session: Session,
    plan: Plan,
    *,
    signer_id: int,
    authority_form: str,
    signer_title: str,
    issued_on: date,
    at: datetime,
    actor: Actor,
) -> None:
    """Give the plan the next number of its issuing body for the year and lock it.

    The counter row is locked, so two plans issued at once get consecutive numbers and a
    rolled-back issue leaves no gap.
    """
    if plan.status == "issued":
        raise NotPermitted("Kế hoạch đã được ban hành (already issued)")
    issuer = session.get(Unit, plan.issuing_unit_id)
    assert issuer is not None  # noqa: S101 - foreign key
    year = issued_on.year
    counter = _locked_counter(session, plan.issuing_unit_id, plan.doc_type, year)
    counter.last_number += 1
    plan.year = year  # a document is numbered in the year it is issued
    plan.number = counter.last_number
    plan.symbol = f"{plan.number}/{plan.doc_type}-{issuer.doc_code or 'UBND'}"
    plan.issued_on = issued_on
    plan.signer_id = signer_id
    plan.authority_form = authority_form
    plan.signer_title = signer_title
    plan.status = "issued"
    plan.updated_at = at
    audit.record(
        session,
        at=at,
        actor=actor,
        action="plan.issued",
        object_type="plan",
        object_id=plan.id,
        details={"symbol": plan.symbol, "signer_id": signer_id, "authority_form": authority_form},
    )
    audit.record(
        session,
        at=at,
        actor=actor,
        action="plan.sent",
        object_type="plan",
        object_id=plan.id,
        details={"symbol": plan.symbol, "recipients": list(plan.recipients)},
    )


def _locked_counter(session: Session, issuing_unit_id: int, doc_type: str, year: int) -> DocumentCounter:
    # Create the year's counter if missing without racing another issuer (ON CONFLICT DO NOTHING
    # waits for a concurrent insert to commit), then lock it: issuers of one body queue here.
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(
        insert(DocumentCounter)
        .values(issuing_unit_id=issuing_unit_id, doc_type=doc_type, year=year, last_number=0)
        .on_conflict_do_nothing(index_elements=["issuing_unit_id", "doc_type", "year"])
    )
    return session.scalars(
        select(DocumentCounter)
        .where(
            DocumentCounter.issuing_unit_id == issuing_unit_id,
            DocumentCounter.doc_type == doc_type,
            DocumentCounter.year == year,
        )
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def to_info(session: Session, plan: Plan, *, detail: bool = False) -> PlanInfo:
    """Describe a plan; with ``detail`` its tasks, targets and assigned units too."""
    tasks: tuple[PlanTaskInfo, ...] = ()
    targets: tuple[Any, ...] = ()
    assigned: tuple[int, ...] = ()
    if detail:
        tasks = tuple(_task_infos(session, plan.id))
        targets = tuple(
            (t.description, t.value, t.unit, t.milestone)
            for t in session.scalars(
                select(PlanTarget).where(PlanTarget.plan_id == plan.id).order_by(PlanTarget.position)
            )
        )
        assigned = tuple(assigned_unit_ids(session, plan.id))
    return PlanInfo(
        id=plan.id,
        issuing_unit_id=plan.issuing_unit_id,
        focal_unit_id=plan.focal_unit_id,
        parent_plan_id=plan.parent_plan_id,
        year=plan.year,
        number=plan.number,
        symbol=plan.symbol,
        place=plan.place,
        issued_on=plan.issued_on,
        title=plan.title,
        status=plan.status,
        authority_form=plan.authority_form,
        signer_id=plan.signer_id,
        legal_bases=tuple(plan.legal_bases),
        recipients=tuple(plan.recipients),
        tasks=tasks,
        targets=targets,
        assigned_unit_ids=assigned,
    )


def _task_infos(session: Session, plan_id: int) -> list[PlanTaskInfo]:
    sections = {
        s.id: s.code for s in session.scalars(select(PlanSection).where(PlanSection.plan_id == plan_id))
    }
    tasks = session.scalars(
        select(PlanTask).where(PlanTask.plan_id == plan_id).order_by(PlanTask.position)
    ).all()
    units = session.execute(
        select(PlanTaskUnit, Unit.name, UnitGroup.name)
        .outerjoin(Unit, Unit.id == PlanTaskUnit.unit_id)
        .outerjoin(UnitGroup, UnitGroup.id == PlanTaskUnit.group_id)
        .where(PlanTaskUnit.task_id.in_([t.id for t in tasks]))
        .order_by(PlanTaskUnit.id)
    ).all()
    by_task: dict[int, dict[str, list[tuple[str, str]]]] = {}
    for link, unit_name, group_name in units:
        entry = by_task.setdefault(link.task_id, {"lead": [], "coordinate": []})
        entry[link.role].append((str(unit_name or group_name), link.scope_note))
    return [
        PlanTaskInfo(
            id=t.id,
            section_code=sections.get(t.section_id or 0, ""),
            code=t.code,
            content=t.content,
            timeframe_text=t.timeframe_text,
            timeframe=dict(t.timeframe),
            lead=tuple(by_task.get(t.id, {}).get("lead", [])),
            coordinating=tuple(by_task.get(t.id, {}).get("coordinate", [])),
            expected_result=t.expected_result,
            indicator=t.indicator,
        )
        for t in tasks
    ]
