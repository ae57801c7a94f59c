"""Deadline functions BPMN expressions may call, counted on the working-day calendar.

Timer and due-date expressions in our processes say things like
``working_days_before(unit_deadline, 3)``: the dates are process data (set when a period
opens), the offsets are in the diagram where administrators can change them, and the calendar
(public holidays plus days administrators declared) is the engine's. Each returns an ISO 8601
date-time at the start of the working day (08:00) in the configured time zone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from engine.working_days import WorkCalendar

WORKDAY_START = time(8, 0)
WORKDAY_END = time(17, 0)


@dataclass(frozen=True)
class DeadlineContext:
    """What the functions need: a way to get the calendar, and the local time zone."""

    calendar: Callable[[], WorkCalendar]
    zone: ZoneInfo


_context: ContextVar[DeadlineContext | None] = ContextVar("plancycle_deadline_context", default=None)


@contextmanager
def deadlines_using(context: DeadlineContext) -> Iterator[None]:
    """Make ``context`` the calendar and zone for deadline functions within the block."""
    token = _context.set(context)
    try:
        yield
    finally:
        _context.reset(token)


def _current() -> DeadlineContext:
    context = _context.get()
    if context is None:
        return DeadlineContext(calendar=WorkCalendar, zone=ZoneInfo("Asia/Ho_Chi_Minh"))
    return context


def current_calendar() -> WorkCalendar:
    """Return the working-day calendar of the current unit of work (loaded once, on first use)."""
    return _current().calendar()


def local_zone() -> ZoneInfo:
    """Return the engine's time zone (Asia/Ho_Chi_Minh by default)."""
    return _current().zone


def local_date(moment: datetime) -> date:
    """Return the calendar date of ``moment`` in the engine's time zone."""
    return moment.astimezone(_current().zone).date()


def _as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.astimezone(_current().zone).date() if value.tzinfo else value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if "T" in text or " " in text:
        return _as_date(datetime.fromisoformat(text.replace("Z", "+00:00")))
    return date.fromisoformat(text)


def _at(day: date, moment: time) -> str:
    return datetime.combine(day, moment, tzinfo=_current().zone).isoformat()


def working_days_after(day: Any, count: int) -> str:
    """Start of the ``count``-th working day after ``day``."""
    return _at(_current().calendar().add_working_days(_as_date(day), int(count)), WORKDAY_START)


def working_days_before(day: Any, count: int) -> str:
    """Start of the ``count``-th working day before ``day``."""
    return _at(_current().calendar().add_working_days(_as_date(day), -int(count)), WORKDAY_START)


def start_of_day(day: Any) -> str:
    """Start of ``day``'s working hours, moved to the next working day if ``day`` is off."""
    return _at(_current().calendar().roll_forward(_as_date(day)), WORKDAY_START)


def end_of_day(day: Any) -> str:
    """End of ``day``'s working hours (17:00), moved to the next working day if ``day`` is off."""
    return _at(_current().calendar().roll_forward(_as_date(day)), WORKDAY_END)


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "working_days_after": working_days_after,
    "working_days_before": working_days_before,
    "start_of_day": start_of_day,
    "end_of_day": end_of_day,
}
