"""Reporting periods: opening one (a parent instance plus one small instance per unit) and the board.

The board answers "where is every unit, who holds it, since when, what has fired" from the
``unit_report`` and ``process_instance`` tables alone; no workflow is loaded.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit, definitions, instances, plans, reports
from engine.errors import InvalidSubmission, NotFound
from engine.models import Plan, ProcessInstance, ReportingPeriod, Unit, UnitReport
from engine.names import vietnamese_sort_key
from engine.plan_results import PeriodBoard, PeriodInfo, UnitRow
from engine.results import Actor
from engine.spiff import ProcessRuntime
from engine.working_days import WorkCalendar

PERIOD_PROCESS = "reporting_period"
REPORT_PROCESS = "unit_report"
TRACKING_STATUSES = (
    "not_started",
    "in_progress",
    "returned",
    "overdue",
    "completed_on_time",
    "completed_late",
)


def validate_dates(
    calendar: WorkCalendar, *, data_cutoff: date, unit_deadline: date, focal_deadline: date
) -> None:
    """Refuse inconsistent period dates, with a message on each field."""
    errors: dict[str, list[str]] = {}
    if unit_deadline < data_cutoff:
        errors["unit_deadline"] = ["Hạn báo cáo của đơn vị phải sau ngày chốt số liệu."]
    earliest_focal = calendar.add_working_days(unit_deadline, 1)
    if focal_deadline < earliest_focal:
        errors["focal_deadline"] = [
            "Hạn của đơn vị đầu mối phải sau hạn của đơn vị ít nhất một ngày làm việc "
            f"(sớm nhất {earliest_focal:%d/%m/%Y})."
        ]
    if errors:
        raise InvalidSubmission("Ngày của kỳ báo cáo chưa hợp lệ (invalid period dates)", errors)


def open_period(
    session: Session,
    runtime: ProcessRuntime,
    plan: Plan,
    *,
    label: str,
    year: int,
    data_cutoff: date,
    unit_deadline: date,
    focal_deadline: date,
    at: datetime,
    actor: Actor,
) -> PeriodInfo:
    """Open a period on an issued plan: the parent period instance and one report per assigned unit."""
    if plan.status != "issued":
        raise InvalidSubmission(
            "Chỉ mở kỳ báo cáo cho kế hoạch đã ban hành (plan not issued)",
            {"plan_id": ["Kế hoạch chưa ban hành."]},
        )
    label = " ".join(label.split())
    if (
        session.scalar(
            select(ReportingPeriod.id).where(
                ReportingPeriod.plan_id == plan.id, ReportingPeriod.label == label
            )
        )
        is not None
    ):
        raise InvalidSubmission("Kỳ báo cáo đã tồn tại (period exists)", {"label": ["Đã có kỳ báo cáo này."]})
    unit_ids = plans.assigned_unit_ids(session, plan.id)
    if not unit_ids:
        raise InvalidSubmission(
            "Kế hoạch chưa giao nhiệm vụ cho đơn vị nào (no assigned units)",
            {"plan_id": ["Chưa có đơn vị chủ trì."]},
        )
    period = ReportingPeriod(
        plan_id=plan.id,
        label=label,
        year=year,
        data_cutoff=data_cutoff,
        unit_deadline=unit_deadline,
        focal_deadline=focal_deadline,
        status="open",
        opened_by_id=audit.actor_id_of(actor),
        opened_at=at,
    )
    session.add(period)
    session.flush()
    shared = {
        "period_id": period.id,
        "plan_id": plan.id,
        "focal_unit_id": plan.focal_unit_id,
        "issuing_unit_id": plan.issuing_unit_id,
        "unit_deadline": unit_deadline.isoformat(),
        "focal_deadline": focal_deadline.isoformat(),
        "data_cutoff": data_cutoff.isoformat(),
    }
    parent_definition = definitions.find(session, PERIOD_PROCESS, None)
    parent = instances.start(
        session,
        runtime,
        parent_definition,
        {**shared, "unit_count": len(unit_ids)},
        business_key=f"period/{period.id}",
        parent_id=None,
        unit_id=plan.focal_unit_id,
        at=at,
        actor=actor,
    )
    period.instance_id = parent.id
    report_definition = definitions.find(session, REPORT_PROCESS, None)
    for unit_id in unit_ids:
        report = UnitReport(
            period_id=period.id,
            unit_id=unit_id,
            status="not_opened",
            body={},
            returned_count=0,
            escalation_count=0,
        )
        session.add(report)
        session.flush()
        started = instances.start(
            session,
            runtime,
            report_definition,
            {**shared, "report_id": report.id},
            business_key=f"period/{period.id}/unit/{unit_id}",
            parent_id=parent.id,
            unit_id=unit_id,
            at=at,
            actor=actor,
        )
        reports.link(session, report, started.id)
        instance = session.get(ProcessInstance, started.id)
        assert instance is not None  # noqa: S101 - just created
        reports.follow_instance(session, instance, at=at)
    audit.record(
        session,
        at=at,
        actor=actor,
        action="period.opened",
        object_type="period",
        object_id=period.id,
        details={
            "plan_id": plan.id,
            "label": label,
            "units": len(unit_ids),
            "unit_deadline": unit_deadline.isoformat(),
            "focal_deadline": focal_deadline.isoformat(),
        },
    )
    return to_info(period, len(unit_ids))


def get(session: Session, period_id: int) -> ReportingPeriod:
    """Return a period or raise ``NotFound``."""
    period = session.get(ReportingPeriod, period_id)
    if period is None:
        raise NotFound(f"Không tìm thấy kỳ báo cáo {period_id} (no such period)")
    return period


def to_info(period: ReportingPeriod, unit_count: int) -> PeriodInfo:
    """Turn a row into a result."""
    return PeriodInfo(
        id=period.id,
        plan_id=period.plan_id,
        label=period.label,
        year=period.year,
        data_cutoff=period.data_cutoff,
        unit_deadline=period.unit_deadline,
        focal_deadline=period.focal_deadline,
        status=period.status,
        instance_id=period.instance_id,
        unit_count=unit_count,
    )


def tracking_status(report: UnitReport, deadline_end: datetime, now: datetime) -> str:
    """Compute the DOMAIN.md status of a unit's report from dates and submissions."""
    if report.status in ("submitted", "accepted") and report.submitted_at is not None:
        return "completed_on_time" if report.submitted_at <= deadline_end else "completed_late"
    if now > deadline_end:
        return "overdue"
    if report.status == "returned":
        return "returned"
    if report.status == "drafting" and not report.body and report.returned_count == 0:
        return "not_started"
    if report.status == "not_opened":
        return "not_started"
    return "in_progress"


def deadline_end(day: date, zone: ZoneInfo) -> datetime:
    """Return the last moment of a deadline day in local time (the deadline day is inclusive)."""
    return datetime.combine(day, time(23, 59, 59), tzinfo=zone)


def board(session: Session, period: ReportingPeriod, *, now: datetime, zone: ZoneInfo) -> PeriodBoard:
    """Every unit's row in the period, with counts and shares."""
    rows = session.execute(
        select(UnitReport, Unit.name, ProcessInstance)
        .join(Unit, Unit.id == UnitReport.unit_id)
        .outerjoin(ProcessInstance, ProcessInstance.id == UnitReport.instance_id)
        .where(UnitReport.period_id == period.id)
    ).all()
    end = deadline_end(period.unit_deadline, zone)
    unit_rows = [
        to_unit_row(report, unit_name, instance, end=end, now=now) for report, unit_name, instance in rows
    ]
    unit_rows.sort(key=lambda r: vietnamese_sort_key(r.unit_name))
    tracking = Counter(r.tracking_status for r in unit_rows)
    total = len(unit_rows) or 1
    return PeriodBoard(
        period=to_info(period, len(unit_rows)),
        rows=tuple(unit_rows),
        tracking_counts={s: tracking.get(s, 0) for s in TRACKING_STATUSES},
        report_counts=dict(Counter(r.report_status for r in unit_rows)),
        share_on_time=tracking.get("completed_on_time", 0) / total,
        share_overdue=tracking.get("overdue", 0) / total,
    )


def to_unit_row(
    report: UnitReport, unit_name: str, instance: ProcessInstance | None, *, end: datetime, now: datetime
) -> UnitRow:
    """Build one unit's board row from its report and its instance's projected step."""
    return UnitRow(
        unit_id=report.unit_id,
        unit_name=unit_name,
        report_id=report.id,
        report_status=report.status,
        tracking_status=tracking_status(report, end, now),
        step=instance.current_step if instance else None,
        step_title=instance.current_step_title if instance else None,
        holder_unit_id=instance.step_unit_id if instance else None,
        holder_role=instance.step_role if instance else None,
        holder_user_id=instance.step_holder_id if instance else None,
        since=instance.step_since if instance else None,
        due_at=instance.step_due_at if instance else None,
        submitted_at=report.submitted_at,
        accepted_at=report.accepted_at,
        returned_count=report.returned_count,
        escalation_count=report.escalation_count,
        last_escalation=report.last_escalation,
        last_action=report.last_action,
        last_action_at=report.last_action_at,
    )
