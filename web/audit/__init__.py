"""The audit trail of a plan and of a period: filterable, exportable."""

from web.audit import views
from web.audit.views import bp

__all__ = ["bp", "views"]
