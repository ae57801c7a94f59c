"""The JSON API under ``/api/v1``, described by ``/api/v1/openapi.json``."""

from web.api import views
from web.api.views import bp

__all__ = ["bp", "views"]
