"""Plan pages: the list, a plan laid out like the issued document, the draft editor, approval, periods.

Views parse the request, make one engine call that decides, and draw the answer. Bad input is
answered on the same page, beside each field, with everything the user typed kept.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from engine import InvalidSubmission, NotPermitted
from engine.plan_page_results import PLAN_STATUSES, UnitChoice
from web.extensions import get_engine
from web.plans import editor as ed

bp = Blueprint("plans", __name__, url_prefix="/ke-hoach")

PAGE_SIZE = 50
STATUS_LABELS = {
    "draft": _l("Dự thảo"),
    "in_approval": _l("Đang trình duyệt"),
    "returned": _l("Bị trả lại, đang sửa"),
    "issued": _l("Đã ban hành"),
}
PERIOD_STATUS_LABELS = {
    "open": _l("Đang nhận báo cáo"),
    "consolidating": _l("Đang tổng hợp"),
    "awaiting_signature": _l("Chờ ký báo cáo tổng hợp"),
    "closed": _l("Đã kết thúc"),
}
JOB_STATUS_LABELS = {
    "queued": _l("Đang chờ xử lý"),
    "running": _l("Đang xử lý"),
    "done": _l("Hoàn thành"),
    "failed": _l("Không thành công"),
}
AUTHORITY_LINES = {"TM": "TM.", "KT": "KT.", "Q": "Q.", "TL": "TL.", "TUQ": "TUQ."}
PERIOD_FIELDS = ("label", "year", "data_cutoff", "unit_deadline", "focal_deadline")


def _actor() -> int:
    user_id: int = current_user.info.id
    return user_id


def _int(text: str | None) -> int | None:
    text = (text or "").strip()
    return int(text) if text.isdigit() and len(text) < 10 else None


# -- the list -------------------------------------------------------------------------------------


@bp.get("/")
@login_required
def index() -> str:
    """List the plans the user may see, with filters by year, status and words."""
    year = _int(request.args.get("nam"))
    status = request.args.get("trang_thai", "")
    status = status if status in PLAN_STATUSES else ""
    query = request.args.get("q", "").strip()[:200]
    page = max(1, _int(request.args.get("trang")) or 1)
    found = get_engine().list_plans(
        actor=_actor(),
        year=year,
        status=status or None,
        query=query or None,
        limit=PAGE_SIZE + 1,
        offset=(page - 1) * PAGE_SIZE,
    )
    return render_template(
        "plans/index.html",
        plans=found[:PAGE_SIZE],
        has_more=len(found) > PAGE_SIZE,
        page=page,
        year=year,
        status=status,
        query=query,
        status_labels=STATUS_LABELS,
    )


# -- one plan -------------------------------------------------------------------------------------


def _show(
    plan_id: int,
    *,
    approval_errors: dict[str, list[str]] | None = None,
    approval_values: dict[str, Any] | None = None,
    status: int = 200,
) -> tuple[str, int]:
    page = get_engine().plan_page(plan_id, actor=_actor())
    html = render_template(
        "plans/show.html",
        page=page,
        plan=page.plan,
        status_labels=STATUS_LABELS,
        period_status_labels=PERIOD_STATUS_LABELS,
        authority_lines=AUTHORITY_LINES,
        format_number=ed.format_number,
        approval_errors=approval_errors or {},
        approval_values=approval_values or {"comment_unit_ids": [], "comment_deadline": ""},
    )
    return html, status


@bp.get("/<int:plan_id>")
@login_required
def show(plan_id: int) -> tuple[str, int]:
    """Show a plan like the official document, with its periods, its tree and the user's actions."""
    return _show(plan_id)


@bp.post("/<int:plan_id>/trinh-duyet")
@login_required
def submit(plan_id: int) -> Response | tuple[str, int]:
    """Start the draft's approval, with an optional round of comments from named units."""
    engine = get_engine()
    engine.plan_page(plan_id, actor=_actor())  # another unit's draft is not found, not forbidden
    unit_ids = [int(v) for v in request.form.getlist("comment_unit_ids") if v.isdigit()]
    deadline_text = request.form.get("comment_deadline", "").strip()
    values = {"comment_unit_ids": unit_ids, "comment_deadline": deadline_text}
    deadline = ed.parse_day(deadline_text) if deadline_text else None
    if deadline_text and deadline is None:
        errors = {"comment_deadline": [_("Ngày không hợp lệ (dd/mm/yyyy).")]}
        return _show(plan_id, approval_errors=errors, approval_values=values, status=422)
    try:
        engine.submit_plan_for_approval(
            plan_id, comment_unit_ids=unit_ids, comment_deadline=deadline, actor=_actor()
        )
    except InvalidSubmission as exc:
        errors = dict(exc.field_errors) or {"": [exc.message]}
        return _show(plan_id, approval_errors=errors, approval_values=values, status=422)
    flash(_("Đã trình phê duyệt kế hoạch."))
    return redirect(url_for("plans.show", plan_id=plan_id))


# -- the draft editor -----------------------------------------------------------------------------


def _editor_page(
    editor: ed.Editor,
    choices: list[UnitChoice],
    *,
    plan_id: int | None,
    errors: dict[str, list[str]] | None = None,
    status: int = 200,
    plan_status: str = "draft",
    issuing_name: str = "",
    focal_name: str = "",
) -> tuple[str, int]:
    errors = errors or {}
    if not editor.sections:  # everything was empty: offer a first row again
        editor.sections.append(ed.Section(code="I", rows=[ed.Row()]))
    placed = editor.field_names()
    parents = [
        p for p in get_engine().list_plans(actor=_actor(), status="issued", limit=500) if p.id != plan_id
    ]
    html = render_template(
        "plans/edit.html",
        editor=editor,
        errors=errors,
        unplaced=[m for key, messages in errors.items() if key not in placed for m in messages],
        choices=choices,
        unit_choices=[c for c in choices if c.kind == "unit"],
        drafting=[c for c in choices if c.kind == "unit" and c.may_draft],
        parents=parents,
        plan_id=plan_id,
        plan_status=plan_status,
        status_labels=STATUS_LABELS,
        issuing_name=issuing_name,
        focal_name=focal_name,
        roles=(("lead", _("Đơn vị chủ trì")), ("coordinating", _("Đơn vị phối hợp"))),
    )
    return html, status


def _rename(errors: dict[str, list[str]]) -> dict[str, list[str]]:
    """Show the engine's unit-id errors on the fields the page draws for them."""
    return {("issuing_unit" if key == "issuing_unit_id" else key): value for key, value in errors.items()}


@bp.route("/moi", methods=["GET", "POST"])
@login_required
def create() -> Response | tuple[str, int]:
    """Draft a new plan: the header, the task table and the targets, saved together."""
    engine = get_engine()
    choices = engine.unit_choices(actor=_actor())
    drafting = [c for c in choices if c.kind == "unit" and c.may_draft]
    if not drafting:
        raise NotPermitted(_("Chỉ cán bộ đầu mối và lãnh đạo đơn vị được soạn kế hoạch."))
    if request.method == "GET":
        first = drafting[0]
        parent = next((c for c in choices if c.kind == "unit" and c.id == first.parent_id), first)
        editor = ed.blank_editor(
            year=engine.today().year, issuing_unit=parent.label, focal_unit_id=str(first.id)
        )
        return _editor_page(editor, choices, plan_id=None)
    editor = ed.parse(request.form)
    op = request.form.get("op", "save")
    if op != "save":
        ed.apply(editor, op)
        return _editor_page(editor, choices, plan_id=None)
    ed.compact(editor)
    draft, errors = ed.to_input(editor, ed.resolver(choices))
    issuing = ed.resolver(choices, units_only=True)(editor.header.get("issuing_unit", ""))
    if isinstance(issuing, str):
        errors["issuing_unit"] = [issuing]
    focal_id = _int(editor.header.get("focal_unit_id"))
    if focal_id not in {c.id for c in drafting}:
        errors["focal_unit_id"] = [_("Hãy chọn đơn vị đầu mối soạn kế hoạch.")]
    issuing_id = None if isinstance(issuing, str) else issuing.unit_id
    if errors:
        found = engine.check_plan_draft(
            draft, actor=_actor(), issuing_unit_id=issuing_id, focal_unit_id=focal_id
        )
        return _editor_page(editor, choices, plan_id=None, errors={**_rename(found), **errors}, status=422)
    assert issuing_id is not None  # noqa: S101 - resolved above
    assert focal_id is not None  # noqa: S101 - checked above
    try:
        plan = engine.create_draft_plan(
            draft, issuing_unit_id=issuing_id, focal_unit_id=focal_id, actor=_actor()
        )
    except InvalidSubmission as exc:
        return _editor_page(editor, choices, plan_id=None, errors=_rename(exc.field_errors), status=422)
    except NotPermitted as exc:
        return _editor_page(editor, choices, plan_id=None, errors={"issuing_unit": [exc.message]}, status=403)
    flash(_("Đã tạo dự thảo kế hoạch."))
    return redirect(url_for("plans.show", plan_id=plan.id))


@bp.route("/<int:plan_id>/sua", methods=["GET", "POST"])
@login_required
def edit(plan_id: int) -> Response | tuple[str, int]:
    """Edit a draft: header, the task table (add, remove and move rows) and the targets."""
    engine = get_engine()
    draft = engine.plan_draft(plan_id, actor=_actor())
    choices = engine.unit_choices(actor=_actor())
    labels = {(c.kind, c.id): c.label for c in choices}
    page: dict[str, Any] = {
        "plan_id": plan_id,
        "plan_status": draft.status,
        "issuing_name": labels.get(("unit", draft.issuing_unit_id), ""),
        "focal_name": labels.get(("unit", draft.focal_unit_id), ""),
    }
    if request.method == "GET":
        return _editor_page(ed.from_draft(draft, labels), choices, **page)
    editor = ed.parse(request.form)
    op = request.form.get("op", "save")
    if op != "save":
        ed.apply(editor, op)
        return _editor_page(editor, choices, **page)
    ed.compact(editor)
    content, errors = ed.to_input(editor, ed.resolver(choices))
    if errors:
        found = engine.check_plan_draft(content, actor=_actor(), plan_id=plan_id)
        return _editor_page(editor, choices, errors={**found, **errors}, status=422, **page)
    try:
        engine.update_draft_plan(plan_id, content, actor=_actor())
    except InvalidSubmission as exc:
        return _editor_page(editor, choices, errors=exc.field_errors, status=422, **page)
    except NotPermitted as exc:  # locked meanwhile (submitted by a colleague): keep what was typed
        return _editor_page(editor, choices, errors={"": [exc.message]}, status=403, **page)
    flash(_("Đã lưu dự thảo kế hoạch."))
    return redirect(url_for("plans.show", plan_id=plan_id))


# -- opening a reporting period -------------------------------------------------------------------


def _period_page(
    plan_id: int, values: dict[str, str], errors: dict[str, list[str]], status: int
) -> tuple[str, int]:
    page = get_engine().plan_page(plan_id, actor=_actor())
    if not page.may_open_period:
        if page.plan.status != "issued":
            raise NotPermitted(_("Chỉ mở kỳ báo cáo cho kế hoạch đã ban hành."))
        raise NotPermitted(_("Chỉ cán bộ đầu mối của đơn vị đầu mối được mở kỳ báo cáo."))
    html = render_template(
        "plans/open_period.html",
        page=page,
        plan=page.plan,
        values=values,
        errors=errors,
        unplaced=[m for key, messages in errors.items() if key not in PERIOD_FIELDS for m in messages],
    )
    return html, status


@bp.route("/<int:plan_id>/mo-ky-bao-cao", methods=["GET", "POST"])
@login_required
def open_period(plan_id: int) -> Response | tuple[str, int]:
    """Open a reporting period on an issued plan, as a background job the user can follow."""
    engine = get_engine()
    if request.method == "GET":
        this_year = engine.today().year
        values = dict.fromkeys(PERIOD_FIELDS, "")
        values.update(label=f"Năm {this_year}", year=str(this_year))  # data, kept in Vietnamese
        return _period_page(plan_id, values, {}, 200)
    values = {name: request.form.get(name, "").strip() for name in PERIOD_FIELDS}
    errors: dict[str, list[str]] = {}
    year = _int(values["year"])
    if year is None:
        errors["year"] = [_("Năm không hợp lệ.")]
    days = {name: ed.parse_day(values[name]) for name in ("data_cutoff", "unit_deadline", "focal_deadline")}
    for name, day in days.items():
        if day is None:
            errors[name] = [
                _("Ngày không hợp lệ (dd/mm/yyyy).") if values[name] else _("Trường này là bắt buộc.")
            ]
    if not values["label"]:
        errors["label"] = [_("Trường này là bắt buộc.")]
    cutoff, unit_deadline, focal_deadline = days["data_cutoff"], days["unit_deadline"], days["focal_deadline"]
    if errors or year is None or cutoff is None or unit_deadline is None or focal_deadline is None:
        return _period_page(plan_id, values, errors, 422)
    try:
        job = engine.queue_open_period(
            plan_id,
            label=values["label"],
            year=year,
            data_cutoff=cutoff,
            unit_deadline=unit_deadline,
            focal_deadline=focal_deadline,
            actor=_actor(),
        )
    except InvalidSubmission as exc:
        return _period_page(plan_id, values, exc.field_errors, 422)
    return redirect(url_for("plans.job", job_id=job.id, ke_hoach=plan_id))


@bp.get("/jobs/<int:job_id>")
@login_required
def job(job_id: int) -> str:
    """Follow a background job; the page reloads itself until the job has finished."""
    info = get_engine().get_job(job_id, actor=_actor())
    period_id = None
    if info.status == "done" and info.kind == "open_period" and info.result:
        period_id = info.result.get("id")
    return render_template(
        "plans/job.html",
        job=info,
        plan_id=_int(request.args.get("ke_hoach")),
        period_id=period_id,
        refresh=info.status in ("queued", "running"),
        job_status_labels=JOB_STATUS_LABELS,
    )
