"""Door methods for the inbox: views, search, sort, counts and saved filters."""

from __future__ import annotations

from engine.service_base import EngineBase


class InboxMethods(EngineBase):
    """Mixed into ``WorkflowEngine``."""
