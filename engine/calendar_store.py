"""Days administrators declare on the working-day calendar, and loading the calendar."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit
from engine.models import WorkCalendarDay
from engine.results import Actor
from engine.working_days import WorkCalendar


def declare(session: Session, *, day: date, is_working: bool, name: str, at: datetime, actor: Actor) -> None:
    """Declare ``day`` a day off or a make-up working day (replacing an earlier declaration)."""
    row = session.scalars(select(WorkCalendarDay).where(WorkCalendarDay.day == day)).first()
    if row is None:
        row = WorkCalendarDay(day=day, is_working=is_working, name=name.strip())
        session.add(row)
    else:
        row.is_working = is_working
        row.name = name.strip()
    audit.record(
        session,
        at=at,
        actor=actor,
        action="calendar.declared",
        object_type="calendar_day",
        object_id=day.isoformat(),
        details={"is_working": is_working, "name": name.strip()},
    )


def load(session: Session) -> WorkCalendar:
    """Load the calendar: public holidays plus every declared day."""
    rows = session.scalars(select(WorkCalendarDay)).all()
    return WorkCalendar(
        days_off=frozenset(r.day for r in rows if not r.is_working),
        make_up_days=frozenset(r.day for r in rows if r.is_working),
        day_names={r.day: r.name for r in rows},
    )
