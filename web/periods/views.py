"""Period pages."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("periods", __name__, url_prefix="/periods")
