"""Reporting periods, each unit's report in a period, and the escalations that fired."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base, UTCDateTime


class ReportingPeriod(Base):
    """One cycle of reporting on a plan; the dates are data, never BPMN."""

    __tablename__ = "reporting_period"
    __table_args__ = (UniqueConstraint("plan_id", "label"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), index=True)
    label: Mapped[str] = mapped_column(String(100))
    year: Mapped[int] = mapped_column(Integer)
    data_cutoff: Mapped[date] = mapped_column(Date)
    unit_deadline: Mapped[date] = mapped_column(Date)
    focal_deadline: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20))
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"))
    consolidation: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class UnitReport(Base):
    """A unit's report in a period: its own small workflow instance and its content."""

    __tablename__ = "unit_report"
    __table_args__ = (
        UniqueConstraint("period_id", "unit_id"),
        Index("ix_unit_report_period_status", "period_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("reporting_period.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"), unique=True)
    status: Mapped[str] = mapped_column(String(20))
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    returned_count: Mapped[int] = mapped_column(Integer, default=0)
    escalation_count: Mapped[int] = mapped_column(Integer, default=0)
    last_escalation: Mapped[str | None] = mapped_column(String(40))
    last_action: Mapped[str | None] = mapped_column(String(60))
    last_action_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    source_period_id: Mapped[int | None] = mapped_column(ForeignKey("reporting_period.id"))


class Escalation(Base):
    """One fired step of the chase ladder (or a manual "remind now")."""

    __tablename__ = "escalation"
    __table_args__ = (Index("ix_escalation_report", "unit_report_id", "fired_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_report_id: Mapped[int] = mapped_column(ForeignKey("unit_report.id"))
    action: Mapped[str] = mapped_column(String(40))
    fired_at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
