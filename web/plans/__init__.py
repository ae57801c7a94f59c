"""Plans: list, detail, the draft editor with its task table, approval and opening a period."""

from web.plans import imports, views
from web.plans.views import bp

__all__ = ["bp", "imports", "views"]
