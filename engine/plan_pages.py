"""What the plan pages need beyond ``engine.plans``: who may see a plan, lists, the tree, the editor.

Who may see a plan (``visible_clause``), so that a unit never sees another unit's drafts:

- administrators and the system: every plan;
- any member of the plan's focal unit (the unit that drafts it): every status;
- leaders, focal officers and heads of the issuing body: every status;
- once issued: every member of the issuing body and of each unit (or unit group) named in its
  task table, lead or coordinating;
- anyone whose unit was given an item of work on the plan (a comment round, say), and anyone
  who was assigned or completed one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, func, or_, select, true
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ColumnElement

from engine import audit, periods
from engine.errors import NotFound
from engine.models import (
    HumanTask,
    Plan,
    PlanSection,
    PlanTarget,
    PlanTask,
    PlanTaskUnit,
    ReportingPeriod,
    Unit,
    UnitGroup,
    UnitGroupMember,
    UnitReport,
)
from engine.names import normalise_name, vietnamese_sort_key
from engine.organisation import require_user, roles_of
from engine.plan_page_results import (
    PlanDraft,
    PlanDraftInput,
    PlanNode,
    PlanSectionView,
    PlanSummary,
    UnitChoice,
)
from engine.plan_results import PeriodInfo, PlanTaskInfo, SectionInput, TargetInput, TaskInput, UnitRef
from engine.results import Actor, SystemActor

ISSUER_ROLES = ("leader", "focal_officer", "unit_head")
REQUIRED = "Trường này là bắt buộc."
MAX_TREE_DEPTH = 4
MAX_TREE_NODES = 300
# Numeric(18, 4): fourteen digits before the decimal point.
MAX_TARGET_VALUE = Decimal(10) ** 14


# -- who may see a plan ---------------------------------------------------------------------------


def visible_clause(session: Session, actor: Actor) -> ColumnElement[bool]:
    """Build the SQL condition "the actor may see this plan" (see the module docstring)."""
    if isinstance(actor, SystemActor):
        return true()
    user = require_user(session, actor)
    held = roles_of(session, user.id)
    if any(role == "admin" for _unit, role in held):
        return true()
    units = sorted({unit for unit, _role in held})
    issuer_units = sorted({unit for unit, role in held if role in ISSUER_ROLES})
    groups = select(UnitGroupMember.group_id).where(UnitGroupMember.unit_id.in_(units))
    named = (
        select(PlanTask.plan_id)
        .join(PlanTaskUnit, PlanTaskUnit.task_id == PlanTask.id)
        .where(or_(PlanTaskUnit.unit_id.in_(units), PlanTaskUnit.group_id.in_(groups)))
    )
    involved = select(HumanTask.plan_id).where(
        HumanTask.plan_id.is_not(None),
        or_(
            HumanTask.unit_id.in_(units),
            HumanTask.assignee_id == user.id,
            HumanTask.completed_by_id == user.id,
        ),
    )
    return or_(
        Plan.focal_unit_id.in_(units),
        Plan.issuing_unit_id.in_(issuer_units),
        and_(Plan.status == "issued", or_(Plan.issuing_unit_id.in_(units), Plan.id.in_(named))),
        Plan.id.in_(involved),
    )


def readable(session: Session, clause: ColumnElement[bool], plan_id: int) -> Plan:
    """Return the plan if the actor behind ``clause`` may see it; otherwise ``NotFound``."""
    plan = session.scalars(select(Plan).where(Plan.id == plan_id, clause)).first()
    if plan is None:
        raise NotFound(f"Không tìm thấy kế hoạch {plan_id} (no such plan)")
    return plan


# -- the list -------------------------------------------------------------------------------------


def summaries(
    session: Session,
    clause: ColumnElement[bool],
    *,
    year: int | None,
    status: str | None,
    query: str | None,
    limit: int,
    offset: int,
) -> list[PlanSummary]:
    """Return visible plans with their issuing and focal unit names, newest year first."""
    issuer = aliased(Unit)
    focal = aliased(Unit)
    statement = (
        select(Plan, issuer.name, focal.name)
        .join(issuer, issuer.id == Plan.issuing_unit_id)
        .join(focal, focal.id == Plan.focal_unit_id)
        .where(clause)
    )
    if year is not None:
        statement = statement.where(Plan.year == year)
    if status:
        statement = statement.where(Plan.status == status)
    for word in (query or "").split():
        statement = statement.where(
            or_(
                Plan.title.icontains(word, autoescape=True),
                Plan.symbol.icontains(word, autoescape=True),
                issuer.name.icontains(word, autoescape=True),
            )
        )
    statement = statement.order_by(Plan.year.desc(), Plan.issued_on.desc(), Plan.id.desc())
    rows = session.execute(statement.limit(limit).offset(offset)).all()
    return [to_summary(plan, issuer_name, focal_name) for plan, issuer_name, focal_name in rows]


def to_summary(plan: Plan, issuer_name: str, focal_name: str) -> PlanSummary:
    """Turn a row of ``list_query`` into a result."""
    return PlanSummary(
        id=plan.id,
        year=plan.year,
        number=plan.number,
        symbol=plan.symbol,
        title=plan.title,
        status=plan.status,
        issuing_unit_id=plan.issuing_unit_id,
        issuing_unit_name=issuer_name,
        focal_unit_id=plan.focal_unit_id,
        focal_unit_name=focal_name,
        issued_on=plan.issued_on,
        parent_plan_id=plan.parent_plan_id,
        updated_at=plan.updated_at,
    )


# -- the tree of parent and child plans ----------------------------------------------------------


def tree(session: Session, plan: Plan, clause: ColumnElement[bool]) -> PlanNode:
    """Return the visible ancestors of ``plan`` down to it, and its visible descendants below it.

    The chain upward stops at the first plan the actor may not see; downward it goes
    ``MAX_TREE_DEPTH`` levels and ``MAX_TREE_NODES`` plans at most.
    """
    ancestors: list[Plan] = []
    seen = {plan.id}
    current = plan
    while current.parent_plan_id is not None and len(ancestors) < MAX_TREE_DEPTH:
        parent = session.scalars(select(Plan).where(Plan.id == current.parent_plan_id, clause)).first()
        if parent is None or parent.id in seen:
            break
        ancestors.append(parent)
        seen.add(parent.id)
        current = parent
    children: dict[int, list[Plan]] = {}
    frontier = [plan.id]
    count = 0
    for _level in range(MAX_TREE_DEPTH):
        if not frontier or count >= MAX_TREE_NODES:
            break
        rows = session.scalars(
            select(Plan)
            .where(Plan.parent_plan_id.in_(frontier), clause)
            .order_by(Plan.year.desc(), Plan.id)
            .limit(MAX_TREE_NODES - count)
        ).all()
        frontier = []
        for row in rows:
            if row.id in seen or row.parent_plan_id is None:
                continue
            seen.add(row.id)
            children.setdefault(row.parent_plan_id, []).append(row)
            frontier.append(row.id)
            count += 1
    names = _unit_names(session, [p.issuing_unit_id for p in [plan, *ancestors, *_flatten(children)]])

    def node(row: Plan, below: tuple[PlanNode, ...]) -> PlanNode:
        return PlanNode(
            id=row.id,
            title=row.title,
            symbol=row.symbol,
            status=row.status,
            year=row.year,
            issuing_unit_name=names.get(row.issuing_unit_id, ""),
            is_current=row.id == plan.id,
            children=below,
        )

    def grow(row: Plan) -> PlanNode:
        return node(row, tuple(grow(child) for child in children.get(row.id, [])))

    result = grow(plan)
    for ancestor in ancestors:
        result = node(ancestor, (result,))
    return result


def _flatten(children: dict[int, list[Plan]]) -> list[Plan]:
    return [row for rows in children.values() for row in rows]


def _unit_names(session: Session, unit_ids: Iterable[int]) -> dict[int, str]:
    ids = sorted(set(unit_ids))
    if not ids:
        return {}
    return {int(i): str(n) for i, n in session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(ids)))}


# -- the detail page ------------------------------------------------------------------------------


def section_views(session: Session, plan_id: int, tasks: Sequence[PlanTaskInfo]) -> list[PlanSectionView]:
    """Group the plan's task rows under their sections, both in order."""
    sections = session.scalars(
        select(PlanSection).where(PlanSection.plan_id == plan_id).order_by(PlanSection.position)
    ).all()
    section_of: dict[int, int | None] = {
        task_id: section_id
        for task_id, section_id in session.execute(
            select(PlanTask.id, PlanTask.section_id).where(PlanTask.plan_id == plan_id)
        )
    }
    grouped: dict[int | None, list[PlanTaskInfo]] = {}
    for task in tasks:
        grouped.setdefault(section_of.get(task.id), []).append(task)
    views = [PlanSectionView(code="", title="", tasks=tuple(grouped[None]))] if None in grouped else []
    views.extend(PlanSectionView(s.code, s.title, tuple(grouped.get(s.id, []))) for s in sections)
    return views


def period_infos(session: Session, plan_id: int) -> list[PeriodInfo]:
    """Return the plan's reporting periods, newest first, with how many units report in each."""
    rows = session.scalars(
        select(ReportingPeriod)
        .where(ReportingPeriod.plan_id == plan_id)
        .order_by(ReportingPeriod.year.desc(), ReportingPeriod.id.desc())
    ).all()
    counts: dict[int, int] = {}
    if rows:
        counts = {
            int(period_id): int(count)
            for period_id, count in session.execute(
                select(UnitReport.period_id, func.count(UnitReport.id))
                .where(UnitReport.period_id.in_([r.id for r in rows]))
                .group_by(UnitReport.period_id)
            )
        }
    return [periods.to_info(row, counts.get(row.id, 0)) for row in rows]


def named_units(session: Session, plan: Plan) -> list[tuple[int, str]]:
    """Units named one by one in the task table (not through a group), besides the focal unit."""
    rows = session.execute(
        select(Unit.id, Unit.name)
        .join(PlanTaskUnit, PlanTaskUnit.unit_id == Unit.id)
        .join(PlanTask, PlanTask.id == PlanTaskUnit.task_id)
        .where(PlanTask.plan_id == plan.id, Unit.id != plan.focal_unit_id)
        .distinct()
    ).all()
    return sorted(((int(i), str(n)) for i, n in rows), key=lambda row: vietnamese_sort_key(row[1]))


# -- units to pick --------------------------------------------------------------------------------


def unit_choices(session: Session, drafting_units: set[int] | None) -> list[UnitChoice]:
    """Every unit group and unit with a label unique among them; ``None`` drafting units means all."""
    units = session.execute(select(Unit.id, Unit.name, Unit.parent_id)).all()
    groups = session.execute(select(UnitGroup.id, UnitGroup.name)).all()
    names = {int(i): str(n) for i, n, _p in units}
    clashes = Counter(normalise_name(str(n)) for n in [*names.values(), *(g for _i, g in groups)])
    labels: list[tuple[str, int, str, int | None]] = []
    for group_id, name in groups:
        clash = clashes[normalise_name(name)] > 1
        labels.append(("group", int(group_id), f"{name} (nhóm đơn vị)" if clash else str(name), None))
    for unit_id, name, parent_id in units:
        label = str(name)
        if clashes[normalise_name(label)] > 1 and parent_id is not None:
            label = f"{label} — {names.get(int(parent_id), '')}"
        labels.append(("unit", int(unit_id), label, int(parent_id) if parent_id is not None else None))
    still = Counter(normalise_name(label) for _k, _i, label, _p in labels)
    choices = [
        UnitChoice(
            kind=kind,
            id=item_id,
            label=f"{label} (#{item_id})" if still[normalise_name(label)] > 1 else label,
            name=names[item_id] if kind == "unit" else label,
            parent_id=parent_id,
            may_draft=kind == "unit" and (drafting_units is None or item_id in drafting_units),
        )
        for kind, item_id, label, parent_id in labels
    ]
    return sorted(choices, key=lambda c: (c.kind != "group", vietnamese_sort_key(c.label)))


# -- the draft editor -----------------------------------------------------------------------------


def load_draft(session: Session, plan: Plan) -> PlanDraft:
    """Read a plan back as the editor's input: sections, rows with unit ids and notes, targets."""
    sections = session.scalars(
        select(PlanSection).where(PlanSection.plan_id == plan.id).order_by(PlanSection.position)
    ).all()
    tasks = session.scalars(
        select(PlanTask).where(PlanTask.plan_id == plan.id).order_by(PlanTask.position)
    ).all()
    links = session.scalars(
        select(PlanTaskUnit).where(PlanTaskUnit.task_id.in_([t.id for t in tasks])).order_by(PlanTaskUnit.id)
    ).all()
    refs: dict[tuple[int, str], list[UnitRef]] = {}
    for link in links:
        ref = UnitRef(unit_id=link.unit_id, group_id=link.group_id, scope_note=link.scope_note)
        refs.setdefault((link.task_id, link.role), []).append(ref)
    rows: dict[int | None, list[TaskInput]] = {}
    for task in tasks:
        rows.setdefault(task.section_id, []).append(
            TaskInput(
                content=task.content,
                timeframe=task.timeframe_text,
                lead=tuple(refs.get((task.id, "lead"), [])),
                coordinating=tuple(refs.get((task.id, "coordinate"), [])),
                expected_result=task.expected_result,
                indicator=task.indicator,
            )
        )
    section_inputs = [SectionInput("", "", tuple(rows[None]))] if None in rows else []
    section_inputs.extend(SectionInput(s.code, s.title, tuple(rows.get(s.id, []))) for s in sections)
    targets = tuple(
        TargetInput(description=t.description, value=t.value, unit=t.unit, milestone=t.milestone)
        for t in session.scalars(
            select(PlanTarget).where(PlanTarget.plan_id == plan.id).order_by(PlanTarget.position)
        )
    )
    return PlanDraft(
        id=plan.id,
        status=plan.status,
        issuing_unit_id=plan.issuing_unit_id,
        focal_unit_id=plan.focal_unit_id,
        content=PlanDraftInput(
            title=plan.title,
            year=plan.year,
            place=plan.place,
            summary=plan.summary,
            legal_bases=tuple(plan.legal_bases),
            recipients=tuple(plan.recipients),
            parent_plan_id=plan.parent_plan_id,
            child_plan_deadline=plan.child_plan_deadline,
            sections=tuple(section_inputs),
            targets=targets,
        ),
    )


def validate_draft(
    session: Session,
    draft: PlanDraftInput,
    *,
    clause: ColumnElement[bool],
    plan: Plan | None = None,
    unit_fields: dict[str, int] | None = None,
) -> dict[str, list[str]]:
    """Check a whole draft at once; return messages by field (``sections.0.tasks.1.lead.0``...).

    ``unit_fields`` names units that must exist (the issuing and focal units of a new plan).
    The parent plan must be one the actor may see, and neither the plan itself nor below it.
    """
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if not draft.title.strip():
        add("title", REQUIRED)
    if not 2000 <= draft.year <= 2100:
        add("year", "Năm không hợp lệ.")
    if not draft.place.strip():
        add("place", REQUIRED)
    elif len(draft.place.strip()) > 100:
        add("place", "Tối đa 100 ký tự.")
    for field, unit_id in (unit_fields or {}).items():
        if session.get(Unit, unit_id) is None:
            add(field, "Không tìm thấy đơn vị.")
    if draft.parent_plan_id is not None:
        _check_parent(session, draft.parent_plan_id, clause, plan, add)
    _check_sections(session, draft.sections, add)
    for index, target in enumerate(draft.targets):
        where = f"targets.{index}"
        if not target.description.strip():
            add(f"{where}.description", REQUIRED)
        if not target.value.is_finite() or abs(target.value) >= MAX_TARGET_VALUE:
            add(f"{where}.value", "Giá trị không hợp lệ.")
        if len(target.unit.strip()) > 40:
            add(f"{where}.unit", "Tối đa 40 ký tự.")
    return errors


def _check_parent(
    session: Session, parent_id: int, clause: ColumnElement[bool], plan: Plan | None, add: Any
) -> None:
    parent = session.scalars(select(Plan).where(Plan.id == parent_id, clause)).first()
    if parent is None:
        add("parent_plan_id", "Không tìm thấy kế hoạch cấp trên.")
        return
    # Walk up from the chosen parent: meeting the plan itself would close a loop.
    current: Plan | None = parent
    for _step in range(50):
        if current is None:
            return
        if plan is not None and current.id == plan.id:
            add("parent_plan_id", "Không chọn chính kế hoạch này hoặc kế hoạch cấp dưới của nó.")
            return
        current = session.get(Plan, current.parent_plan_id) if current.parent_plan_id else None


def _check_sections(session: Session, sections: Sequence[SectionInput], add: Any) -> None:
    unit_ids = {r.unit_id for s in sections for t in s.tasks for r in (*t.lead, *t.coordinating) if r.unit_id}
    group_ids = {
        r.group_id for s in sections for t in s.tasks for r in (*t.lead, *t.coordinating) if r.group_id
    }
    known_units = set(session.scalars(select(Unit.id).where(Unit.id.in_(unit_ids)))) if unit_ids else set()
    known_groups = (
        set(session.scalars(select(UnitGroup.id).where(UnitGroup.id.in_(group_ids)))) if group_ids else set()
    )
    for s_index, section in enumerate(sections):
        if len(section.code.strip()) > 20:
            add(f"sections.{s_index}.code", "Tối đa 20 ký tự.")
        for t_index, task in enumerate(section.tasks):
            where = f"sections.{s_index}.tasks.{t_index}"
            if not task.content.strip():
                add(f"{where}.content", REQUIRED)
            if not task.timeframe.strip():
                add(f"{where}.timeframe", REQUIRED)
            if not task.lead:
                add(f"{where}.lead", "Cần ít nhất một đơn vị chủ trì.")
            for role, refs in (("lead", task.lead), ("coordinating", task.coordinating)):
                seen: set[tuple[int | None, int | None]] = set()
                for r_index, ref in enumerate(refs):
                    key = (ref.unit_id, ref.group_id)
                    if (ref.unit_id is None) == (ref.group_id is None):
                        exists = False
                    elif ref.unit_id is not None:
                        exists = ref.unit_id in known_units
                    else:
                        exists = ref.group_id in known_groups
                    if not exists:
                        add(f"{where}.{role}.{r_index}", "Không tìm thấy đơn vị hoặc nhóm đơn vị.")
                    elif key in seen:
                        add(f"{where}.{role}.{r_index}", "Đơn vị bị lặp.")
                    seen.add(key)


def update_header(session: Session, plan: Plan, draft: PlanDraftInput, *, at: datetime, actor: Actor) -> None:
    """Write the document's header fields of a draft (title, year, place, bases, recipients...)."""
    plan.title = " ".join(draft.title.split())
    plan.year = draft.year
    plan.place = draft.place.strip()
    plan.summary = draft.summary
    plan.legal_bases = [b.strip() for b in draft.legal_bases if b.strip()]
    plan.recipients = [r.strip() for r in draft.recipients if r.strip()]
    plan.parent_plan_id = draft.parent_plan_id
    plan.child_plan_deadline = draft.child_plan_deadline
    plan.updated_at = at
    audit.record(
        session,
        at=at,
        actor=actor,
        action="plan.updated",
        object_type="plan",
        object_id=plan.id,
        details={"title": plan.title, "year": plan.year, "parent_plan_id": plan.parent_plan_id},
    )
