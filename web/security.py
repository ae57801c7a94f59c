"""Response headers every page carries: a strict content security policy and friends.

The policy allows nothing inline: styles and scripts come from ``/static`` only, so templates
use classes (never ``style=""``) and scripts live in ``web/static/*.js``.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.wrappers import Response

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
# The modeler page only: bpmn-js draws some icons from markup carrying style attributes, so that
# page allows inline style *attributes* (never <style> elements, never inline script).
MODELER_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY + "; style-src-attr 'unsafe-inline'"

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def add_security_headers(response: Response) -> Response:
    """Set the headers unless a view chose its own (a download may, for instance)."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def init_security(app: Flask) -> None:
    """Register the headers on every response of ``app``."""
    app.after_request(add_security_headers)
