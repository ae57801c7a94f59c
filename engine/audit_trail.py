"""The audit trail of a plan and of a period as people read it: scopes, filters, labels, summaries.

A period's trail holds the rows about the period itself, its parent instance, and each unit
report's instance and report row (escalations, forwarding). A plan's trail holds the plan's rows,
its approval, comment and child-plan items, and the trails of all its periods. Scopes are SQL
subqueries over indexed columns, so a trail of ten thousand units is filtered in the database.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import String, and_, cast, false, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from engine.dashboard import names_of_units, names_of_users
from engine.dashboard_results import AuditRow
from engine.escalations import ACTIONS as ESCALATION_LABELS
from engine.models import AuditEvent, HumanTask, Plan, ProcessInstance, ReportingPeriod, UnitReport, User
from engine.names import normalise_name, vietnamese_sort_key

SYSTEM_NAME = "Hệ thống"
LABELS = {
    "instance.started": "Bắt đầu hồ sơ",
    "instance.completed": "Hoàn thành hồ sơ",
    "instance.signalled": "Nhận tín hiệu từ quy trình khác",
    "task.opened": "Chuyển đến bước mới",
    "task.submit": "Gửi",
    "task.approve": "Duyệt",
    "task.accept": "Tiếp nhận",
    "task.sign": "Ký ban hành",
    "task.return": "Trả lại",
    "task.comment": "Góp ý",
    "task.claimed": "Nhận xử lý",
    "task.unclaimed": "Trả việc về đơn vị",
    "task.cancelled": "Hủy bước",
    "timer.fired": "Đến mốc hẹn giờ",
    "period.opened": "Mở kỳ báo cáo",
    "period.consolidated": "Tổng hợp kỳ báo cáo",
    "plan.created": "Tạo dự thảo kế hoạch",
    "plan.tasks_replaced": "Cập nhật bảng nhiệm vụ",
    "plan.tasks_imported": "Nhập bảng nhiệm vụ từ tệp",
    "document.rendered": "Xuất văn bản PDF",
    "plan.targets_replaced": "Cập nhật chỉ tiêu",
    "plan.submitted": "Trình duyệt kế hoạch",
    "plan.issued": "Ban hành kế hoạch",
    "plan.sent": "Gửi kế hoạch đến nơi nhận",
    "report.forwarded": "Chuyển báo cáo tổng hợp lên cấp trên",
    "report.upward_skipped": "Không có kỳ báo cáo cấp trên để chuyển",
    "action.without_report": "Bước tự động không gắn với báo cáo",
}


def action_label(action: str) -> str:
    """Return the Vietnamese label of an audit action (the code itself when unknown)."""
    if action.startswith("escalation."):
        name = action.removeprefix("escalation.")
        return ESCALATION_LABELS.get(name, name)
    return LABELS.get(action, action)


def period_scope(period: ReportingPeriod) -> ColumnElement[bool]:
    """Rows about the period, its parent instance and each of its unit reports."""
    reports = select(UnitReport).where(UnitReport.period_id == period.id).subquery()
    return or_(
        and_(AuditEvent.object_type == "period", AuditEvent.object_id == str(period.id)),
        AuditEvent.instance_id == period.instance_id if period.instance_id is not None else false(),
        AuditEvent.instance_id.in_(select(reports.c.instance_id).where(reports.c.instance_id.is_not(None))),
        and_(
            AuditEvent.object_type == "unit_report",
            AuditEvent.object_id.in_(select(cast(reports.c.id, String))),
        ),
    )


def period_unit_scope(period_id: int, unit_ids: Iterable[int]) -> ColumnElement[bool]:
    """Rows about these units' reports in the period."""
    reports = (
        select(UnitReport)
        .where(UnitReport.period_id == period_id, UnitReport.unit_id.in_(sorted(set(unit_ids))))
        .subquery()
    )
    return or_(
        AuditEvent.instance_id.in_(select(reports.c.instance_id).where(reports.c.instance_id.is_not(None))),
        and_(
            AuditEvent.object_type == "unit_report",
            AuditEvent.object_id.in_(select(cast(reports.c.id, String))),
        ),
    )


def _plan_items(plan_id: int) -> ColumnElement[bool]:
    # Keys "plan/<id>/approval", "plan/<id>/comment/<unit>", "plan/<id>/child/<unit>".
    return ProcessInstance.business_key.like(f"plan/{plan_id}/%")


def plan_scope(plan: Plan) -> ColumnElement[bool]:
    """Rows about the plan, its approval, comment and child-plan items, and all its periods."""
    period_rows = select(ReportingPeriod).where(ReportingPeriod.plan_id == plan.id).subquery()
    reports = (
        select(UnitReport.id, UnitReport.instance_id)
        .join(ReportingPeriod, ReportingPeriod.id == UnitReport.period_id)
        .where(ReportingPeriod.plan_id == plan.id)
        .subquery()
    )
    return or_(
        and_(AuditEvent.object_type == "plan", AuditEvent.object_id == str(plan.id)),
        AuditEvent.instance_id.in_(select(ProcessInstance.id).where(_plan_items(plan.id))),
        and_(
            AuditEvent.object_type == "period",
            AuditEvent.object_id.in_(select(cast(period_rows.c.id, String))),
        ),
        AuditEvent.instance_id.in_(
            select(period_rows.c.instance_id).where(period_rows.c.instance_id.is_not(None))
        ),
        AuditEvent.instance_id.in_(select(reports.c.instance_id).where(reports.c.instance_id.is_not(None))),
        and_(
            AuditEvent.object_type == "unit_report",
            AuditEvent.object_id.in_(select(cast(reports.c.id, String))),
        ),
    )


def plan_unit_scope(plan_id: int, unit_ids: Iterable[int]) -> ColumnElement[bool]:
    """Rows about these units in the plan: their reports in every period, comment and child items."""
    units = sorted(set(unit_ids))
    reports = (
        select(UnitReport.id, UnitReport.instance_id)
        .join(ReportingPeriod, ReportingPeriod.id == UnitReport.period_id)
        .where(ReportingPeriod.plan_id == plan_id, UnitReport.unit_id.in_(units))
        .subquery()
    )
    return or_(
        AuditEvent.instance_id.in_(
            select(ProcessInstance.id).where(
                _plan_items(plan_id),
                ProcessInstance.parent_id.is_not(None),
                ProcessInstance.unit_id.in_(units),
            )
        ),
        AuditEvent.instance_id.in_(select(reports.c.instance_id).where(reports.c.instance_id.is_not(None))),
        and_(
            AuditEvent.object_type == "unit_report",
            AuditEvent.object_id.in_(select(cast(reports.c.id, String))),
        ),
    )


@dataclass(frozen=True)
class AuditFilter:
    """What a reader narrows a trail by; every part optional. Days are local and inclusive."""

    action: str | None = None
    unit_ids: tuple[int, ...] | None = None
    since: date | None = None
    until: date | None = None
    actor_name: str | None = None


def _actor_clause(session: Session, scope: ColumnElement[bool], name: str) -> ColumnElement[bool]:
    """Rows by people whose name (or login) contains ``name``; "hệ thống" finds the system's rows.

    Matching is done on normalised names in Python over the few people who appear in the scope,
    because databases disagree on the case of Vietnamese letters (SQLite folds ASCII only).
    """
    key = normalise_name(name)
    people = session.execute(
        select(User.id, User.full_name, User.login).where(
            User.id.in_(select(AuditEvent.actor_id).where(scope, AuditEvent.actor_id.is_not(None)).distinct())
        )
    ).all()
    ids = [int(i) for i, full, login in people if key in normalise_name(full) or key in login.casefold()]
    clauses: list[ColumnElement[bool]] = [AuditEvent.actor_id.in_(ids)] if ids else []
    if key in normalise_name(SYSTEM_NAME):
        clauses.append(AuditEvent.actor_id.is_(None))
    return or_(*clauses) if clauses else false()


def _where(
    session: Session,
    scope: ColumnElement[bool],
    unit_scope: ColumnElement[bool] | None,
    wanted: AuditFilter,
    zone: ZoneInfo,
) -> list[ColumnElement[bool]]:
    clauses = [scope]
    if unit_scope is not None:
        clauses.append(unit_scope)
    if wanted.action:
        clauses.append(AuditEvent.action == wanted.action)
    if wanted.since is not None:
        clauses.append(AuditEvent.at >= datetime.combine(wanted.since, time.min, tzinfo=zone))
    if wanted.until is not None:
        clauses.append(
            AuditEvent.at < datetime.combine(wanted.until + timedelta(days=1), time.min, tzinfo=zone)
        )
    if wanted.actor_name and wanted.actor_name.strip():
        clauses.append(_actor_clause(session, scope, wanted.actor_name))
    return clauses


def query_rows(
    session: Session,
    scope: ColumnElement[bool],
    unit_scope: ColumnElement[bool] | None,
    wanted: AuditFilter,
    *,
    zone: ZoneInfo,
    limit: int,
    offset: int,
    newest_first: bool = True,
) -> tuple[list[AuditRow], int]:
    """Return a page of the trail's rows matching ``wanted``, and how many match in all."""
    clauses = _where(session, scope, unit_scope, wanted, zone)
    total = int(session.scalar(select(func.count(AuditEvent.id)).where(*clauses)) or 0)
    order = (AuditEvent.at.desc(), AuditEvent.id.desc()) if newest_first else (AuditEvent.at, AuditEvent.id)
    events = session.scalars(
        select(AuditEvent).where(*clauses).order_by(*order).limit(limit).offset(offset)
    ).all()
    return to_rows(session, events), total


def to_rows(session: Session, events: Sequence[AuditEvent]) -> list[AuditRow]:
    """Turn audit events into rows with names, the unit they concern, and a readable summary."""
    users = names_of_users(session, (e.actor_id for e in events))
    instance_units = _instance_units(session, {e.instance_id for e in events if e.instance_id is not None})
    report_units = _report_units(
        session,
        {int(e.object_id) for e in events if e.object_type == "unit_report" and e.object_id.isdigit()},
    )
    titles = _task_titles(
        session, {int(e.object_id) for e in events if e.object_type == "human_task" and e.object_id.isdigit()}
    )
    unit_of: dict[int, int | None] = {}
    for event in events:
        unit_id = instance_units.get(event.instance_id) if event.instance_id is not None else None
        if unit_id is None and event.object_type == "unit_report" and event.object_id.isdigit():
            unit_id = report_units.get(int(event.object_id))
        unit_of[event.id] = unit_id
    units = names_of_units(session, unit_of.values())
    rows = []
    for event in events:
        unit_id = unit_of[event.id]
        title = titles.get(int(event.object_id)) if event.object_type == "human_task" else None
        details = dict(event.details or {})
        rows.append(
            AuditRow(
                id=event.id,
                at=event.at,
                actor_id=event.actor_id,
                actor_name=users.get(event.actor_id) if event.actor_id is not None else None,
                action=event.action,
                label=action_label(event.action),
                object_type=event.object_type,
                object_id=event.object_id,
                unit_id=unit_id,
                unit_name=units.get(unit_id) if unit_id is not None else None,
                summary=summarise(event.action, details, title),
                details=details,
            )
        )
    return rows


def _instance_units(session: Session, ids: set[int]) -> dict[int, int | None]:
    """Map instances to the unit each concerns: a child's unit (a unit report, a comment, a child plan).

    A parent instance (the period, the plan's approval) concerns the whole body: no unit.
    """
    if not ids:
        return {}
    return {
        int(i): (int(unit) if parent is not None and unit is not None else None)
        for i, unit, parent in session.execute(
            select(ProcessInstance.id, ProcessInstance.unit_id, ProcessInstance.parent_id).where(
                ProcessInstance.id.in_(sorted(ids))
            )
        )
    }


def _report_units(session: Session, ids: set[int]) -> dict[int, int]:
    if not ids:
        return {}
    return {
        int(i): int(u)
        for i, u in session.execute(
            select(UnitReport.id, UnitReport.unit_id).where(UnitReport.id.in_(sorted(ids)))
        )
    }


def _task_titles(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return {
        int(i): str(t)
        for i, t in session.execute(
            select(HumanTask.id, HumanTask.title).where(HumanTask.id.in_(sorted(ids)))
        )
    }


def _day(value: Any) -> str:
    try:
        return date.fromisoformat(str(value)[:10]).strftime("%d/%m/%Y")
    except ValueError:
        return str(value)


def summarise(action: str, details: dict[str, Any], task_title: str | None) -> str:
    """Say in Vietnamese what a row's details hold (the step, the reason, counts, dates)."""
    parts = []
    title = task_title or (details.get("title") if action == "task.opened" else None)
    if title:
        parts.append(f"Bước: {title}")
    if details.get("reason") and action.startswith("task."):
        parts.append(f"Lý do: {details['reason']}")
    if action == "period.opened" and details.get("label"):
        parts.append(f"Kỳ: {details['label']}")
    if "units" in details:
        parts.append(f"Số đơn vị: {details['units']}")
    if "missing" in details:
        parts.append(f"Chưa báo cáo: {details['missing']}")
    if details.get("unit_deadline"):
        parts.append(f"Hạn đơn vị: {_day(details['unit_deadline'])}")
    if details.get("focal_deadline"):
        parts.append(f"Hạn tổng hợp: {_day(details['focal_deadline'])}")
    if details.get("document_id"):
        parts.append(f"Công văn #{details['document_id']}")
    if details.get("from_period"):
        parts.append(f"Từ kỳ báo cáo #{details['from_period']}")
    if "tasks" in details:
        parts.append(f"Số nhiệm vụ: {details['tasks']}")
    if "targets" in details:
        parts.append(f"Số chỉ tiêu: {details['targets']}")
    if details.get("symbol"):
        parts.append(f"Số, ký hiệu: {details['symbol']}")
    if details.get("authority_form"):
        parts.append(f"Hình thức ký: {details['authority_form']}.")
    return "; ".join(parts)


def action_choices(session: Session, scope: ColumnElement[bool]) -> list[tuple[str, str]]:
    """List the actions present in a trail with their labels, in label order."""
    found = session.scalars(select(AuditEvent.action).where(scope).distinct()).all()
    return sorted(((a, action_label(a)) for a in found), key=lambda pair: vietnamese_sort_key(pair[1]))


def unit_choices(session: Session, unit_ids: Iterable[int]) -> list[tuple[int, str]]:
    """Units a trail may be narrowed to, in Vietnamese order."""
    names = names_of_units(session, unit_ids)
    return sorted(names.items(), key=lambda pair: vietnamese_sort_key(pair[1]))
