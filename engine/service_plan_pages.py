"""Door methods for what the plan pages need beyond engine.service_plans: lists, drafts, the plan tree."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import periods, plan_pages, plans
from engine.authority import acting_for
from engine.deadlines import current_calendar
from engine.errors import InvalidSubmission, NotPermitted
from engine.models import HumanTask, Plan, ReportingPeriod, Unit, User
from engine.organisation import holds_role, may_act_clause, require_known, roles_of
from engine.plan_page_results import PlanDraft, PlanDraftInput, PlanNode, PlanPage, PlanSummary, UnitChoice
from engine.plan_results import PlanInfo
from engine.projection import to_task_info
from engine.results import Actor, HumanTaskInfo, SystemActor
from engine.service_base import EngineBase
from engine.service_jobs import JobInfo, JobMethods
from engine.service_plans import EDITOR_ROLES

INVALID_PLAN = "Kế hoạch chưa hợp lệ (invalid plan)"
# Only the issuing body's superior is printed above it for these levels (Nghị định 30/2020/NĐ-CP).
SUPERIOR_SHOWN_FOR = ("department", "office", "party_cell")


class PlanPageMethods(EngineBase):
    """Mixed into ``WorkflowEngine``: the plan list, the detail page, the draft editor, opening a period."""

    def list_plans(
        self,
        *,
        actor: Actor,
        year: int | None = None,
        status: str | None = None,
        query: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[PlanSummary]:
        """List the plans the actor may see, newest year first; filter by year, status and words.

        Every word of ``query`` must occur in the title, the number/symbol or the issuing unit's name.
        """
        with self._work(write=False) as session:
            clause = plan_pages.visible_clause(session, actor)
            return plan_pages.summaries(
                session,
                clause,
                year=year,
                status=status,
                query=query,
                limit=max(0, min(limit, 500)),
                offset=max(0, offset),
            )

    def plan_tree(self, plan_id: int, *, actor: Actor) -> PlanNode:
        """Return the plan among its parent and child plans, from the topmost one the actor may see.

        Raises ``NotFound`` when the actor may not see the plan itself.
        """
        with self._work(write=False) as session:
            clause = plan_pages.visible_clause(session, actor)
            return plan_pages.tree(session, plan_pages.readable(session, clause, plan_id), clause)

    def unit_choices(self, *, actor: Actor) -> list[UnitChoice]:
        """Return every unit group and unit to pick in a task table, each with a unique label.

        ``may_draft`` marks the units for which the actor may start a plan.
        """
        with self._work(write=False) as session:
            require_known(session, actor)
            return plan_pages.unit_choices(session, self._drafting_units(session, actor))

    def plan_page(self, plan_id: int, *, actor: Actor) -> PlanPage:
        """Return what the plan's page shows: the document, its periods, its tree, the actor's actions.

        Raises ``NotFound`` when the actor may not see the plan (another unit's draft, say).
        """
        with self._work(write=False) as session:
            clause = plan_pages.visible_clause(session, actor)
            plan = plan_pages.readable(session, clause, plan_id)
            info = plans.to_info(session, plan, detail=True)
            issuer = session.get(Unit, plan.issuing_unit_id)
            focal = session.get(Unit, plan.focal_unit_id)
            assert issuer is not None  # noqa: S101 - foreign key
            assert focal is not None  # noqa: S101 - foreign key
            superior = (
                session.get(Unit, issuer.parent_id)
                if issuer.parent_id is not None and issuer.level in SUPERIOR_SHOWN_FOR
                else None
            )
            signer = session.get(User, plan.signer_id) if plan.signer_id is not None else None
            is_editor = self._is_editor(session, actor, plan)
            return PlanPage(
                plan=info,
                summary=plan.summary,
                issuing_unit_name=issuer.name,
                issuing_unit_level=issuer.level,
                superior_unit_name=superior.name if superior else None,
                doc_code=issuer.doc_code or "UBND",
                focal_unit_name=focal.name,
                signer_name=signer.full_name if signer else None,
                signer_title=plan.signer_title,
                child_plan_deadline=plan.child_plan_deadline,
                sections=tuple(plan_pages.section_views(session, plan.id, info.tasks)),
                periods=tuple(plan_pages.period_infos(session, plan.id)),
                tree=plan_pages.tree(session, plan, clause),
                my_tasks=tuple(self._my_plan_tasks(session, actor, plan.id)),
                comment_choices=tuple(plan_pages.named_units(session, plan)),
                may_edit=is_editor and plan.status in plans.EDITABLE,
                may_submit=is_editor and plan.status == "draft",
                may_open_period=plan.status == "issued"
                and holds_role(session, actor, plan.focal_unit_id, ("focal_officer",)),
            )

    def plan_draft(self, plan_id: int, *, actor: Actor) -> PlanDraft:
        """Return a draft (or returned) plan as the editor loads it, for those who may edit it.

        Raises ``NotFound`` when the actor may not see the plan and ``NotPermitted`` when they may
        see but not edit it, or when it is locked (in approval or issued).
        """
        with self._work(write=False) as session:
            plan = self._plan_to_edit(session, plan_id, actor)
            return plan_pages.load_draft(session, plan)

    def check_plan_draft(
        self,
        draft: PlanDraftInput,
        *,
        actor: Actor,
        plan_id: int | None = None,
        issuing_unit_id: int | None = None,
        focal_unit_id: int | None = None,
    ) -> dict[str, list[str]]:
        """Return what is wrong with a draft, by field, without saving anything.

        For a page that found errors of its own (a number it could not read) and wants to show
        the engine's alongside them. Give ``plan_id`` for an existing plan, or the two units of a
        new one.
        """
        with self._work(write=False) as session:
            clause = plan_pages.visible_clause(session, actor)
            plan = plan_pages.readable(session, clause, plan_id) if plan_id is not None else None
            units: dict[str, int] = {}
            if plan is None and issuing_unit_id is not None:
                units["issuing_unit_id"] = issuing_unit_id
            if plan is None and focal_unit_id is not None:
                units["focal_unit_id"] = focal_unit_id
            return plan_pages.validate_draft(session, draft, clause=clause, plan=plan, unit_fields=units)

    def create_draft_plan(
        self, draft: PlanDraftInput, *, issuing_unit_id: int, focal_unit_id: int, actor: Actor
    ) -> PlanInfo:
        """Start a draft plan with its task table and targets in one step.

        For focal officers and leaders of the issuing or focal unit (else ``NotPermitted``).
        Every field is checked before anything is written: ``InvalidSubmission`` names each
        wrong field (``sections.0.tasks.1.lead.0``...) and nothing is saved.
        """
        with self._work(write=True) as session:
            require_known(session, actor)
            if not (
                holds_role(session, actor, issuing_unit_id, EDITOR_ROLES)
                or holds_role(session, actor, focal_unit_id, EDITOR_ROLES)
            ):
                raise NotPermitted("Bạn không được soạn kế hoạch cho đơn vị này (not allowed to draft here)")
            clause = plan_pages.visible_clause(session, actor)
            errors = plan_pages.validate_draft(
                session,
                draft,
                clause=clause,
                unit_fields={"issuing_unit_id": issuing_unit_id, "focal_unit_id": focal_unit_id},
            )
            if errors:
                raise InvalidSubmission(INVALID_PLAN, errors)
            plan = plans.create(
                session,
                issuing_unit_id=issuing_unit_id,
                focal_unit_id=focal_unit_id,
                title=draft.title,
                year=draft.year,
                place=draft.place,
                summary=draft.summary,
                legal_bases=draft.legal_bases,
                recipients=draft.recipients,
                parent_plan_id=draft.parent_plan_id,
                child_plan_deadline=draft.child_plan_deadline,
                at=self._clock(),
                actor=actor,
            )
            plans.replace_tasks(session, plan, draft.sections, at=self._clock(), actor=actor)
            plans.set_targets(session, plan, draft.targets, at=self._clock(), actor=actor)
            return plans.to_info(session, plan, detail=True)

    def update_draft_plan(self, plan_id: int, draft: PlanDraftInput, *, actor: Actor) -> PlanInfo:
        """Save a draft's header, task table (rows in the order given) and targets in one step.

        The issuing and focal units stay as created. Raises ``NotFound`` for a plan the actor may
        not see, ``NotPermitted`` for one they may not edit or that is locked, and
        ``InvalidSubmission`` with every wrong field (nothing is saved then).
        """
        with self._work(write=True) as session:
            plan = self._plan_to_edit(session, plan_id, actor)
            clause = plan_pages.visible_clause(session, actor)
            errors = plan_pages.validate_draft(session, draft, clause=clause, plan=plan)
            if errors:
                raise InvalidSubmission(INVALID_PLAN, errors)
            plan_pages.update_header(session, plan, draft, at=self._clock(), actor=actor)
            plans.replace_tasks(session, plan, draft.sections, at=self._clock(), actor=actor)
            plans.set_targets(session, plan, draft.targets, at=self._clock(), actor=actor)
            return plans.to_info(session, plan, detail=True)

    def queue_open_period(
        self,
        plan_id: int,
        *,
        label: str,
        year: int,
        data_cutoff: date,
        unit_deadline: date,
        focal_deadline: date,
        actor: Actor,
    ) -> JobInfo:
        """Check a period's fields, then queue ``open_period`` as a background job; return the job.

        The checks are those ``open_period`` makes (focal officers of the plan's focal unit, an
        issued plan, a new label, consistent dates), done first so the form can show them by
        field; the job checks again when it runs.
        """
        with self._work(write=False) as session:
            clause = plan_pages.visible_clause(session, actor)
            plan = plan_pages.readable(session, clause, plan_id)
            if not holds_role(session, actor, plan.focal_unit_id, ("focal_officer",)):
                raise NotPermitted("Chỉ đơn vị đầu mối mở kỳ báo cáo (only the focal unit opens periods)")
            errors: dict[str, list[str]] = {}
            if plan.status != "issued":
                errors["plan_id"] = ["Kế hoạch chưa ban hành."]
            clean_label = " ".join(label.split())
            if not clean_label:
                errors["label"] = [plan_pages.REQUIRED]
            elif len(clean_label) > 100:
                errors["label"] = ["Tối đa 100 ký tự."]
            elif session.scalar(
                select(ReportingPeriod.id).where(
                    ReportingPeriod.plan_id == plan.id, ReportingPeriod.label == clean_label
                )
            ):
                errors["label"] = ["Đã có kỳ báo cáo này."]
            if not 2000 <= year <= 2100:
                errors["year"] = ["Năm không hợp lệ."]
            try:
                periods.validate_dates(
                    current_calendar(),
                    data_cutoff=data_cutoff,
                    unit_deadline=unit_deadline,
                    focal_deadline=focal_deadline,
                )
            except InvalidSubmission as exc:
                errors.update(exc.field_errors)
            if errors:
                raise InvalidSubmission("Kỳ báo cáo chưa hợp lệ (invalid period)", errors)
        assert isinstance(self, JobMethods)  # noqa: S101 - WorkflowEngine mixes both in
        return self.submit_job(
            "open_period",
            {
                "plan_id": plan_id,
                "label": clean_label,
                "year": year,
                "data_cutoff": data_cutoff,
                "unit_deadline": unit_deadline,
                "focal_deadline": focal_deadline,
            },
            actor=actor,
        )

    # -- helpers ------------------------------------------------------------------------------

    def _plan_to_edit(self, session: Session, plan_id: int, actor: Actor) -> Plan:
        plan = plan_pages.readable(session, plan_pages.visible_clause(session, actor), plan_id)
        if not self._is_editor(session, actor, plan):
            raise NotPermitted("Bạn không được sửa kế hoạch này (not allowed to edit this plan)")
        if plan.status not in plans.EDITABLE:
            raise NotPermitted("Kế hoạch đã khóa, không sửa được (the plan is locked)")
        return plan

    @staticmethod
    def _is_editor(session: Session, actor: Actor, plan: Plan) -> bool:
        return holds_role(session, actor, plan.issuing_unit_id, EDITOR_ROLES) or holds_role(
            session, actor, plan.focal_unit_id, EDITOR_ROLES
        )

    @staticmethod
    def _drafting_units(session: Session, actor: Actor) -> set[int] | None:
        if isinstance(actor, SystemActor):
            return None
        held = roles_of(session, actor)
        if any(role == "admin" for _unit, role in held):
            return None
        return {unit for unit, role in held if role in EDITOR_ROLES}

    def _my_plan_tasks(self, session: Session, actor: Actor, plan_id: int) -> list[HumanTaskInfo]:
        if isinstance(actor, SystemActor):
            return []
        rows = session.scalars(
            select(HumanTask)
            .where(
                HumanTask.plan_id == plan_id,
                HumanTask.status == "open",
                may_act_clause(*acting_for(session, actor, self.today())),
            )
            .order_by(HumanTask.due_at.is_(None), HumanTask.due_at, HumanTask.id)
            .limit(50)
        ).all()
        return [to_task_info(row) for row in rows]
