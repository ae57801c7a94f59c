"""The inbox: open items the signed-in user may act on."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from web.extensions import get_engine

bp = Blueprint("inbox", __name__, url_prefix="/inbox")


@bp.get("/")
@login_required
def index() -> str:
    """List the user's open items, earliest deadline first."""
    tasks = get_engine().list_inbox(actor=current_user.info.id)
    return render_template("inbox/index.html", tasks=tasks)
