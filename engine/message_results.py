"""Frozen results of the messaging methods: notifications, mail settings, the outbox, mail sweeps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class NotificationInfo:
    """One in-app notification of the actor; ``link`` is an in-app path."""

    id: int
    kind: str
    title: str
    body: str
    link: str
    created_at: datetime
    read_at: datetime | None
    instance_id: int | None = None
    unit_report_id: int | None = None


@dataclass(frozen=True)
class MailSettingsInfo:
    """Where and how a user receives mail: ``mail_mode`` is ``immediate``, ``digest`` or ``none``."""

    user_id: int
    email: str | None
    mail_mode: str


@dataclass(frozen=True)
class OutboxInfo:
    """One mail of the outbox as administrators see it (without its body)."""

    id: int
    message_id: str
    user_id: int | None
    notification_id: int | None
    to_address: str
    subject: str
    status: str
    attempts: int
    next_attempt_at: datetime
    created_at: datetime
    sent_at: datetime | None
    last_error: str | None


@dataclass(frozen=True)
class MailSweep:
    """What one ``send_due_mail`` call did with the mail it claimed.

    ``sent``: the server accepted it. ``retried``: refused for now or unreachable, queued again
    with a backoff. ``failed``: refused for good or out of attempts. ``unconfirmed``: the
    connection dropped after the message was complete, so it may have arrived; it is never sent
    again. ``skipped``: another sender took it over after this one's lease ran out.
    """

    sent: int = 0
    retried: int = 0
    failed: int = 0
    unconfirmed: int = 0
    skipped: int = 0
