"""Audit trail pages of a period and of a plan: filterable, paginated, exportable as CSV.

Filters are GET parameters (``hanh-dong``, ``don-vi``, ``tu-ngay``, ``den-ngay``, ``nguoi``,
``trang``); ``dinh-dang=csv`` downloads every matching row as UTF-8 with a byte order mark, so
Excel shows Vietnamese correctly, with times as dd/mm/yyyy HH:MM in the local time zone.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from engine.dashboard_results import AuditPage
from web.extensions import get_engine
from web.periods.labels import labels

bp = Blueprint("audit", __name__, url_prefix="/nhat-ky")
bp.context_processor(labels)

PAGE_SIZE = 50
CSV_LIMIT = 100_000
PARAMS = ("hanh-dong", "don-vi", "tu-ngay", "den-ngay", "nguoi")

Fetch = Callable[..., AuditPage]


@bp.get("/ky-bao-cao/<int:period_id>")
@login_required
def period_trail(period_id: int) -> Response | tuple[str, int]:
    """Show (or export) the audit trail of a reporting period."""
    engine = get_engine()
    return _trail(
        lambda **kw: engine.period_audit(period_id, actor=current_user.info.id, **kw),
        endpoint="audit.period_trail",
        endpoint_args={"period_id": period_id},
        filename=f"nhat-ky-ky-bao-cao-{period_id}.csv",
    )


@bp.get("/ke-hoach/<int:plan_id>")
@login_required
def plan_trail(plan_id: int) -> Response | tuple[str, int]:
    """Show (or export) the audit trail of a plan and all its periods."""
    engine = get_engine()
    return _trail(
        lambda **kw: engine.plan_audit(plan_id, actor=current_user.info.id, **kw),
        endpoint="audit.plan_trail",
        endpoint_args={"plan_id": plan_id},
        filename=f"nhat-ky-ke-hoach-{plan_id}.csv",
    )


def _trail(
    fetch: Fetch, *, endpoint: str, endpoint_args: dict[str, Any], filename: str
) -> Response | tuple[str, int]:
    values = {name: request.args.get(name, "").strip() for name in PARAMS}
    filters, errors = _parse(values)
    page_number = max(_int(request.args.get("trang")) or 1, 1)
    wants_csv = request.args.get("dinh-dang") == "csv"
    if wants_csv and not errors:
        trail = fetch(**filters, limit=CSV_LIMIT, offset=0)
        return _csv(trail, filename)
    if errors:
        # Nothing is narrowed by a filter the reader mistyped: show the whole trail and say why.
        filters = {k: v for k, v in filters.items() if k not in {_FIELD_FILTERS[f] for f in errors}}
    trail = fetch(**filters, limit=PAGE_SIZE, offset=(page_number - 1) * PAGE_SIZE)
    kept = {k: v for k, v in values.items() if v}

    def page_url(number: int) -> str:
        return url_for(endpoint, **endpoint_args, **kept, trang=number)

    html = render_template(
        "audit/trail.html",
        trail=trail,
        values=values,
        errors=errors,
        page_number=page_number,
        page_count=max((trail.total + PAGE_SIZE - 1) // PAGE_SIZE, 1),
        page_url=page_url,
        action_url=url_for(endpoint, **endpoint_args),
        csv_url=url_for(endpoint, **endpoint_args, **kept, **{"dinh-dang": "csv"}),
    )
    return html, 422 if errors else 200


_FIELD_FILTERS = {"don-vi": "unit_id", "tu-ngay": "since", "den-ngay": "until"}


def _parse(values: dict[str, str]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Turn the filter fields into engine arguments; say in Vietnamese what is wrong with each."""
    errors: dict[str, list[str]] = {}
    filters: dict[str, Any] = {
        "action": values["hanh-dong"] or None,
        "actor_name": values["nguoi"] or None,
        "unit_id": None,
        "since": None,
        "until": None,
    }
    if values["don-vi"]:
        unit_id = _int(values["don-vi"])
        if unit_id is None:
            errors["don-vi"] = [_("Đơn vị không hợp lệ.")]
        filters["unit_id"] = unit_id
    for field, key in (("tu-ngay", "since"), ("den-ngay", "until")):
        if values[field]:
            day = _day(values[field])
            if day is None:
                errors[field] = [_("Ngày không hợp lệ; hãy nhập theo dạng dd/mm/yyyy, ví dụ 05/02/2025.")]
            filters[key] = day
    if filters["since"] and filters["until"] and filters["until"] < filters["since"]:
        errors["den-ngay"] = [_("Ngày kết thúc phải sau hoặc bằng ngày bắt đầu.")]
    return filters, errors


def _int(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() and len(text) < 10 else None


def _day(text: str) -> date | None:
    """Read dd/mm/yyyy (as people type it) or yyyy-mm-dd (as date pickers send it)."""
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _csv(trail: AuditPage, filename: str) -> Response:
    """Write the trail as CSV: UTF-8 with BOM, one header row, local dd/mm/yyyy HH:MM times."""
    zone = ZoneInfo(get_engine().settings.timezone)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(
        [_("Thời gian"), _("Người thực hiện"), _("Hành động"), _("Mã hành động"), _("Đơn vị"), _("Chi tiết")]
    )
    for row in trail.rows:
        writer.writerow(
            [
                row.at.astimezone(zone).strftime("%d/%m/%Y %H:%M"),
                row.actor_name or _("Hệ thống"),
                row.label,
                row.action,
                row.unit_name or "",
                row.summary,
            ]
        )
    return Response(
        out.getvalue().encode("utf-8"),
        mimetype="text/csv",
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{filename}"',
        },
    )
