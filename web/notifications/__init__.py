"""Notifications and the user's mail settings."""

from web.notifications import views
from web.notifications.views import bp

__all__ = ["bp", "views"]
