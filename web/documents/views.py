"""Document pages: the record of a document PlanCycle produced (a reminder letter, for now)."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from web.extensions import get_engine
from web.periods.labels import labels

bp = Blueprint("documents", __name__, url_prefix="/documents")
bp.context_processor(labels)


@bp.get("/<int:document_id>")
@login_required
def show(document_id: int) -> str:
    """Show a document's record: issuer, recipient, plan, period, deadline, date and content."""
    record = get_engine().get_document(document_id, actor=current_user.info.id)
    return render_template("documents/show.html", record=record, doc=record.info)
