"""Door methods for official documents as PDF.

The kinds: a plan, its approval decision, a unit's report, a period's consolidated report, an
official reminder letter.

Who may have a document is who may see it on its page: a plan's visibility rule
(``engine.plan_pages``), the period board's sight for reports (a unit's report to its own unit
always and to the focal unit and leaders once sent; the consolidated report to the focal unit and
the issuing body's leaders), ``get_document``'s rule for reminder letters. Anyone else gets
``NotFound``.

Small documents render on request. A consolidated report (hundreds of units) renders in a
background job (``queue_consolidated_report``) that reports its steps on the job and keeps the
file with its period; the data is read in one short transaction and printed outside it.
"""

from __future__ import annotations

from sqlalchemy import select, update

from engine import audit, dashboard, plan_pages
from engine.dashboard import RECEIVED, sight
from engine.documents import content, render
from engine.documents import wording as w
from engine.documents.content import Meta
from engine.documents.report_sources import consolidated_document, unit_report_document
from engine.documents.results import PDF, ConsolidatedReportFiles, PdfFile, StoredDocumentInfo
from engine.documents.sources import (
    decision_document,
    plan_document,
    reminder_letter_document,
    unit,
    user_name,
)
from engine.errors import NotFound
from engine.models import DocumentFile, Job, Plan, UnitReport, User
from engine.results import Actor, SystemActor
from engine.service_base import EngineBase
from engine.service_dashboard import DashboardMethods
from engine.service_jobs import JobInfo, JobMethods

RENDER_JOB = "render_document"
# The job's steps: reading the figures, then render.STEPS, then keeping the file.
JOB_STEPS = ("Đang đọc số liệu", *render.STEPS, "Đang lưu tệp")
QUEUED = "Đang chờ xử lý (queued)"


class DocumentMethods(EngineBase):
    """Mixed into ``WorkflowEngine``: documents as PDF, rendered now or in a background job."""

    def plan_pdf(self, plan_id: int, *, actor: Actor) -> PdfFile:
        """Print a plan (KẾ HOẠCH) with its task table as an appendix; for whoever may see the plan.

        A plan not yet issued prints as a draft (DỰ THẢO) with a blank number and date.
        """
        with self._work(write=False) as session:
            plan = plan_pages.readable(session, plan_pages.visible_clause(session, actor), plan_id)
            document = plan_document(session, plan)
            name = f"ke-hoach-{_plan_slug(plan)}.pdf"
            meta = Meta(title=f"Kế hoạch {plan.title}", author=unit(session, plan.issuing_unit_id).name)
        return _print(content.PLAN, document, meta, name)

    def plan_decision_pdf(self, plan_id: int, *, actor: Actor) -> PdfFile:
        """Print the decision (QUYẾT ĐỊNH) approving a plan, the plan attached; as ``plan_pdf``.

        The decision's number is left blank for the office to give when it registers it.
        """
        with self._work(write=False) as session:
            plan = plan_pages.readable(session, plan_pages.visible_clause(session, actor), plan_id)
            document = decision_document(session, plan)
            name = f"quyet-dinh-phe-duyet-ke-hoach-{_plan_slug(plan)}.pdf"
            meta = Meta(title=f"Quyết định {document.title}", author=unit(session, plan.issuing_unit_id).name)
        return _print(content.DECISION, document, meta, name)

    def unit_report_pdf(self, period_id: int, unit_id: int, *, actor: Actor) -> PdfFile:
        """Print a unit's report for a period: to its own unit always, to the focal unit once sent.

        ``NotFound`` for anyone else, and for the focal unit before the report reaches it.
        """
        with self._work(write=False) as session:
            period, plan = dashboard.period_and_plan(session, period_id)
            seen = sight(session, actor, plan)
            report = session.scalars(
                select(UnitReport).where(UnitReport.period_id == period_id, UnitReport.unit_id == unit_id)
            ).first()
            own = isinstance(actor, SystemActor) or unit_id in seen.own_unit_ids
            if report is None or not seen.sees_unit(unit_id) or not (own or report.status in RECEIVED):
                raise NotFound("Không tìm thấy báo cáo của đơn vị trong kỳ này (no such report)")
            document = unit_report_document(
                session, report, period, plan, today=self.today(), zone=self._zone
            )
            reporter = unit(session, unit_id)
            name = f"bao-cao-{w.ascii_slug(reporter.name)}-{w.ascii_slug(period.label)}.pdf"
            meta = Meta(title=f"Báo cáo {document.title}", author=reporter.name)
        return _print(content.UNIT_REPORT, document, meta, name)

    def reminder_letter_pdf(self, document_id: int, *, actor: Actor) -> PdfFile:
        """Print an official reminder letter; for whoever may see its record (``get_document``)."""
        assert isinstance(self, DashboardMethods)  # noqa: S101 - WorkflowEngine mixes both in
        record = self.get_document(document_id, actor=actor)
        if record.info.kind != content.REMINDER_LETTER:
            raise NotFound(f"Văn bản {document_id} không có bản PDF (no PDF for this document)")
        with self._work(write=False) as session:
            plan = session.get(Plan, record.plan_id) if record.plan_id is not None else None
            document = reminder_letter_document(
                session,
                issuing_unit_id=record.info.issuing_unit_id,
                recipient_name=record.recipient_name or "",
                subject=record.info.title,
                dated=record.dated,
                place=record.place,
                plan=plan,
                period_label=record.period_label or "",
                unit_deadline=record.unit_deadline,
            )
        meta = Meta(title=record.info.title, author=record.issuer_name)
        name = f"cong-van-don-doc-{document_id}-{w.ascii_slug(record.recipient_name or '')}.pdf"
        return _print(content.REMINDER_LETTER, document, meta, name)

    # -- the consolidated report, in a background job -------------------------------------------

    def queue_consolidated_report(self, period_id: int, *, actor: Actor) -> JobInfo:
        """Queue the printing of a period's consolidated report; return the job to follow.

        For the focal unit and the issuing body's leaders (``NotFound`` for others). The job
        runs ``render_consolidated_report`` as the same person, who is checked again then.
        """
        with self._work(write=True) as session:
            _period, plan = dashboard.period_and_plan(session, period_id)
            if not sight(session, actor, plan).sees_all:
                raise dashboard.no_period(period_id)
            job = Job(
                kind=RENDER_JOB,
                args={"period_id": period_id},
                status="queued",
                progress=0,
                total=len(JOB_STEPS),
                message=QUEUED,
                attempts=0,
                created_by_id=None if isinstance(actor, SystemActor) else actor,
                created_at=self._clock(),
            )
            session.add(job)
            session.flush()
            job.args = {"period_id": period_id, "job_id": job.id}  # the job reports its own steps
            job_id = job.id
        assert isinstance(self, JobMethods)  # noqa: S101 - WorkflowEngine mixes both in
        return self.get_job(job_id, actor=actor)

    def render_consolidated_report(
        self, period_id: int, *, actor: Actor, job_id: int | None = None
    ) -> StoredDocumentInfo:
        """Print a period's consolidated report and keep it with the period; return its record.

        What a ``render_document`` job runs; who may: as ``period_consolidation``. With
        ``job_id`` each step is written on the job, and a job run again finds the file it made.
        """
        if job_id is not None and (done := self._file_of_job(job_id)) is not None:
            return done
        self._job_step(job_id, 0)
        assert isinstance(self, DashboardMethods)  # noqa: S101 - WorkflowEngine mixes both in
        view = self.period_consolidation(period_id, actor=actor)
        with self._work(write=False) as session:
            period, plan = dashboard.period_and_plan(session, period_id)
            document = consolidated_document(session, view, period, plan, today=self.today(), zone=self._zone)
            issuer = unit(session, plan.issuing_unit_id)
            name = f"bao-cao-tong-hop-{_plan_slug(plan)}-{w.ascii_slug(period.label)}.pdf"
            meta = Meta(title=f"Báo cáo {document.title}", author=issuer.name)
        printed = render.render_pdf(
            document, meta, on_step=lambda index, _label: self._job_step(job_id, index + 1)
        )
        self._job_step(job_id, len(JOB_STEPS) - 1)
        with self._work(write=True) as session:
            row = DocumentFile(
                kind=content.CONSOLIDATED_REPORT,
                plan_id=plan.id,
                period_id=period_id,
                filename=name,
                content_type=PDF,
                size=len(printed.data),
                sha256=printed.sha256,
                pages=printed.pages,
                data=printed.data,
                created_at=self._clock(),
                created_by_id=None if isinstance(actor, SystemActor) else actor,
                job_id=job_id,
            )
            session.add(row)
            session.flush()
            audit.record(
                session,
                at=row.created_at,
                actor=actor,
                action="document.rendered",
                object_type="period",
                object_id=period_id,
                details={"kind": row.kind, "file_id": row.id, "pages": row.pages, "sha256": row.sha256},
            )
            return _stored_info(row, user_name(session, row.created_by_id))

    def consolidated_report_files(self, period_id: int, *, actor: Actor) -> ConsolidatedReportFiles:
        """List the consolidated reports kept with a period, newest first; as ``period_consolidation``."""
        with self._work(write=False) as session:
            period, plan = dashboard.period_and_plan(session, period_id)
            if not sight(session, actor, plan).sees_all:
                raise dashboard.no_period(period_id)
            rows = session.execute(
                select(DocumentFile, User.full_name)
                .outerjoin(User, User.id == DocumentFile.created_by_id)
                .where(DocumentFile.period_id == period_id, DocumentFile.kind == content.CONSOLIDATED_REPORT)
                .order_by(DocumentFile.id.desc())
            ).all()
            return ConsolidatedReportFiles(
                period_id=period.id,
                period_label=period.label,
                period_status=period.status,
                plan_id=plan.id,
                plan_title=plan.title,
                plan_symbol=plan.symbol,
                files=tuple(_stored_info(row, name) for row, name in rows),
            )

    def stored_document_pdf(self, file_id: int, *, actor: Actor) -> PdfFile:
        """Return a kept PDF; for whoever may see its period's consolidated report."""
        with self._work(write=False) as session:
            row = session.get(DocumentFile, file_id)
            if row is None or row.period_id is None:
                raise NotFound(f"Không tìm thấy tệp {file_id} (no such file)")
            _period, plan = dashboard.period_and_plan(session, row.period_id)
            if not sight(session, actor, plan).sees_all:
                raise NotFound(f"Không tìm thấy tệp {file_id} (no such file)")
            return PdfFile(
                kind=row.kind, filename=row.filename, data=row.data, pages=row.pages, sha256=row.sha256
            )

    # -- helpers --------------------------------------------------------------------------------

    def _job_step(self, job_id: int | None, index: int) -> None:
        """Write on a running job which step it is at (nothing without a job)."""
        if job_id is None:
            return
        with self._work(write=True) as session:
            session.execute(
                update(Job)
                .where(Job.id == job_id, Job.status == "running")
                .values(progress=index, total=len(JOB_STEPS), message=JOB_STEPS[index])
            )

    def _file_of_job(self, job_id: int) -> StoredDocumentInfo | None:
        with self._work(write=False) as session:
            row = session.scalars(select(DocumentFile).where(DocumentFile.job_id == job_id)).first()
            return _stored_info(row, user_name(session, row.created_by_id)) if row is not None else None


def _print(kind: str, document: content.Document, meta: Meta, filename: str) -> PdfFile:
    printed = render.render_pdf(document, meta)
    return PdfFile(
        kind=kind, filename=filename, data=printed.data, pages=printed.pages, sha256=printed.sha256
    )


def _plan_slug(plan: Plan) -> str:
    if plan.number is not None:
        return w.ascii_slug(f"{plan.number}-{plan.doc_type}-{plan.year}")
    return f"du-thao-{plan.id}"


def _stored_info(row: DocumentFile, creator: str | None) -> StoredDocumentInfo:
    return StoredDocumentInfo(
        id=row.id,
        kind=row.kind,
        period_id=row.period_id,
        plan_id=row.plan_id,
        filename=row.filename,
        size=row.size,
        pages=row.pages,
        sha256=row.sha256,
        created_at=row.created_at,
        created_by_id=row.created_by_id,
        created_by_name=creator,
        job_id=row.job_id,
    )
