"""Door methods for the period dashboard, a unit's report, the leader's overview and the audit trail.

Who sees what follows the period board: the focal unit of the period's plan (its focal officers,
leaders and head) and the issuing body's leaders see every unit; a unit sees its own row, report,
documents and history only; anyone else gets ``NotFound``, so ids of other units leak nothing.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from engine import audit_trail, dashboard, periods, plans, reports
from engine.audit_trail import AuditFilter
from engine.dashboard import RECEIVED, Sight, Visible, sight
from engine.dashboard_results import (
    AuditPage,
    ConsolidationView,
    DocumentRecord,
    EscalationInfo,
    LeaderOverview,
    PeriodDashboard,
    PeriodSummary,
    PlanProgress,
    UnitReportPage,
)
from engine.errors import NotFound, NotPermitted
from engine.escalations import ACTIONS as ESCALATION_LABELS
from engine.models import (
    Escalation,
    OfficialDocument,
    Plan,
    ProcessInstance,
    ReportingPeriod,
    UnitReport,
    User,
)
from engine.names import vietnamese_sort_key
from engine.organisation import holds_role, require_known, require_user, roles_of
from engine.plan_results import DocumentInfo
from engine.results import Actor, SystemActor
from engine.service_base import EngineBase

MAX_AUDIT_ROWS = 100_000  # one CSV export at most; pages ask for far fewer
MAX_HISTORY_ROWS = 500


class DashboardMethods(EngineBase):
    """Mixed into ``WorkflowEngine``."""

    # -- periods ----------------------------------------------------------------------------

    def list_periods(self, *, actor: Actor, plan_id: int | None = None) -> list[PeriodSummary]:
        """List the periods the actor may see, newest first, with accepted/total counts.

        Periods of plans whose focal unit or issuing body the actor serves count every unit;
        periods the actor's unit reports in count that unit only.
        """
        with self._work(write=False) as session:
            require_known(session, actor)
            query = (
                select(ReportingPeriod, Plan)
                .join(Plan, Plan.id == ReportingPeriod.plan_id)
                .order_by(ReportingPeriod.opened_at.desc(), ReportingPeriod.id.desc())
            )
            if plan_id is not None:
                query = query.where(Plan.id == plan_id)
            everything, focal_units, leader_units, member_units = self._reach(session, actor)
            if not everything:
                query = query.where(
                    Plan.focal_unit_id.in_(focal_units)
                    | Plan.issuing_unit_id.in_(leader_units)
                    | ReportingPeriod.id.in_(
                        select(UnitReport.period_id).where(UnitReport.unit_id.in_(member_units))
                    )
                )
            items = [
                Visible(
                    period=period,
                    plan=plan,
                    sees_all=everything
                    or plan.focal_unit_id in focal_units
                    or plan.issuing_unit_id in leader_units,
                    own_unit_ids=frozenset(member_units),
                )
                for period, plan in session.execute(query)
            ]
            return dashboard.summaries(session, items, now=self._clock(), zone=self._zone)

    def leader_overview(self, *, actor: Actor) -> LeaderOverview:
        """Return every plan of the bodies the actor leads, with the progress of its periods not yet closed.

        For leaders of an issuing body (administrators see every body); others get ``NotPermitted``.
        """
        with self._work(write=False) as session:
            require_known(session, actor)
            everything, _focal, leader_units, _member = self._reach(session, actor)
            if not everything and not leader_units:
                raise NotPermitted(
                    "Chỉ lãnh đạo cơ quan ban hành xem được trang tổng quan (leaders of an issuing body only)"
                )
            query = select(Plan).order_by(Plan.year.desc(), Plan.id.desc())
            if not everything:
                query = query.where(Plan.issuing_unit_id.in_(leader_units))
            plan_rows = session.scalars(query).all()
            period_rows = session.scalars(
                select(ReportingPeriod)
                .where(ReportingPeriod.plan_id.in_([p.id for p in plan_rows]))
                .order_by(ReportingPeriod.opened_at.desc(), ReportingPeriod.id.desc())
            ).all()
            by_id = {p.id: p for p in plan_rows}
            still_open = [p for p in period_rows if p.status != "closed"]
            closed = Counter(p.plan_id for p in period_rows if p.status == "closed")
            summaries: dict[int, list[PeriodSummary]] = {}
            for summary in dashboard.summaries(
                session,
                [Visible(p, by_id[p.plan_id], True, frozenset()) for p in still_open],
                now=self._clock(),
                zone=self._zone,
            ):
                summaries.setdefault(summary.plan_id, []).append(summary)
            body_ids = sorted({p.issuing_unit_id for p in plan_rows} | set(leader_units))
            names = dashboard.names_of_units(session, [*body_ids, *(p.focal_unit_id for p in plan_rows)])
            return LeaderOverview(
                bodies=tuple(
                    sorted(
                        ((u, names.get(u, "")) for u in body_ids if u in leader_units or everything),
                        key=lambda pair: vietnamese_sort_key(pair[1]),
                    )
                ),
                plans=tuple(
                    PlanProgress(
                        plan_id=p.id,
                        title=p.title,
                        symbol=p.symbol,
                        year=p.year,
                        status=p.status,
                        issuing_unit_id=p.issuing_unit_id,
                        issuing_unit_name=names.get(p.issuing_unit_id, ""),
                        focal_unit_name=names.get(p.focal_unit_id, ""),
                        periods=tuple(summaries.get(p.id, ())),
                        closed_period_count=closed.get(p.id, 0),
                    )
                    for p in plan_rows
                ),
            )

    def period_dashboard(
        self,
        period_id: int,
        *,
        actor: Actor,
        tracking: str | None = None,
        report_status: str | None = None,
        search: str | None = None,
    ) -> PeriodDashboard:
        """Return the period's dashboard: each visible unit's row, counts, and completion per task.

        ``tracking`` / ``report_status`` keep rows with that status; ``search`` keeps units whose
        name contains it (case, accents and spacing as ``normalise_name`` treats them). Counts
        and charts cover every row the actor may see, whatever the filters.
        """
        with self._work(write=False) as session:
            period, plan = dashboard.period_and_plan(session, period_id)
            seen = sight(session, actor, plan)
            board = periods.board(session, period, now=self._clock(), zone=self._zone)
            visible = dashboard.visible_rows(board.rows, seen, period_id)
            shown = dashboard.filter_rows(
                visible, tracking=tracking, report_status=report_status, search=search
            )
            counts = Counter(r.tracking_status for r in visible)
            total = len(visible) or 1
            tasks = dashboard.task_completion(session, period, today=self.today())[0] if seen.sees_all else []
            steps = dashboard.open_period_steps(session, period, actor, self.today())
            return PeriodDashboard(
                period=board.period,
                plan_title=plan.title,
                plan_symbol=plan.symbol,
                focal_unit_name=dashboard.names_of_units(session, [plan.focal_unit_id]).get(
                    plan.focal_unit_id, ""
                ),
                sees_all=seen.sees_all,
                may_remind=seen.may_remind,
                rows=tuple(dashboard.decorate(session, period.id, shown)),
                visible_count=len(visible),
                accepted_count=sum(1 for r in visible if r.report_status == "accepted"),
                tracking_counts={s: counts.get(s, 0) for s in periods.TRACKING_STATUSES},
                report_counts=dict(Counter(r.report_status for r in visible)),
                share_on_time=counts.get("completed_on_time", 0) / total,
                share_overdue=counts.get("overdue", 0) / total,
                tasks=tuple(tasks),
                consolidate_task_id=steps.get("consolidate"),
                sign_task_id=steps.get("sign_report"),
            )

    def period_consolidation(self, period_id: int, *, actor: Actor) -> ConsolidationView:
        """Return the consolidated tables: units × status, units × tasks, targets, missing and late.

        Once the focal unit consolidated, the stored figures; before, the same figures computed
        now from the reports received. For the focal unit and the issuing body's leaders.
        """
        with self._work(write=False) as session:
            period, plan = dashboard.period_and_plan(session, period_id)
            if not sight(session, actor, plan).sees_all:
                raise dashboard.no_period(period_id)
            board = periods.board(session, period, now=self._clock(), zone=self._zone)
            stored: dict[str, Any] = dict(period.consolidation or {})
            consolidated_at = _parse_moment(stored.get("consolidated_at"))
            today = consolidated_at.astimezone(self._zone).date() if consolidated_at else self.today()
            tasks, per_unit = dashboard.task_completion(session, period, today=today)
            targets = dashboard.target_aggregates(session, period)
            if stored:
                tasks = dashboard.stored_tasks(session, period, list(stored.get("tasks") or []))
                targets = dashboard.stored_targets(list(stored.get("targets") or []))
            steps = dashboard.open_period_steps(session, period, actor, self.today())
            return ConsolidationView(
                period=board.period,
                plan_title=plan.title,
                plan_symbol=plan.symbol,
                is_final=bool(stored),
                consolidated_at=consolidated_at,
                narrative=str(stored.get("narrative", "")),
                proposals=str(stored.get("proposals", "")),
                rows=tuple(dashboard.decorate(session, period.id, board.rows)),
                tracking_counts=dict(stored.get("tracking_counts") or board.tracking_counts),
                share_on_time=float(stored.get("share_on_time", board.share_on_time)),
                share_overdue=float(stored.get("share_overdue", board.share_overdue)),
                tasks=tuple(tasks),
                matrix=tuple(dashboard.matrix(board.rows, tasks, per_unit)),
                targets=tuple(targets),
                missing_units=tuple(
                    stored["missing_units"]
                    if "missing_units" in stored
                    else [r.unit_name for r in board.rows if r.tracking_status not in dashboard.DONE]
                ),
                late_units=tuple(
                    stored["late_units"]
                    if "late_units" in stored
                    else [r.unit_name for r in board.rows if r.tracking_status == "completed_late"]
                ),
                consolidate_task_id=steps.get("consolidate"),
                sign_task_id=steps.get("sign_report"),
            )

    def unit_report_page(self, period_id: int, unit_id: int, *, actor: Actor) -> UnitReportPage:
        """Return a unit's report in a period: its step and holder, content, escalations, documents, history.

        The content shows to the unit itself always and to the focal unit and leaders once
        submitted to them; ``NotFound`` for anyone who may not see the unit's row.
        """
        with self._work(write=False) as session:
            period, plan = dashboard.period_and_plan(session, period_id)
            seen = sight(session, actor, plan)
            report = session.scalars(
                select(UnitReport).where(UnitReport.period_id == period_id, UnitReport.unit_id == unit_id)
            ).first()
            if report is None or not seen.sees_unit(unit_id):
                raise NotFound("Không tìm thấy báo cáo của đơn vị trong kỳ này (no such report)")
            row = dashboard.unit_row(session, period, report, now=self._clock(), zone=self._zone)
            own = isinstance(actor, SystemActor) or unit_id in seen.own_unit_ids
            sees_body = own or report.status in RECEIVED
            task, may_act = dashboard.open_report_task(session, report, actor, self.today())
            history, _total = audit_trail.query_rows(
                session,
                audit_trail.period_unit_scope(period.id, [unit_id]),
                None,
                AuditFilter(),
                zone=self._zone,
                limit=MAX_HISTORY_ROWS,
                offset=0,
                newest_first=False,
            )
            return UnitReportPage(
                period=periods.to_info(period, _unit_count(session, period.id)),
                plan_title=plan.title,
                plan_symbol=plan.symbol,
                unit_id=unit_id,
                unit_name=row.unit_name,
                row=dashboard.decorate(session, period.id, [row])[0],
                sees_all=seen.sees_all,
                sees_body=sees_body,
                body=dict(report.body) if sees_body else {},
                task_rows=tuple(reports.task_rows(session, report, today=self.today())) if sees_body else (),
                escalations=tuple(_escalations(session, report.id)),
                documents=tuple(
                    _document_info(d)
                    for d in session.scalars(
                        select(OfficialDocument)
                        .where(OfficialDocument.unit_report_id == report.id)
                        .order_by(OfficialDocument.id)
                    )
                ),
                history=tuple(history),
                open_task_id=task.id if task is not None and may_act else None,
                may_remind=seen.may_remind and row.tracking_status not in dashboard.DONE,
            )

    # -- the audit trail --------------------------------------------------------------------

    def period_audit(
        self,
        period_id: int,
        *,
        actor: Actor,
        action: str | None = None,
        unit_id: int | None = None,
        since: date | None = None,
        until: date | None = None,
        actor_name: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> AuditPage:
        """Return a page of the period's audit trail, newest first, narrowed by the filters given.

        ``since`` and ``until`` are local days, both included; ``actor_name`` matches part of a
        person's name or login ("hệ thống" finds the system's rows). A unit sees its own rows.
        """
        with self._work(write=False) as session:
            period, plan = dashboard.period_and_plan(session, period_id)
            seen = sight(session, actor, plan)
            report_units = set(
                session.scalars(select(UnitReport.unit_id).where(UnitReport.period_id == period_id))
            )
            units = report_units if seen.sees_all else report_units & seen.own_unit_ids
            if not seen.sees_all and not units:
                raise dashboard.no_period(period_id)
            if unit_id is not None and unit_id not in units:
                raise NotFound("Đơn vị không có báo cáo trong kỳ này (no report for this unit)")
            scope = (
                audit_trail.period_scope(period)
                if seen.sees_all
                else audit_trail.period_unit_scope(period.id, units)
            )
            unit_scope = audit_trail.period_unit_scope(period.id, [unit_id]) if unit_id is not None else None
            return self._audit_page(
                session,
                scope,
                unit_scope,
                AuditFilter(action, None, since, until, actor_name),
                seen=seen,
                units=units,
                plan=plan,
                period=period,
                limit=limit,
                offset=offset,
            )

    def plan_audit(
        self,
        plan_id: int,
        *,
        actor: Actor,
        action: str | None = None,
        unit_id: int | None = None,
        since: date | None = None,
        until: date | None = None,
        actor_name: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> AuditPage:
        """Return a page of the plan's audit trail (the plan, its approval and all its periods).

        Filters as for ``period_audit``. The focal unit and the issuing body's leaders see it
        all; a unit sees its own rows (its reports, comments and child-plan item).
        """
        with self._work(write=False) as session:
            plan = plans.get(session, plan_id)
            seen = sight(session, actor, plan)
            involved = set(plans.assigned_unit_ids(session, plan.id))
            involved |= set(
                session.scalars(
                    select(UnitReport.unit_id)
                    .join(ReportingPeriod, ReportingPeriod.id == UnitReport.period_id)
                    .where(ReportingPeriod.plan_id == plan.id)
                )
            )
            involved |= {
                int(u)
                for u in session.scalars(
                    select(ProcessInstance.unit_id).where(
                        ProcessInstance.business_key.like(f"plan/{plan.id}/%"),
                        ProcessInstance.parent_id.is_not(None),
                    )
                )
                if u is not None
            }
            units = involved if seen.sees_all else involved & seen.own_unit_ids
            if not seen.sees_all and not units:
                raise NotFound(f"Không tìm thấy kế hoạch {plan_id} (no such plan)")
            if unit_id is not None and unit_id not in units:
                raise NotFound("Đơn vị không liên quan đến kế hoạch này (unit not in this plan)")
            scope = (
                audit_trail.plan_scope(plan) if seen.sees_all else audit_trail.plan_unit_scope(plan.id, units)
            )
            unit_scope = audit_trail.plan_unit_scope(plan.id, [unit_id]) if unit_id is not None else None
            return self._audit_page(
                session,
                scope,
                unit_scope,
                AuditFilter(action, None, since, until, actor_name),
                seen=seen,
                units=units,
                plan=plan,
                period=None,
                limit=limit,
                offset=offset,
            )

    def _audit_page(
        self,
        session: Session,
        scope: ColumnElement[bool],
        unit_scope: ColumnElement[bool] | None,
        wanted: AuditFilter,
        *,
        seen: Sight,
        units: set[int],
        plan: Plan,
        period: ReportingPeriod | None,
        limit: int,
        offset: int,
    ) -> AuditPage:
        limit = max(1, min(limit, MAX_AUDIT_ROWS))
        offset = max(0, offset)
        rows, total = audit_trail.query_rows(
            session, scope, unit_scope, wanted, zone=self._zone, limit=limit, offset=offset
        )
        return AuditPage(
            scope="period" if period is not None else "plan",
            plan_id=plan.id,
            plan_title=plan.title,
            period_id=period.id if period is not None else None,
            period_label=period.label if period is not None else None,
            rows=tuple(rows),
            total=total,
            limit=limit,
            offset=offset,
            actions=tuple(audit_trail.action_choices(session, scope)),
            units=tuple(audit_trail.unit_choices(session, units)),
            sees_all=seen.sees_all,
        )

    # -- documents --------------------------------------------------------------------------

    def get_document(self, document_id: int, *, actor: Actor) -> DocumentRecord:
        """Return the record of a document (a reminder letter: issuer, recipient, plan, period, dates).

        For its issuing unit, the focal unit and leaders of its plan, and its recipient unit.
        """
        with self._work(write=False) as session:
            require_known(session, actor)
            document = session.get(OfficialDocument, document_id)
            missing = NotFound(f"Không tìm thấy văn bản {document_id} (no such document)")
            if document is None:
                raise missing
            period = session.get(ReportingPeriod, document.period_id) if document.period_id else None
            plan = session.get(Plan, period.plan_id) if period is not None else None
            allowed = holds_role(session, actor, document.issuing_unit_id, dashboard.FOCAL_ROLES) or (
                plan is not None and sight(session, actor, plan).sees_all
            )
            if not allowed and document.recipient_unit_id is not None and not isinstance(actor, SystemActor):
                user = require_user(session, actor)
                allowed = any(u == document.recipient_unit_id for u, _role in roles_of(session, user.id))
            if not allowed:
                raise missing
            content = dict(document.content)
            names = dashboard.names_of_units(session, [document.issuing_unit_id, document.recipient_unit_id])
            return DocumentRecord(
                info=_document_info(document),
                issuer_name=str(content.get("issuer") or names.get(document.issuing_unit_id, "")),
                recipient_name=str(content.get("recipient") or names.get(document.recipient_unit_id or 0, ""))
                or None,
                plan_id=plan.id if plan is not None else None,
                plan_title=plan.title if plan is not None else content.get("plan_title"),
                plan_symbol=plan.symbol if plan is not None else content.get("plan_symbol"),
                period_id=period.id if period is not None else None,
                period_label=period.label if period is not None else content.get("period_label"),
                unit_deadline=_parse_day(content.get("unit_deadline"))
                or (period.unit_deadline if period is not None else None),
                dated=_parse_day(content.get("dated")) or document.created_at.astimezone(self._zone).date(),
                place=content.get("place") or (plan.place if plan is not None else None),
            )

    # -- helpers ----------------------------------------------------------------------------

    def _reach(self, session: Session, actor: Actor) -> tuple[bool, set[int], set[int], set[int]]:
        """Whether the actor sees everything, and the units where they serve focal, lead, belong."""
        if isinstance(actor, SystemActor):
            return True, set(), set(), set()
        held = roles_of(session, require_user(session, actor).id)
        return (
            any(role == "admin" for _u, role in held),
            {u for u, role in held if role in dashboard.FOCAL_ROLES},
            {u for u, role in held if role == "leader"},
            {u for u, _role in held},
        )


def _unit_count(session: Session, period_id: int) -> int:
    return int(
        session.scalar(select(func.count(UnitReport.id)).where(UnitReport.period_id == period_id)) or 0
    )


def _escalations(session: Session, report_id: int) -> list[EscalationInfo]:
    rows = session.execute(
        select(Escalation, User.full_name)
        .outerjoin(User, User.id == Escalation.actor_id)
        .where(Escalation.unit_report_id == report_id)
        .order_by(Escalation.fired_at, Escalation.id)
    ).all()
    return [
        EscalationInfo(
            action=e.action,
            label=ESCALATION_LABELS.get(e.action, e.action),
            fired_at=e.fired_at,
            actor_name=name,
            document_id=int(e.details["document_id"]) if e.details.get("document_id") else None,
        )
        for e, name in rows
    ]


def _document_info(d: OfficialDocument) -> DocumentInfo:
    return DocumentInfo(
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


def _parse_day(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _parse_moment(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None
