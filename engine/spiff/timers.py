"""Timer event definitions that use the engine's clock and accept ISO 8601 literals.

Other modelers write bare ISO 8601 (``P7D``, ``R6/P1D``, ``2024-11-25T17:00:00+07:00``) where
SpiffWorkflow expects a Python expression; both are accepted. An expression may also yield a
``datetime`` or ``timedelta`` directly.

Cycles: ``R[n]/duration`` (every duration from when the event starts waiting),
``R[n]/start/duration`` (from a start date-time), ``R[n]/duration/end`` (every duration from
now, none after ``end``, as Activiti, Flowable and Camunda write a cycle with an end) and
``R[n]/start/end`` (the interval between the two, repeated). ``R`` without a count repeats
until the end, if any; ``R0`` never fires.

Every occurrence that fires during an advance is recorded (``recording_firings``), so the
engine can audit each one, wherever the advance happened.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimeDateEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.util.task import TaskState

from engine.spiff.clock import now

_ISO_DURATION = re.compile(
    r"^-?P(?!$)(\d+(?:[.,]\d+)?Y)?(\d+(?:[.,]\d+)?M)?(\d+(?:[.,]\d+)?W)?(\d+(?:[.,]\d+)?D)?"
    r"(T(?=\d)(\d+(?:[.,]\d+)?H)?(\d+(?:[.,]\d+)?M)?(\d+(?:[.,]\d+)?S)?)?$"
)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$")
_ISO_CYCLE = re.compile(r"^R\d*/")


@dataclass(frozen=True)
class FiredTimer:
    """One occurrence of a timer that fired during an advance."""

    spiff_task_id: str
    name: str
    due_at: datetime

    def late_by_s(self, at: datetime) -> float:
        """Return how many seconds after its due time the occurrence fired at ``at``."""
        return max(0.0, (at - self.due_at).total_seconds())


_fired: ContextVar[list[FiredTimer] | None] = ContextVar("plancycle_fired_timers", default=None)


@contextmanager
def recording_firings() -> Iterator[list[FiredTimer]]:
    """Collect the timer occurrences that fire within the block."""
    collected: list[FiredTimer] = []
    token = _fired.set(collected)
    try:
        yield collected
    finally:
        _fired.reset(token)


def _record_firing(my_task: Any, due: datetime) -> None:
    collected = _fired.get()
    if collected is not None:
        spec = my_task.task_spec
        collected.append(FiredTimer(str(my_task.id), spec.bpmn_id or spec.name, due))


def is_iso_literal(text: str) -> bool:
    """Tell whether a timer text is a bare ISO 8601 value rather than an expression."""
    value = text.strip()
    return bool(_ISO_DURATION.match(value) or _ISO_DATE.match(value) or _ISO_CYCLE.match(value))


def literal_problem(text: str) -> str | None:
    """Return why a bare ISO 8601 timer value cannot be read, or None when it can (or is no literal)."""
    value = text.strip()
    if not is_iso_literal(value):
        return None
    try:
        if _ISO_CYCLE.match(value):
            parts = value.upper()[1:].split("/")
            if parts[0] and not parts[0].isdigit():
                raise ValueError(value)
            if len(parts) not in (2, 3) or (len(parts) == 2 and not parts[1].startswith("P")):
                raise ValueError(value)
            for part in parts[1:]:
                _literal_part(part)
        else:
            _literal_part(value)
    except (ValueError, TypeError, OverflowError, KeyError):
        return f"Giá trị ISO 8601 không đọc được (unreadable ISO 8601 value): {value}"
    return None


def _literal_part(part: str) -> None:
    if part.upper().startswith(("P", "-P")):
        TimerEventDefinition.parse_iso_duration(part)
    else:
        _parse_moment(part)


def _value_of(my_task: Any, expression: str) -> Any:
    text = (expression or "").strip()
    if is_iso_literal(text):
        return text
    return my_task.workflow.script_engine.evaluate(my_task, text)


def _parse_moment(value: Any) -> datetime:
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        return moment.astimezone(UTC)
    text = str(value).strip().replace("Z", "+00:00")
    moment = datetime.fromisoformat(text)
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


def _duration_from(value: Any, start: datetime) -> timedelta:
    if isinstance(value, timedelta):
        return value
    parsed = TimerEventDefinition.parse_iso_duration(str(value).strip())
    delta: timedelta = TimerEventDefinition.get_timedelta_from_start(parsed, start)
    return delta


def _fire_once(my_task: Any, due: datetime) -> bool:
    """Mark a one-off timer fired when ``due`` has passed, recording the moment it first does."""
    if my_task._get_internal_data("event_fired", False):
        return True
    if due <= now():
        my_task._set_internal_data(event_fired=True)
        _record_firing(my_task, due)
        return True
    return False


class ClockTimeDateEventDefinition(TimeDateEventDefinition):
    """A timer that fires at a date-time."""

    def has_fired(self, my_task: Any) -> bool:
        """Fix the due time on first call; report whether it has passed on the engine's clock."""
        event_value = my_task._get_internal_data("event_value")
        if event_value is None:
            event_value = _parse_moment(_value_of(my_task, self.expression)).isoformat()
            my_task._set_internal_data(event_value=event_value)
        return _fire_once(my_task, _parse_moment(event_value))


class ClockDurationTimerEventDefinition(DurationTimerEventDefinition):
    """A timer that fires a duration after the event starts waiting."""

    def has_fired(self, my_task: Any) -> bool:
        """Fix the due time on first call; report whether it has passed on the engine's clock."""
        event_value = my_task._get_internal_data("event_value")
        if event_value is None:
            start = now()
            event_value = (start + _duration_from(_value_of(my_task, self.expression), start)).isoformat()
            my_task._set_internal_data(event_value=event_value)
        return _fire_once(my_task, _parse_moment(event_value))


class ClockCycleTimerEventDefinition(CycleTimerEventDefinition):
    """A repeating timer (``R3/P1D``); each due occurrence fires once."""

    def cycle_complete(self, my_task: Any) -> bool:
        """Return True when the next occurrence is due (and move to the one after)."""
        event_value = my_task._get_internal_data("event_value")
        if event_value is None:
            event_value = self._first_event_value(my_task)
        if not _occurrences_left(event_value):
            my_task.internal_data.pop("event_value", None)
            my_task.internal_data["event_fired"] = True
            return False
        ready = False
        next_event = _parse_moment(event_value["next"])
        if next_event <= now():
            event_value["next"] = (next_event + timedelta(seconds=event_value["duration"])).isoformat()
            event_value["cycles"] -= 1
            _record_firing(my_task, next_event)
            ready = True
        my_task._set_internal_data(event_value=event_value)
        return ready

    def _first_event_value(self, my_task: Any) -> dict[str, Any]:
        text = str(_value_of(my_task, self.expression)).strip()
        parts = text.upper().lstrip("R").split("/")
        try:
            cycles = int(parts[0]) if parts[0] else -1
            start, end = now(), None
            if len(parts) == 2:  # R/duration
                duration = _duration_from(parts[1], start)
                first = start + duration
            elif len(parts) == 3 and parts[1].startswith("P"):  # R/duration/end
                duration = _duration_from(parts[1], start)
                first, end = start + duration, _parse_moment(parts[2])
            elif len(parts) == 3 and parts[2].startswith("P"):  # R/start/duration
                first = _parse_moment(parts[1])
                duration = _duration_from(parts[2], first)
            elif len(parts) == 3:  # R/start/end
                first = _parse_moment(parts[1])
                duration = _parse_moment(parts[2]) - first
            else:
                raise ValueError(text)
        except ValueError as exc:
            raise ValueError(f"Chu kỳ hẹn giờ không hợp lệ (invalid timer cycle): {text}") from exc
        if duration <= timedelta(0):
            raise ValueError(
                f"Chu kỳ hẹn giờ phải có độ dài dương (a timer cycle needs a positive length): {text}"
            )
        return {
            "cycles": cycles,
            "next": first.isoformat(),
            "duration": duration.total_seconds(),
            "end": end.isoformat() if end is not None else None,
        }

    def update_task(self, my_task: Any) -> None:
        """Start the outgoing path once for each due occurrence."""
        if self.cycle_complete(my_task):
            for output in my_task.task_spec.outputs:
                child = my_task._add_child(output, TaskState.FUTURE)
                child.task_spec._predict(child, mask=TaskState.NOT_FINISHED_MASK)
                child.task_spec._update(child)


def next_due(task_spec_event: Any, internal_data: dict[str, Any]) -> datetime | None:
    """Return when a waiting timer task is next due, from its internal data."""
    value = internal_data.get("event_value")
    if value is None:
        return None
    if isinstance(value, dict):
        return _parse_moment(value["next"]) if _occurrences_left(value) else None
    return _parse_moment(value)


def _occurrences_left(event_value: dict[str, Any]) -> bool:
    """Tell whether a cycle has an occurrence to come: count not spent, next one not past its end."""
    if event_value.get("cycles", 0) == 0:
        return False
    end = event_value.get("end")
    return end is None or _parse_moment(event_value["next"]) <= _parse_moment(end)


TIMER_CLASSES = {
    TimeDateEventDefinition: ClockTimeDateEventDefinition,
    DurationTimerEventDefinition: ClockDurationTimerEventDefinition,
    CycleTimerEventDefinition: ClockCycleTimerEventDefinition,
}
