"""Notifications: the list, marking read, and how each user wants mail."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from engine import InvalidSubmission
from web.extensions import get_engine

bp = Blueprint("notifications", __name__, url_prefix="/thong-bao")

MAIL_MODES = (
    ("immediate", "Gửi thư ngay khi có thông báo", "Mail at once"),
    ("digest", "Một thư tổng hợp mỗi ngày", "One daily digest"),
    ("none", "Không gửi thư, chỉ xem trong ứng dụng", "No mail, in the app only"),
)


@bp.get("/")
@login_required
def index() -> str:
    """List the user's notifications, newest first; unread ones stand out."""
    unread_only = request.args.get("chua-doc") == "1"
    notes = get_engine().list_notifications(actor=current_user.info.id, unread_only=unread_only, limit=100)
    return render_template("notifications/index.html", notes=notes, unread_only=unread_only)


@bp.post("/da-doc")
@login_required
def mark_read() -> Response:
    """Mark one notification (``id``) or all of them read."""
    raw = request.form.get("id")
    ids = [int(raw)] if raw and raw.isdigit() else None
    get_engine().mark_notifications_read(actor=current_user.info.id, ids=ids)
    return redirect(url_for("notifications.index"))


@bp.route("/cai-dat-thu", methods=["GET", "POST"])
@login_required
def mail_settings() -> str | Response:
    """Show and save where and how the user receives mail."""
    engine = get_engine()
    user_id = current_user.info.id
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        email = request.form.get("email", "").strip()
        mode = request.form.get("mail_mode", "")
        try:
            engine.set_mail_settings(user_id, email=email, mail_mode=mode, actor=user_id)
        except InvalidSubmission as exc:
            errors = exc.field_errors or {"": [exc.message]}
        else:
            flash("Đã lưu cài đặt thư (mail settings saved).")
            return redirect(url_for("notifications.mail_settings"))
        values = {"email": email, "mail_mode": mode}
    else:
        current = engine.get_mail_settings(user_id, actor=user_id)
        values = {"email": current.email or "", "mail_mode": current.mail_mode}
    return render_template("notifications/mail_settings.html", values=values, errors=errors, modes=MAIL_MODES)
