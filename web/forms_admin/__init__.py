"""Form definitions for administrators: list, YAML editor with a live preview, versions."""

from web.forms_admin import views
from web.forms_admin.views import bp

__all__ = ["bp", "views"]
