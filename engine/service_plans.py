"""The plans-and-periods part of the engine's facade."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import approvals, authority, escalations, periods, plan_pages, plans, reports
from engine.deadlines import current_calendar
from engine.errors import NotFound, NotPermitted
from engine.models import OfficialDocument, Plan, UnitReport
from engine.organisation import holds_role, require_user, roles_of
from engine.plan_results import DocumentInfo, PeriodBoard, PeriodInfo, PlanInfo, SectionInput, TargetInput
from engine.results import Actor, SystemActor
from engine.service_base import EngineBase

EDITOR_ROLES = ("focal_officer", "leader")


class PlanMethods(EngineBase):
    """Plans (drafting, task tables, targets, issuing) and reporting periods (opening, the board)."""

    def create_plan(
        self,
        *,
        issuing_unit_id: int,
        focal_unit_id: int,
        title: str,
        year: int,
        place: str,
        summary: str = "",
        legal_bases: Sequence[str] = (),
        recipients: Sequence[str] = (),
        parent_plan_id: int | None = None,
        child_plan_deadline: date | None = None,
        actor: Actor,
    ) -> PlanInfo:
        """Start a draft plan; focal officers and leaders of the issuing or focal unit."""
        with self._work(write=True) as session:
            if not (
                holds_role(session, actor, issuing_unit_id, EDITOR_ROLES)
                or holds_role(session, actor, focal_unit_id, EDITOR_ROLES)
            ):
                raise NotPermitted("Bạn không được soạn kế hoạch cho đơn vị này (not allowed to draft here)")
            plan = plans.create(
                session,
                issuing_unit_id=issuing_unit_id,
                focal_unit_id=focal_unit_id,
                title=title,
                year=year,
                place=place,
                summary=summary,
                legal_bases=legal_bases,
                recipients=recipients,
                parent_plan_id=parent_plan_id,
                child_plan_deadline=child_plan_deadline,
                at=self._clock(),
                actor=actor,
            )
            return plans.to_info(session, plan)

    def set_plan_tasks(self, plan_id: int, sections: Sequence[SectionInput], *, actor: Actor) -> PlanInfo:
        """Replace a draft plan's task table; field errors name ``sections.i.tasks.j.field``."""
        with self._work(write=True) as session:
            plan = self._editable_plan(session, plan_id, actor)
            plans.replace_tasks(session, plan, sections, at=self._clock(), actor=actor)
            return plans.to_info(session, plan, detail=True)

    def set_plan_targets(self, plan_id: int, targets: Sequence[TargetInput], *, actor: Actor) -> PlanInfo:
        """Replace a draft plan's quantitative targets."""
        with self._work(write=True) as session:
            plan = self._editable_plan(session, plan_id, actor)
            plans.set_targets(session, plan, targets, at=self._clock(), actor=actor)
            return plans.to_info(session, plan, detail=True)

    def issue_plan(
        self, plan_id: int, *, signer_id: int, authority_form: str, issued_on: date, actor: Actor
    ) -> PlanInfo:
        """Sign and number a plan; the signer must hold ``authority_form`` for the body on ``issued_on``.

        Delegated authority (KT., Q., TL., TUQ.) outside its validity window raises ``NotPermitted``.
        """
        with self._work(write=True) as session:
            plan = plans.get(session, plan_id)
            if not isinstance(actor, SystemActor) and actor != signer_id:
                raise NotPermitted("Chỉ người ký mới ký ban hành (only the signer may sign)")
            title = authority.check_signer(
                session,
                signer_id=signer_id,
                unit_id=plan.issuing_unit_id,
                form=authority_form,
                on_day=issued_on,
            )
            plans.issue(
                session,
                plan,
                signer_id=signer_id,
                authority_form=authority_form,
                signer_title=title,
                issued_on=issued_on,
                at=self._clock(),
                actor=actor,
            )
            approvals.close_child_plan_item(session, self._runtime, plan, at=self._clock())
            return plans.to_info(session, plan, detail=True)

    def submit_plan_for_approval(
        self,
        plan_id: int,
        *,
        comment_unit_ids: Sequence[int] = (),
        comment_deadline: date | None = None,
        actor: Actor,
    ) -> PlanInfo:
        """Start a draft plan's approval: optional comment round, the leader's decision, signing, issue.

        Each unit in ``comment_unit_ids`` gets its own comment item due ``comment_deadline``.
        """
        with self._work(write=True) as session:
            plan = self._editable_plan(session, plan_id, actor)
            approvals.submit_for_approval(
                session,
                self._runtime,
                plan,
                comment_unit_ids=comment_unit_ids,
                comment_deadline=comment_deadline,
                at=self._clock(),
                actor=actor,
            )
            return plans.to_info(session, plan, detail=True)

    def get_plan(self, plan_id: int, *, actor: Actor) -> PlanInfo:
        """Return a plan with its tasks, targets and assigned units, if the actor may see it.

        Who may see a plan is decided in ``engine.plan_pages.visible_clause``; others get ``NotFound``.
        """
        with self._work(write=False) as session:
            plan = plan_pages.readable(session, plan_pages.visible_clause(session, actor), plan_id)
            return plans.to_info(session, plan, detail=True)

    def _editable_plan(self, session: Session, plan_id: int, actor: Actor) -> Plan:
        plan = plans.get(session, plan_id)
        if not (
            holds_role(session, actor, plan.issuing_unit_id, EDITOR_ROLES)
            or holds_role(session, actor, plan.focal_unit_id, EDITOR_ROLES)
        ):
            raise NotPermitted("Bạn không được sửa kế hoạch này (not allowed to edit this plan)")
        return plan

    # -- periods ----------------------------------------------------------------------------

    def open_period(
        self,
        plan_id: int,
        *,
        label: str,
        year: int,
        data_cutoff: date,
        unit_deadline: date,
        focal_deadline: date,
        actor: Actor,
    ) -> PeriodInfo:
        """Open a reporting period: one parent instance and one unit-report instance per assigned unit.

        The focal-unit deadline must fall at least one working day after the unit deadline.
        """
        with self._work(write=True) as session:
            plan = plans.get(session, plan_id)
            if not holds_role(session, actor, plan.focal_unit_id, ("focal_officer",)):
                raise NotPermitted("Chỉ đơn vị đầu mối mở kỳ báo cáo (only the focal unit opens periods)")
            periods.validate_dates(
                current_calendar(),
                data_cutoff=data_cutoff,
                unit_deadline=unit_deadline,
                focal_deadline=focal_deadline,
            )
            return periods.open_period(
                session,
                self._runtime,
                plan,
                label=label,
                year=year,
                data_cutoff=data_cutoff,
                unit_deadline=unit_deadline,
                focal_deadline=focal_deadline,
                at=self._clock(),
                actor=actor,
            )

    def period_board(self, period_id: int, *, actor: Actor) -> PeriodBoard:
        """Where every unit of the period is, who holds it, since when, what has fired.

        For the focal unit, the issuing body's leaders and administrators.
        """
        with self._work(write=False) as session:
            period = periods.get(session, period_id)
            plan = plans.get(session, period.plan_id)
            if not (
                holds_role(session, actor, plan.focal_unit_id, ("focal_officer", "leader", "unit_head"))
                or holds_role(session, actor, plan.issuing_unit_id, ("leader",))
            ):
                raise NotFound(f"Không tìm thấy kỳ báo cáo {period_id} (no such period)")
            return periods.board(session, period, now=self._clock(), zone=self._zone)

    def remind_now(self, period_id: int, unit_id: int, *, actor: Actor) -> None:
        """Chase one unit by hand (focal officers); recorded like the ladder's steps."""
        with self._work(write=True) as session:
            period = periods.get(session, period_id)
            plan = plans.get(session, period.plan_id)
            if not holds_role(session, actor, plan.focal_unit_id, ("focal_officer",)):
                raise NotPermitted("Chỉ đơn vị đầu mối được đôn đốc (only the focal unit may chase)")
            report = session.scalars(
                select(UnitReport).where(UnitReport.period_id == period_id, UnitReport.unit_id == unit_id)
            ).first()
            if report is None:
                raise NotFound("Đơn vị không có báo cáo trong kỳ này (no report for this unit)")
            escalations.record_escalation(
                session, report, "remind_now", at=self._clock(), actor=actor, instance_id=report.instance_id
            )

    def list_period_documents(self, period_id: int, *, actor: Actor) -> list[DocumentInfo]:
        """Return the documents of a period: all of them to those who see its board, else the unit's own."""
        with self._work(write=False) as session:
            period = periods.get(session, period_id)
            plan = plans.get(session, period.plan_id)
            query = select(OfficialDocument).where(OfficialDocument.period_id == period_id)
            if not (
                holds_role(session, actor, plan.focal_unit_id, ("focal_officer", "leader", "unit_head"))
                or holds_role(session, actor, plan.issuing_unit_id, ("leader",))
            ):
                user = require_user(session, actor)
                own_units = [unit_id for unit_id, _role in roles_of(session, user.id)]
                query = query.where(OfficialDocument.recipient_unit_id.in_(own_units))
            return [
                DocumentInfo(
                    id=d.id,
                    kind=d.kind,
                    title=d.title,
                    issuing_unit_id=d.issuing_unit_id,
                    recipient_unit_id=d.recipient_unit_id,
                    period_id=d.period_id,
                    unit_report_id=d.unit_report_id,
                    content=dict(d.content),
                    created_at=d.created_at,
                )
                for d in session.scalars(query.order_by(OfficialDocument.id))
            ]

    def get_unit_report(self, period_id: int, unit_id: int, *, actor: Actor) -> dict[str, Any]:
        """Return a unit's report: to its own unit always, to the focal unit once submitted, else NotFound."""
        with self._work(write=False) as session:
            period = periods.get(session, period_id)
            plan = plans.get(session, period.plan_id)
            report = session.scalars(
                select(UnitReport).where(UnitReport.period_id == period_id, UnitReport.unit_id == unit_id)
            ).first()
            own = holds_role(session, actor, unit_id, ("drafter", "unit_head"))
            focal = (
                report is not None
                and report.status in ("submitted", "accepted")
                and holds_role(session, actor, plan.focal_unit_id, ("focal_officer", "leader"))
            )
            if report is None or not (own or focal):
                raise NotFound("Không tìm thấy báo cáo (no such report)")
            return {
                "status": report.status,
                "body": dict(report.body),
                "submitted_at": report.submitted_at,
                "tasks": reports.task_rows(session, report, today=self.today()),
            }
