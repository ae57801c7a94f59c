"""Tables of the workflow core: definitions, instances, their projections and the audit trail.

Instances are small and many (one per unit report, one per plan approval); what people
query (open human tasks, waiting timers) is projected into indexed tables after every
advance, so inboxes and dashboards never deserialize a workflow.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base, UTCDateTime


class Unit(Base):
    """An organisation in the unit tree (province, department, district, commune...).

    ``name_key`` is the normalised name (NFC, case, spacing); it is unique among siblings, so
    "Công An huyện" and "Công an huyện" under one parent are one unit.
    """

    __tablename__ = "unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    name_key: Mapped[str] = mapped_column(String(300))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    level: Mapped[str] = mapped_column(String(30))
    # The body's abbreviation in document symbols: "UBND" in 39/KH-UBND, "STTTT", "CAT".
    doc_code: Mapped[str] = mapped_column(String(30), default="")
    # Sibling names are unique after normalisation; NULL parents are checked in code.
    __table_args__ = (
        Index("ix_unit_name_key", "name_key"),
        UniqueConstraint("parent_id", "name_key", name="uq_unit_parent_id_name_key"),
    )


class User(Base):
    """A person who signs in."""

    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(100), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    is_active: Mapped[bool] = mapped_column(default=True)
    email: Mapped[str | None] = mapped_column(String(254))
    # "immediate": one mail per notification; "digest": one mail a day; "none": in-app only.
    mail_mode: Mapped[str] = mapped_column(String(20), default="immediate", server_default="immediate")
    last_digest_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Membership(Base):
    """A role a user holds in a unit (drafter, unit_head, focal_officer, leader, admin)."""

    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("user_id", "unit_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    role: Mapped[str] = mapped_column(String(30))


class ProcessDefinition(Base):
    """One immutable deployed version of a BPMN process; the parsed spec is stored once here."""

    __tablename__ = "process_definition"
    __table_args__ = (
        UniqueConstraint("key", "version"),
        Index("ix_process_definition_key_checksum", "key", "checksum"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(300))
    checksum: Mapped[str] = mapped_column(String(64))
    # Large texts load only when asked for; the runtime caches parsed specs per definition id.
    bpmn_xml: Mapped[str] = mapped_column(Text, deferred=True)
    spec_json: Mapped[str] = mapped_column(Text, deferred=True)
    serializer_version: Mapped[str] = mapped_column(String(20))
    deployed_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    deployed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ProcessInstance(Base):
    """One small running workflow; ``version`` increases on every advance (optimistic lock).

    ``current_step`` and the ``step_*`` columns project where the instance waits now (its
    oldest open user task), so a period board reads them without loading workflows.
    """

    __tablename__ = "process_instance"
    __table_args__ = (Index("ix_process_instance_key_business", "process_key", "business_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("process_definition.id"), index=True)
    process_key: Mapped[str] = mapped_column(String(200))
    business_key: Mapped[str | None] = mapped_column(String(200))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(Text)
    serializer_version: Mapped[str] = mapped_column(String(20))
    version: Mapped[int] = mapped_column(Integer, default=1)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    current_step: Mapped[str | None] = mapped_column(String(200))
    current_step_title: Mapped[str | None] = mapped_column(String(300))
    step_unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    step_role: Mapped[str | None] = mapped_column(String(30))
    step_holder_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    step_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    step_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class HumanTask(Base):
    """Projection of one open (or finished) user task: who may act, due date, version."""

    __tablename__ = "human_task"
    __table_args__ = (
        UniqueConstraint("instance_id", "spiff_task_id"),
        # Items open to a unit and role: every inbox reads this range (engine.inbox). With the
        # holder columns SQLite picks it without statistics (with three columns it took
        # (status, assignee_id) and scanned every open item); with due_at (and id, which SQLite
        # keeps in every index) the inbox counts and orders a unit's items from the index alone.
        Index(
            "ix_human_task_open_unit_role_free",
            "status",
            "unit_id",
            "role",
            "assignee_id",
            "claimed_by_id",
            "due_at",
            postgresql_include=["id"],
        ),
        Index("ix_human_task_open_assignee", "status", "assignee_id"),
        Index("ix_human_task_open_claimed", "status", "claimed_by_id"),
        Index("ix_human_task_instance_status", "instance_id", "status"),
        Index("ix_human_task_plan_status", "plan_id", "status"),
        Index("ix_human_task_period_status", "period_id", "status"),
        Index("ix_human_task_done_by", "completed_by_id", "completed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"))
    spiff_task_id: Mapped[str] = mapped_column(String(36))
    task_name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(300))
    form_key: Mapped[str | None] = mapped_column(String(100))
    process_key: Mapped[str] = mapped_column(String(200))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    role: Mapped[str | None] = mapped_column(String(30))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    claimed_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    actions: Mapped[list[str]] = mapped_column(JSON)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    status: Mapped[str] = mapped_column(String(20))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    completed_action: Mapped[str | None] = mapped_column(String(30))
    request_id: Mapped[str | None] = mapped_column(String(100))
    # Inbox context, set when the task opens: the plan and period the item belongs to (from the
    # instance's business key) and the user whose action opened it (None: the system).
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plan.id"))
    period_id: Mapped[int | None] = mapped_column(ForeignKey("reporting_period.id"))
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))


class Timer(Base):
    """A timer event some instance waits on; the sweeper claims rows by ``due_at``."""

    __tablename__ = "timer"
    __table_args__ = (
        UniqueConstraint("instance_id", "spiff_task_id"),
        Index("ix_timer_due", "due_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), index=True)
    spiff_task_id: Mapped[str] = mapped_column(String(36))
    task_name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Distributed mode: a dispatcher queued this timer for a worker until then (not queued again).
    queued_until: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AuditEvent(Base):
    """Append-only history; database triggers refuse UPDATE and DELETE on this table."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    action: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str] = mapped_column(String(60))
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"), index=True)
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
