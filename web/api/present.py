"""The engine's frozen results as JSON objects, field by field, as ``web/api/openapi.py`` describes them.

Each function names its fields explicitly (rather than dumping the dataclass), so a field added to
an engine result does not silently become part of the API's contract. Timestamps are ISO 8601 with
their offset (UTC), days are ``YYYY-MM-DD``, and decimal amounts are strings, so no precision is lost.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from engine import HistoryEntry, HumanTaskInfo, InstanceInfo, SubmitResult
from engine.dashboard_results import PeriodSummary
from engine.inbox_results import InboxRow
from engine.plan_page_results import PlanPage, PlanSummary
from engine.plan_results import PeriodBoard, PeriodInfo, PlanInfo, PlanTaskInfo, UnitRow
from forms import FormDefinition


def plain(value: Any) -> Any:
    """Return ``value`` with dates, decimals and tuples turned into what JSON holds."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(v) for v in value]
    return value


def moment(value: datetime | date | None) -> str | None:
    """Return an ISO 8601 timestamp or day, or ``None``."""
    return value.isoformat() if value is not None else None


def task(info: HumanTaskInfo) -> dict[str, Any]:
    """Describe one human task."""
    return {
        "id": info.id,
        "instance_id": info.instance_id,
        "process_key": info.process_key,
        "task_name": info.task_name,
        "title": info.title,
        "form_key": info.form_key,
        "unit_id": info.unit_id,
        "role": info.role,
        "assignee_id": info.assignee_id,
        "claimed_by_id": info.claimed_by_id,
        "actions": list(info.actions),
        "due_at": moment(info.due_at),
        "status": info.status,
        "version": info.version,
        "created_at": moment(info.created_at),
        "completed_at": moment(info.completed_at),
        "completed_action": info.completed_action,
    }


def inbox_item(row: InboxRow) -> dict[str, Any]:
    """Describe one item of an inbox view, with the plan, period and unit it belongs to."""
    return {
        "id": row.task_id,
        "title": row.title,
        "task_name": row.task_name,
        "status": row.status,
        "plan_id": row.plan_id,
        "plan_number": row.plan_number,
        "plan_symbol": row.plan_symbol,
        "plan_title": row.plan_title,
        "period_id": row.period_id,
        "period_label": row.period_label,
        "unit_id": row.unit_id,
        "unit_name": row.unit_name,
        "role": row.role,
        "due_at": moment(row.due_at),
        "deadline_status": row.deadline_status,
        "sent_by_name": row.sent_by_name,
        "assignee_id": row.assignee_id,
        "claimed_by_id": row.claimed_by_id,
        "claimed_by_name": row.claimed_by_name,
        "actions": list(row.actions),
        "may_claim": row.may_claim,
        "may_release": row.may_release,
        "version": row.version,
        "created_at": moment(row.created_at),
        "completed_at": moment(row.completed_at),
        "completed_action": row.completed_action,
    }


def form(definition: FormDefinition) -> dict[str, Any]:
    """Summarise a form: its title and each top-level field's name, label, type and whether required."""
    return {
        "key": definition.key,
        "title": definition.title,
        "title_en": definition.title_en,
        "fields": [
            {
                "name": f.name,
                "label": f.label,
                "label_en": f.label_en,
                "type": f.type,
                "widget": f.widget,
                "required": f.required,
                "choices": [{"value": value, "label": label} for value, label in f.choices],
                "help": f.help,
            }
            for f in definition.fields
        ],
    }


def history(entry: HistoryEntry) -> dict[str, Any]:
    """Describe one step of an item's history."""
    return {
        "at": moment(entry.at),
        "actor_name": entry.actor_name,
        "action": entry.action,
        "details": plain(entry.details),
    }


def instance(info: InstanceInfo) -> dict[str, Any]:
    """Describe a process instance as a task's submitter sees it."""
    return {
        "id": info.id,
        "process_key": info.process_key,
        "business_key": info.business_key,
        "status": info.status,
        "version": info.version,
        "started_at": moment(info.started_at),
        "completed_at": moment(info.completed_at),
        "open_task_ids": list(info.open_task_ids),
    }


def submit_result(result: SubmitResult) -> dict[str, Any]:
    """Describe the outcome of submitting or returning a task."""
    return {
        "task": task(result.task),
        "instance": instance(result.instance),
        "next_tasks": [task(t) for t in result.next_tasks],
        "was_repeat": result.was_repeat,
    }


def _plan_task(info: PlanTaskInfo) -> dict[str, Any]:
    return {
        "id": info.id,
        "section_code": info.section_code,
        "code": info.code,
        "content": info.content,
        "timeframe_text": info.timeframe_text,
        "timeframe": plain(info.timeframe),
        "lead": [{"name": name, "scope_note": note} for name, note in info.lead],
        "coordinating": [{"name": name, "scope_note": note} for name, note in info.coordinating],
        "expected_result": info.expected_result,
        "indicator": info.indicator,
    }


def plan_summary(info: PlanSummary) -> dict[str, Any]:
    """Describe one line of the plan list."""
    return {
        "id": info.id,
        "title": info.title,
        "year": info.year,
        "status": info.status,
        "number": info.number,
        "symbol": info.symbol,
        "issuing_unit_id": info.issuing_unit_id,
        "issuing_unit_name": info.issuing_unit_name,
        "focal_unit_id": info.focal_unit_id,
        "focal_unit_name": info.focal_unit_name,
        "issued_on": moment(info.issued_on),
        "parent_plan_id": info.parent_plan_id,
        "updated_at": moment(info.updated_at),
    }


def plan(page: PlanPage) -> dict[str, Any]:
    """Describe a plan with its task table, targets, assigned units and reporting periods."""
    info: PlanInfo = page.plan
    return {
        "id": info.id,
        "title": info.title,
        "year": info.year,
        "status": info.status,
        "summary": page.summary,
        "issuing_unit_id": info.issuing_unit_id,
        "issuing_unit_name": page.issuing_unit_name,
        "focal_unit_id": info.focal_unit_id,
        "focal_unit_name": page.focal_unit_name,
        "parent_plan_id": info.parent_plan_id,
        "number": info.number,
        "symbol": info.symbol,
        "place": info.place,
        "issued_on": moment(info.issued_on),
        "authority_form": info.authority_form,
        "signer_id": info.signer_id,
        "signer_name": page.signer_name,
        "signer_title": page.signer_title,
        "legal_bases": list(info.legal_bases),
        "recipients": list(info.recipients),
        "tasks": [_plan_task(t) for t in info.tasks],
        "targets": [
            {"description": d, "value": str(value), "unit": unit, "milestone": moment(milestone)}
            for d, value, unit, milestone in info.targets
        ],
        "assigned_unit_ids": list(info.assigned_unit_ids),
        "periods": [period(p) for p in page.periods],
    }


def period(info: PeriodInfo) -> dict[str, Any]:
    """Describe a reporting period."""
    return {
        "id": info.id,
        "plan_id": info.plan_id,
        "label": info.label,
        "year": info.year,
        "data_cutoff": moment(info.data_cutoff),
        "unit_deadline": moment(info.unit_deadline),
        "focal_deadline": moment(info.focal_deadline),
        "status": info.status,
        "unit_count": info.unit_count,
    }


def period_summary(info: PeriodSummary) -> dict[str, Any]:
    """Describe a period as listed, with its plan and the progress over the units the caller sees."""
    return {
        "id": info.id,
        "plan_id": info.plan_id,
        "plan_title": info.plan_title,
        "plan_symbol": info.plan_symbol,
        "issuing_unit_name": info.issuing_unit_name,
        "focal_unit_name": info.focal_unit_name,
        "label": info.label,
        "year": info.year,
        "unit_deadline": moment(info.unit_deadline),
        "focal_deadline": moment(info.focal_deadline),
        "status": info.status,
        "unit_count": info.unit_count,
        "accepted_count": info.accepted_count,
        "submitted_count": info.submitted_count,
        "overdue_count": info.overdue_count,
        "sees_all": info.sees_all,
        "own_unit_ids": list(info.own_unit_ids),
    }


def board(info: PeriodBoard) -> dict[str, Any]:
    """Describe a period's board: the period, counts per status and the shares on time and overdue."""
    return {
        "period": period(info.period),
        "tracking_counts": dict(info.tracking_counts),
        "report_counts": dict(info.report_counts),
        "share_on_time": info.share_on_time,
        "share_overdue": info.share_overdue,
    }


def unit_row(row: UnitRow) -> dict[str, Any]:
    """Describe where one unit's report stands: its step, who holds it, since when, until when."""
    return {
        "unit_id": row.unit_id,
        "unit_name": row.unit_name,
        "report_id": row.report_id,
        "status": row.tracking_status,
        "report_status": row.report_status,
        "step": row.step,
        "step_title": row.step_title,
        "holder": {"unit_id": row.holder_unit_id, "role": row.holder_role, "user_id": row.holder_user_id},
        "since": moment(row.since),
        "deadline": moment(row.due_at),
        "submitted_at": moment(row.submitted_at),
        "accepted_at": moment(row.accepted_at),
        "returned_count": row.returned_count,
        "escalation_count": row.escalation_count,
        "last_escalation": row.last_escalation,
        "last_action": row.last_action,
        "last_action_at": moment(row.last_action_at),
    }


def unit_report(period_id: int, unit_id: int, report: Mapping[str, Any]) -> dict[str, Any]:
    """Describe a unit's report: its status, body, submission time and the declared task results."""
    return {
        "period_id": period_id,
        "unit_id": unit_id,
        "status": report["status"],
        "submitted_at": moment(report.get("submitted_at")),
        "body": plain(report.get("body") or {}),
        "tasks": plain(report.get("tasks") or []),
    }
