"""Firing due timers exactly once, however many sweepers run."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import instances
from engine.models import Timer
from engine.results import SYSTEM, TimerFiring
from engine.spiff import ProcessRuntime


def due_timer_ids(session: Session, now: datetime, limit: int) -> Sequence[int]:
    """Return the ids of timers due by ``now``, earliest first."""
    return session.scalars(
        select(Timer.id).where(Timer.due_at <= now).order_by(Timer.due_at, Timer.id).limit(limit)
    ).all()


def fire_one(
    session: Session, runtime: ProcessRuntime, timer_id: int, now: datetime, *, skip_locked: bool
) -> list[TimerFiring] | None:
    """Claim one due timer and advance its instance; ``None`` when another sweeper has it.

    On PostgreSQL the timer row and then the instance row are taken with ``SKIP LOCKED``: never
    wait, because a user advancing the instance holds its lock and may be about to delete this
    timer row; a skipped timer is retried by the next sweep. Firing deletes or moves the timer
    row in this same transaction, so each due occurrence fires once. The advance fires every
    timer of the instance that is due, so the result lists each occurrence (each also audited
    as ``timer.fired`` by ``instances.settle``).
    """
    query = select(Timer).where(Timer.id == timer_id, Timer.due_at <= now)
    if skip_locked:
        query = query.with_for_update(skip_locked=True)
    timer = session.scalars(query).first()
    if timer is None:
        return None
    instance = instances.lock(session, timer.instance_id, skip_locked=skip_locked)
    if instance is None:
        return None
    snapshot = runtime.fire_timers(instances.stored(session, instance), now)
    instances.settle(session, runtime, instance, snapshot, at=now, actor=SYSTEM)
    return [
        TimerFiring(
            timer_id=timer_id,
            instance_id=instance.id,
            task_name=fired.name,
            due_at=fired.due_at,
            fired_at=now,
            late_by_s=fired.late_by_s(now),
        )
        for fired in snapshot.fired_timers
    ]
