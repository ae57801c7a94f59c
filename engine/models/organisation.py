"""Unit groups, delegated signing authority, out-of-office cover, declared calendar days."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base, UTCDateTime


class UnitGroup(Base):
    """A named set of units used in assignments ("Các Sở, ban, ngành", "UBND các xã, thị trấn")."""

    __tablename__ = "unit_group"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    name_key: Mapped[str] = mapped_column(String(300), unique=True)


class UnitGroupMember(Base):
    """Membership of a unit in a group."""

    __tablename__ = "unit_group_member"
    __table_args__ = (UniqueConstraint("group_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("unit_group.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)


class Delegation(Base):
    """Signing authority given in writing: KT. (deputy), Q. (acting), TL./TUQ. (delegated).

    Limited in time (``valid_from``..``valid_until``, inclusive) and scope; never re-delegable.
    """

    __tablename__ = "delegation"
    __table_args__ = (Index("ix_delegation_delegate", "delegate_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    principal_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    delegate_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    form: Mapped[str] = mapped_column(String(10))
    signer_title: Mapped[str] = mapped_column(String(200))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date)
    scope: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Cover(Base):
    """Out-of-office cover: ``substitute`` acts for ``user`` between the two dates (inclusive)."""

    __tablename__ = "cover"
    __table_args__ = (Index("ix_cover_substitute", "substitute_id", "starts_on", "ends_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    substitute_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class WorkCalendarDay(Base):
    """A day administrators declared: an extra day off, or a make-up working day."""

    __tablename__ = "work_calendar_day"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True)
    is_working: Mapped[bool] = mapped_column()
    name: Mapped[str] = mapped_column(String(200))
