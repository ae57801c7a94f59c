"""Reporting periods: the focal unit's dashboard, a unit's report, the leader's view, the audit trail."""

from web.periods import exports, views
from web.periods.views import bp

__all__ = ["bp", "exports", "views"]
