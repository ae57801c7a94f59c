"""Form definitions for administrators: the list, the YAML editor with a live preview, versions, new forms.

The preview draws the form with the task page's own macros (``_form_fields.html``), so what the
administrator sees is what a task will show. It is live with ``forms_editor.js`` (the text is
posted to ``/bieu-mau/<key>/xem-truoc`` a moment after typing stops, and the fragment replaces
the panel) and works without JavaScript: "Xem trước" posts the page, which comes back with the
preview and the text as typed. Saving makes a new version; a refused text stays in the editor.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

import forms
from engine import FormDiff, FormPreview, FormSource, InvalidSubmission, NotFound, StaleTask
from engine.task_page_results import RowChoice
from web.extensions import get_engine
from web.tasks import lists

bp = Blueprint("forms_admin", __name__, url_prefix="/bieu-mau")

#: ``/bieu-mau/moi`` is the page for a new form, so no form may be called that.
RESERVED_KEYS = frozenset({"moi"})
ASPECT_LABELS = {
    "label": _l("nhãn"),
    "label_en": _l("nhãn tiếng Anh"),
    "widget": _l("kiểu hiển thị"),
    "required": _l("bắt buộc"),
    "type": _l("kiểu dữ liệu"),
    "choices": _l("các lựa chọn"),
    "help": _l("hướng dẫn"),
    "columns": _l("các cột"),
    "hints": _l("gợi ý hiển thị"),
    "schema": _l("ràng buộc"),
    "position": _l("vị trí"),
}
STARTER = """\
key: {key}
title: {{vi: "Tên biểu mẫu", en: "Form title"}}
schema:
  type: object
  required: [content]
  properties:
    content:
      type: string
      title: "Nội dung"
      maxLength: 5000
layout:
  - {{field: content, widget: textarea, rows: 4, label_en: "Content"}}
"""


def _actor() -> int:
    user_id: int = current_user.info.id
    return user_id


def _sample_rows() -> dict[str, tuple[RowChoice, ...]]:
    """Rows the preview shows in list fields whose rows come from the plan (a task shows the real ones)."""
    return {
        "plan_tasks": (
            RowChoice(1, "I.1", _("Nhiệm vụ mẫu thứ nhất của kế hoạch"), _("Thường xuyên")),
            RowChoice(2, "I.2", _("Nhiệm vụ mẫu thứ hai của kế hoạch"), _("Quý IV")),
        ),
        "plan_targets": (RowChoice(1, "1", _("Chỉ tiêu mẫu của kế hoạch"), "100 %"),),
    }


def _preview_context(preview: FormPreview) -> dict[str, Any]:
    """Return what ``_form_fields.html`` needs to draw the previewed form as the task page does."""
    definition = preview.definition
    return {
        "preview": preview,
        "form": definition,
        "fields": [f for f in definition.fields if f.widget in lists.SIMPLE_WIDGETS or f.table]
        if definition
        else [],
        "tables": lists.tables(definition, {}, {}, _sample_rows()) if definition else {},
        "values": {},
        "errors": {},
        "as_choice": forms.choice_value,
        "may_act": True,
    }


def _editor(
    *,
    key: str,
    text: str,
    preview: FormPreview,
    source: FormSource | None = None,
    based_on: int = 0,
    new: bool = False,
    key_errors: list[str] | None = None,
    problem: str | None = None,
    diff: FormDiff | None = None,
    status: int = 200,
) -> tuple[str, int]:
    """Draw the editor: an existing form's (``source``) or a new one's (``new``, ``key`` as typed)."""
    html = render_template(
        "forms_admin/edit.html",
        key=key,
        new=new,
        text=text,
        source=source,
        based_on=based_on,
        key_errors=key_errors or [],
        problem=problem,
        diff=diff,
        aspect_labels=ASPECT_LABELS,
        preview_url=url_for("forms_admin.preview_new") if new else url_for("forms_admin.preview", key=key),
        **_preview_context(preview),
    )
    return html, status


# -- the list ---------------------------------------------------------------------------------


@bp.get("/")
@login_required
def index() -> str:
    """List every form: shipped files and saved ones, with their newest version."""
    return render_template("forms_admin/index.html", forms=get_engine().list_form_definitions(actor=_actor()))


# -- a new form -------------------------------------------------------------------------------


@bp.get("/moi")
@login_required
def new() -> tuple[str, int]:
    """Show an empty editor with a starter definition (``?key=`` fills the key in)."""
    key = request.args.get("key", "").strip()
    key = key if forms.KEY_PATTERN.fullmatch(key) and key not in RESERVED_KEYS else ""
    text = STARTER.format(key=key or "ten_bieu_mau")
    return _editor(key=key, text=text, preview=get_engine().preview_form(text, actor=_actor()), new=True)


@bp.post("/moi")
@login_required
def create() -> Response | tuple[str, int]:
    """Preview or save a new form under the key typed; a refused key or text stays on the page."""
    engine = get_engine()
    key = request.form.get("key", "").strip()
    text = request.form.get("source", "")
    preview = engine.preview_form(text, actor=_actor(), key=key or None)
    if request.form.get("action") == "preview":
        return _editor(key=key, text=text, preview=preview, new=True)
    if key in RESERVED_KEYS:
        message = _("Mã «%(key)s» được dành riêng; hãy chọn mã khác.", key=key)
        return _editor(key=key, text=text, preview=preview, new=True, key_errors=[message], status=422)
    try:
        saved = engine.save_form(key, text, actor=_actor(), create=True)
    except InvalidSubmission as exc:
        refused = _refused(preview, exc)
        return _editor(
            key=key, text=text, preview=refused, new=True, key_errors=exc.field_errors.get("key"), status=422
        )
    flash(_("Đã lưu phiên bản %(version)s của biểu mẫu «%(key)s».", version=saved.version, key=key))
    return redirect(url_for("forms_admin.edit", key=key))


@bp.post("/moi/xem-truoc")
@login_required
def preview_new() -> tuple[str, int]:
    """Return the preview fragment of a new form's text (for ``forms_editor.js``)."""
    return _fragment(get_engine().preview_form(request.form.get("source", ""), actor=_actor()))


# -- one form ---------------------------------------------------------------------------------


@bp.get("/<key>")
@login_required
def edit(key: str) -> tuple[str, int]:
    """Show a form's YAML (newest version, or ``?version=N``), its versions and its preview."""
    engine = get_engine()
    version = request.args.get("version", type=int)
    source = engine.form_source(key, actor=_actor(), version=version)
    preview = engine.preview_form(source.text, actor=_actor(), key=key)
    return _editor(
        key=key,
        text=source.text,
        preview=preview,
        source=source,
        based_on=source.latest_version or 0,
        diff=_diff_before(key, source),
    )


def _diff_before(key: str, source: FormSource) -> FormDiff | None:
    """Compare the version shown with the one before it (the shipped file before version 1, if any)."""
    if not source.version:
        return None
    try:
        return get_engine().diff_form_versions(key, source.version - 1, source.version, actor=_actor())
    except NotFound:
        return None  # version 1 of a form that has no shipped file


@bp.post("/<key>")
@login_required
def save(key: str) -> Response | tuple[str, int]:
    """Save the text as the next version, or (``action=preview``) show its preview; nothing typed is lost."""
    engine = get_engine()
    text = request.form.get("source", "")
    based_on = request.form.get("based_on", type=int)
    source = engine.form_source(key, actor=_actor())
    preview = engine.preview_form(text, actor=_actor(), key=key)
    page = {"key": key, "text": text, "source": source, "based_on": based_on or 0}
    if request.form.get("action") == "preview":
        return _editor(**page, preview=preview)
    try:
        saved = engine.save_form(key, text, actor=_actor(), based_on=based_on)
    except InvalidSubmission as exc:
        return _editor(**page, preview=_refused(preview, exc), status=422)
    except StaleTask as exc:
        return _editor(**page, preview=preview, problem=exc.message, status=409)
    if saved.is_new:
        flash(_("Đã lưu phiên bản %(version)s.", version=saved.version))
    else:
        flash(_("Không có thay đổi: phiên bản %(version)s vẫn là bản mới nhất.", version=saved.version))
    return redirect(url_for("forms_admin.edit", key=key))


@bp.post("/<key>/xem-truoc")
@login_required
def preview(key: str) -> tuple[str, int]:
    """Return the preview fragment of the posted text: the form as a task shows it, or the errors."""
    return _fragment(get_engine().preview_form(request.form.get("source", ""), actor=_actor(), key=key))


def _fragment(preview: FormPreview) -> tuple[str, int]:
    return render_template("forms_admin/_preview.html", **_preview_context(preview)), 200


def _refused(preview: FormPreview, error: InvalidSubmission) -> FormPreview:
    """Return the preview shown beside a refused save: the engine's reasons about the text, if any."""
    reasons = tuple(error.field_errors.get("source", ()))
    if reasons:
        return FormPreview(definition=None, errors=reasons)
    if "key" in error.field_errors:
        return preview
    return FormPreview(definition=None, errors=(error.message,))
