"""Plan pages."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("plans", __name__, url_prefix="/ke-hoach")
