"""The append-only audit trail; rows are written in the same transaction as the change."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from engine.models import AuditEvent
from engine.results import Actor, AuditEntry, SystemActor


def actor_id_of(actor: Actor) -> int | None:
    """Return the user id of an actor (``None`` for the system)."""
    return None if isinstance(actor, SystemActor) else actor


def record(
    session: Session,
    *,
    at: datetime,
    actor: Actor,
    action: str,
    object_type: str,
    object_id: object,
    instance_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """Add one audit row to the session (the caller's transaction commits it)."""
    session.add(
        AuditEvent(
            at=at,
            actor_id=actor_id_of(actor),
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            instance_id=instance_id,
            details=details or {},
        )
    )


def to_entry(row: AuditEvent) -> AuditEntry:
    """Turn a row into a result."""
    return AuditEntry(
        id=row.id,
        at=row.at,
        actor_id=row.actor_id,
        action=row.action,
        object_type=row.object_type,
        object_id=row.object_id,
        instance_id=row.instance_id,
        details=dict(row.details),
    )
