"""The task page: an item's form, its history and the actions its step allows."""

from web.tasks import views
from web.tasks.views import bp

__all__ = ["bp", "views"]
