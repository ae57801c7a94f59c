"""Login and logout."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_login import login_required, login_user, logout_user
from werkzeug.wrappers import Response

from engine import NotPermitted, TooManyAttempts
from web.extensions import CurrentUser, get_engine

bp = Blueprint("auth", __name__, url_prefix="/auth")


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response | tuple[str, int, dict[str, str]]:
    """Show the login form; sign in on a correct login and password.

    Failed attempts are counted per login and per client address; past the limit the page
    answers 429 with ``Retry-After`` and the password is not checked.
    """
    error = None
    login_name = request.form.get("login", "")
    if request.method == "POST":
        try:
            user = get_engine().authenticate(
                login_name, request.form.get("password", ""), client=request.remote_addr
            )
        except TooManyAttempts as exc:
            page = render_template("auth/login.html", error=exc.message, login_name=login_name)
            return page, 429, {"Retry-After": str(exc.retry_after_s)}
        except NotPermitted as exc:
            error = exc.message
        else:
            language = session.get("lang")
            session.clear()  # a fresh session for the signed-in user (no fixation)
            if language:
                session["lang"] = language
            login_user(CurrentUser(user))
            return redirect(url_for("index"))
    return render_template("auth/login.html", error=error, login_name=login_name)


@bp.post("/logout")
@login_required
def logout() -> Response:
    """Sign out."""
    logout_user()
    return redirect(url_for("auth.login"))
