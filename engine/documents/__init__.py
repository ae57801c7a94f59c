"""Official documents as PDF: plans, approval decisions, unit and consolidated reports, reminder letters.

Layout follows Nghị định 30/2020/NĐ-CP. ``content`` holds what each kind prints as plain data,
``wording`` writes its fixed parts the official way, ``sources`` and ``report_sources`` read
them from the database, ``render`` prints them with Jinja2 templates and WeasyPrint (no Flask:
workers render too). The door methods are in ``engine.service_documents``.
"""

from engine.documents.render import STEPS, RenderedPdf, render_html, render_pdf
from engine.documents.results import PDF, ConsolidatedReportFiles, PdfFile, StoredDocumentInfo

__all__ = [
    "PDF",
    "STEPS",
    "ConsolidatedReportFiles",
    "PdfFile",
    "RenderedPdf",
    "StoredDocumentInfo",
    "render_html",
    "render_pdf",
]
