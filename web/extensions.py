"""Extensions created unbound and bound in ``create_app``."""

from __future__ import annotations

from typing import Any

from flask import current_app, g
from flask_login import LoginManager, UserMixin, current_user
from flask_wtf.csrf import CSRFProtect

from engine import EngineError, UserInfo, WorkflowEngine

csrf = CSRFProtect()
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Vui lòng đăng nhập để tiếp tục."


class CurrentUser(UserMixin):  # type: ignore[misc]
    """flask-login's view of an engine user."""

    def __init__(self, info: UserInfo) -> None:
        self.info = info
        self.id = info.id

    def get_id(self) -> str:
        """Return the id flask-login keeps in the session."""
        return str(self.info.id)


def get_engine() -> WorkflowEngine:
    """Return the engine bound to the current app."""
    engine: WorkflowEngine = current_app.extensions["plancycle_engine"]
    return engine


@login_manager.user_loader
def load_user(user_id: str) -> CurrentUser | None:
    """Load the signed-in user through the engine; ``None`` signs them out."""
    try:
        info = get_engine().get_user(int(user_id), actor=int(user_id))
    except (EngineError, ValueError):
        return None
    return CurrentUser(info) if info.is_active else None


def is_admin(info: UserInfo) -> bool:
    """Tell whether the user holds the administrator role anywhere (the engine checks again)."""
    return any(role == "admin" for _unit, role in info.roles)


def nav_counts() -> dict[str, Any]:
    """Give every page the signed-in user's unread notifications and open inbox items (for the navigation).

    The inbox page counts its tabs anyway and leaves them in ``g.inbox_counts``: reuse them.
    """
    if not current_user.is_authenticated:
        return {"unread_count": 0, "inbox_count": 0, "is_admin": False}
    engine = get_engine()
    actor = current_user.info.id
    counts = g.get("inbox_counts") or engine.inbox_counts(actor=actor)
    return {
        "unread_count": engine.unread_count(actor=actor),
        "inbox_count": counts["open"],
        "is_admin": is_admin(current_user.info),
    }
