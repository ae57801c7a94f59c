"""Period pages: my periods, a period's dashboard, its consolidation, a unit's report, the leader's view.

The dashboard's filters are GET parameters (``trang-thai``, ``bao-cao``, ``tim``), so a filtered
view is a link people can keep; "Nhắc ngay" posts, flashes what happened, and comes back.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from web.extensions import get_engine
from web.periods import charts
from web.periods.labels import REPORT_STATUS, TRACKING, labels

bp = Blueprint("periods", __name__, url_prefix="/periods")
bp.context_processor(labels)


@bp.get("/")
@login_required
def index() -> str:
    """List the periods the signed-in user may see, with their progress."""
    summaries = get_engine().list_periods(actor=current_user.info.id)
    return render_template("periods/index.html", summaries=summaries)


@bp.get("/tong-quan")
@login_required
def overview() -> str:
    """Show a leader every plan of their body at once, with each open period's progress."""
    overview = get_engine().leader_overview(actor=current_user.info.id)
    return render_template("periods/overview.html", overview=overview)


@bp.get("/<int:period_id>")
@login_required
def dashboard(period_id: int) -> str:
    """Show where every unit of the period is: step, holder, since, deadline, status, chases."""
    tracking = request.args.get("trang-thai", "")
    report_status = request.args.get("bao-cao", "")
    search = request.args.get("tim", "").strip()
    board = get_engine().period_dashboard(
        period_id,
        actor=current_user.info.id,
        tracking=tracking if tracking in TRACKING else None,
        report_status=report_status if report_status in REPORT_STATUS else None,
        search=search or None,
    )
    return render_template(
        "periods/dashboard.html",
        board=board,
        filters={"tracking": tracking, "report_status": report_status, "search": search},
        is_filtered=bool(tracking or report_status or search),
        status_chart=charts.status_chart(board.tracking_counts),
        task_chart=charts.task_chart(board.tasks),
    )


@bp.get("/<int:period_id>/tong-hop")
@login_required
def consolidation(period_id: int) -> str:
    """Show the consolidated tables as the engine computes them, and the way to the consolidation step."""
    view = get_engine().period_consolidation(period_id, actor=current_user.info.id)
    return render_template(
        "periods/consolidation.html",
        view=view,
        status_chart=charts.status_chart(view.tracking_counts),
        task_chart=charts.task_chart(view.tasks),
    )


@bp.get("/<int:period_id>/units/<int:unit_id>")
@login_required
def unit_report(period_id: int, unit_id: int) -> str:
    """Show one unit's report: where it stands, its content, chases, documents and history."""
    page = get_engine().unit_report_page(period_id, unit_id, actor=current_user.info.id)
    return render_template("periods/unit_report.html", page=page)


@bp.post("/<int:period_id>/units/<int:unit_id>/nhac-ngay")
@login_required
def remind(period_id: int, unit_id: int) -> Response:
    """Chase one unit now (focal officers); the unit's people are told and the chase is recorded."""
    engine = get_engine()
    engine.remind_now(period_id, unit_id, actor=current_user.info.id)
    page = engine.unit_report_page(period_id, unit_id, actor=current_user.info.id)
    flash(_("Đã nhắc %(unit)s hoàn thành báo cáo.", unit=page.unit_name))
    return redirect(_back(request.form.get("next", ""), url_for("periods.dashboard", period_id=period_id)))


def _back(target: str, fallback: str) -> str:
    """Return ``target`` when it is a path on this site, else ``fallback``."""
    parts = urlsplit(target)
    if not target.startswith("/") or target.startswith("//") or parts.scheme or parts.netloc:
        return fallback
    return target
