"""Process pages for administrators: versions, the BPMN modeler, imports, diffs and migration."""

from web.processes import views
from web.processes.views import bp

__all__ = ["bp", "views"]
