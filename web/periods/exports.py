"""A period's consolidation as an Excel workbook, for the focal unit and the issuing body's leaders."""

from __future__ import annotations

from flask import Response
from flask_login import current_user, login_required

from web.extensions import get_engine
from web.periods.views import bp

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("/<int:period_id>/tong-hop.xlsx")
@login_required
def consolidation_xlsx(period_id: int) -> Response:
    """Download the consolidated tables (one sheet per view) as an .xlsx file."""
    data = get_engine().export_period_xlsx(period_id, actor=current_user.info.id)
    filename = f"tong-hop-ky-bao-cao-{period_id}.xlsx"
    return Response(
        data,
        mimetype=XLSX,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )
