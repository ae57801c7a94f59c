"""Login and logout."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import login_required, login_user, logout_user
from werkzeug.wrappers import Response

from engine import NotPermitted
from web.extensions import CurrentUser, get_engine

bp = Blueprint("auth", __name__, url_prefix="/auth")


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response:
    """Show the login form; sign in on a correct login and password."""
    error = None
    login_name = request.form.get("login", "")
    if request.method == "POST":
        try:
            user = get_engine().authenticate(login_name, request.form.get("password", ""))
        except NotPermitted as exc:
            error = exc.message
        else:
            login_user(CurrentUser(user))
            return redirect(url_for("index"))
    return render_template("auth/login.html", error=error, login_name=login_name)


@bp.post("/logout")
@login_required
def logout() -> Response:
    """Sign out."""
    logout_user()
    return redirect(url_for("auth.login"))
