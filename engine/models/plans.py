"""Plans (kế hoạch): the document, its sections, tasks, units per task, and targets."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base, UTCDateTime


class Plan(Base):
    """An implementation plan; ``number``/``symbol`` are given when it is issued."""

    __tablename__ = "plan"
    __table_args__ = (
        UniqueConstraint("issuing_unit_id", "doc_type", "year", "number"),
        Index("ix_plan_parent", "parent_plan_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    issuing_unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    focal_unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    parent_plan_id: Mapped[int | None] = mapped_column(ForeignKey("plan.id"))
    doc_type: Mapped[str] = mapped_column(String(10), default="KH")
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int | None] = mapped_column(Integer)
    symbol: Mapped[str | None] = mapped_column(String(60))
    place: Mapped[str] = mapped_column(String(100))
    issued_on: Mapped[date | None] = mapped_column(Date)
    title: Mapped[str] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(Text, default="")
    legal_bases: Mapped[list[str]] = mapped_column(JSON)
    recipients: Mapped[list[str]] = mapped_column(JSON)
    child_plan_deadline: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20))
    signer_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    authority_form: Mapped[str | None] = mapped_column(String(10))
    signer_title: Mapped[str | None] = mapped_column(String(200))
    approval_instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class DocumentCounter(Base):
    """The last number issued per issuing body, document type and year (gap-free numbering)."""

    __tablename__ = "document_counter"
    __table_args__ = (UniqueConstraint("issuing_unit_id", "doc_type", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issuing_unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    doc_type: Mapped[str] = mapped_column(String(10))
    year: Mapped[int] = mapped_column(Integer)
    last_number: Mapped[int] = mapped_column(Integer)


class PlanSection(Base):
    """A group of tasks (I, II, ...)."""

    __tablename__ = "plan_section"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(Text)


class PlanTask(Base):
    """One row of the plan's task table; ``timeframe`` is the parsed form of ``timeframe_text``."""

    __tablename__ = "plan_task"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), index=True)
    section_id: Mapped[int | None] = mapped_column(ForeignKey("plan_section.id"))
    position: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(20))
    content: Mapped[str] = mapped_column(Text)
    timeframe_text: Mapped[str] = mapped_column(Text)
    timeframe: Mapped[dict[str, Any]] = mapped_column(JSON)
    expected_result: Mapped[str] = mapped_column(Text, default="")
    indicator: Mapped[str] = mapped_column(Text, default="")


class PlanTaskUnit(Base):
    """A lead (chủ trì) or coordinating (phối hợp) unit or unit group of a task."""

    __tablename__ = "plan_task_unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("plan_task.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("unit_group.id"))
    role: Mapped[str] = mapped_column(String(12))
    scope_note: Mapped[str] = mapped_column(Text, default="")


class PlanTarget(Base):
    """A quantitative target: "80% ... đến năm 2025"."""

    __tablename__ = "plan_target"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text)
    value: Mapped[Decimal] = mapped_column(Numeric(18, 4))
    unit: Mapped[str] = mapped_column(String(40))
    milestone: Mapped[date | None] = mapped_column(Date)
