"""Door methods for the task page beyond the workflow core: drafts and attachments."""

from __future__ import annotations

from engine.service_base import EngineBase


class TaskPageMethods(EngineBase):
    """Mixed into ``WorkflowEngine``."""
