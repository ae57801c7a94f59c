"""Read what a unit's report and a period's consolidated report print, from the database.

Helpers here take ``session`` and never commit; the door checks who may see the report first.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import reports
from engine.dashboard_results import ConsolidationView
from engine.documents import wording as w
from engine.documents.content import (
    Closing,
    ConsolidatedReportDocument,
    ReportTaskRow,
    TargetLine,
    TaskLine,
    UnitLine,
    UnitReportDocument,
    paragraphs,
)
from engine.documents.sources import (
    doc_code,
    header,
    local_day,
    place_of,
    plan_reference,
    signing_form,
    unit,
    user_name,
)
from engine.models import HumanTask, Plan, PlanTarget, ReportingPeriod, UnitReport

SENT = ("submitted", "accepted")
DONE = ("completed_on_time", "completed_late")


def _signed(session: Session, instance_id: int | None, step: str, action: str) -> HumanTask | None:
    """Return the latest completed ``step`` of an instance that ended with ``action``."""
    if instance_id is None:
        return None
    return session.scalars(
        select(HumanTask)
        .where(
            HumanTask.instance_id == instance_id,
            HumanTask.task_name == step,
            HumanTask.status == "completed",
            HumanTask.completed_action == action,
            HumanTask.completed_by_id.is_not(None),
        )
        .order_by(HumanTask.completed_at.desc(), HumanTask.id.desc())
    ).first()


def _period_name(period: ReportingPeriod) -> str:
    return f"kỳ báo cáo {w.first_lower(period.label)}"


def unit_report_document(
    session: Session,
    report: UnitReport,
    period: ReportingPeriod,
    plan: Plan,
    *,
    today: date,
    zone: ZoneInfo,
) -> UnitReportDocument:
    """Build a unit's report (BÁO CÁO) on the plan for the period, from what the unit submitted.

    Dated on the report date the unit gave, else the day it was sent; signed by the head who
    approved it; task statuses as they stood when it was sent. A report not yet sent is marked as
    a draft, with the day and month blank.
    """
    body: dict[str, Any] = dict(report.body)
    reporter = unit(session, report.unit_id)
    plan_issuer = unit(session, plan.issuing_unit_id)
    focal = unit(session, plan.focal_unit_id)
    reporter_name = w.full_name(reporter.name)
    is_sent = report.status in SENT
    dated = _day(body.get("report_date")) or (local_day(report.submitted_at, zone) if is_sent else None)
    # A sent report states its tasks as they stood when it was sent, whenever it is printed.
    as_of = (local_day(report.submitted_at, zone) if is_sent else None) or today
    short_ref = plan_reference(plan, plan_issuer)
    approval = _signed(session, report.instance_id, "head_review", "approve")
    form, title = (None, None)
    if approval is not None and approval.completed_by_id is not None:
        signed_on = local_day(approval.completed_at, zone) or today
        form, title = signing_form(session, approval.completed_by_id, reporter, signed_on)
    targets = {
        t.id: t
        for t in session.scalars(
            select(PlanTarget).where(PlanTarget.plan_id == plan.id).order_by(PlanTarget.position)
        )
    }
    target_rows = []
    for row in body.get("target_values") or []:
        target = targets.get(int(row.get("target_id", 0)))
        if target is not None and row.get("value") is not None:
            goal = w.quantity(target.value, target.unit)
            target_rows.append((target.description, goal, w.quantity(row["value"], target.unit)))
    funding = body.get("funding_estimate")
    funding_text = ""
    if funding not in (None, ""):
        amount = w.vn_number(funding) if isinstance(funding, int | float) else str(funding)
        funding_text = f"Dự kiến kinh phí thực hiện năm {period.year + 1}: {amount} đồng."
    return UnitReportDocument(
        header=header(
            session,
            reporter,
            number=w.number_line(None, "BC", doc_code(reporter)),
            dated=w.date_line(place_of(session, reporter, plan.place), dated, year=period.year),
            is_draft=not is_sent,
        ),
        title=f"Kết quả thực hiện {short_ref}, {_period_name(period)}",
        addressee=f"{w.full_name(focal.name)}.",
        intro=f"Thực hiện {plan_reference(plan, plan_issuer, with_title=True)}, {reporter_name} báo cáo kết "
        f"quả thực hiện {_period_name(period)} như sau:",
        summary=paragraphs(body.get("summary")),
        tasks=tuple(
            ReportTaskRow(
                number=index,
                content=str(row["content"]),
                timeframe=str(row["timeframe"]),
                progress=w.PROGRESS.get(str(row["progress"]), str(row["progress"])),
                status=w.TASK_STATUS.get(str(row["status"]), str(row["status"])),
                narrative=str(row.get("narrative") or ""),
                evidence=str(row.get("evidence") or ""),
            )
            for index, row in enumerate(reports.task_rows(session, report, today=as_of), start=1)
        ),
        targets=tuple(target_rows),
        other_tasks=tuple(
            (str(item.get("content", "")), str(item.get("result") or ""))
            for item in body.get("other_tasks") or []
            if item.get("content")
        ),
        difficulties=paragraphs(body.get("difficulties")),
        proposals=paragraphs(body.get("proposals")),
        funding=funding_text,
        ending=f"Trên đây là báo cáo kết quả thực hiện {short_ref}, {_period_name(period)} của "
        f"{reporter_name}./.",
        closing=Closing(
            recipients=w.recipient_lines(["Như trên"]),
            authority=w.signature_lines(form, reporter.level, title),
            signer_name=user_name(session, approval.completed_by_id) if approval is not None else None,
        ),
    )


def consolidated_document(
    session: Session,
    view: ConsolidationView,
    period: ReportingPeriod,
    plan: Plan,
    *,
    today: date,
    zone: ZoneInfo,
) -> ConsolidatedReportDocument:
    """Build the consolidated report (BÁO CÁO) of a period from its consolidated tables.

    Issued by the plan's issuing body, signed by the leader who signed it in the period's
    workflow (dated that day); before signing it is a draft with the day and month blank.
    """
    issuer = unit(session, plan.issuing_unit_id)
    focal = unit(session, plan.focal_unit_id)
    issuer_name = w.full_name(issuer.name)
    signed = _signed(session, period.instance_id, "sign_report", "sign")
    signed_on = local_day(signed.completed_at, zone) if signed is not None else None
    form, title, signer = None, None, None
    if signed is not None and signed.completed_by_id is not None:
        form, title = signing_form(session, signed.completed_by_id, issuer, signed_on or today)
        signer = user_name(session, signed.completed_by_id)
    parent_issuer = None
    if plan.parent_plan_id is not None:
        parent = session.get(Plan, plan.parent_plan_id)
        parent_issuer = unit(session, parent.issuing_unit_id) if parent is not None else None
    short_ref = plan_reference(plan, issuer)
    rows = [item.row for item in view.rows]
    total = len(rows)
    counts = view.tracking_counts
    sent = sum(1 for r in rows if r.report_status in SENT)
    accepted = sum(1 for r in rows if r.report_status == "accepted")
    statuses = {line.unit_id: line.statuses for line in view.matrix}
    as_of = view.consolidated_at.astimezone(zone).date() if view.consolidated_at else today

    def share(n: int) -> str:
        return w.percent(n / total) if total else "0%"

    figures = (
        f"- Tổng số cơ quan, đơn vị phải báo cáo: {total}; hạn gửi báo cáo: ngày "
        f"{w.short_date(period.unit_deadline)}; số liệu tính đến ngày {w.short_date(as_of)}"
        f"{'' if view.is_final else ' (chưa tổng hợp chính thức)'}.",
        f"- Đã gửi báo cáo: {sent} đơn vị ({share(sent)}), trong đó đã tiếp nhận {accepted} đơn vị.",
        f"- Hoàn thành đúng hạn: {counts.get('completed_on_time', 0)} đơn vị "
        f"({share(counts.get('completed_on_time', 0))}); hoàn thành quá hạn: "
        f"{counts.get('completed_late', 0)} đơn vị; chưa hoàn thành, quá hạn: {counts.get('overdue', 0)} "
        f"đơn vị ({share(counts.get('overdue', 0))}); đang thực hiện, trong hạn: "
        f"{counts.get('in_progress', 0)} đơn vị; bị trả lại: {counts.get('returned', 0)} đơn vị; chưa thực "
        f"hiện: {counts.get('not_started', 0)} đơn vị.",
    )
    recipients = [
        *(["Như trên"] if parent_issuer is not None else []),
        w.full_name(focal.name),
        f"Lưu: VT, {doc_code(focal)}".rstrip(", "),
    ]
    return ConsolidatedReportDocument(
        header=header(
            session,
            issuer,
            number=w.number_line(None, "BC", doc_code(issuer)),
            dated=w.date_line(plan.place, signed_on, year=period.year),
            is_draft=signed is None,
        ),
        title=f"Kết quả thực hiện {short_ref}, {_period_name(period)}",
        addressee=f"{w.full_name(parent_issuer.name)}." if parent_issuer is not None else None,
        intro=f"Thực hiện {plan_reference(plan, issuer, with_title=True)}, trên cơ sở báo cáo của các cơ "
        f"quan, đơn vị, {issuer_name} báo cáo kết quả thực hiện {_period_name(period)} như sau:",
        figures=figures,
        missing_units=tuple(view.missing_units),
        late_units=tuple(view.late_units),
        narrative=paragraphs(view.narrative)
        or ("Đơn vị đầu mối chưa có đánh giá chung cho kỳ báo cáo này.",),
        proposals=paragraphs(view.proposals),
        ending=f"Trên đây là báo cáo kết quả thực hiện {short_ref}, {_period_name(period)} của "
        f"{issuer_name}./.",
        closing=Closing(
            recipients=w.recipient_lines(recipients),
            authority=w.signature_lines(form, issuer.level, title),
            signer_name=signer,
        ),
        units=tuple(
            UnitLine(
                number=index,
                name=r.unit_name,
                report_status=w.REPORT_STATUS.get(r.report_status, r.report_status),
                tracking_status=w.TRACKING.get(r.tracking_status, r.tracking_status),
                submitted=w.short_date(local_day(r.submitted_at, zone)),
                accepted=w.short_date(local_day(r.accepted_at, zone)),
                tasks_done=_done_share(statuses.get(r.unit_id, ())),
            )
            for index, r in enumerate(rows, start=1)
        ),
        tasks=tuple(
            TaskLine(
                number=index,
                content=t.content,
                lead_units=t.lead_units,
                declared=t.declared,
                on_time=t.statuses.get("completed_on_time", 0),
                late=t.statuses.get("completed_late", 0),
                in_progress=t.statuses.get("in_progress", 0),
                overdue=t.statuses.get("overdue", 0),
                share=w.percent(t.share_completed),
            )
            for index, t in enumerate(view.tasks, start=1)
        ),
        targets=tuple(
            TargetLine(
                description=t.description,
                goal=w.quantity(t.goal, t.unit),
                reported=t.reported,
                total=w.vn_number(t.total),
                lowest=w.vn_number(t.lowest),
                highest=w.vn_number(t.highest),
                mean=w.vn_number(t.mean),
            )
            for t in view.targets
        ),
        appendix_note=f"(Kèm theo Báo cáo số {w.symbol_of(None, 'BC', doc_code(issuer))} của {issuer_name})",
        is_final=view.is_final,
    )


def _done_share(statuses: tuple[str | None, ...]) -> str:
    declared = [s for s in statuses if s is not None]
    if not declared:
        return ""
    return f"{sum(1 for s in declared if s in DONE)}/{len(declared)}"


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None
