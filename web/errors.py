"""Engine errors mapped to HTTP once."""

from __future__ import annotations

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import RequestEntityTooLarge

from engine import EngineError, InvalidSubmission, NotFound, NotPermitted, StaleTask

STATUS = ((NotFound, 404), (NotPermitted, 403), (StaleTask, 409), (InvalidSubmission, 422))


def status_for(error: EngineError) -> int:
    """Return the HTTP status for an engine error."""
    for kind, status in STATUS:
        if isinstance(error, kind):
            return status
    return 400


def register_error_handlers(app: Flask) -> None:
    """Render engine errors as pages with their Vietnamese message."""

    @app.errorhandler(CSRFError)
    def _csrf_error(_error: CSRFError) -> tuple[str, int]:
        message = (
            "Biểu mẫu đã hết hạn hoặc không hợp lệ; vui lòng tải lại trang và thử lại "
            "(the form expired or is invalid; reload the page and try again)."
        )
        return render_template("error.html", message=message, status=400), 400

    @app.errorhandler(RequestEntityTooLarge)
    def _too_large(_error: RequestEntityTooLarge) -> tuple[str, int]:
        message = "Dữ liệu gửi lên quá lớn (request too large)."
        return render_template("error.html", message=message, status=413), 413

    @app.errorhandler(EngineError)
    def _engine_error(error: EngineError) -> tuple[str, int]:
        status = status_for(error)
        return render_template("error.html", message=error.message, status=status), status
