"""The engine's clock as seen from inside SpiffWorkflow.

SpiffWorkflow's timer events read ``datetime.now()`` directly. The runner sets the engine's
clock here for the duration of each advance, and our timer event definitions read it, so a
sweeper and a test that jumps time see the same "now".
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

_current: ContextVar[datetime | None] = ContextVar("plancycle_spiff_now", default=None)


def now() -> datetime:
    """Return the time the current advance runs at (the real time outside an advance)."""
    moment = _current.get()
    return moment if moment is not None else datetime.now(UTC)


@contextmanager
def running_at(moment: datetime) -> Iterator[None]:
    """Make ``moment`` the current time for SpiffWorkflow within the block."""
    token = _current.set(moment.astimezone(UTC))
    try:
        yield
    finally:
        _current.reset(token)
