"""Documents PlanCycle produced (reminder letters now; PDFs with the documents work)."""

from web.documents import views
from web.documents.views import bp

__all__ = ["bp", "views"]
