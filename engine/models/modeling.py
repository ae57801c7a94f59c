"""What administrators edit before it is deployed: diagram drafts and versioned form definitions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base, UTCDateTime


class DefinitionDraft(Base):
    """An administrator's unsaved-to-production diagram: one draft per process key.

    ``based_on_version`` is the deployed version the draft was opened from (None for a new
    process or an imported file); ``filename`` is the uploaded file's name for an import.
    """

    __tablename__ = "definition_draft"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    bpmn_xml: Mapped[str] = mapped_column(Text, deferred=True)
    based_on_version: Mapped[int | None] = mapped_column(Integer)
    filename: Mapped[str | None] = mapped_column(String(255))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class FormVersion(Base):
    """One immutable version of a form definition (its YAML source), saved by an administrator.

    The newest version of a key is the form tasks show; a key without versions falls back to
    the definition shipped in ``forms/definitions``.
    """

    __tablename__ = "form_version"
    __table_args__ = (UniqueConstraint("key", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    checksum: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(Text, deferred=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
