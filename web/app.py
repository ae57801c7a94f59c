"""The Flask application factory."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask

from engine import Settings, WorkflowEngine, build_engine
from web import (
    api,
    audit,
    auth,
    documents,
    forms_admin,
    inbox,
    notifications,
    periods,
    plans,
    processes,
    tasks,
)
from web.errors import register_error_handlers
from web.extensions import csrf, login_manager, nav_counts
from web.i18n import init_i18n
from web.security import init_security

BLUEPRINTS = (
    auth.bp,
    inbox.bp,
    notifications.bp,
    tasks.bp,
    plans.bp,
    periods.bp,
    audit.bp,
    documents.bp,
    processes.bp,
    forms_admin.bp,
    api.bp,
)


def create_app(config: Mapping[str, Any] | None = None, *, engine: WorkflowEngine | None = None) -> Flask:
    """Build the app: defaults, then the environment, then ``config``; one engine per app."""
    app = Flask(__name__)
    settings = Settings.from_env()
    app.config.update(
        SECRET_KEY=settings.secret_key,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        # The largest attachment plus room for the rest of the form; larger bodies get 413.
        MAX_CONTENT_LENGTH=settings.attachment_max_bytes + 1024 * 1024,
    )
    if config:
        app.config.update(config)
    app.extensions["plancycle_engine"] = engine or build_engine(settings)
    zone = ZoneInfo(settings.timezone)
    app.add_template_filter(lambda moment: format_vn_date(moment, zone), "vn_date")
    app.add_template_filter(format_vn_day, "vn_day")
    login_manager.init_app(app)
    csrf.init_app(app)  # every POST, PUT, PATCH and DELETE needs the session's token
    csrf.exempt(api.bp)  # the API authenticates each request by its bearer token, not a cookie
    init_i18n(app)
    init_security(app)
    app.context_processor(nav_counts)
    register_error_handlers(app)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    app.add_url_rule("/", "index", inbox.views.index)
    app.add_url_rule("/healthz", "healthz", lambda: {"status": "ok"})
    return app


def format_vn_date(moment: datetime, zone: ZoneInfo) -> str:
    """dd/mm/yyyy HH:MM in the local time zone (Asia/Ho_Chi_Minh by default)."""
    return moment.astimezone(zone).strftime("%d/%m/%Y %H:%M")


def format_vn_day(value: object) -> str:
    """dd/mm/yyyy for a date or an ISO date string (as form values hold them); other text as is."""
    text = str(value)
    try:
        return date.fromisoformat(text[:10]).strftime("%d/%m/%Y")
    except ValueError:
        return text
