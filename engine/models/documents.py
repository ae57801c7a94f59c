"""Rendered documents kept with what they belong to (a period's consolidated report)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, deferred, mapped_column

from engine.db import Base, UTCDateTime


class DocumentFile(Base):
    """A PDF PlanCycle rendered and kept: its kind, what it belongs to, its bytes and who asked.

    ``job_id`` is the background job that rendered it (one file per job, so a job that runs
    again after its worker died finds its file instead of rendering twice).
    """

    __tablename__ = "document_file"
    __table_args__ = (
        Index("ix_document_file_period", "period_id", "kind", "id"),
        Index("ix_document_file_job", "job_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plan.id"))
    period_id: Mapped[int | None] = mapped_column(ForeignKey("reporting_period.id"))
    unit_report_id: Mapped[int | None] = mapped_column(ForeignKey("unit_report.id"))
    document_id: Mapped[int | None] = mapped_column(ForeignKey("official_document.id"))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    pages: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    job_id: Mapped[int | None] = mapped_column(ForeignKey("job.id"))
