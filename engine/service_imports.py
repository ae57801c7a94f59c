"""Door methods for tables in and out: importing a plan's task table, a period's workbook.

The import is three calls and only the last writes: ``preview_task_table_import`` reads the file
and proposes; ``review_task_table_import`` checks the user's corrections again (new names found,
errors by field); ``confirm_task_table_import`` checks once more and saves into the draft plan,
creating the units and groups the user confirmed, all in one transaction.

Who may import: whoever may edit the draft (focal officers and leaders of the plan's issuing or
focal unit, administrators), while the plan is a draft or returned. New units go under the
issuing body or the focal unit (anywhere for administrators).
"""

from __future__ import annotations

import posixpath
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine import audit, organisation, plan_import, plan_pages, plans, spreadsheets
from engine.errors import InvalidSubmission, NotPermitted
from engine.import_results import (
    ImportDraft,
    ImportOutcome,
    ImportPreview,
)
from engine.models import Plan, PlanTask
from engine.names import normalise_name
from engine.organisation import LEVELS, holds_role, roles_of
from engine.plan_import_check import Checked, check, complete
from engine.plan_import_files import FileProblem
from engine.plan_import_units import Directory
from engine.plan_results import SectionInput, TaskInput, UnitRef
from engine.results import Actor, SystemActor
from engine.service_base import EngineBase
from engine.service_dashboard import DashboardMethods
from engine.service_plans import EDITOR_ROLES

INVALID_FILE = "Không đọc được tệp (unreadable file)"
INVALID_IMPORT = "Bảng nhiệm vụ chưa lưu được: hãy sửa các ô được đánh dấu (invalid import)"
MAX_FILENAME = 200


class ImportMethods(EngineBase):
    """Mixed into ``WorkflowEngine``: the task-table import and the period's Excel export."""

    def preview_task_table_import(
        self, plan_id: int, filename: str, data: bytes, *, actor: Actor, mode: str = "replace"
    ) -> ImportPreview:
        """Read a .docx or .xlsx file's task table and match its units; save nothing.

        Raises ``NotFound``/``NotPermitted`` as the draft editor does, and ``InvalidSubmission``
        with a message on ``file`` for a file that is not a readable Word document or workbook
        (an encrypted one included) or holds no task table.
        """
        with self._work(write=False) as session:
            plan = self._plan_to_import(session, plan_id, actor)
            directory = Directory.load(session, plan)
            try:
                table = plan_import.read_task_table(data, is_known=directory.is_known)
            except FileProblem as exc:
                raise InvalidSubmission(INVALID_FILE, {"file": [exc.message]}) from exc
            found = ImportDraft(
                filename=_clean_filename(filename), sections=table.sections, names=(), mode=mode
            )
            draft = ImportDraft(
                filename=found.filename, sections=found.sections, names=complete(found, directory), mode=mode
            )
            return self._preview(
                session, plan, directory, draft, actor, columns=table.columns, warnings=table.warnings
            )

    def review_task_table_import(self, plan_id: int, draft: ImportDraft, *, actor: Actor) -> ImportPreview:
        """Check the user's corrected draft again (names added in the rows get a proposal); save nothing."""
        with self._work(write=False) as session:
            plan = self._plan_to_import(session, plan_id, actor)
            directory = Directory.load(session, plan)
            completed = ImportDraft(
                filename=_clean_filename(draft.filename),
                sections=draft.sections,
                names=complete(draft, directory),
                mode=draft.mode,
            )
            return self._preview(session, plan, directory, completed, actor)

    def confirm_task_table_import(self, plan_id: int, draft: ImportDraft, *, actor: Actor) -> ImportOutcome:
        """Save the confirmed rows into the draft plan, creating the units and groups decided.

        In ``replace`` mode the rows replace the plan's task table, in ``append`` mode they follow
        it. A name of the rows with no decision is matched only to an existing unit or group, never
        created. Raises ``InvalidSubmission`` with every wrong field (``names.0.target``,
        ``sections.1.rows.2.lead``...) and then saves nothing.
        """
        with self._work(write=True) as session:
            plan = self._plan_to_import(session, plan_id, actor)
            directory = Directory.load(session, plan)
            completed = ImportDraft(
                filename=_clean_filename(draft.filename),
                sections=draft.sections,
                names=complete(draft, directory, existing_only=True),
                mode=draft.mode,
            )
            checked = check(completed, directory, may_create_under=self._creatable(session, actor, directory))
            if checked.errors:
                raise InvalidSubmission(INVALID_IMPORT, checked.errors)
            at = self._clock()
            refs, created_units, created_groups = _create(session, checked, at=at, actor=actor)
            sections = _sections(completed, checked, refs)
            if completed.mode == "append":
                sections = [*plan_pages.load_draft(session, plan).content.sections, *sections]
            plans.replace_tasks(session, plan, sections, at=at, actor=actor)
            task_count = sum(1 for s in completed.sections for r in s.rows if not r.skip)
            audit.record(
                session,
                at=at,
                actor=actor,
                action="plan.tasks_imported",
                object_type="plan",
                object_id=plan.id,
                details={
                    "filename": completed.filename,
                    "mode": completed.mode,
                    "tasks": task_count,
                    "units_created": created_units,
                    "groups_created": created_groups,
                },
            )
            return ImportOutcome(
                plan_id=plan.id,
                section_count=len(completed.sections),
                task_count=task_count,
                created_units=tuple(created_units),
                created_groups=tuple(created_groups),
            )

    def export_period_xlsx(self, period_id: int, *, actor: Actor) -> bytes:
        """Return the period's consolidation as an Excel workbook (.xlsx bytes).

        For those who see the whole consolidation (the focal unit and the issuing body's leaders);
        others get ``NotFound``, as for ``period_consolidation``.
        """
        assert isinstance(self, DashboardMethods)  # noqa: S101 - WorkflowEngine mixes both in
        view = self.period_consolidation(period_id, actor=actor)
        return spreadsheets.consolidation_workbook(view, zone=self._zone, generated_at=self._clock())

    # -- helpers ------------------------------------------------------------------------------

    def _plan_to_import(self, session: Session, plan_id: int, actor: Actor) -> Plan:
        plan = plan_pages.readable(session, plan_pages.visible_clause(session, actor), plan_id)
        if not (
            holds_role(session, actor, plan.issuing_unit_id, EDITOR_ROLES)
            or holds_role(session, actor, plan.focal_unit_id, EDITOR_ROLES)
        ):
            raise NotPermitted("Bạn không được sửa kế hoạch này (not allowed to edit this plan)")
        if plan.status not in plans.EDITABLE:
            raise NotPermitted("Kế hoạch đã khóa, không sửa được (the plan is locked)")
        return plan

    @staticmethod
    def _creatable(session: Session, actor: Actor, directory: Directory) -> set[int] | None:
        """Return the units under which the actor may create units; ``None`` means anywhere."""
        if isinstance(actor, SystemActor) or any(role == "admin" for _u, role in roles_of(session, actor)):
            return None
        return set(directory.inside)

    def _preview(
        self,
        session: Session,
        plan: Plan,
        directory: Directory,
        draft: ImportDraft,
        actor: Actor,
        *,
        columns: tuple[str, ...] = (),
        warnings: tuple[str, ...] = (),
    ) -> ImportPreview:
        checked = check(draft, directory, may_create_under=self._creatable(session, actor, directory))
        existing = session.scalar(select(func.count(PlanTask.id)).where(PlanTask.plan_id == plan.id)) or 0
        return ImportPreview(
            plan_id=plan.id,
            plan_title=plan.title,
            draft=draft,
            matches=tuple(checked.matches),
            readings=tuple(tuple(r) for r in checked.readings),
            columns=columns,
            existing_task_count=int(existing),
            levels=LEVELS,
            warnings=warnings,
            errors=checked.errors,
        )


def _clean_filename(filename: str) -> str:
    name = posixpath.basename(filename.replace("\\", "/")).strip()
    return " ".join(name.split())[:MAX_FILENAME]


def _create(
    session: Session, checked: Checked, *, at: datetime, actor: Actor
) -> tuple[dict[tuple[str, int], UnitRef], list[str], list[str]]:
    """Create the confirmed new units, then the groups; map every target to a reference."""
    new_unit_ids: list[int] = []
    for new in checked.new_units:
        unit = organisation.create_unit(
            session, name=new.name, level=new.level, parent_id=new.parent_id, at=at, actor=actor
        )
        new_unit_ids.append(unit.id)
    new_group_ids: list[int] = []
    for group in checked.new_groups:
        members = [*group.unit_ids, *(new_unit_ids[i] for i in group.new_unit_indexes)]
        created = organisation.create_group(session, name=group.name, unit_ids=members, at=at, actor=actor)
        new_group_ids.append(created.id)
    refs: dict[tuple[str, int], UnitRef] = {}
    for kind, index in set(checked.targets.values()):
        if kind == "unit":
            refs[(kind, index)] = UnitRef(unit_id=index)
        elif kind == "group":
            refs[(kind, index)] = UnitRef(group_id=index)
        elif kind == "new_unit":
            refs[(kind, index)] = UnitRef(unit_id=new_unit_ids[index])
        elif kind == "new_group":
            refs[(kind, index)] = UnitRef(group_id=new_group_ids[index])
    return refs, [u.name for u in checked.new_units], [g.name for g in checked.new_groups]


def _sections(
    draft: ImportDraft, checked: Checked, refs: dict[tuple[str, int], UnitRef]
) -> list[SectionInput]:
    """Turn the checked rows into the engine's task table, the same unit once per role."""
    sections = []
    for s_index, section in enumerate(draft.sections):
        tasks = []
        for t_index, row in enumerate(section.rows):
            if row.skip:
                continue
            reading = checked.readings[s_index][t_index]
            units: dict[str, dict[tuple[int | None, int | None], UnitRef]] = {"lead": {}, "coordinating": {}}
            for role, named in (("lead", reading.lead), ("coordinating", reading.coordinating)):
                for unit in named:
                    target = checked.targets.get(normalise_name(unit.name))
                    if target is None or target[0] == "skip":
                        continue
                    ref = refs[target]
                    key = (ref.unit_id, ref.group_id)
                    if key in units["lead"] and role == "coordinating":
                        continue  # leading already includes taking part
                    before = units[role].get(key)
                    note = unit.scope_note
                    if before is not None and before.scope_note and note and note != before.scope_note:
                        note = f"{before.scope_note}; {note}"
                    elif before is not None:
                        note = before.scope_note or note
                    units[role][key] = UnitRef(unit_id=ref.unit_id, group_id=ref.group_id, scope_note=note)
            tasks.append(
                TaskInput(
                    content=row.content,
                    timeframe=row.timeframe.strip(),
                    lead=tuple(units["lead"].values()),
                    coordinating=tuple(units["coordinating"].values()),
                    expected_result=row.expected_result.strip(),
                    indicator=row.indicator.strip(),
                )
            )
        if tasks or section.title.strip():
            sections.append(
                SectionInput(code=section.code.strip(), title=section.title.strip(), tasks=tuple(tasks))
            )
    return sections
