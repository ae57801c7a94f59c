"""What the document door methods return: a PDF to send, and the record of a kept PDF."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

PDF = "application/pdf"


@dataclass(frozen=True)
class PdfFile:
    """A printed document: file name (ASCII), bytes, page count, size and SHA-256."""

    kind: str
    filename: str
    data: bytes
    pages: int
    sha256: str
    content_type: str = PDF

    @property
    def size(self) -> int:
        """Return the size in bytes."""
        return len(self.data)


@dataclass(frozen=True)
class StoredDocumentInfo:
    """A PDF kept with its period: who rendered it, when, from which job; not its bytes."""

    id: int
    kind: str
    period_id: int | None
    plan_id: int | None
    filename: str
    size: int
    pages: int
    sha256: str
    created_at: datetime
    created_by_id: int | None
    created_by_name: str | None
    job_id: int | None


@dataclass(frozen=True)
class ConsolidatedReportFiles:
    """A period's consolidated reports kept as PDF, newest first, with what names the period."""

    period_id: int
    period_label: str
    period_status: str
    plan_id: int
    plan_title: str
    plan_symbol: str | None
    files: tuple[StoredDocumentInfo, ...]
