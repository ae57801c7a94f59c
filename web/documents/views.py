"""Document pages: a document's record, and the official documents as PDF.

Plans, approval decisions, unit reports and reminder letters print on request. A period's
consolidated report prints in a background job: its page queues the job, follows its steps
and then offers the file, which stays with the period. Who may have a PDF is who may see the
document's page (the engine decides; others get 404).
"""

from __future__ import annotations

import io

from flask import Blueprint, redirect, render_template, request, send_file, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from engine import NotFound
from engine.documents import PdfFile
from web.extensions import get_engine
from web.periods.labels import labels

bp = Blueprint("documents", __name__, url_prefix="/documents")
bp.context_processor(labels)

JOB_STATUS_LABELS = {
    "queued": _l("Đang chờ xử lý"),
    "running": _l("Đang xử lý"),
    "done": _l("Hoàn thành"),
    "failed": _l("Không thành công"),
}
JOB_ARGUMENT = "cong-viec"


def _actor() -> int:
    user_id: int = current_user.info.id
    return user_id


def pdf_response(pdf: PdfFile) -> Response:
    """Send a PDF to be shown in the browser (saved under its ASCII file name), never cached."""
    response = send_file(
        io.BytesIO(pdf.data),
        mimetype=pdf.content_type,
        as_attachment=False,
        download_name=pdf.filename,
        max_age=0,
        etag=pdf.sha256,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/<int:document_id>")
@login_required
def show(document_id: int) -> str:
    """Show a document's record: issuer, recipient, plan, period, deadline, date and content."""
    record = get_engine().get_document(document_id, actor=_actor())
    return render_template("documents/show.html", record=record, doc=record.info)


@bp.get("/<int:document_id>.pdf")
@login_required
def document_pdf(document_id: int) -> Response:
    """Print an official reminder letter."""
    return pdf_response(get_engine().reminder_letter_pdf(document_id, actor=_actor()))


@bp.get("/ke-hoach/<int:plan_id>.pdf")
@login_required
def plan_pdf(plan_id: int) -> Response:
    """Print a plan with its task table (a draft prints as DỰ THẢO)."""
    return pdf_response(get_engine().plan_pdf(plan_id, actor=_actor()))


@bp.get("/quyet-dinh/<int:plan_id>.pdf")
@login_required
def decision_pdf(plan_id: int) -> Response:
    """Print the decision approving a plan, with the plan attached."""
    return pdf_response(get_engine().plan_decision_pdf(plan_id, actor=_actor()))


@bp.get("/bao-cao/<int:period_id>/<int:unit_id>.pdf")
@login_required
def unit_report_pdf(period_id: int, unit_id: int) -> Response:
    """Print a unit's report for a period (to its unit; to the focal unit once sent)."""
    return pdf_response(get_engine().unit_report_pdf(period_id, unit_id, actor=_actor()))


@bp.route("/tong-hop/<int:period_id>", methods=["GET", "POST"])
@login_required
def consolidated(period_id: int) -> Response | str:
    """Offer a period's consolidated reports; POST queues a new one and follows its job."""
    engine = get_engine()
    if request.method == "POST":
        job = engine.queue_consolidated_report(period_id, actor=_actor())
        return redirect(url_for("documents.consolidated", period_id=period_id, **{JOB_ARGUMENT: job.id}))
    page = engine.consolidated_report_files(period_id, actor=_actor())
    job = None
    job_id = request.args.get(JOB_ARGUMENT, "")
    if job_id.isdigit():
        try:
            job = engine.get_job(int(job_id), actor=_actor())
        except NotFound:
            job = None
    return render_template(
        "documents/consolidated.html",
        page=page,
        job=job,
        refresh=job is not None and job.status in ("queued", "running"),
        job_status_labels=JOB_STATUS_LABELS,
    )


@bp.get("/tong-hop/tep/<int:file_id>.pdf")
@login_required
def stored_pdf(file_id: int) -> Response:
    """Send a consolidated report kept with its period."""
    return pdf_response(get_engine().stored_document_pdf(file_id, actor=_actor()))
