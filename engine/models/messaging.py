"""Tables for what PlanCycle sends and runs in the background: notifications, mail, documents, jobs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base, UTCDateTime


class Notification(Base):
    """One in-app message for one user; e-mail copies go through ``mail_outbox``."""

    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_user_unread", "user_id", "read_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    link: Mapped[str] = mapped_column(String(300))
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"))
    unit_report_id: Mapped[int | None] = mapped_column(ForeignKey("unit_report.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Set when the notification went into a daily digest (digest users only).
    digested_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class MailOutbox(Base):
    """A mail to send; written in the transaction that decided to send it.

    ``status``: ``queued`` → ``sending`` (a sender holds it until ``lease_until``) → ``sent``;
    ``failed`` after the last attempt or a permanent refusal. See ``engine.mail`` for why a
    message is never sent twice.
    """

    __tablename__ = "mail_outbox"
    __table_args__ = (Index("ix_mail_outbox_due", "status", "next_attempt_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    notification_id: Mapped[int | None] = mapped_column(ForeignKey("notification.id"))
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)


class OfficialDocument(Base):
    """A document PlanCycle produced (for now: official reminder letters); its PDF comes later."""

    __tablename__ = "official_document"
    __table_args__ = (Index("ix_official_document_report", "unit_report_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    issuing_unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    recipient_unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    period_id: Mapped[int | None] = mapped_column(ForeignKey("reporting_period.id"))
    unit_report_id: Mapped[int | None] = mapped_column(ForeignKey("unit_report.id"))
    title: Mapped[str] = mapped_column(String(500))
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    file_path: Mapped[str | None] = mapped_column(String(500))


class Job(Base):
    """Heavy work run off the request: by a thread in embedded mode, by a worker in distributed mode."""

    __tablename__ = "job"
    __table_args__ = (Index("ix_job_status", "status", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    args: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20))  # queued, running, done, failed
    progress: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str] = mapped_column(String(300), default="")
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
