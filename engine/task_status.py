"""The status of one plan task in one unit's report, from declared progress and dates.

DOMAIN.md's five statuses (plus paused and cancelled): a unit declares its progress on a task
(not started, in progress, completed on a date, paused, cancelled); the task's deadline for the
reporting year comes from its timeframe as written ("Thường xuyên", "Quý III-IV/2024", ...).
"""

from __future__ import annotations

from datetime import date

from engine.timeframes import parse_timeframe


def task_deadline(timeframe_text: str, year: int) -> date | None:
    """Return when a task is due for the reporting year, from its timeframe as written."""
    return parse_timeframe(timeframe_text).deadline_in(year)


def task_status(progress: str, completed_on: date | None, deadline: date | None, today: date) -> str:
    """Compute the status of a task from the unit's declared progress and the dates."""
    if progress == "completed":
        if deadline is None or completed_on is None or completed_on <= deadline:
            return "completed_on_time"
        return "completed_late"
    if progress in ("paused", "cancelled"):
        return progress
    if deadline is not None and today > deadline:
        return "overdue"
    return "in_progress" if progress == "in_progress" else "not_started"
